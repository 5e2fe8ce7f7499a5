"""`handbook signoff collect`: the ledger of merged sign-offs, bypasses and open pull requests."""

from __future__ import annotations

from pathlib import Path

from generator.cli import main
from generator.ledger import load_ledger
from tests.fakegithub import FakeGitHub
from tests.signoff.world import ACCOUNT, REPO, REVIEW, World, account_text, review_text


def collect(fake: FakeGitHub, out: Path) -> int:
    return main(["signoff", "collect", "--repo", REPO, "--api-url", fake.base_url, "--out", str(out)])


# Merges happen a day after the approvals the tests give (the fake's clock ticks by seconds from T0).
LATER = "2026-01-06T12:00:00Z"


def history(world: World) -> None:
    world.pull(1, {REVIEW: (review_text("draft"), review_text("in-review"))}, merged=True, merged_at=LATER)
    world.approve(1, "pia")
    world.pull(2, {REVIEW: (review_text("in-review"), review_text("approved"))}, merged=True, merged_at=LATER)
    world.approve(2, "pat")  # merged by an admin with three roles missing
    edited = account_text(2).replace("Plan.", "Q1 plan.")
    world.pull(3, {ACCOUNT: (account_text(2), edited)}, merged=True, merged_at=LATER)
    world.approve(3, "max")
    world.pull(4, {ACCOUNT: (account_text(2), account_text(1))}, state="closed")  # closed, never merged
    world.pull(5, {REVIEW: (review_text("approved"), review_text("approved", title="Air gap, take 2"))})
    world.approve(5, "eve")


def test_the_ledger_records_who_signed_each_document_and_flags_bypasses(world, capsys, tmp_path):
    history(world)
    out = tmp_path / "ledger.json"
    assert collect(world.fake, out) == 0
    ledger = load_ledger(out)
    assert ledger is not None
    assert ledger.seen_pull_requests == [1, 2, 3]
    first, second = ledger.changes(REVIEW)
    assert [(s.role, s.login) for s in first.signoffs] == [("peer-ce", "pia")] and not first.bypassed
    assert second.bypassed and second.missing == ["engineering", "support", "ce-vp"]
    assert [(s.role, s.login) for s in ledger.changes(ACCOUNT)[0].signoffs] == [("ce-manager", "max")]
    assert [(path, change.pull_request) for path, change in ledger.bypasses()] == [(REVIEW, 2)]
    assert "pull request #2 was merged without its sign-offs" in capsys.readouterr().err


def test_the_ledger_lists_open_pull_requests_with_who_they_wait_on(world, capsys, tmp_path):
    history(world)
    out = tmp_path / "ledger.json"
    collect(world.fake, out)
    ledger = load_ledger(out)
    assert ledger is not None
    (waiting_pr,) = ledger.open_pull_requests
    assert waiting_pr.pull_request == 5 and waiting_pr.documents == [REVIEW] and not waiting_pr.satisfied
    assert {w.role: w.people for w in waiting_pr.waiting} == {
        "product": ["pat"],
        "support": ["sam"],
        "ce-vp": ["vic"],
    }
    assert [pr.pull_request for pr, _ in ledger.waiting_on("sam")] == [5]


def test_an_update_fetches_only_the_pull_requests_merged_since(world, capsys, tmp_path):
    history(world)
    out = tmp_path / "ledger.json"
    collect(world.fake, out)
    world.pull(
        6, {ACCOUNT: (account_text(2), account_text(1))}, merged=True, merged_at="2026-01-07T12:00:00Z"
    )
    world.approve(6, "lea", "abe")
    before = len(world.fake.requests)
    assert collect(world.fake, out) == 0
    fetched = {r.path for r in world.fake.requests[before:]}
    assert "/repos/acme/handbook/pulls/6/reviews" in fetched
    for old in (1, 2, 3):
        assert not [path for path in fetched if path.startswith(f"/repos/acme/handbook/pulls/{old}")]
    ledger = load_ledger(out)
    assert ledger is not None
    assert ledger.seen_pull_requests == [1, 2, 3, 6]
    assert [c.pull_request for c in ledger.changes(ACCOUNT)] == [3, 6]
    assert ledger.changes(ACCOUNT)[1].required == ["ce-leadership", "ae-leadership", "ce-manager"]


def test_a_github_fault_leaves_the_ledger_untouched(world, capsys, tmp_path):
    history(world)
    out = tmp_path / "ledger.json"
    collect(world.fake, out)
    saved = out.read_bytes()
    world.pull(6, {ACCOUNT: (account_text(2), account_text(2).replace("Plan.", "Q2."))}, merged=True)
    world.fake.fail(r"GET /repos/acme/handbook/pulls/6/reviews", 503)
    assert collect(world.fake, out) == 3
    assert "GitHub" in capsys.readouterr().err
    assert out.read_bytes() == saved


def test_approvals_given_after_the_merge_do_not_hide_a_bypass(world, capsys, tmp_path):
    merged_at = "2026-01-05T12:00:30Z"
    world.pull(
        7, {REVIEW: (review_text("in-review"), review_text("approved"))}, merged=True, merged_at=merged_at
    )
    world.fake.add_review(7, "pat", "APPROVED", submitted_at="2026-01-05T12:00:10Z")
    for login in ("eve", "sam", "vic"):  # the missing roles approve once the change is already on main
        world.fake.add_review(7, login, "APPROVED", submitted_at="2026-01-05T13:00:00Z")
    out = tmp_path / "ledger.json"
    assert collect(world.fake, out) == 0
    ledger = load_ledger(out)
    assert ledger is not None
    (change,) = ledger.changes(REVIEW)
    assert change.bypassed and change.missing == ["engineering", "support", "ce-vp"]
    assert [s.login for s in change.signoffs] == ["pat"]
