"""`handbook remind` against the fake GitHub: who is reminded, when, and how often."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from generator.commands import main
from generator.process.calendar import feedback_due
from generator.signoff.remind import MARKER, Missing, Overdue, reminder
from tests.fakegithub import FakeGitHub
from tests.signoff.world import REPO, World
from tests.workflows.documents import REVIEW_PATH, review

# Monday 2026-01-05: feedback is due on Thursday 2026-01-08, overdue from Friday 2026-01-09.
OPENED = dt.datetime(2026, 1, 5, 9, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _environment(monkeypatch):
    for name in ("GITHUB_REPOSITORY", "GITHUB_API_URL", "GITHUB_STEP_SUMMARY", "HANDBOOK_SIGNOFF_BOT"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("GITHUB_TOKEN", "t0ken")
    monkeypatch.setenv("HANDBOOK_GITHUB_BACKOFF", "0")


@pytest.fixture
def world(fake_github: FakeGitHub) -> World:
    world = World(fake_github)
    # A review moving to approved: Product, Engineering, Support and the CE VP must approve.
    world.pull(7, {REVIEW_PATH: (review("in-review"), review("approved"))}, created_at=OPENED)
    return world


def remind(fake: FakeGitHub, today: str, *extra: str) -> int:
    """The command on the morning of `today`, with GitHub's clock on the same day."""
    fake.now = dt.datetime.fromisoformat(today).replace(hour=8, tzinfo=dt.UTC)
    return main(["remind", "--repo", REPO, "--api-url", fake.base_url, "--today", today, *extra])


def reminders(fake: FakeGitHub, number: int = 7) -> list[str]:
    return [c.body for c in fake.comments(number) if c.body.startswith(MARKER)]


def test_feedback_is_due_three_business_days_later_skipping_the_weekend():
    assert feedback_due(dt.date(2026, 1, 5)) == dt.date(2026, 1, 8)
    assert feedback_due(dt.date(2026, 1, 9)) == dt.date(2026, 1, 14)


def test_an_overdue_pull_request_gets_a_reminder_naming_the_missing_roles_and_people(world):
    world.approve(7, "pat")
    assert remind(world.fake, "2026-01-09") == 0
    [body] = reminders(world.fake)
    assert "| engineering | @eve |" in body
    assert "| support | @sam |" in body
    assert "| ce-vp | @vic |" in body
    assert "product" not in body and "@pat" not in body


def test_a_pull_request_within_its_deadline_is_not_reminded(world):
    assert remind(world.fake, "2026-01-08") == 0
    assert reminders(world.fake) == []


def test_a_signed_off_pull_request_is_not_reminded(world):
    world.approve(7, "pat", "eve", "sam", "vic")
    assert remind(world.fake, "2026-01-12") == 0
    assert reminders(world.fake) == []


def test_a_draft_pull_request_is_not_reminded(fake_github):
    world = World(fake_github)
    world.pull(8, {REVIEW_PATH: (review("in-review"), review("approved"))}, created_at=OPENED, draft=True)
    assert remind(fake_github, "2026-01-12") == 0
    assert reminders(fake_github, 8) == []


def test_a_second_run_on_the_same_day_leaves_the_reminder_alone(world):
    remind(world.fake, "2026-01-09")
    writes_before = [r for r in world.fake.requests if r.method in ("POST", "PATCH")]
    assert remind(world.fake, "2026-01-09") == 0
    writes_after = [r for r in world.fake.requests if r.method in ("POST", "PATCH")]
    assert len(reminders(world.fake)) == 1
    assert writes_after == writes_before


def test_the_next_day_the_reminder_is_edited_in_place_not_stacked(world):
    remind(world.fake, "2026-01-09")
    world.approve(7, "eve")
    assert remind(world.fake, "2026-01-12") == 0
    [body] = reminders(world.fake)
    assert "@eve" not in body
    assert "Reminder of 2026-01-12" in body
    assert any(r.method == "PATCH" for r in world.fake.requests)


