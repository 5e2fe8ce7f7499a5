"""Reviewers a Product Director assigned: only their approvals fill their team's role (fake GitHub)."""

from __future__ import annotations

import pytest

from generator.commands import main
from generator.documents.versions import read_version
from generator.signoff.ledger import load_ledger
from tests.fakegithub import FakeGitHub
from tests.signoff.world import APPROVERS, REPO, REVIEW, TEAMS, World, check, review_text

ENGINEERS = {**TEAMS, "engineering": ["eve", "ern"]}


def _assigned(text: str, engineering: str | None) -> str:
    """The review with `assigned_reviewers.engineering` naming `engineering` (None: no assignment)."""
    if engineering is None:
        return text
    block = f"assigned_reviewers:\n  assigned_by: pat\n  engineering: [{engineering}]\n"
    return text.replace("asks:\n", block + "asks:\n", 1)


@pytest.fixture
def world(fake_github: FakeGitHub) -> World:
    return World(fake_github, ENGINEERS)


def _approving(world: World, number: int, base: str | None, head: str | None, *engineers: str) -> None:
    world.pull(
        number,
        {REVIEW: (_assigned(review_text("in-review"), base), _assigned(review_text("approved"), head))},
    )
    world.approve(number, *[login for login in APPROVERS["approved"] if login != "eve"], *engineers)


def test_without_an_assignment_any_engineer_signs_for_engineering(world, capsys):
    _approving(world, 40, None, None, "ern")
    code, result, _ = check(capsys, world.fake, 40)
    assert code == 0
    assert result["documents"][0]["roles"]["engineering"] == {"satisfied": True, "by": ["ern"]}


def test_the_assigned_engineer_signs_for_engineering(world, capsys):
    _approving(world, 41, "eve", "eve", "eve")
    code, result, _ = check(capsys, world.fake, 41)
    assert code == 0
    assert result["documents"][0]["roles"]["engineering"] == {"satisfied": True, "by": ["eve"]}


def test_an_unassigned_engineer_is_shown_as_not_counted_with_the_reason(world, capsys):
    _approving(world, 42, "eve", "eve", "ern")
    code, result, _ = check(capsys, world.fake, 42)
    assert code == 1
    assert result["documents"][0]["missing"] == ["engineering"]
    (ern,) = [entry["reason"] for entry in result["not_counted"] if entry["login"] == "ern"]
    assert "not assigned to review for engineering (assigned: eve)" in ern.split("; ")


def test_the_pull_request_cannot_reassign_engineering_to_someone_else(world, capsys):
    """The base version assigned eve: a head naming ern does not let ern sign in the same change."""
    _approving(world, 43, "eve", "ern", "ern")
    code, result, _ = check(capsys, world.fake, 43)
    assert code == 1
    (ern,) = [entry["reason"] for entry in result["not_counted"] if entry["login"] == "ern"]
    assert "not assigned to review for engineering (assigned in the base version: eve)" in ern.split("; ")


def test_dropping_the_assignment_does_not_widen_who_signs(world, capsys):
    _approving(world, 44, "eve", None, "ern")
    code, result, _ = check(capsys, world.fake, 44)
    assert code == 1
    assert result["documents"][0]["missing"] == ["engineering"]


def test_an_assignment_added_by_the_change_binds_at_once(world, capsys):
    _approving(world, 45, None, "eve", "ern")
    code, result, _ = check(capsys, world.fake, 45)
    assert code == 1
    assert result["documents"][0]["missing"] == ["engineering"]


def test_a_concern_from_an_unassigned_engineer_still_blocks(world, capsys):
    _approving(world, 46, "eve", "eve", "eve")
    world.fake.add_review(46, "ern", "CHANGES_REQUESTED")
    code, result, _ = check(capsys, world.fake, 46)
    assert code == 1
    assert result["documents"][0]["blocked_by"] == ["ern"]


def test_the_ledger_says_an_open_pull_request_waits_on_the_assigned_engineer_only(world, tmp_path):
    world.pull(
        47, {REVIEW: (_assigned(review_text("in-review"), "ern"), _assigned(review_text("approved"), "ern"))}
    )
    out = tmp_path / "ledger.json"
    assert (
        main(["signoff", "collect", "--repo", REPO, "--api-url", world.fake.base_url, "--out", str(out)]) == 0
    )
    ledger = load_ledger(out)
    assert ledger is not None
    (waiting,) = ledger.open_pull_requests
    assert {w.role: w.people for w in waiting.waiting}["engineering"] == ["ern"]


def test_an_old_version_that_no_longer_validates_still_binds_its_assignment():
    broken = _assigned(review_text("in-review"), "eve").replace("opened: 2026-01-05", "opened: someday")
    version = read_version(broken.encode(), REVIEW, "review")
    assert version.error and version.assigned == {"engineering": frozenset({"eve"})}


def test_an_assignment_that_cannot_be_read_lets_nobody_sign_for_the_team():
    unreadable = "assigned_reviewers:\n  engineering: {lead: eve}\nasks:\n"
    broken = review_text("in-review").replace("asks:\n", unreadable, 1)
    version = read_version(broken.encode(), REVIEW, "review")
    assert version.error and version.assigned == {"engineering": frozenset({""})}
