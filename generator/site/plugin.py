"""The site's mkdocs plugin: document bodies are sanitized once mkdocs has converted them.

`handbook build` and `serve` insert one `HandbookPlugin` object into the mkdocs configuration they
load (as they insert the progress plugin), and read what it found from that object: no state is kept
in module globals. A plain `mkdocs build` of the docs tree gets the same plugin through the tree's
hook file (generator/site/hooks.py), so every build of the tree cleans bodies the same way, and one
that cannot import it fails instead of publishing raw HTML.

Nothing is converted twice: a body's Markdown is converted by mkdocs with its page, and the HTML our
templates made is set aside before Markdown runs and put back after (Python-Markdown would only parse
it to pass it through). On a page as the templates write it, Markdown is given only the title line and
the body, without the markers around the page's own HTML: they cost a tenth of a document's conversion.
"""

from __future__ import annotations

import json
import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from markupsafe import Markup, escape
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority

from generator.site.links import LinkIndex
from generator.site.page import BODY_MARKER, HAS_BODY, HTML_END, HTML_START, bytecode_cache
from generator.site.sanitize import clean_body_html, link_problem, page_url
from generator.site.search import ENTRIES_FILE, PEOPLE_ENTRIES_FILE

# The plugin's name in mkdocs' plugin collection.
NAME = "handbook"
# A section heading of the page's own HTML (the templates write them as <h2 id="...">title</h2>).
_OWN_HEADING = re.compile(r'<h2 id="([^"<>]+)">(.*?)</h2>', re.S)
_TAG = re.compile(r"<[^>]*>")

# A page's head as the templates write it: its title line (no HTML, no control character), then line ends.
_TITLE_LINE = re.compile(r"(# [^<\x00-\x1f\x7f]+)\n*")
_HEADING_END = "</h1>"

BrokenLink = tuple[str, str, str]  # (page, link as written, where it leads)


@dataclass(frozen=True)
class _AfterTitle:
    """A page's own HTML, set aside from a page whose Markdown was only its title line and its body:
    it goes back right after the title's heading, and the body is what follows that heading."""

    html: str
    has_body: bool


def _after_title(html: str, own: _AfterTitle, source: str) -> tuple[str, str, bool]:
    """The page's head (the title's heading, then its own HTML) and the body's HTML, as a page that
    went through Markdown with its markers would have them. The title line holds no HTML, so the
    first end of a heading is its own."""
    cut = html.find(_HEADING_END) if html.startswith("<h1") else -1
    if cut < 0:
        raise PluginError(f"{source}: the page's title lost its place")
    cut += len(_HEADING_END)
    heading = html[:cut]
    if not own.has_body:
        return f"{heading}\n{own.html}", "", False
    body = html[cut:]
    # Spaced as Markdown spaces the marker's comment: a blank line after the own HTML and before the body.
    return f"{heading}\n{own.html}\n\n", f"\n{body}" if body else "", True


class LinksGoNowhere(PluginError):
    """Raised at the end of a build whose bodies link to pages or files the site does not have."""


@dataclass(frozen=True)
class Share:
    """One of the processes a build's pages are shared among: the pages (docs-tree paths) it builds.
    The first also copies the static files and writes the theme's own pages; the others only pages."""

    part: int
    pages: frozenset[str]


