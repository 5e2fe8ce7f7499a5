"""What has been announced: the notify state file, kept beside the sign-off ledger (cached by Actions).

It holds the key of every event already posted (and to which channels), the events still to post
(queued while Slack was down, kept until delivered) and the accounts last announced red. A restored
cache is untrusted input: its version and shape are checked when it is read, and a file that is not
a notify state is refused with one message, never overwritten.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from generator.documents.load import display_path
from generator.notify.events import Event, kind_of
from generator.notify.settings import Notifications

STATE_VERSION = 1
STATE_KIND = "handbook-notify-state"
MAX_STATE_BYTES = 16 * 1024 * 1024
_KEY = r"^[a-z-]{1,40}:[A-Za-z0-9:._-]{1,200}$"
_CHANNEL = r"^[a-z0-9_-]{1,80}$"

Key = Annotated[str, Field(pattern=_KEY)]
ChannelName = Annotated[str, Field(pattern=_CHANNEL)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Pending(_Model):
    """An event not yet posted to every channel it goes to."""

    event: Event
    channels: Annotated[list[ChannelName], Field(min_length=1, max_length=20)]
    queued_at: dt.datetime
    attempts: int = Field(0, ge=0)
    last_error: Annotated[str, Field(max_length=2000)] = ""

    @property
    def key(self) -> str:
        return self.event.key


class State(_Model):
    kind: Literal["handbook-notify-state"] = "handbook-notify-state"
    version: Literal[1] = 1
    updated_at: dt.datetime | None = None
    # Event key -> the channels it was posted to ([] when no channel was routed, or at the baseline).
    announced: Annotated[dict[Key, list[ChannelName]], Field(max_length=200_000)] = Field(
        default_factory=dict
    )
    pending: Annotated[list[Pending], Field(max_length=5_000)] = Field(default_factory=list)
    # Account id -> the `since` of the red period last announced (to announce when it ends).
    red: Annotated[
        dict[Annotated[str, Field(pattern=r"^[a-z0-9-]{1,64}$")], dt.date], Field(max_length=100_000)
    ] = Field(default_factory=dict)

    def known(self, key: str) -> bool:
        return key in self.announced or any(p.key == key for p in self.pending)


class StateError(Exception):
    """The state file exists but is not a notify state this version can read."""


def load_state(path: Path) -> State | None:
    """The state at `path`, or None when there is none yet (the first run)."""
    shown = display_path(path)
    if not path.exists() and not path.is_symlink():
        return None
    if path.is_symlink() or not path.is_file():
        raise StateError(
            f"{shown}: not a regular file; the notify state is a JSON file written by handbook notify"
        )
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise StateError(f"{shown}: cannot read the notify state: {exc.strerror or exc}") from exc
    if len(raw) > MAX_STATE_BYTES:
        raise StateError(
            f"{shown}: {len(raw):,} bytes, over the {MAX_STATE_BYTES:,}-byte limit of a notify state"
        )
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError) as exc:
        raise StateError(
            f"{shown}: not JSON ({exc}); the notify state is written by handbook notify"
        ) from exc
    if not isinstance(data, dict) or data.get("kind") != STATE_KIND:
        raise StateError(
            f'{shown}: not a notify state (no "kind": "{STATE_KIND}"); refusing to use or replace it'
        )
    if data.get("version") != STATE_VERSION:
        raise StateError(
            f"{shown}: notify state version {data.get('version')!r}; "
            f"this handbook reads version {STATE_VERSION}"
        )
    try:
        return State.model_validate(data)
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        where = ".".join(str(part) for part in first["loc"])
        count = exc.error_count()
        more = f" (and {count - 1} more)" if count > 1 else ""
        raise StateError(f"{shown}: not a valid notify state: {where}: {first['msg']}{more}") from exc


def save_state(state: State, path: Path, now: dt.datetime) -> None:
    """Write atomically: a crash never leaves half a state behind (a half state would re-post)."""
    state.updated_at = now
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(json.dumps(state.model_dump(mode="json"), indent=1) + "\n", encoding="utf-8")
    os.replace(temporary, path)


def baseline(events: Sequence[Event], now: dt.datetime) -> State:
    """The first run: what the handbook shows now counts as announced; nothing is posted."""
    state = State(updated_at=now)
    for event in events:
        state.announced[event.key] = []
        _track_red(state, event)
    return state


def enqueue(
    state: State, events: Sequence[Event], settings: Notifications, now: dt.datetime
) -> list[Pending]:
    """Queue the events not announced yet (once each, to their routed channels); returns the new ones."""
    added = []
    for event in events:
        _track_red(state, event)
        if state.known(event.key):
            continue
        channels = [channel.name for channel in settings.channels_for(kind_of(event))]
        if not channels:
            state.announced[event.key] = []  # routed nowhere: noted, so a later route does not flood
            continue
        if event.kind == "overdue-digest":
            # Yesterday's digest still queued is out of date: today's replaces it.
            state.pending = [p for p in state.pending if p.event.kind != "overdue-digest"]
        pending = Pending(event=event, channels=channels, queued_at=now)
        state.pending.append(pending)
        added.append(pending)
    return added


def _track_red(state: State, event: Event) -> None:
    if event.kind == "account-red":
        state.red[event.account_id] = event.since
    elif event.kind == "account-left-red" and state.red.get(event.account_id) == event.since:
        del state.red[event.account_id]


def delivered(state: State, pending: Pending, channel: str) -> None:
    """One channel got the message: once every channel has, the event is announced."""
    done = state.announced.setdefault(pending.key, [])
    if channel not in done:
        done.append(channel)
    pending.channels = [c for c in pending.channels if c != channel]
    if not pending.channels:
        state.pending = [p for p in state.pending if p is not pending]
