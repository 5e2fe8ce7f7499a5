"""Shortcuts taken for speed give the answer of the general code they stand in front of, on any input.

Each pins one fast path against its reference (the code that still runs when the shortcut does not
apply, or the exact rule it replaces), on inputs Hypothesis writes to break it.
"""

from __future__ import annotations

import os
import re
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import urlsplit

from hypothesis import example, given, settings
from hypothesis import strategies as st

from generator.documents.diagnostics import DocumentError
from generator.documents.index import front_bytes
from generator.documents.load import _split as split_front_matter
from generator.documents.load import may_hold_anchors
from generator.documents.models.common import _url
from generator.documents.paths import FOLDERS, SUFFIX, display_path, kind_of
from generator.site.plugin import hidden_from_search

# The rule as first written: a mark at a line's start, after whitespace, a flow indicator or a colon.
ANCHOR_RULE = re.compile(r"(?:^|[\s\[\]{},:])[&*]", re.MULTILINE)
YAMLISH = st.text(alphabet=st.sampled_from(list("ab &*:[]{},-\n\t\u00a0\u2028R&DT")), max_size=40)


@given(YAMLISH)
@example("R&D and AT&T")
@example("&a")
@example("x:\u00a0*b")
@example("- [a,*b]")
@settings(max_examples=600)
def test_the_anchor_search_finds_what_the_anchor_rule_finds(text: str) -> None:
    assert may_hold_anchors(text) == bool(ANCHOR_RULE.search(text))


def _url_accepted(value: str) -> bool:
    try:
        _url(value)
    except ValueError:
        return False
    return True


def _split_accepts(value: str) -> bool:
    """The rule without the shortcut: urlsplit says http(s) and a host, and there is no space."""
    try:
        parts = urlsplit(value)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.netloc) and not re.search(r"\s", value)


URLISH = st.builds(
    "".join,
    st.lists(
        st.sampled_from(["http", "https", "HTTP", ":", "//", "/", "a", "b.c", "-", "[", "]", "?", "#",
                         "8080", ":x", " ", "\t", "\n", "é", "%20", "@", "\\", "~"]),
        max_size=12,
    ),
)  # fmt: skip


# Shaped like an address: a scheme, a separator, a host, then anything printable or not.
ADDRESS = st.builds(
    "{}{}{}{}".format,
    st.sampled_from(["http", "https", "HTTPS", "ftp", ""]),
    st.sampled_from(["://", ":/", "//", ":"]),
    st.text(alphabet=st.sampled_from(list("ab0.-:[]@é_ ")), max_size=8),
    st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=8),
)


@given(st.one_of(URLISH, ADDRESS))
@example("https://example.com/a?b#c")
@example("https://a.b/c d")
@example("https://ex ample.com")
@example("https://[::1/")
@example("http://a:99999999")
@settings(max_examples=800)
def test_a_web_address_is_accepted_exactly_when_urlsplit_accepts_it(value: str) -> None:
    assert _url_accepted(value) == _split_accepts(value)


PATHISH = st.builds(
    "".join,
    st.lists(st.sampled_from([*FOLDERS, "/", ".", "..", "x", SUFFIX, "a.md", "//", " "]), max_size=6),
)


@given(PATHISH)
@example("reviews/.md")
@example("reviews//a.md")
@example("./reviews/a.md")
@settings(max_examples=600)
def test_a_documents_kind_is_what_its_path_parts_say(source: str) -> None:
    parts = PurePosixPath(source).parts
    expected = FOLDERS.get(parts[0]) if len(parts) == 2 and parts[1].endswith(SUFFIX) else None
    assert kind_of(source) == expected


LINES = st.lists(
    st.sampled_from(["---", "--- ", "---\t", "----", "...", "a: b", " ---", "x", "", "--- #", "\u00a0"]),
    max_size=8,
)
ENDINGS = st.sampled_from(["\n", "\r\n", "\r"])


@given(LINES, LINES, ENDINGS)
@example(["a: b"], ["x"], "\r")
@settings(max_examples=600)
def test_the_front_matters_bytes_hold_all_of_it(front: list[str], rest: list[str], end: str) -> None:
    raw = end.join(["---", *front, "---", *rest]).encode()
    text = raw.decode().replace("\r\n", "\n").replace("\r", "\n")
    try:
        written, _, _, _ = split_front_matter(text, "reviews/a.md")
    except DocumentError:
        return  # the loader refuses the file: it is read whole by the narrowed run anyway
    kept = front_bytes(raw).decode().replace("\r\n", "\n").replace("\r", "\n")
    # After the opening line, all of the front matter's text (up to the closing line's line break).
    assert kept[len("---\n") :].startswith(written[:-1])


# Material's search plugin (material/plugins/search/plugin.py, on_page_context) strips these from the
# HTML of every page it is shown, indexed or not.
MATERIAL_SEARCH_ATTRIBUTES = r"\s?data-search-\w+=\"[^\"]+\""
HTMLISH = st.text(alphabet=st.sampled_from(list('<p data-search-exclude="x">a b\n\t-=_')), max_size=60)
SEARCH_META: st.SearchStrategy[dict[str, Any]] = st.one_of(
    st.just({}),
    st.fixed_dictionaries(
        {"search": st.one_of(st.none(), st.just({}), st.fixed_dictionaries({"exclude": st.booleans()}))}
    ),
)


def test_the_search_attributes_are_materials_own() -> None:
    import inspect

    from material.plugins.search.plugin import SearchPlugin  # type: ignore[import-untyped]

    assert MATERIAL_SEARCH_ATTRIBUTES in inspect.getsource(SearchPlugin.on_page_context)


@given(SEARCH_META, HTMLISH)
@example({"search": {"exclude": True}}, '<p data-search-exclude="x">a</p>')
@example({"search": {"exclude": True}}, "<p>a</p>")
@settings(max_examples=400)
def test_a_page_hidden_from_search_is_one_material_would_neither_index_nor_change(
    meta: dict[str, Any], html: str
) -> None:
    """plugin.hidden_from_search: Material's search plugin, shown the page's HTML, would leave it as it is
    and add no entry for it (its SearchIndex.add_entry_from_context reads `search: exclude` first)."""
    if hidden_from_search(meta, html):
        assert (meta.get("search") or {}).get("exclude")
        assert re.sub(MATERIAL_SEARCH_ATTRIBUTES, "", html) == html


SEGMENT = st.sampled_from(["reviews", "a.md", "..", ".", "x y", "é", "tr-0001-x.md", ""])


@given(st.lists(SEGMENT, max_size=5), st.booleans())
@example(["..", "reviews"], True)
@example(["reviews", "..", "..", "a.md"], True)
@example([], True)
@settings(max_examples=300)
def test_a_path_below_the_working_directory_is_shown_as_relpath_shows_it(
    parts: list[str], below: bool
) -> None:
    start = Path.cwd() if below else Path("/elsewhere/checkout")
    path = start.joinpath(*parts)
    assert display_path(path) == Path(os.path.relpath(path)).as_posix()