class HandbookPlugin(BasePlugin):  # type: ignore[type-arg,no-untyped-call]
    """One mkdocs build (or a serve session's rebuilds) of the docs tree.

    `links` is the build's index of the site's files (the one its own link check used); without one
    (a plain `mkdocs build`), the files mkdocs found make the index."""

    def __init__(self, links: LinkIndex | None = None) -> None:
        self.given = links
        self.links = links
        # Each body link that goes nowhere, reset when a build starts.
        self.problems: list[BrokenLink] = []
        # Each page's own HTML between on_page_markdown and on_page_content.
        self._set_aside: dict[str, str | _AfterTitle] = {}
        # Material's navigation as rendered once per place (see `shared`), and the nav's pages.
        self._shared: dict[tuple[str, str, str], Any] = {}
        self._in_nav: set[str] = set()
        # When the pages are shared among processes: this one's share (None: every page).
        self.share: Share | None = None
        # The pages' URLs in mkdocs' order (the order of the merged sitemap), and the files this
        # share's pages are written to.
        self.order: list[str] = []
        self.built: list[str] = []
        # A rebuild in place (generator/site/rebuild.py): the last site's search entries, and the pages
        # this build rendered (the others keep their entries).
        self.previous_search: list[dict[str, Any]] | None = None
        self._rendered: set[str] = set()
        # The URLs of the site's pages now: a kept entry of a page gone since is dropped.
        self._pages: set[str] = set()
        # The HTML of the page kept from Material's search plugin while it sees the page (`hidden`).
        self._hidden: str | None = None

    def on_config(self, config: Any, **_: Any) -> Any:
        if self.share is not None and self.share.part > 0:
            config.theme.static_templates = {"sitemap.xml"}  # merged into the first part's
        return config

    def on_files(self, files: Any, config: Any, **_: Any) -> Any:
        """A share builds its own pages only; the others stay known to it (links to them resolve)."""
        self._pages = {file.url for file in files.documentation_pages()}
        if self.share is None:
            return files
        from mkdocs.structure.files import InclusionLevel

        self.order = [file.url for file in files.documentation_pages()]
        for file in files:
            theirs = (
                file.src_uri not in self.share.pages if file.is_documentation_page() else self.share.part > 0
            )
            if theirs:
                file.inclusion = InclusionLevel.EXCLUDED
        self.built = [file.dest_uri for file in files.documentation_pages()]
        return files

    def on_pre_build(self, config: Any, **_: Any) -> None:
        self.problems.clear()
        self._set_aside.clear()
        self._shared.clear()
        self._rendered.clear()
        self.links = self.given

    def on_nav(self, nav: Any, config: Any, files: Any, **_: Any) -> Any:
        self._in_nav = {page.file.src_uri for page in nav.pages}
        return nav

    def shared(self, part: str, page: Any, base_url: str, caller: Callable[[], Any]) -> Any:
        """Material's navigation (the sidebar's and the tabs'), header, styles and scripts, rendered once
        for all the pages of a folder that are not in the nav: on those it is the same HTML (no item is
        active, and its links are relative to the folder), and rendering it for each of thousands of
        documents was the largest part of the theme's time. A page of the nav gets its own (its item is
        the active one). The header shows the page's title: see `_titled`."""
        if page is None:  # the theme's own pages (404.html): once each anyway
            return caller()
        source = page.file.src_uri
        place = source if source in self._in_nav else posixpath.dirname(page.url)
        key = (part, place, base_url)
        if part in _TITLED:
            return self._titled(key, page, caller)
        found = self._shared.get(key)
        if found is None:
            found = self._shared[key] = _compact(part, caller())
        return found

    def _titled(self, key: tuple[str, str, str], page: Any, caller: Callable[[], Any]) -> Any:
        """A shared part that shows the page's title (Material's header: the front matter's title, else
        the page's): rendered once with a stand-in title, which each page's own replaces. When the
        stand-in does not come out exactly once, the part is rendered for each page as Material does."""
        title = page.meta.get("title") or page.title
        found = self._shared.get(key)
        if found is None and _STAND_IN not in str(title):
            found = self._shared[key] = _compact(key[0], _with_stand_in(page, caller))
        if found is None or found is _NOT_SHARED or _STAND_IN in str(title):
            return caller()
        if isinstance(found, Markup):  # an environment that escapes what it prints
            return Markup(str(found).replace(_STAND_IN, str(escape(title))))
        return str(found).replace(_STAND_IN, str(title))

    def on_page_markdown(self, markdown: str, page: Any, config: Any, files: Any, **_: Any) -> str:
        """Set the page's own HTML aside: only the title and the body go through Markdown."""
        head, marker, body = markdown.partition(BODY_MARKER)
        start = head.find(HTML_START)
        end = head.find(HTML_END, start)
        if start < 0 or end < 0:
            return markdown  # a page of our own Markdown (site/handbook/*.md)
        end += len(HTML_END)
        source = page.file.src_uri
        title = self.title_line(head[:start])
        if title is not None and not head[end:].strip() and (marker or not page.meta.get(HAS_BODY)):
            # The HTML Markdown makes begins with the title's heading, and the body's follows it.
            self._set_aside[source] = _AfterTitle(head[start:end], bool(marker))
            return f"{title}\n\n{body}" if marker else f"{title}\n"
        self._set_aside[source] = head[start:end]
        return head[:start] + HTML_START + head[end:] + marker + body

    def title_line(self, head: str) -> str | None:
        """The page's head when it is only the title line the templates write (`# ` and text without
        HTML or control characters), without its line ends; else None: the head goes through Markdown
        as it is, with a marker where the page's own HTML goes back."""
        found = _TITLE_LINE.fullmatch(head)
        return found.group(1) if found else None

    def on_page_content(self, html: str, page: Any, config: Any, files: Any, **_: Any) -> str:
        source = page.file.src_uri
        self._rendered.add(page.url)
        own = self._set_aside.pop(source, None)
        if isinstance(own, _AfterTitle):
            head, body, has_body = _after_title(html, own, source)
            _add_to_toc(page, own.html)
        else:
            head, marker, body = html.partition(BODY_MARKER)
            if own is not None:
                if HTML_START not in head:
                    raise PluginError(f"{source}: the page's own HTML lost its place")
                head = head.replace(HTML_START, own, 1)
            start, end = head.find(HTML_START), head.find(HTML_END)
            if 0 <= start < end:
                _add_to_toc(page, head[start:end])
            has_body = bool(marker)
        if not has_body:
            if page.meta.get(HAS_BODY):
                # Fail closed: a body whose start cannot be found cannot be told apart from the page.
                raise PluginError(f"{source}: the document body marker is missing")
            return head
        fragment = clean_body_html(body, source)
        if self.links is None:
            self.links = LinkIndex(file.src_uri for file in files)
        for written, target in fragment.links:
            if self.links.goes_nowhere(target):
                self.problems.append((source, written, target))
        return f'{head}<div class="hb-body">\n{fragment.html}\n</div>\n'

    @event_priority(100)  # before Material's search plugin
    def _hide_from_search(self, /, context: Any, page: Any, **_: Any) -> Any:
        """A page kept out of the search index shows Material's search plugin no HTML: the plugin would
        only scan it for the `data-search-*` attributes it strips (a tenth of a large site's theme time),
        and a page without any has nothing to strip. What the plugin does is unchanged: see
        `hidden_from_search`."""
        if hidden_from_search(page.meta, page.content):
            self._hidden, page.content = page.content, ""
        return context

    @event_priority(-100)  # after it
    def _show_after_search(self, /, context: Any, page: Any, **_: Any) -> Any:
        if self._hidden is not None:
            page.content, self._hidden = self._hidden, None
        return context

    on_page_context = CombinedEvent(_hide_from_search, _show_after_search)

    def on_env(self, env: Any, config: Any, files: Any, **_: Any) -> Any:
        """The theme's templates compiled once per user (checked against their source, like .pyc files),
        not on every build: mkdocs makes a new template environment for each build and each rebuild."""
        if env.bytecode_cache is None:
            env.bytecode_cache = bytecode_cache()
        env.globals["handbook_shared"] = self.shared
        return env

    @event_priority(-100)  # after Material's search plugin has written its index
    def on_post_build(self, config: Any, **_: Any) -> None:
        kept = None
        if self.previous_search is not None:
            kept = [
                doc
                for doc in self.previous_search
                if (page := str(doc.get("location", "")).split("#")[0]) not in self._rendered
                and page in self._pages
            ]
        add_search_entries(Path(config["docs_dir"]), Path(config["site_dir"]), kept)
        if self.problems:
            raise LinksGoNowhere(
                "some internal links go nowhere:\n  " + "\n  ".join(link_problem(*p) for p in self.problems)
            )


