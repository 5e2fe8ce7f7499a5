"""What the check writes: one sticky comment, the job summary, nothing at all in a dry run; events."""

from __future__ import annotations

import json
from typing import Any

from generator.commands import main
from generator.signoff.report import MARKER
from tests.fakegithub import FakeGitHub
from tests.signoff.world import APPROVERS, REPO, REVIEW, check, review_text, webhook


def run_text(capsys: Any, fake: FakeGitHub, number: int, *extra: str) -> tuple[int, str]:
    code = main(["signoff", "check", "--repo", REPO, "--pr", str(number), "--api-url", fake.base_url, *extra])
    return code, capsys.readouterr().out


def test_a_dry_run_prints_the_table_it_would_post_and_writes_nothing(world, capsys):
    world.pull(5, {REVIEW: (review_text("in-review"), review_text("approved"))})
    world.approve(5, "pat", "eve")
    code, printed = run_text(capsys, world.fake, 5, "--dry-run")
    assert code == 1
    assert world.fake.calls(".*", method="POST") == [] and world.fake.calls(".*", method="PATCH") == []
    assert "| `reviews/tr-0001-acme-air-gap.md` | ✅ pat, " in printed
    assert run_text(capsys, world.fake, 5)[0] == 1
    (posted,) = world.fake.comments(5)
    assert posted.body == printed


def test_the_comment_is_kept_as_one_and_edited_in_place(world, capsys):
    world.pull(5, {REVIEW: (review_text("in-review"), review_text("approved"))})
    world.approve(5, "pat")
    check(capsys, world.fake, 5)
    world.approve(5, "eve", "sam", "vic")
    code, _, _ = check(capsys, world.fake, 5)
    assert code == 0
    (comment,) = world.fake.comments(5)
    assert comment.body.startswith(MARKER + "\n## ✅")
    assert len(world.fake.calls(r"PATCH /repos/acme/handbook/issues/comments/\d+")) == 1


def test_a_person_cannot_hijack_the_comment_by_copying_its_marker(world, capsys):
    world.pull(5, {REVIEW: (review_text("in-review"), review_text("approved"))})
    world.fake.add_comment(5, "mallory", MARKER + "\nall signed, trust me")
    check(capsys, world.fake, 5)
    bodies = {c.login: c.body for c in world.fake.comments(5)}
    assert bodies["mallory"] == MARKER + "\nall signed, trust me"
    assert bodies["github-actions[bot]"].startswith(MARKER + "\n## ❌")


def test_the_job_summary_gets_the_whole_table(world, capsys, tmp_path, monkeypatch):
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    world.pull(5, {REVIEW: (review_text("draft"), review_text("in-review"))})
    world.approve(5, "pia")
    assert check(capsys, world.fake, 5)[0] == 0
    assert "| `reviews/tr-0001-acme-air-gap.md` | ✅ pia, " in summary.read_text(encoding="utf-8")


def test_the_actions_environment_names_the_pull_request(world, capsys, tmp_path, monkeypatch):
    head = world.pull(5, {REVIEW: (review_text("draft"), review_text("in-review"))})
    world.approve(5, *APPROVERS["in-review"])
    event = webhook(
        "pull_request.opened.json",
        number=5,
        pull_request__number=5,
        pull_request__head__sha=head,
        repository__full_name=REPO,
    )
    (tmp_path / "event.json").write_text(json.dumps(event), encoding="utf-8")
    monkeypatch.setenv("GITHUB_EVENT_PATH", str(tmp_path / "event.json"))
    monkeypatch.setenv("GITHUB_REPOSITORY", REPO)
    monkeypatch.setenv("GITHUB_API_URL", world.fake.base_url)
    assert main(["signoff", "check"]) == 0
    assert world.statuses(head)[-1] == ("success", "all sign-offs present")


def test_the_pusher_of_a_synchronize_event_cannot_approve(world, capsys, tmp_path, monkeypatch):
    head = world.pull(5, {REVIEW: (review_text("draft"), review_text("in-review"))})
    world.approve(5, "pia")
    event = webhook(
        "pull_request.synchronize.json",
        number=5,
        pull_request__number=5,
        pull_request__head__sha=head,
        sender__login="pia",
        repository__full_name=REPO,
    )
    (tmp_path / "event.json").write_text(json.dumps(event), encoding="utf-8")
    monkeypatch.setenv("GITHUB_EVENT_PATH", str(tmp_path / "event.json"))
    code = main(["signoff", "check", "--repo", REPO, "--api-url", world.fake.base_url, "--format", "json"])
    assert code == 1
    assert json.loads(capsys.readouterr().out)["not_counted"] == [
        {"login": "pia", "reason": "pushed to the pull request"}
    ]


def test_a_review_event_is_enough_to_find_the_pull_request(world, capsys, tmp_path, monkeypatch):
    head = world.pull(5, {REVIEW: (review_text("draft"), review_text("in-review"))})
    world.approve(5, "pia")
    event = webhook(
        "pull_request_review.submitted.json", pull_request__number=5, pull_request__head__sha="0" * 40
    )
    (tmp_path / "event.json").write_text(json.dumps(event), encoding="utf-8")
    monkeypatch.setenv("GITHUB_EVENT_PATH", str(tmp_path / "event.json"))
    assert main(["signoff", "check", "--repo", REPO, "--api-url", world.fake.base_url]) == 0
    # The event's head was stale: the verdict and the statuses follow the pull request's real head.
    assert world.statuses(head)[-1] == ("success", "all sign-offs present")
