"""The internal links of a document's body, each with its exact line and column.

Found the way the site finds them (generator/site/sanitize.py keeps `a href` and `img src` of the HTML
mkdocs makes of a body): Markdown links and images, reference definitions, and `<a href>` / `<img src>`
in raw HTML, even when a tag spans lines; nothing inside code (fenced, indented, or a code span).
Python-Markdown keeps no positions, hence this scanner; the build's own check after mkdocs stays as a
backstop. Pure functions over text: `validate` turns what they find into positioned diagnostics.
"""

from __future__ import annotations

import html
import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_LIST_ITEM = re.compile(r"^\s*(?:[-*+]|[0-9]+[.)])\s")
_CODE_SPAN = re.compile(r"(`+)(?!`)(.+?)(?<!`)\1(?!`)", re.DOTALL)
_COMMENT = re.compile(r"<!--.*?(?:-->|\Z)", re.DOTALL)
_INLINE = re.compile(r"\]\(\s*(<[^>\n]*>|[^\s()<>]*(?:\([^\s()]*\)[^\s()<>]*)*)")
_REFERENCE = re.compile(r"^ {0,3}\[[^\]\n]+\]:[ \t]*(<[^>\n]*>|\S+)", re.MULTILINE)
_TAG = re.compile(r"<(a|img)\b([^>]*)>", re.IGNORECASE)
_ATTRIBUTE = re.compile(r"""\b(href|src)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""", re.IGNORECASE)
_WANTED = {"a": "href", "img": "src"}


@dataclass(frozen=True)
class BodyLink:
    """A relative link as written, where it is (0-based line of the body, 1-based column), and the
    docs-tree path it leads to from `page` (None when it leads outside the site)."""

    line: int
    column: int
    written: str
    target: str | None


def body_links(body: str, page: str) -> list[BodyLink]:
    """The relative links of a body found at docs-tree path `page` (reviews/tr-0001-x.md), in order."""
    if "](" not in body and "]:" not in body and "<" not in body:
        return []  # most bodies link nothing: no scan at all
    text = _without_code(body)
    found: list[tuple[int, str]] = []
    for match in _INLINE.finditer(text):
        found.append((match.start(1), match.group(1)))
    for match in _REFERENCE.finditer(text):
        found.append((match.start(1), match.group(1)))
    for tag in _TAG.finditer(text):
        wanted = _WANTED[tag.group(1).lower()]
        for attribute in _ATTRIBUTE.finditer(tag.group(2)):
            if attribute.group(1).lower() == wanted:
                group = next(g for g in (2, 3, 4) if attribute.group(g) is not None)
                found.append((tag.start(2) + attribute.start(group), attribute.group(group)))
    links = []
    for offset, raw in sorted(found):
        angled = raw.startswith("<") and raw.endswith(">")
        written = html.unescape(raw[1:-1] if angled else raw)
        if not _internal(written):
            continue
        offset += angled  # at the path, not at its bracket
        line = text.count("\n", 0, offset)
        column = offset - (text.rfind("\n", 0, offset) + 1) + 1
        links.append(BodyLink(line, column, written, resolve(page, written)))
    return links


def resolve(page: str, written: str) -> str | None:
    """The docs-tree path a relative link of `page` leads to (as the site resolves it), or None when
    it climbs out of the site."""
    path = unquote(urlsplit(written).path)
    # As generator/site/sanitize.py `_rewrite` resolves it, so both checks agree on every link.
    target = posixpath.normpath(posixpath.join(posixpath.dirname(page), path))
    if target == ".." or target.startswith("../") or target.startswith("/"):
        return None
    return target


def goes_nowhere(target: str, exists: Callable[[str], bool]) -> bool:
    """Whether a resolved docs-tree link target is neither a file of the site nor a page's `.html`."""
    if not target or exists(target):
        return False
    if target.endswith(".html") and exists(target[:-5] + ".md"):
        return False
    return not (target.endswith("/") and exists(posixpath.join(target, "index.md")))


# What the site generates besides the documents and their files (generator/site/render.py): a body may
# link these; the build checks them once they exist (tests/site pins this list against a built site).
GENERATED_FOLDERS = ("people/", "dashboards/", "tags/", "exports/", "handbook/", "assets/")
GENERATED_FILES = frozenset({"index.md", "feed.xml", "reviews/index.md", "accounts/index.md",
                             "reviews/index.json", "accounts/index.json"})  # fmt: skip
_PAGED_LIST = re.compile(r"(?:reviews|accounts)/index-page-[0-9]+\.md")


def generated(target: str) -> bool:
    if target in GENERATED_FILES or target.startswith(GENERATED_FOLDERS):
        return True
    return _PAGED_LIST.fullmatch(target) is not None


def _internal(written: str) -> bool:
    parts = urlsplit(written)
    return bool(parts.path) and not parts.scheme and not written.startswith("//")


def _without_code(body: str) -> str:
    """The body with every character of code blanked (newlines kept), so offsets stay where they are."""
    lines = body.split("\n")
    kept: list[str] = []
    fence = ""
    previous_blank = True
    in_list = False
    indented = False
    for line in lines:
        opened = _FENCE.match(line)
        if fence:
            if opened and opened.group(1)[0] == fence[0] and len(opened.group(1)) >= len(fence):
                fence = ""
            kept.append(" " * len(line))
            continue
        if opened:
            fence = opened.group(1)
            kept.append(" " * len(line))
            continue
        blank = not line.strip()
        code_line = line.startswith(("    ", "\t")) and not in_list and (previous_blank or indented)
        indented = code_line or (indented and blank)
        if code_line:
            kept.append(" " * len(line))
        else:
            kept.append(line)
            if not blank and not line.startswith((" ", "\t")):
                in_list = bool(_LIST_ITEM.match(line))
        previous_blank = blank
    text = "\n".join(kept)
    # An HTML comment never reaches the page (the sanitizer drops it): its links are not links.
    return _COMMENT.sub(_blanked, _CODE_SPAN.sub(_blanked, text))


def _blanked(found: re.Match[str]) -> str:
    return re.sub(r"[^\n]", " ", found.group())
