"""The one front-matter writer: whatever the value, the strict loader reads back the same value."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any

import pytest
import yaml
from hypothesis import example, given, settings
from hypothesis import strategies as st

from generator.documents.load import parse_document
from generator.frontmatter import document, lines, scalar


def read_back(front: dict[str, Any]) -> dict[str, Any]:
    """The front matter as YAML reads it (with its types), once `handbook validate`'s strict loader has
    accepted the written file and kept every text as written."""
    written = document(front, "## Body\n")
    strict = parse_document(written.encode("utf-8"), "reviews/tr-0001-x.md", "review").data
    _same_texts(strict, front)
    typed: dict[str, Any] = yaml.safe_load(written.split("---\n")[1])
    return typed


def _same_texts(read: Any, written: Any) -> None:
    """Every text of the written data is, at the same place, the text the strict loader read."""
    if isinstance(written, dict):
        assert isinstance(read, dict) and list(read) == list(written)
        for key, item in written.items():
            _same_texts(read[key], item)
    elif isinstance(written, list):
        assert isinstance(read, list) and len(read) == len(written)
        for got, item in zip(read, written, strict=True):
            _same_texts(got, item)
    elif isinstance(written, str):
        assert read == written


# Text YAML would read as something else, or refuse, when written as it is.
TRICKY = [
    "--", "---", "yes", "No", "ON", "off", "y", "N", "true", "False", "null", "Null", "~", "",
    "1e3", "0x1F", "1_000", "0o17", "12:30", "-1", ".inf", ".NaN", "2026-11-23", "2026-11-23T10:00:00",
    "#", "a #b", ": ", "a: b", "ends with:", "ends with ", " starts with a space", "- item", "? key",
    "[list]", "{map}", "&anchor", "*alias", "!tag", "%directive", "@at", "`tick", "|", ">", "'q'", '"q"',
    "x\ny", "tab\there", "\x85NEL", "line\u2028sep", "para\u2029sep", "\ufeffbom", "del\x7f", "c1\x9b",
    "bell\x07", "nul\x00", "cr\rlf", "<<", "=", "Café — Zürich", "😀",
]  # fmt: skip


@pytest.mark.parametrize("text", TRICKY)
def test_tricky_text_is_read_back_as_the_same_text(text: str) -> None:
    assert read_back({"title": text}) == {"title": text}


@settings(max_examples=300, deadline=None)
@given(text=st.text(st.characters(codec="utf-8")))
@example(text="yes")
@example(text="1e3")
@example(text=": ")
def test_any_text_is_read_back_as_the_same_text(text: str) -> None:
    assert read_back({"title": text, "asks": {"product": [text]}}) == {
        "title": text,
        "asks": {"product": [text]},
    }


_plain = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**12), 10**12),
    st.dates(dt.date(2000, 1, 1), dt.date(2100, 12, 31)),
    st.text(st.characters(codec="utf-8"), max_size=20),
)
_keys = st.from_regex(r"[a-z][a-z_]{0,11}", fullmatch=True)
_values = st.recursive(
    _plain,
    lambda inner: st.one_of(
        st.lists(st.one_of(_plain, st.dictionaries(_keys, inner, min_size=1, max_size=3)), max_size=3),
        st.dictionaries(_keys, inner, max_size=3),
    ),
    max_leaves=12,
)


@settings(max_examples=200, deadline=None)
@given(front=st.dictionaries(_keys, _values, min_size=1, max_size=5))
def test_nested_front_matter_is_read_back_as_the_same_data(front: dict[str, Any]) -> None:
    assert read_back(front) == front


def test_plain_words_stay_plain_and_the_rest_is_quoted() -> None:
    assert scalar("Air-gapped upgrade, phase 2") == "Air-gapped upgrade, phase 2"
    assert scalar("2026-Q4") == "2026-Q4"
    assert scalar("yes") == '"yes"'
    assert scalar("a: b") == '"a: b"'
    assert scalar("line\u2028sep") == '"line\\u2028sep"'


class Colour(StrEnum):
    RED = "red"


def test_enums_dates_and_none_are_written_as_yaml_reads_them() -> None:
    assert lines({"status": Colour.RED, "since": dt.date(2026, 11, 23), "ta": None, "done": False}) == [
        "status: red",
        "since: 2026-11-23",
        "ta: null",
        "done: false",
    ]


def test_a_time_is_refused_rather_than_written_as_a_timestamp() -> None:
    with pytest.raises(TypeError, match="dates"):
        scalar(dt.datetime(2026, 11, 23, 10, 0))
