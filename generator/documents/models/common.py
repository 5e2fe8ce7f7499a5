"""Shared field types: GitHub handles, slugs, review ids, URLs, and the strict base model."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import urlsplit

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field
from pydantic_core import PydanticCustomError

from generator.process.calendar import DateProblem, check_plausible, parse_date

FieldPath = tuple[str | int, ...]

_HANDLE = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$")
SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
_SLUG = re.compile(SLUG_PATTERN)
REVIEW_ID_PATTERN = r"^TR-[0-9]{4,6}$"
_REVIEW_ID = re.compile(REVIEW_ID_PATTERN)
_QUARTER = re.compile(r"^[0-9]{4}-Q[1-4]$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_SPACE = re.compile(r"\s")  # the characters str.isspace() accepts, found in C


def _handle(value: str) -> str:
    handle = value.removeprefix("@")
    if not _HANDLE.fullmatch(handle):
        raise PydanticCustomError(
            "github_handle",
            "'{value}' is not a GitHub handle (letters, digits and single hyphens, at most 39)",
            {"value": value},
        )
    return handle


def _slug(value: str) -> str:
    if len(value) > 64 or not _SLUG.fullmatch(value):
        raise PydanticCustomError(
            "slug",
            "'{value}' is not a slug (lower-case letters, digits and single hyphens, at most 64)",
            {"value": value},
        )
    return value


def _review_id(value: str) -> str:
    if not _REVIEW_ID.fullmatch(value):
        raise PydanticCustomError(
            "review_id", "'{value}' is not a tech review id (like TR-0042)", {"value": value}
        )
    return value


# The usual web address, for which urlsplit's answer is known (scheme http or https, a host): matched
# in C. Anything else (ports with letters, brackets, non-ASCII, spaces...) is split as before.
_PLAIN_WEB_URL = re.compile(r"https?://[A-Za-z0-9][A-Za-z0-9.-]*(?::[0-9]{1,5})?(?:[/?#][!-~]*)?")


def _url(value: str) -> str:
    if _PLAIN_WEB_URL.fullmatch(value):
        return value
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or _SPACE.search(value):
        raise PydanticCustomError(
            "web_url", "'{value}' is not a web address (expected https://...)", {"value": value}
        )
    return value


def _quarter(value: str) -> str:
    if not _QUARTER.fullmatch(value):
        raise PydanticCustomError(
            "quarter", "'{value}' is not a quarter (expected like 2026-Q4)", {"value": value}
        )
    return value


def _email(value: str) -> str:
    if not _EMAIL.fullmatch(value):
        raise PydanticCustomError("email", "'{value}' is not an e-mail address", {"value": value})
    return value


def _strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


# Characters no value may carry, however they were written (raw, or through a YAML escape such as
# "\x1b" or "\0"): they break the feed, drive terminals and reach the CSV. Tab and line feed are text.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
# Bidi embeddings, overrides and isolates make text read differently from how it is stored.
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")
# Not visible on their own: a text of only these (and spaces) is empty.
_INVISIBLE = re.compile(
    "[\\s\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e\u200b-\u200f\u2060-\u2064\u3164\ufeff\uffa0]*"
)
# Every character a renderer may break a line at (the others are control characters, refused anyway).
_LINE_BREAK = re.compile("[\n\r\x85\u2028\u2029]")
MAX_TEXT = 20_000
MAX_LINE = 200


_NOT_SHOWN = re.compile(f"{_CONTROL.pattern}|{_BIDI.pattern}")


def _printable(value: str) -> str:
    found = _NOT_SHOWN.search(value)  # one scan: values are many, faults rare
    if found:
        char = found.group()
        bidi = bool(_BIDI.match(char))
        raise PydanticCustomError(
            "bidi_character" if bidi else "control_character",
            f"contains the {'bidirectional ' if bidi else ''}control character U+{{code}}",
            {"code": f"{ord(char):04X}"},
        )
    return value


def _text(value: str, limit: int = MAX_TEXT) -> str:
    _printable(value)
    # Stripped, non-empty ASCII without control characters is visible: only other text needs the check.
    if not value.isascii() and _INVISIBLE.fullmatch(value):
        raise PydanticCustomError("invisible_text", "has no visible text")
    if len(value) > limit:
        raise PydanticCustomError(
            "text_too_long",
            "is {length} characters long, over the limit of {limit}",
            {"length": f"{len(value):,}", "limit": f"{limit:,}"},
        )
    return value


def _line(value: str) -> str:
    _text(value, MAX_LINE)
    if _LINE_BREAK.search(value):
        raise PydanticCustomError("line_break", "must be one line")
    return value


def _date(value: Any) -> Any:
    """Dates are written YYYY-MM-DD and fall in the process's plausible window
    (generator/process/calendar.py)."""
    try:
        if isinstance(value, str):
            return parse_date(value)
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            return check_plausible(value)
    except DateProblem as exc:
        raise PydanticCustomError(exc.kind, str(exc)) from None
    return value  # anything else: pydantic says it is not a date


_WHOLE = re.compile(r"-?[0-9]+")


def _whole_number(value: Any) -> Any:
    """Digits only: Python's int() would take '0_3', ' 3' or '３', and pydantic '3.0'."""
    if isinstance(value, str) and not _WHOLE.fullmatch(value):
        raise PydanticCustomError("int_parsing", "is not a whole number")
    return value


