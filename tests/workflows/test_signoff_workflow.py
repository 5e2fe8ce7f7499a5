"""signoff.yml and its review relay, run locally against the fake GitHub: a pull request moving a tech
review to approved stays unsigned until Product, Engineering, Support and the CE VP approve its head."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.fakegithub import FakeGitHub
from tests.signoff.world import REPO, World
from tests.workflows.checkout import webhook
from tests.workflows.documents import REVIEW_PATH, review
from tests.workflows.runner import APP_SLUG, WORKFLOWS, Actions, Run

CONTEXT = "handbook/sign-off"


@pytest.fixture
def world(fake_github: FakeGitHub) -> World:
    # What the App's installation token writes is authored by the App's bot account.
    fake_github.actor = fake_github.add_user(f"{APP_SLUG}[bot]", "Bot").login
    return World(fake_github)


def opened(world: World, number: int = 7) -> tuple[str, dict[str, Any]]:
    head = world.pull(number, {REVIEW_PATH: (review("in-review"), review("approved"))})
    event = webhook(
        "pull_request.opened.json",
        number=number,
        pull_request__number=number,
        pull_request__head__sha=head,
        pull_request__head__ref=f"topic-{number}",
        repository__full_name=REPO,
        repository__default_branch="main",
    )
    return head, event


def review_submitted(actions: Actions, main_branch: Path, head: str, login: str, number: int = 7) -> Run:
    """A review arrives: the unprivileged relay runs, and its completion triggers the sign-off workflow."""
    review_event = webhook(
        "pull_request_review.submitted.json",
        review__state="approved",
        review__user__login=login,
        review__commit_id=head,
        pull_request__number=number,
        pull_request__head__sha=head,
        repository__full_name=REPO,
    )
    relay = actions.run("signoff-review.yml", "pull_request_review", review_event, main_branch)
    assert relay.ok, relay.job().log
    # Like a review on a fork's pull request: the run names no pull request, only its head.
    completed = webhook(
        "workflow_run.completed.json",
        workflow__name="sign-off review",
        workflow_run__event="pull_request_review",
        workflow_run__head_sha=head,
        workflow_run__head_branch=f"topic-{number}",
        workflow_run__head_repository__owner__login="acme",
        workflow_run__pull_requests=[],
        repository__full_name=REPO,
        repository__default_branch="main",
    )
    return actions.run("signoff.yml", "workflow_run", completed, main_branch)


def latest_status(fake: FakeGitHub, sha: str) -> tuple[str, str]:
    ours = [s for s in fake.statuses(sha) if s.context == CONTEXT]
    return ours[-1].state, ours[-1].description or ""


def test_an_opened_pull_request_gets_a_failing_sign_off_naming_the_missing_roles(actions, main_branch, world):
    head, event = opened(world)
    run = actions.run("signoff.yml", "pull_request_target", event, main_branch)
    assert run.ok, run.job().log
    assert [s.state for s in world.fake.statuses(head) if s.context == CONTEXT] == ["pending", "pending"]
    assert latest_status(world.fake, head) == ("pending", "missing: product, engineering, support, ce-vp")
    assert "❌" in run.job().summary


def test_it_stays_unsigned_until_every_role_approved_the_head_then_turns_green(actions, main_branch, world):
    head, event = opened(world)
    actions.run("signoff.yml", "pull_request_target", event, main_branch)
    still_missing = ["product", "engineering", "support", "ce-vp"]
    for login in ["pat", "eve", "sam"]:
        world.approve(7, login)
        still_missing.pop(0)
        run = review_submitted(actions, main_branch, head, login)
        assert run.ok, run.job().log
        assert latest_status(world.fake, head) == ("pending", "missing: " + ", ".join(still_missing))
    world.approve(7, "vic")
    run = review_submitted(actions, main_branch, head, "vic")
    assert run.ok, run.job().log
    assert latest_status(world.fake, head) == ("success", "all sign-offs present")


def test_an_approval_of_an_older_commit_does_not_count(actions, main_branch, world):
    head, _ = opened(world)
    world.approve(7, "pat", "eve", "sam", commit_id="0" * 40)
    world.approve(7, "vic")
    review_submitted(actions, main_branch, head, "vic")
    assert latest_status(world.fake, head) == ("pending", "missing: product, engineering, support")


def test_the_status_and_comment_are_posted_with_the_apps_token(actions, main_branch, world):
    _, event = opened(world)
    actions.run("signoff.yml", "pull_request_target", event, main_branch)
    writes = [r for r in world.fake.requests if r.method in ("POST", "PATCH")]
    assert writes
    assert {r.headers.get("Authorization") for r in writes} == {f"token {actions.token}"}


def test_the_relay_has_no_token_and_calls_nobody(actions, main_branch, world):
    opened(world)
    event = webhook("pull_request_review.submitted.json", pull_request__number=7, repository__full_name=REPO)
    before = len(world.fake.requests)
    relay = actions.run("signoff-review.yml", "pull_request_review", event, main_branch)
    assert relay.ok
    assert len(world.fake.requests) == before
    assert "GITHUB_TOKEN" not in (WORKFLOWS / "signoff-review.yml").read_text()


def test_without_the_apps_key_nothing_is_posted_and_the_job_fails(actions, main_branch, world):
    # A workflow run outside the `signoff` environment (a modified copy on a branch) has no key.
    actions.secrets.clear()
    head, event = opened(world)
    run = actions.run("signoff.yml", "pull_request_target", event, main_branch)
    assert not run.ok
    assert [s for s in world.fake.statuses(head) if s.context == CONTEXT] == []


def test_a_github_outage_fails_the_job_and_never_posts_success(actions, main_branch, world):
    head, event = opened(world)
    world.approve(7, "pat", "eve", "sam", "vic")
    world.fake.fail(r"GET /repos/acme/handbook/pulls/7/reviews", 502)
    run = actions.run("signoff.yml", "pull_request_target", event, main_branch)
    assert not run.ok
    assert "success" not in [s.state for s in world.fake.statuses(head) if s.context == CONTEXT]


def test_a_review_for_a_head_no_open_pull_request_has_is_ignored(actions, main_branch, world):
    opened(world)
    run = review_submitted(actions, main_branch, "f" * 40, "pat")
    assert run.ok, run.job().log
    assert "no open pull request into the default branch has the head ffffffffffff" in run.job().log
    assert world.fake.statuses("f" * 40) == []


def test_the_sign_off_comment_is_edited_not_stacked(actions, main_branch, world):
    head, event = opened(world)
    actions.run("signoff.yml", "pull_request_target", event, main_branch)
    world.approve(7, "pat")
    review_submitted(actions, main_branch, head, "pat")
    [comment] = world.fake.comments(7)
    assert comment.login == f"{APP_SLUG}[bot]"
    assert "pat" in comment.body


def test_when_github_cannot_say_which_pull_request_was_reviewed_the_job_fails_cleanly(
    actions, main_branch, world
):
    head, _ = opened(world)
    world.approve(7, "pat", "eve", "sam", "vic")
    world.fake.fail(r"GET /repos/acme/handbook/pulls", 503)
    run = review_submitted(actions, main_branch, head, "vic")
    assert not run.ok
    assert "finding the reviewed pull request: gave up after retries" in run.job().log
    assert "Traceback" not in run.job().log
    assert [s for s in world.fake.statuses(head) if s.context == CONTEXT] == []
