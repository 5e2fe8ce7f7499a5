"""Faults of a model, said where they are: pydantic's errors and a model's rules as positioned diagnostics.

One translation for every file read with the strict loader (documents, handbook.yml, the sign-off
policy): the message names the field as written, points at its key or value, and says how to fix it.
"""

from __future__ import annotations

import difflib
import types
import typing
from collections.abc import Sequence
from typing import Any, Protocol

from pydantic import BaseModel

from generator.documents.diagnostics import Diagnostic
from generator.documents.load import FieldPath, Position, dotted
from generator.documents.models import Fault
from generator.documents.models.account import GATES, phase_key


class Located(Protocol):
    """What a message needs of a parsed file: its path and where each value and key is (a document,
    or handbook.yml)."""

    path: str
    values: dict[FieldPath, Position]

    def position(self, path: FieldPath) -> Position: ...

    def key_position(self, path: FieldPath) -> Position: ...


def fault_at(document: Located, fault: Fault) -> Diagnostic:
    """At the field when it is written, else at the value that made it required."""
    where = fault.field if fault.field in document.values or not fault.anchor else fault.anchor
    pos = document.position(where)
    return Diagnostic(document.path, pos.line, pos.column, dotted(fault.field), fault.message, fault.hint)


def _inner(annotation: Any) -> Any:
    """What an annotation such as `Annotated[Decision | None, ...]` holds: Decision."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _inner(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        held = [arg for arg in typing.get_args(annotation) if arg is not type(None)]
        return _inner(held[0]) if len(held) == 1 else annotation
    return annotation


def _submodel(annotation: Any) -> type[BaseModel] | None:
    """The model class inside an annotation such as `Decision | None` or `list[Contact]`."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _submodel(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType, list, tuple):
        for arg in typing.get_args(annotation):
            found = _submodel(arg)
            if found:
                return found
    return None


def _field(model: type[BaseModel], name: str | int) -> Any:
    """The annotation of the field `name` is written as (its alias, such as `from`, or its name)."""
    for field_name, info in model.model_fields.items():
        if name in (info.alias, field_name):
            return info.annotation
    return None


def _fields_at(model: type[BaseModel], loc: Sequence[str | int]) -> list[str]:
    """The fields, as written, of the mapping at `loc`: a model's, or a `dict[name, Model]` entry's."""
    annotation: Any = model
    for part in loc:
        inner = _inner(annotation)
        if typing.get_origin(inner) is dict:
            annotation = typing.get_args(inner)[1]  # `part` is the entry's name
            continue
        current = _submodel(annotation)
        if current is None:
            return []
        if isinstance(part, int):
            continue
        annotation = _field(current, part)
    current = _submodel(annotation)
    return [info.alias or name for name, info in current.model_fields.items()] if current else []


def _describe(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "nothing"
    text = str(value)
    return repr(text if len(text) <= 60 else text[:57] + "...")


def from_pydantic(document: Located, model: type[BaseModel], error: Any) -> Diagnostic:
    """One pydantic error as a diagnostic at the key or value it is about, with a hint."""
    loc: FieldPath = tuple(error["loc"])
    kind: str = error["type"]
    value = error.get("input")
    ctx = error.get("ctx") or {}
    name = str(loc[-1]) if loc else ""
    hint = ""
    pos: Position
    if kind == "missing":
        parent = loc[:-1]
        pos = document.key_position(parent) if parent else Position(1, 1)
        message = f"required field {name!r} is missing"
        hint = f"add {name}: ..."
    elif kind == "extra_forbidden":
        pos = document.key_position(loc)
        known = _fields_at(model, loc[:-1])
        close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
        message = f"unknown field {name!r}"
        hint = f"did you mean {close[0]!r}?" if close else "known fields: " + ", ".join(known)
        head, dot, rest = name.partition(".")
        if dot and head in known:
            hint = f"nest it: write {rest!r} on its own line, indented under '{head}:'"
        hint = _gate_of_another_phase(loc, name) or hint
    elif loc and loc[-1] == "[key]":
        # A mapping's key is wrong (a quarter in handbook.yml's internal_qbr): point at the key.
        loc = loc[:-1]
        pos = document.key_position(loc)
        message, hint = _value_message(kind, value, ctx, error.get("msg", ""))
    else:
        pos = document.position(loc)
        message, hint = _value_message(kind, value, ctx, error.get("msg", ""))
    return Diagnostic(document.path, pos.line, pos.column, dotted(loc), message, hint)


# Hints for the models' own error kinds (their messages come with them).
_HINTS = {
    "control_character": "remove it: control characters cannot be shown or published",
    "bidi_character": "remove it: it makes text read differently from how it is stored",
    "invisible_text": "write the text it stands for",
    "text_too_long": "shorten it; long material belongs in the body",
    "line_break": "remove the line break",
    "implausible_date": "check the year",
    "yes_no": "write yes or no",
}


def _gate_of_another_phase(loc: FieldPath, name: str) -> str | None:
    """A gate criterion written under the wrong phase: say which phase it belongs to."""
    if len(loc) < 3 or loc[-3] != "gates":
        return None
    phases = [phase_key(phase) for phase, gate, _ in GATES if gate == name]
    return f"{name!r} is a criterion of gates.{phases[0]}: move it there" if phases else None


def _value_message(kind: str, value: Any, ctx: dict[str, Any], msg: str) -> tuple[str, str]:
    if kind in _HINTS:
        return msg, _HINTS[kind]
    if value is None and kind.endswith("_type"):
        return "has no value", "give it a value or remove the field"
    if kind in ("enum", "literal_error"):
        return f"{_describe(value)} is not one of {ctx.get('expected', '')}", ""
    if kind.startswith("date"):
        return f"{_describe(value)} is not a date", "write it as YYYY-MM-DD, e.g. 2026-11-23"
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return f"{_describe(value)} is not a whole number", ""
    if kind in ("bool_parsing", "bool_type"):
        return f"{_describe(value)} is not true or false", "write true or false"
    if kind == "string_type":
        return f"expected text, got {_describe(value)}", "write it on one line, or quote it"
    if kind == "list_type":
        return f"expected a list, got {_describe(value)}", "write one '- item' per line"
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        return f"expected a mapping of fields, got {_describe(value)}", "write 'name: value' lines"
    if kind == "too_short":
        if isinstance(value, str) or value is None:
            return "must not be empty", "give it a value or remove the field"
        least = ctx.get("min_length", 1)
        return f"needs at least {least} item{'s' if least != 1 else ''}", ""
    if kind == "greater_than_equal":
        return f"{_describe(value)} is below the minimum {ctx.get('ge')}", ""
    if kind == "less_than_equal":
        return f"{_describe(value)} is above the maximum {ctx.get('le')}", ""
    return msg.removeprefix("Value error, "), ""