def reserved_page_name(name: str) -> bool:
    """Names the site's own pages take in a folder of documents or people: `index.md` is the list,
    `index-page-2.md`... its further pages (generator/site/render.py `paged_path`)."""
    return re.fullmatch(r"index(?:-page-[0-9]+)?", name.casefold()) is not None


def _not_a_page_name(value: str) -> str:
    if reserved_page_name(value):
        raise PydanticCustomError(
            "reserved_handle",
            "'{value}' is the name of a page the site needs, not a person's GitHub handle",
            {"value": value},
        )
    return value


Handle = Annotated[
    str,
    Field(json_schema_extra={"pattern": _HANDLE.pattern}),
    AfterValidator(_handle),
    AfterValidator(_not_a_page_name),
]
Slug = Annotated[
    str, Field(json_schema_extra={"pattern": SLUG_PATTERN, "maxLength": 64}), AfterValidator(_slug)
]
ReviewId = Annotated[str, Field(json_schema_extra={"pattern": REVIEW_ID_PATTERN}), AfterValidator(_review_id)]
Url = Annotated[
    str, Field(json_schema_extra={"format": "uri"}), AfterValidator(_url), AfterValidator(_printable)
]
Quarter = Annotated[str, Field(json_schema_extra={"pattern": _QUARTER.pattern}), AfterValidator(_quarter)]
Email = Annotated[str, AfterValidator(_email), AfterValidator(_printable)]
# Free text (may span lines) and a one-line text such as a title or a name.
Text = Annotated[
    str,
    BeforeValidator(_strip),
    Field(min_length=1, json_schema_extra={"maxLength": MAX_TEXT}),
    AfterValidator(_text),
]
Line = Annotated[
    str,
    BeforeValidator(_strip),
    Field(min_length=1, json_schema_extra={"maxLength": MAX_LINE}),
    AfterValidator(_line),
]
WholeNumber = Annotated[int, BeforeValidator(_whole_number)]
Date = Annotated[dt.date, BeforeValidator(_date)]


class Strict(BaseModel):
    """Unknown fields are errors; values are read as the text the author wrote."""

    model_config = ConfigDict(extra="forbid", frozen=True, use_enum_values=False)


@dataclass(frozen=True)
class Fault:
    """A rule broken inside one document: which field, what is wrong, how to fix it."""

    field: FieldPath
    message: str
    hint: str = ""
    # Where to point when `field` itself is absent: the value that makes it required.
    anchor: FieldPath = ()


Faults = Iterator[Fault]
