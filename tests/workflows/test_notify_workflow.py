"""publish.yml and remind.yml tell Slack, run locally against the fake GitHub and the fake Slack."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml

from tests.fakegithub import FakeGitHub
from tests.fakeslack.blockkit import acted_on
from tests.fakeslack.server import FakeSlack
from tests.notify.conftest import CONFIG
from tests.signoff.world import REPO, World
from tests.workflows.checkout import webhook, write
from tests.workflows.documents import ACCOUNT, ACCOUNT_PATH, REVIEW_PATH, review
from tests.workflows.runner import PAGE_URL, ROOT, Actions, Run

APPROVERS = ["pat", "eve", "sam", "vic"]
SCHEDULE = {"schedule": "17 5 * * *", "repository": {"full_name": REPO, "default_branch": "main"}}


@pytest.fixture
def world(fake_github: FakeGitHub) -> World:
    world = World(fake_github)
    # #5 is the merge that decides the review: in-review -> approved, with every sign-off.
    world.pull(5, {REVIEW_PATH: (review("in-review"), review("approved"))}, title="Approve TR-0001")
    world.approve(5, *APPROVERS)
    world.fake.pull(5).merged = True
    world.fake.pull(5).state = "closed"
    world.fake.pull(5).merged_at = "2026-01-20T16:00:00Z"
    return world


@pytest.fixture
def slack_actions(actions: Actions, fake_slack: FakeSlack) -> Actions:
    actions.secrets["SLACK_WEBHOOK_TECH_REVIEWS"] = fake_slack.webhook("tech-reviews")
    actions.secrets["SLACK_WEBHOOK_RED_ACCOUNTS"] = fake_slack.webhook("red-accounts")
    return actions


@pytest.fixture
def main_branch(tmp_path: Path) -> Path:
    root = tmp_path / "main"
    write(root, {ACCOUNT_PATH: ACCOUNT, REVIEW_PATH: review("in-review"), "handbook.yml": CONFIG})
    return root


def push(actions: Actions, main_branch: Path) -> Run:
    event = webhook(
        "push.json", ref="refs/heads/main", repository__full_name=REPO, repository__default_branch="main"
    )
    return actions.run("publish.yml", "push", event, main_branch)


def test_a_merge_that_decides_a_review_posts_its_decision_once(slack_actions, main_branch, world, fake_slack):
    first = push(slack_actions, main_branch)
    assert first.ok, first.job("notify").log
    assert "first run" in first.job("notify").log and fake_slack.posts == []
    assert "First run: 1 event(s) the handbook already shows were counted" in first.job("notify").summary

    write(main_branch, {REVIEW_PATH: review("approved")})  # #5 merged
    decided = push(slack_actions, main_branch)
    assert decided.ok, decided.job("notify").log
    [post] = fake_slack.delivered("tech-reviews")
    assert "TR-0001 was approved on 2026-01-20" in post.text
    links = acted_on(post.payload).links
    assert PAGE_URL + "reviews/tr-0001-acme-air-gapped.html" in links
    assert "https://github.com/acme/handbook/pull/5" in links
    assert (
        "| `review-decided:TR-0001:yes:2026-01-20` | #tech-reviews | posted |"
        in decided.job("notify").summary
    )

    again = slack_actions.run("publish.yml", "schedule", SCHEDULE, main_branch)
    assert again.ok and "nothing new to announce" in again.job("notify").log
    assert len(fake_slack.posts) == 1


def test_slack_down_warns_and_never_fails_the_publication(slack_actions, main_branch, world, fake_slack):
    assert push(slack_actions, main_branch).ok
    write(main_branch, {REVIEW_PATH: review("approved")})
    slack_actions.secrets["SLACK_WEBHOOK_TECH_REVIEWS"] = "https://hooks.slack.com.evil.example/services/x"
    run = push(slack_actions, main_branch)
    assert run.ok and run.job("deploy").result == "success"
    [warning] = run.job("notify").annotations("warning")
    assert (
        "not a Slack incoming-webhook address" in warning["message"]
        and "kept for the next run" in warning["message"]
    )
    assert "evil.example" not in run.job("notify").log
    slack_actions.secrets["SLACK_WEBHOOK_TECH_REVIEWS"] = fake_slack.webhook("tech-reviews")
    assert push(slack_actions, main_branch).ok
    assert len(fake_slack.delivered("tech-reviews")) == 1


def test_only_the_notify_step_holds_the_webhook_secrets():
    for name, job_id in (("publish.yml", "notify"), ("remind.yml", "digest")):
        workflow = yaml.safe_load((ROOT / ".github/workflows" / name).read_text(encoding="utf-8"))
        for other_id, job in workflow["jobs"].items():
            text = yaml.safe_dump(job)
            if other_id != job_id:
                assert "SLACK_WEBHOOK" not in text, (name, other_id)
        job = workflow["jobs"][job_id]
        assert job["permissions"] == {"contents": "read"} and job["environment"] == "slack"
        assert "create-github-app-token" not in yaml.safe_dump(job) and "GITHUB_TOKEN" not in yaml.safe_dump(
            job
        )
        [holder] = [s for s in job["steps"] if "SLACK_WEBHOOK" in yaml.safe_dump(s)]
        assert "handbook notify" in holder["run"]


def test_the_morning_digest_lists_overdue_reviews_from_the_cached_ledger(
    slack_actions, main_branch, world, fake_slack, fake_github
):
    two_weeks_ago = dt.datetime.now(dt.UTC) - dt.timedelta(days=14)
    world.pull(7, {"reviews/tr-0002-acme-sso.md": (None, review("in-review").replace("TR-0001", "TR-0002"))},
               created_at=two_weeks_ago, title="Tech review TR-0002")  # fmt: skip
    assert push(slack_actions, main_branch).ok
    schedule = {"schedule": "0 8 * * 1-5", "repository": {"full_name": REPO, "default_branch": "main"}}
    run = slack_actions.run("remind.yml", "schedule", schedule, main_branch)
    assert run.job("digest").result == "success", run.job("digest").log
    [post] = fake_slack.delivered("tech-reviews")
    assert "past the feedback deadline: #7" in post.text
    again = slack_actions.run("remind.yml", "schedule", schedule, main_branch)
    assert again.job("digest").result == "success" and len(fake_slack.delivered()) == 1
