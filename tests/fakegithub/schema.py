"""Validate served bodies against GitHub's published response schemas (fixtures/rest/schemas.json)."""

from __future__ import annotations

import threading
from typing import Any

from jsonschema import Draft202012Validator

from tests.fakegithub.templates import schemas

_validators: dict[tuple[str, bool], Draft202012Validator] = {}
_lock = threading.Lock()


def _validator(key: str, item: bool) -> Draft202012Validator:
    with _lock:
        found = _validators.get((key, item))
        if found is None:
            schema = schemas()[key]
            found = Draft202012Validator(schema["items"] if item else schema)
            _validators[(key, item)] = found
        return found


def has_schema(key: str) -> bool:
    return key in schemas()


def violations(key: str, body: Any, *, item: bool = False) -> list[str]:
    """Human-readable schema errors of `body` for endpoint `key` ("METHOD /path"); [] when valid."""
    errors = sorted(_validator(key, item).iter_errors(body), key=lambda e: list(e.absolute_path))
    return [f"{key}: at /{'/'.join(map(str, e.absolute_path))}: {e.message[:300]}" for e in errors[:10]]
