"""Shared field types: GitHub handles, slugs, review ids, URLs, and the strict base model."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import urlsplit

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field
from pydantic_core import PydanticCustomError

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
    if not _HANDLE.match(handle):
        raise PydanticCustomError(
            "github_handle",
            "'{value}' is not a GitHub handle (letters, digits and single hyphens, at most 39)",
            {"value": value},
        )
    return handle


def _slug(value: str) -> str:
    if len(value) > 64 or not _SLUG.match(value):
        raise PydanticCustomError(
            "slug",
            "'{value}' is not a slug (lower-case letters, digits and single hyphens, at most 64)",
            {"value": value},
        )
    return value


def _review_id(value: str) -> str:
    if not _REVIEW_ID.match(value):
        raise PydanticCustomError(
            "review_id", "'{value}' is not a tech review id (like TR-0042)", {"value": value}
        )
    return value


def _url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or _SPACE.search(value):
        raise PydanticCustomError(
            "web_url", "'{value}' is not a web address (expected https://...)", {"value": value}
        )
    return value


def _quarter(value: str) -> str:
    if not _QUARTER.match(value):
        raise PydanticCustomError(
            "quarter", "'{value}' is not a quarter (expected like 2026-Q4)", {"value": value}
        )
    return value


def _email(value: str) -> str:
    if not _EMAIL.match(value):
        raise PydanticCustomError("email", "'{value}' is not an e-mail address", {"value": value})
    return value


def _strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


Handle = Annotated[str, Field(json_schema_extra={"pattern": _HANDLE.pattern}), AfterValidator(_handle)]
Slug = Annotated[
    str, Field(json_schema_extra={"pattern": SLUG_PATTERN, "maxLength": 64}), AfterValidator(_slug)
]
ReviewId = Annotated[str, Field(json_schema_extra={"pattern": REVIEW_ID_PATTERN}), AfterValidator(_review_id)]
Url = Annotated[str, Field(json_schema_extra={"format": "uri"}), AfterValidator(_url)]
Quarter = Annotated[str, Field(json_schema_extra={"pattern": _QUARTER.pattern}), AfterValidator(_quarter)]
Email = Annotated[str, AfterValidator(_email)]
Text = Annotated[str, BeforeValidator(_strip), Field(min_length=1)]


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
