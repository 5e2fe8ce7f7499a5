"""publish.yml, run locally against the fake GitHub: a push to main validates, collects the sign-off
ledger, flags bypassed merges, builds the site and deploys it; the ledger is cached between runs."""

from __future__ import annotations

import datetime as dt
import html
import re
from pathlib import Path

import pytest

from tests.fakegithub import FakeGitHub
from tests.signoff.world import REPO, World
from tests.workflows.checkout import webhook, write
from tests.workflows.documents import ACCOUNT, ACCOUNT_PATH, REVIEW_PATH, review
from tests.workflows.runner import ROOT, Actions, Run

APPROVERS = ["pat", "eve", "sam", "vic"]
MERGED = dt.datetime(2026, 1, 14, 16, 0, tzinfo=dt.UTC)


@pytest.fixture
def world(fake_github: FakeGitHub) -> World:
    world = World(fake_github)
    # #5 moved the review to approved with every sign-off; #6 changed the plan without its CE manager.
    world.pull(5, {REVIEW_PATH: (review("in-review"), review("approved"))}, title="Approve TR-0001")
    world.approve(5, *APPROVERS)
    world.fake.pull(5).merged = True
    world.fake.pull(5).state = "closed"
    world.fake.pull(5).merged_at = "2026-01-14T16:00:00Z"
    world.pull(6, {ACCOUNT_PATH: (ACCOUNT, ACCOUNT.replace("300 repositories", "340 repositories"))},
               merged=True, merged_at=MERGED, title="Update the Acme plan")  # fmt: skip
    return world


@pytest.fixture
def main_branch(tmp_path: Path) -> Path:
    root = tmp_path / "main"
    write(
        root,
        {
            ACCOUNT_PATH: ACCOUNT.replace("300 repositories", "340 repositories"),
            REVIEW_PATH: review("approved"),
        },
    )
    return root


def push(actions: Actions, main_branch: Path) -> Run:
    event = webhook(
        "push.json", ref="refs/heads/main", repository__full_name=REPO, repository__default_branch="main"
    )
    return actions.run("publish.yml", "push", event, main_branch)


def page_text(site: Path, fragment: str) -> str:
    [page] = [p for p in site.rglob("*.html") if fragment in p.as_posix().lower()]
    return html.unescape(re.sub(r"<[^>]+>", " ", page.read_text(encoding="utf-8")))


def test_a_push_to_main_deploys_a_site_whose_review_page_lists_the_sign_offs(actions, main_branch, world):
    run = push(actions, main_branch)
    assert run.ok, run.job("build").log
    assert run.job("deploy").result == "success"
    [site] = actions.pages
    text = page_text(site, "tr-0001")
    for login in APPROVERS:
        assert login in text
    assert "#5" in text or "/pull/5" in text


def test_the_audit_flags_the_merge_that_bypassed_sign_off(actions, main_branch, world):
    run = push(actions, main_branch)
    ledger = run.job("ledger")
    [warning] = ledger.annotations("warning")
    assert warning["file"] == ACCOUNT_PATH
    assert "pull request #6 was merged on 2026-01-14 without ce-manager" in warning["message"]
    assert "merges that bypassed sign-off" in ledger.summary


def test_the_next_run_restores_the_ledger_and_fetches_only_new_merges(actions, main_branch, world):
    assert push(actions, main_branch).ok
    before = len(world.fake.requests)
    schedule = {"schedule": "17 5 * * *", "repository": {"full_name": REPO, "default_branch": "main"}}
    run = actions.run("publish.yml", "schedule", schedule, main_branch)
    assert run.ok, run.job("build").log
    fetched = {r.path for r in world.fake.requests[before:]}
    assert "/repos/acme/handbook/pulls/5" not in fetched
    assert "/repos/acme/handbook/pulls/6" not in fetched
    assert (
        "cache signoff-ledger-" in run.job("ledger").log
        and "miss" not in run.job("ledger").step("Restore the sign-off ledger").stdout
    )


def test_the_job_that_runs_mkdocs_holds_no_secret_and_no_app_token(actions, main_branch, world):
    import yaml

    workflow = yaml.safe_load((ROOT / ".github/workflows/publish.yml").read_text(encoding="utf-8"))
    build = workflow["jobs"]["build"]
    assert "environment" not in build
    text = yaml.safe_dump(build)
    assert "secrets." not in text and "create-github-app-token" not in text and "GITHUB_TOKEN" not in text
    run = push(actions, main_branch)
    assert run.ok and "[local runner] cache signoff-ledger-" in run.job("build").log


def test_an_invalid_document_on_main_is_reported_and_the_rest_of_the_site_is_published(
    actions, main_branch, world
):
    write(main_branch, {REVIEW_PATH: review("approved").replace("moment: pre-sales", "moment: later")})
    run = push(actions, main_branch)
    build = run.job("build")
    # The site is built and deployed; what happens after (notify stops on invalid documents) is not
    # the publication's concern.
    assert build.result == "success", build.log
    assert run.job("deploy").result == "success"
    [annotation] = build.annotations("error")
    assert annotation["file"] == REVIEW_PATH and annotation["title"] == "moment"
    assert REVIEW_PATH in build.summary
    [site] = actions.pages
    assert (site / ACCOUNT_PATH.replace(".md", ".html")).is_file()
    listed = page_text(site, "needs-attention")
    assert REVIEW_PATH in listed and "moment" in listed


def test_the_job_that_builds_the_site_checks_out_the_whole_history():
    """Timelines, days red and last-updated dates come from git: a shallow clone would have none."""
    import yaml

    workflow = yaml.safe_load((ROOT / ".github/workflows/publish.yml").read_text(encoding="utf-8"))
    (builder,) = [job for job in workflow["jobs"].values() if "handbook build" in yaml.safe_dump(job)]
    (checkout,) = [
        step for step in builder["steps"] if str(step.get("uses", "")).startswith("actions/checkout@")
    ]
    assert checkout["with"]["fetch-depth"] == 0