# What Material's search plugin strips from every page's HTML (`\\s?data-search-\\w+="[^"]+"`).
SEARCH_ATTRIBUTE = "data-search-"


def hidden_from_search(meta: dict[str, Any], content: Any) -> bool:
    """Whether Material's search plugin, shown this page, would neither index it (the page's `search:
    exclude`, read as the plugin reads it) nor change its HTML (no attribute it strips)."""
    search = meta.get("search") or {}
    return (
        isinstance(search, dict)
        and bool(search.get("exclude"))
        and isinstance(content, str)
        and SEARCH_ATTRIBUTE not in content
    )


# The shared parts that are HTML markup only (no script, style or preformatted text), and the blank
# lines and indentation Material's templates leave between their tags.
_MARKUP_ONLY = frozenset({"header", "nav", "tabs"})
_LINE_BREAKS = re.compile(r"[ \t]*\n\s*")


def _compact(part: str, html: Any) -> Any:
    """A shared part of markup with each run of white space that holds a line break made one line
    break: a browser shows it the same (white space between tags collapses to one space), and it was a
    fifth of each page, written for every page."""
    if part not in _MARKUP_ONLY or not isinstance(html, str):
        return html
    compact = _LINE_BREAKS.sub("\n", html)
    return Markup(compact) if isinstance(html, Markup) else compact


