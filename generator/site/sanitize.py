"""Contributors' Markdown and front-matter text on their way into pages.

Bodies are untrusted. They reach the docs tree as Markdown after a marker (`body_markdown`), mkdocs
converts them once with the rest of the page, and the site's mkdocs hook (generator/site/hooks.py)
hands everything after the marker to `clean_body_html`: nh3 with an allow-list (tables, code, images,
anchors; http/https/mailto or relative URLs only), so no script, event handler, `javascript:` URL or
iframe survives. Relative links are rewritten to the built page names and collected, so the build can
fail on a link that goes nowhere.
"""

from __future__ import annotations

import html
import posixpath
import re
import threading
from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit

import nh3

_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "code", "dd", "del", "details", "div", "dl", "dt",
    "em", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd", "li", "ol", "p", "pre",
    "q", "s", "samp", "small", "span", "strong", "sub", "summary", "sup", "table", "tbody", "td",
    "tfoot", "th", "thead", "tr", "u", "ul",
}  # fmt: skip
_CELL = {"align", "colspan", "rowspan"}
_ATTRIBUTES = {
    "a": {"href", "title", "class"},
    "div": {"class"},
    "p": {"class"},
    "img": {"src", "alt", "title", "width", "height"},
    "th": _CELL,
    "td": _CELL,
    "ol": {"start"},
    **{f"h{level}": {"id"} for level in range(1, 7)},
}
_SCHEMES = {"http", "https", "mailto"}
# Classes mkdocs' own Markdown extensions put on a body (heading permalinks, admonitions): nothing else.
_CLASSES = {
    "a": {"headerlink"},
    "div": {"admonition", "note", "abstract", "info", "tip", "success", "question", "warning", "failure",
            "danger", "bug", "example", "quote"},
    "p": {"admonition-title"},
}  # fmt: skip
_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,80}$")
# Python-Markdown's placeholders and other C0 controls never belong in a document's text.
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~])")


@dataclass
class Fragment:
    """Safe HTML of one body, and the relative links it makes (as written, and as resolved)."""

    html: str
    links: list[tuple[str, str]] = field(default_factory=list)


def page_url(source: str) -> str:
    """The built page of a docs-tree Markdown file (the site uses plain `.html` URLs)."""
    return source[:-3] + ".html" if source.endswith(".md") else source


def link_problem(page: str, written: str, target: str, at: tuple[int, int] | None = None) -> str:
    source = f"site/{page}" if page.startswith("handbook/") else page
    where = f"{source}:{at[0]}:{at[1]}" if at else source
    return f"{where}: link '{written}' goes nowhere (no '{target}' in the site)"


def _rewrite(value: str, page: str, links: list[tuple[str, str]]) -> str | None:
    parts = urlsplit(value)
    if parts.scheme or value.startswith("//"):
        return value if parts.scheme.lower() in _SCHEMES else None
    if not parts.path:
        return value  # an anchor on the same page
    target = posixpath.normpath(posixpath.join(posixpath.dirname(page), unquote(parts.path)))
    links.append((value, target))
    path = page_url(parts.path)
    return (
        path + (f"?{parts.query}" if parts.query else "") + (f"#{parts.fragment}" if parts.fragment else "")
    )


def body_markdown(body: str) -> str:
    """A contributor's body as it goes into the docs tree: Markdown, minus the control characters
    Python-Markdown uses as placeholders (a body must not reach into the rest of the page's stash)."""
    return _CONTROLS.sub("", body).strip("\n") + "\n"


def clean_body_html(rendered: str, page: str) -> Fragment:
    """Sanitize the HTML mkdocs made of a body found at docs-tree path `page`."""
    return _BODY_CLEANER.clean(rendered, page)


class _BodyCleaner:
    """One nh3 cleaner for every body: made for each body, its allow-lists were converted again each
    time (a quarter of the cleaning). Its attribute filter reads the page being cleaned from here, so
    bodies are cleaned one at a time (a lock keeps serve's threads apart)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._page = ""
        self._links: list[tuple[str, str]] = []
        self._cleaner = nh3.Cleaner(
            tags=_TAGS,
            attributes=_ATTRIBUTES,
            url_schemes=_SCHEMES,
            attribute_filter=self._keep,
            link_rel="noopener noreferrer nofollow",
        )

    def clean(self, rendered: str, page: str) -> Fragment:
        with self._lock:
            self._page, self._links = page, []
            return Fragment(self._cleaner.clean(rendered), self._links)

    def _keep(self, tag: str, attribute: str, value: str) -> str | None:
        if attribute in ("href", "src"):
            return _rewrite(value, self._page, self._links)
        if attribute == "id":
            return value if _ID.fullmatch(value) else None
        if attribute == "class":
            allowed = _CLASSES.get(tag, set())
            kept = [name for name in value.split() if name in allowed]
            return " ".join(kept) or None
        return value


_BODY_CLEANER = _BodyCleaner()


def markdown_heading_text(text: str) -> str:
    """Front-matter text made inert inside a Markdown heading: no HTML, no Markdown syntax."""
    flat = " ".join(_CONTROLS.sub("", text).split())
    return html.escape(_MD_SPECIAL.sub(r"\\\1", flat), quote=False)


def web_url(url: str | None) -> str | None:
    """Only web and mail addresses become links (ledger and front-matter text is untrusted)."""
    if not url:
        return None
    scheme = urlsplit(url).scheme.lower()
    return url if scheme in ("http", "https", "mailto") and not re.search(r"\s", url) else None
