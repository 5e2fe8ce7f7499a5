"""The one writer of front matter (`handbook new` and `handbook demo`): plain data as block-style YAML
that the strict loader reads back as the same values.

Text is written plain only when YAML cannot read it as anything else (it starts with a letter, has no
': ', ' #', '&' or '*', and is no YAML 1.1 word such as `yes`, `off` or `null`); anything else is
double-quoted, with every character YAML would fold, refuse or read as a line break escaped.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from collections.abc import Mapping
from enum import Enum
from typing import Any

# Front matter as plain data: str keys; str, int, bool, date, enum or None values, lists and mappings.
Data = dict[str, Any]
# Text that YAML reads back unchanged when written plain: starts with a letter, no ': ' or ' #',
# and no '&' or '*' (which would send the loader down its slower anchor screen).
_PLAIN = re.compile(r"[A-Za-z][A-Za-z0-9 ,.'()/+%?=;:@_—-]*|[0-9]{4}-Q[1-4]")
_YAML_WORDS = frozenset(["y", "n", "yes", "no", "on", "off", "true", "false", "null"])
# Inside double quotes YAML reads these as line breaks (NEL, LS, PS), refuses them (C1 controls,
# DEL, non-characters, surrogates) or drops them (a BOM): each is written as an escape instead.
_ESCAPED = re.compile("[\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff\ud800-\udfff]")


def scalar(value: Any) -> str:
    """One YAML scalar the strict loader reads back as the same value."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Enum):
        return scalar(value.value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"{value!r} has no place in a document")
        return repr(value)
    if isinstance(value, dt.datetime):
        raise TypeError("documents hold dates (YYYY-MM-DD), never a time")
    if isinstance(value, dt.date):
        return value.isoformat()
    if not isinstance(value, str):
        raise TypeError(f"no YAML scalar for {type(value).__name__}")
    if (
        _PLAIN.fullmatch(value)
        and ": " not in value
        and not value.endswith((" ", ":"))
        and value.lower() not in _YAML_WORDS
    ):
        return value
    return _double_quoted(value)


def _double_quoted(text: str) -> str:
    # A JSON string is a YAML double-quoted scalar, once the characters above are escaped too.
    quoted = json.dumps(text, ensure_ascii=False)
    return _ESCAPED.sub(lambda found: f"\\u{ord(found.group()):04x}", quoted)


def lines(data: Mapping[Any, Any], indent: str = "") -> list[str]:
    """Block-style YAML lines for plain data (mappings, lists of scalars or mappings, scalars)."""
    written: list[str] = []
    for key, value in data.items():
        name = scalar(key)
        if isinstance(value, Mapping):
            written.append(f"{indent}{name}:" if value else f"{indent}{name}: {{}}")
            written += lines(value, indent + "  ")
        elif isinstance(value, list | tuple):
            written.append(f"{indent}{name}:" if value else f"{indent}{name}: []")
            for item in value:
                if isinstance(item, Mapping) and item:
                    inner = lines(item, indent + "    ")
                    written.append(f"{indent}  - {inner[0].lstrip()}")
                    written += inner[1:]
                elif isinstance(item, Mapping | list | tuple):
                    raise TypeError("a list item is a scalar or a non-empty mapping")
                else:
                    written.append(f"{indent}  - {scalar(item)}")
        else:
            written.append(f"{indent}{name}: {scalar(value)}")
    return written


def document(front: Mapping[str, Any], body: str) -> str:
    """A whole document: the front matter between its '---' lines, a blank line, then the body."""
    return "---\n" + "\n".join(lines(front)) + "\n---\n\n" + body