# The shared parts that show the page's title, and the title they are rendered with once.
_TITLED = frozenset({"header"})
_STAND_IN = "\x00handbook-page-title\x00"
_NOT_SHARED = object()


def _with_stand_in(page: Any, caller: Callable[[], Any]) -> Any:
    """What `caller` renders with the stand-in as the page's title, or _NOT_SHARED when the stand-in
    does not come out exactly once (a theme that shows the title twice, or not at all)."""
    meta = page.meta
    had, before = "title" in meta, meta.get("title")
    meta["title"] = _STAND_IN
    try:
        found = caller()
    finally:
        if had:
            meta["title"] = before
        else:
            del meta["title"]
    return found if str(found).count(_STAND_IN) == 1 else _NOT_SHARED


def _add_to_toc(page: Any, own: str) -> None:
    """Markdown never sees the page's own HTML, so its headings join the table of contents here, ahead
    of the body's (which come after them on the page). Titles stay escaped HTML, as the toc keeps them."""
    from mkdocs.structure.toc import AnchorLink

    links = [
        AnchorLink(_TAG.sub("", title).strip(), anchor, 2) for anchor, title in _OWN_HEADING.findall(own)
    ]
    items = page.toc.items
    if len(items) == 1 and items[0].level == 1:
        items = items[0].children  # the page's title: the toc lists its sections, not the title again
    page.toc.items = links + items


def add_search_entries(docs_dir: Path, site_dir: Path, kept: list[dict[str, Any]] | None = None) -> None:
    """Put the documents' and people's own search entries (written by the build: the documents', then
    the people's file) into Material's index, in place of
    any earlier ones for the same pages (serve's rebuilds keep Material's index between builds); `kept`
    are the last site's entries of pages a rebuild in place did not render again."""
    entries_file = docs_dir / ENTRIES_FILE
    index_file = site_dir / "search" / "search_index.json"
    if not entries_file.is_file() or not index_file.is_file():
        return  # no entries written, or the search plugin is off: nothing to add them to
    try:
        entries = json.loads(entries_file.read_text(encoding="utf-8"))
        people_file = docs_dir / PEOPLE_ENTRIES_FILE
        if people_file.is_file():
            entries += json.loads(people_file.read_text(encoding="utf-8"))
        index = json.loads(index_file.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise PluginError(f"the search index cannot be completed: {exc}") from exc
    ours = [
        {"location": page_url(e["page"]), "title": e["title"], "text": e["text"], "tags": e["tags"]}
        for e in entries
    ]
    pages = {entry["location"] for entry in ours}
    material = [*index.get("docs", []), *(kept or [])]
    merged = [doc for doc in material if str(doc.get("location", "")).split("#")[0] not in pages] + ours
    # One entry per location: a page indexed twice (a rebuild's kept entries beside a fresh build's, or
    # two processes' shares) would otherwise be found twice.
    index["docs"] = list({str(doc.get("location", "")): doc for doc in reversed(merged)}.values())[::-1]
    temporary = index_file.with_name(f".{index_file.name}.tmp")
    temporary.write_text(json.dumps(index, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    temporary.replace(index_file)
