"""The `notifications:` section of handbook.yml: which Slack channels exist and which events go where.

Its own small model, read with the project's strict loader (text as written, positions of every
value): the rest of handbook.yml belongs to the process configuration and is left alone here. When
the file or the section is absent, notifications are off: `handbook notify --dry-run` still prints
what would be posted, nothing is sent.

Webhook addresses never live in the repository: a channel names the environment variable (a secret
of the workflow step) that holds its address, and only `SLACK_WEBHOOK_*` variables may be named, so
a configuration change cannot point notify at another secret of the job.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError
from pydantic_core import PydanticCustomError

from generator.documents.diagnostics import Diagnostic, DocumentError
from generator.documents.load import FieldPath, Position, display_path, dotted, parse_front_matter

CONFIG_FILE = "handbook.yml"
SECTION = "notifications"
WEBHOOK_ENV_PREFIX = "SLACK_WEBHOOK_"
_MAX_CONFIG_BYTES = 256 * 1024


class EventKind(StrEnum):
    """What `handbook notify` announces; the names used under `routes:`."""

    REVIEW_IN_REVIEW = "review-in-review"
    REVIEW_DECIDED = "review-decided"
    ACCOUNT_RED = "account-red"
    ACCOUNT_LEFT_RED = "account-left-red"
    RENEWAL_WINDOW = "renewal-window"
    OVERDUE_DIGEST = "overdue-digest"


def _webhook_env(value: str) -> str:
    rest = value.removeprefix(WEBHOOK_ENV_PREFIX)
    if (
        rest == value
        or not rest
        or not all(c.isascii() and (c.isupper() or c.isdigit() or c == "_") for c in rest)
    ):
        raise PydanticCustomError(
            "webhook_env",
            "'{value}' is not a Slack webhook secret: the name must start with "
            f"{WEBHOOK_ENV_PREFIX} (capital letters, digits and _ after it)",
            {"value": value},
        )
    return value


def _channel_name(value: str) -> str:
    if (
        not value
        or len(value) > 80
        or not all(c.isascii() and (c.islower() or c.isdigit() or c in "-_") for c in value)
    ):
        raise PydanticCustomError(
            "channel_name",
            "'{value}' is not a channel name (lower-case letters, digits, - and _)",
            {"value": value},
        )
    return value


ChannelName = Annotated[str, AfterValidator(_channel_name)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Channel(_Strict):
    """One Slack channel, reached through the incoming webhook whose address is in `webhook_env`."""

    webhook_env: Annotated[str, AfterValidator(_webhook_env)] = Field(
        description=f"Environment variable (a secret) with the webhook address; starts {WEBHOOK_ENV_PREFIX}"
    )


@dataclass(frozen=True)
class Routed:
    """A channel an event is routed to: its name in handbook.yml and the variable with its webhook."""

    name: str
    webhook_env: str


class Notifications(_Strict):
    """`notifications:` in handbook.yml. Absent: off."""

    enabled: bool = Field(False, description="Post to Slack; when false, notify only prints (dry run)")
    channels: dict[ChannelName, Channel] = Field(default_factory=dict)
    routes: dict[EventKind, list[ChannelName]] = Field(
        default_factory=dict, description="Event -> the channels it is posted to"
    )
    retry_budget_seconds: Annotated[float, Field(ge=0, le=600)] = Field(
        60, description="Total time one run may spend waiting to retry Slack (5xx, 429, timeouts)"
    )
    timeout_seconds: Annotated[float, Field(gt=0, le=120)] = 10

    def channels_for(self, kind: EventKind) -> list[Routed]:
        """The channels an event goes to, each once, in the order written."""
        names = dict.fromkeys(self.routes.get(kind, []))
        return [Routed(name, self.channels[name].webhook_env) for name in names if name in self.channels]


class SettingsError(Exception):
    """handbook.yml cannot be used; `diagnostics` say where and why."""

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        super().__init__("\n".join(d.text() for d in diagnostics))
        self.diagnostics = diagnostics


def read_notifications(path: Path) -> Notifications:
    """The `notifications:` section of the configuration file at `path` (defaults when absent)."""
    if not path.exists():
        return Notifications()
    shown = display_path(path)
    try:
        if not path.is_file():
            raise SettingsError([Diagnostic(shown, 1, 1, "", "is not a regular file", "make it a file")])
        raw = path.read_bytes()
    except OSError as exc:
        raise SettingsError(
            [Diagnostic(shown, 1, 1, "", f"cannot read the file: {exc.strerror or exc}")]
        ) from exc
    if len(raw) > _MAX_CONFIG_BYTES:
        raise SettingsError([Diagnostic(shown, 1, 1, "", f"is over {_MAX_CONFIG_BYTES:,} bytes")])
    try:
        text = raw.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError:
        raise SettingsError([Diagnostic(shown, 1, 1, "", "is not UTF-8 text", "save it as UTF-8")]) from None
    if not text.strip():
        return Notifications()
    try:
        data, values, keys = parse_front_matter(text.replace("\r\n", "\n"), shown, first_line=1)
    except DocumentError as exc:
        raise SettingsError([exc.diagnostic]) from exc
    if SECTION not in data:
        return Notifications()
    section = data[SECTION]
    if section is None:
        return Notifications()
    if not isinstance(section, dict):
        at = values.get((SECTION,), Position(1, 1))
        raise SettingsError(
            [
                Diagnostic(
                    shown,
                    at.line,
                    at.column,
                    SECTION,
                    "expected a mapping of settings",
                    "write 'name: value' lines",
                )
            ]
        )
    try:
        settings = Notifications.model_validate(section)
    except ValidationError as exc:
        raise SettingsError(
            sorted(_diagnostic(shown, values, keys, error) for error in exc.errors(include_url=False))
        ) from exc
    problems = list(_route_problems(shown, settings, values))
    if problems:
        raise SettingsError(problems)
    return settings


def _route_problems(
    shown: str, settings: Notifications, values: dict[FieldPath, Position]
) -> list[Diagnostic]:
    problems = []
    for kind, names in settings.routes.items():
        for index, name in enumerate(names):
            if name not in settings.channels:
                where: FieldPath = (SECTION, "routes", kind.value, index)
                at = values.get(where, Position(1, 1))
                close = difflib.get_close_matches(name, list(settings.channels), n=1)
                hint = f"did you mean {close[0]!r}?" if close else "define it under notifications.channels"
                problems.append(
                    Diagnostic(shown, at.line, at.column, dotted(where), f"{name!r} is not a channel", hint)
                )
    return problems


def _diagnostic(
    shown: str, values: dict[FieldPath, Position], keys: dict[FieldPath, Position], error: Any
) -> Diagnostic:
    loc: FieldPath = (SECTION, *(part if isinstance(part, int) else str(part) for part in error["loc"]))
    kind: str = error["type"]
    name = str(loc[-1])
    if kind == "missing":
        at = keys.get(loc[:-1]) or values.get(loc[:-1]) or Position(1, 1)
        return Diagnostic(
            shown, at.line, at.column, dotted(loc), f"required field {name!r} is missing", f"add {name}: ..."
        )
    if kind == "extra_forbidden":
        at = keys.get(loc) or Position(1, 1)
        known = _known_fields(loc)
        return Diagnostic(
            shown,
            at.line,
            at.column,
            dotted(loc),
            f"unknown field {name!r}",
            "known fields: " + ", ".join(known),
        )
    at = _position(values, keys, loc)
    if str(error["loc"][-1]) == "[key]":
        # A mapping key that is not allowed (an event name under routes:, a channel name).
        loc = (SECTION, *(str(p) for p in error["loc"][:-2]), str(error["input"]))
        at = keys.get(loc) or _position(values, keys, loc)
        if loc[1] == "routes":
            return Diagnostic(
                shown,
                at.line,
                at.column,
                dotted(loc),
                f"{error['input']!r} is not an event",
                "events: " + ", ".join(kind.value for kind in EventKind),
            )
        return Diagnostic(shown, at.line, at.column, dotted(loc), str(error["msg"]), "")
    return Diagnostic(shown, at.line, at.column, dotted(loc), *_value_message(kind, error))


def _position(values: dict[FieldPath, Position], keys: dict[FieldPath, Position], loc: FieldPath) -> Position:
    for end in range(len(loc), 0, -1):
        found = values.get(loc[:end])
        if found:
            return found
    return Position(1, 1)


def _known_fields(loc: FieldPath) -> list[str]:
    parent = loc[1:-1]
    if not parent:
        return list(Notifications.model_fields)
    if parent[0] == "channels":
        return ["webhook_env"]
    return []


def _value_message(kind: str, error: Any) -> tuple[str, str]:
    value = error.get("input")
    shown = repr(value) if isinstance(value, str) else "nothing" if value is None else "a list or mapping"
    if kind in ("bool_parsing", "bool_type"):
        return f"{shown} is not true or false", "write true or false"
    if kind in ("float_parsing", "float_type"):
        return f"{shown} is not a number", "write a number of seconds"
    if kind in ("list_type",):
        return f"expected a list, got {shown}", "write [channel, ...] or one '- channel' per line"
    if kind in ("dict_type", "model_type"):
        return f"expected a mapping, got {shown}", "write 'name: value' lines"
    if kind in ("greater_than_equal", "greater_than", "less_than_equal"):
        return f"{shown} is out of range: {error.get('msg', '')}", ""
    message = str(error.get("msg", "is not valid"))
    return message.removeprefix("Value error, "), ""