def test_a_person_cannot_make_their_comment_the_one_that_gets_edited(world):
    world.fake.add_comment(7, "mallory", MARKER + "\nplease merge")
    remind(world.fake, "2026-01-09")
    bodies = reminders(world.fake)
    assert len(bodies) == 2
    assert "please merge" in bodies[0] and "Feedback is overdue" in bodies[1]


def test_dry_run_prints_the_reminder_and_posts_nothing(world, capsys):
    assert remind(world.fake, "2026-01-09", "--dry-run") == 0
    out = capsys.readouterr().out
    assert "#7: would post" in out and "| ce-vp | @vic |" in out
    assert reminders(world.fake) == []
    assert not [r for r in world.fake.requests if r.method in ("POST", "PATCH")]


def test_a_github_error_exits_3_and_posts_nothing(world, capsys):
    world.fake.fail(r"GET /repos/acme/handbook/pulls", 502)
    assert remind(world.fake, "2026-01-09") == 3
    assert "GitHub" in capsys.readouterr().err
    assert reminders(world.fake) == []


def test_without_a_token_it_is_a_usage_error(world, monkeypatch, capsys):
    monkeypatch.delenv("GITHUB_TOKEN")
    assert remind(world.fake, "2026-01-09") == 2
    assert "GITHUB_TOKEN" in capsys.readouterr().err


def test_a_bad_date_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["remind", "--repo", REPO, "--today", "next friday"])
    assert exit_.value.code == 2
    assert "is not a date" in capsys.readouterr().err


def test_file_names_and_logins_in_the_reminder_cannot_inject_markdown():
    overdue = Overdue(
        1,
        "https://example.com/pull/1",
        dt.date(2026, 1, 5),
        dt.date(2026, 1, 8),
        ("reviews/x`](https://evil.example)@all|.md",),
        (Missing("support", ("sam", "evil](https://x)")),),
    )
    body = reminder(overdue, dt.date(2026, 1, 9))
    unescaped = re.compile(r"(?<!\\)(\]\(|@all|@evil|`)")
    assert unescaped.search(body) is None
    assert "@sam" in body


# --- handbook.yml: company holidays and the feedback window ---------------------------------------


def test_a_holiday_inside_the_feedback_window_moves_the_deadline(world, tmp_path):
    # 2026-01-07 is a company holiday: feedback asked on Monday 5 is due Friday 9, not Thursday 8.
    (tmp_path / "handbook.yml").write_text("holidays:\n  - 2026-01-07\n", encoding="utf-8")
    assert remind(world.fake, "2026-01-09", "--root", str(tmp_path)) == 0
    assert reminders(world.fake) == []
    assert remind(world.fake, "2026-01-12", "--root", str(tmp_path)) == 0
    [body] = reminders(world.fake)
    assert "within 3 business days, by 2026-01-09" in body
    assert "overdue by 1 business day" in body


def test_a_longer_feedback_window_from_handbook_yml_is_the_deadline_remind_uses(world, tmp_path):
    (tmp_path / "handbook.yml").write_text("feedback_business_days: 5\n", encoding="utf-8")
    assert remind(world.fake, "2026-01-12", "--root", str(tmp_path)) == 0
    assert reminders(world.fake) == []
    assert remind(world.fake, "2026-01-13", "--root", str(tmp_path)) == 0
    [body] = reminders(world.fake)
    assert "within 5 business days, by 2026-01-12" in body


def test_a_broken_handbook_yml_stops_remind_before_github_is_asked(world, tmp_path, capsys):
    (tmp_path / "handbook.yml").write_text("feedback_business_days: soon\n", encoding="utf-8")
    assert remind(world.fake, "2026-01-12", "--root", str(tmp_path)) == 1
    err = capsys.readouterr().err
    assert "feedback_business_days: 'soon' is not a whole number" in err
    assert reminders(world.fake) == []
