"""remind.yml, run locally on its schedule against the fake GitHub, with today's date as Actions has it."""

from __future__ import annotations

import datetime as dt

import pytest

from generator.signoff.remind import MARKER
from tests.fakegithub import FakeGitHub
from tests.signoff.world import REPO, World
from tests.workflows.documents import REVIEW_PATH, review
from tests.workflows.runner import APP_SLUG

SCHEDULE = {"schedule": "0 8 * * 1-5", "repository": {"full_name": REPO, "default_branch": "main"}}


@pytest.fixture
def world(fake_github: FakeGitHub) -> World:
    fake_github.actor = fake_github.add_user(f"{APP_SLUG}[bot]", "Bot").login
    fake_github.now = dt.datetime.now(dt.UTC)  # the workflow runs on the real today
    world = World(fake_github)
    two_weeks_ago = dt.datetime.now(dt.UTC) - dt.timedelta(days=14)
    world.pull(7, {REVIEW_PATH: (review("in-review"), review("approved"))}, created_at=two_weeks_ago)
    world.pull(
        8, {REVIEW_PATH: (review("in-review"), review("approved"))}, created_at=dt.datetime.now(dt.UTC)
    )
    world.approve(7, "pat", "vic")
    return world


def test_each_business_morning_an_overdue_pull_request_gets_one_reminder(actions, main_branch, world):
    run = actions.run("remind.yml", "schedule", SCHEDULE, main_branch)
    assert run.ok, run.job().log
    [reminder] = [c for c in world.fake.comments(7) if c.body.startswith(MARKER)]
    assert reminder.login == f"{APP_SLUG}[bot]"
    assert "| engineering | @eve |" in reminder.body and "| support | @sam |" in reminder.body
    assert "@pat" not in reminder.body and "@vic" not in reminder.body
    assert world.fake.comments(8) == []  # opened today: not overdue
    assert "| #7 | created |" in run.job().summary


def test_a_second_run_the_same_day_does_not_stack_or_touch_the_reminder(actions, main_branch, world):
    actions.run("remind.yml", "schedule", SCHEDULE, main_branch)
    writes = len([r for r in world.fake.requests if r.method in ("POST", "PATCH")])
    run = actions.run("remind.yml", "schedule", SCHEDULE, main_branch)
    assert run.ok
    assert len([r for r in world.fake.requests if r.method in ("POST", "PATCH")]) == writes
    assert len(world.fake.comments(7)) == 1
    assert "| #7 | already reminded today |" in run.job().summary
