"""The notify state: exactly once across runs, and a cached file treated as untrusted input."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from generator.notify.events import Event, document_events
from generator.notify.settings import Channel, EventKind, Notifications
from generator.notify.state import State, StateError, baseline, delivered, enqueue, load_state, save_state
from tests.notify.documents import (
    ACCOUNT,
    ACCOUNT_PATH,
    REVIEW_PATH,
    handbook,
    red_account,
    review,
    write_repo,
)

NOW = dt.datetime(2026, 1, 21, 6, tzinfo=dt.UTC)
SETTINGS = Notifications(
    enabled=True,
    channels={"tech-reviews": Channel(webhook_env="SLACK_WEBHOOK_TECH_REVIEWS"),
              "red-accounts": Channel(webhook_env="SLACK_WEBHOOK_RED_ACCOUNTS")},
    routes={EventKind.REVIEW_DECIDED: ["tech-reviews"], EventKind.REVIEW_IN_REVIEW: ["tech-reviews"],
            EventKind.ACCOUNT_RED: ["red-accounts", "tech-reviews"]},
)  # fmt: skip


def events_of(tmp_path: Path, files: dict[str, str | None], state: State | None = None) -> list[Event]:
    root = write_repo(tmp_path, files)
    return document_events(handbook(root), state.red if state else {})


def test_the_first_run_counts_everything_shown_as_announced(tmp_path):
    events = events_of(tmp_path, {ACCOUNT_PATH: red_account(), REVIEW_PATH: review("approved")})
    state = baseline(events, NOW)
    assert state.pending == []
    assert set(state.announced) == {"account-red:acme:2026-01-12", "review-decided:TR-0001:yes:2026-01-20"}
    assert state.red == {"acme": dt.date(2026, 1, 12)}


def test_a_new_event_is_queued_once_to_each_routed_channel(tmp_path):
    state = baseline(events_of(tmp_path, {ACCOUNT_PATH: ACCOUNT, REVIEW_PATH: review("in-review")}), NOW)
    events = events_of(tmp_path, {REVIEW_PATH: review("approved")}, state)
    [pending] = enqueue(state, events, SETTINGS, NOW)
    assert pending.key == "review-decided:TR-0001:yes:2026-01-20" and pending.channels == ["tech-reviews"]
    assert enqueue(state, events, SETTINGS, NOW) == []


def test_an_event_routed_nowhere_is_noted_and_never_posted_later(tmp_path):
    state = State()
    events = events_of(tmp_path, {ACCOUNT_PATH: ACCOUNT, REVIEW_PATH: review("in-review")})
    assert enqueue(state, events, Notifications(), NOW) == []
    assert state.announced == {"review-in-review:TR-0001:2026-01-05": []}
    assert enqueue(state, events, SETTINGS, NOW) == []


def test_an_event_is_announced_only_when_every_channel_has_it(tmp_path):
    state = State()
    [pending] = enqueue(state, events_of(tmp_path, {ACCOUNT_PATH: red_account()}), SETTINGS, NOW)
    delivered(state, pending, "red-accounts")
    assert state.pending == [pending] and pending.channels == ["tech-reviews"]
    delivered(state, pending, "tech-reviews")
    assert state.pending == [] and state.announced[pending.key] == ["red-accounts", "tech-reviews"]


def test_a_reverted_and_reapplied_decision_is_not_queued_again(tmp_path):
    state = baseline(events_of(tmp_path, {ACCOUNT_PATH: ACCOUNT, REVIEW_PATH: review("in-review")}), NOW)
    for pending in enqueue(
        state, events_of(tmp_path, {REVIEW_PATH: review("approved")}, state), SETTINGS, NOW
    ):
        delivered(state, pending, "tech-reviews")
    assert enqueue(state, events_of(tmp_path, {REVIEW_PATH: review("in-review")}, state), SETTINGS, NOW) == []
    assert enqueue(state, events_of(tmp_path, {REVIEW_PATH: review("approved")}, state), SETTINGS, NOW) == []


def test_the_state_survives_a_round_trip_through_its_file(tmp_path):
    state = State()
    enqueue(state, events_of(tmp_path, {ACCOUNT_PATH: red_account()}), SETTINGS, NOW)
    save_state(state, tmp_path / "build" / "notify-state.json", NOW)
    again = load_state(tmp_path / "build" / "notify-state.json")
    assert again == state and again.pending[0].event.kind == "account-red"


def test_no_state_file_is_the_first_run(tmp_path):
    assert load_state(tmp_path / "notify-state.json") is None


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("{not json", "not JSON"),
        ('["a list"]', "not a notify state"),
        ('{"kind": "handbook-notify-state", "version": 7}', "version 7; this handbook reads version 1"),
        ('{"documents": {}, "version": 1}', "not a notify state"),
        ('{"kind": "handbook-notify-state", "version": 1, "announced": {"x y": []}}', "announced"),
        ('{"kind": "handbook-notify-state", "version": 1, "surprise": true}', "surprise"),
    ],
)
def test_a_state_file_that_is_not_one_is_refused_with_its_name_and_reason(tmp_path, content, expected):
    path = tmp_path / "notify-state.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(StateError) as caught:
        load_state(path)
    assert "notify-state.json" in str(caught.value) and expected in str(caught.value)


def test_a_queued_event_pointing_outside_the_handbook_is_refused(tmp_path):
    state = State()
    enqueue(state, events_of(tmp_path, {ACCOUNT_PATH: red_account()}), SETTINGS, NOW)
    data = state.model_dump(mode="json")
    data["pending"][0]["event"]["page"] = "https://evil.example/phish"
    path = tmp_path / "notify-state.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(StateError, match=r"pending\.0\.event\.account-red\.page"):
        load_state(path)


def test_a_state_that_is_a_link_is_refused(tmp_path):
    (tmp_path / "elsewhere.json").write_text("{}", encoding="utf-8")
    (tmp_path / "notify-state.json").symlink_to(tmp_path / "elsewhere.json")
    with pytest.raises(StateError, match="not a regular file"):
        load_state(tmp_path / "notify-state.json")
