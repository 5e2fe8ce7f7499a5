"""The whole flow, as the README tells it, through the real workflows run locally against the fake GitHub:
pull request → validate → sign-off pending until every role approved the head → merge → site."""

from __future__ import annotations

from pathlib import Path

from tests.fakegithub import FakeGitHub
from tests.signoff.world import REPO, World
from tests.workflows.checkout import merge_checkout, webhook, write
from tests.workflows.documents import ACCOUNT, ACCOUNT_PATH, REVIEW_PATH, review
from tests.workflows.runner import APP_SLUG, Actions
from tests.workflows.test_publish_workflow import page_text
from tests.workflows.test_signoff_workflow import latest_status, review_submitted

ROLES = {"pat": "product", "eve": "engineering", "sam": "support", "vic": "ce-vp"}


def test_a_review_goes_from_pull_request_to_the_published_site(tmp_path: Path, fake_github: FakeGitHub):
    fake_github.actor = fake_github.add_user(f"{APP_SLUG}[bot]", "Bot").login
    world = World(fake_github)
    actions = Actions(tmp_path / "actions", REPO, api_url=fake_github.base_url)
    before, after = review("in-review"), review("approved")

    # The pull request: its documents validate.
    _, merge_sha = merge_checkout(
        tmp_path / "pr", {ACCOUNT_PATH: ACCOUNT, REVIEW_PATH: before}, {REVIEW_PATH: after}
    )
    event = webhook("pull_request.opened.json", number=9, pull_request__number=9, repository__full_name=REPO)
    assert actions.run("validate.yml", "pull_request", event, tmp_path / "pr").ok

    # Sign-off: unsigned until Product, Engineering, Support and the CE VP approved the head commit.
    main = tmp_path / "main"
    write(main, {ACCOUNT_PATH: ACCOUNT, REVIEW_PATH: before})
    head = world.pull(9, {REVIEW_PATH: (before, after)}, title="TR-0001: approved")
    event = webhook(
        "pull_request.opened.json",
        number=9,
        pull_request__number=9,
        pull_request__head__sha=head,
        repository__full_name=REPO,
        repository__default_branch="main",
    )
    assert actions.run("signoff.yml", "pull_request_target", event, main).ok
    for login in ROLES:
        assert latest_status(fake_github, head)[0] == "pending"
        world.approve(9, login)
        assert review_submitted(actions, main, head, login, number=9).ok
    assert latest_status(fake_github, head) == ("success", "all sign-offs present")

    # Merge, then the push to main publishes a site whose review page lists those sign-offs.
    pull = fake_github.pull(9)
    pull.state, pull.merged, pull.merged_at, pull.merge_commit_sha = (
        "closed",
        True,
        "2026-01-15T10:00:00Z",
        merge_sha,
    )
    write(main, {REVIEW_PATH: after})
    push = webhook(
        "push.json", ref="refs/heads/main", repository__full_name=REPO, repository__default_branch="main"
    )
    run = actions.run("publish.yml", "push", push, main)
    assert run.ok, run.job("build").log
    text = page_text(actions.pages[-1], "tr-0001")
    for login, role in ROLES.items():
        assert login in text and role.lower() in text.lower()
