"""`handbook signoff collect`: the ledger of merged sign-offs, bypasses and open pull requests."""

from __future__ import annotations

import json
from pathlib import Path

from generator.commands import main
from generator.signoff.ledger import load_ledger
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


def test_a_bad_previous_ledger_is_an_error_and_is_left_as_it_is(world, capsys, tmp_path):
    history(world)
    out = tmp_path / "ledger.json"
    out.write_text('{"version": 99, "repository": "acme/handbook"}', encoding="utf-8")
    saved = out.read_bytes()
    assert collect(world.fake, out) == 2
    err = capsys.readouterr().err
    assert err == (
        f"handbook: error: {_shown(out)}:1:1: version: not a valid sign-off ledger: ledger version 99 "
        "is not supported (this handbook reads versions 1 and 2) (move it away to start a new ledger)\n"
    )
    assert out.read_bytes() == saved
    assert not [r for r in world.fake.requests if "/pulls" in r.path]


def test_a_cached_ledger_with_naive_timestamps_is_an_error_not_a_crash(world, capsys, tmp_path):
    history(world)
    out = tmp_path / "ledger.json"
    collect(world.fake, out)
    text = out.read_text(encoding="utf-8").replace('Z"', '"', 1).replace('+00:00"', '"', 1)
    out.write_text(text, encoding="utf-8")
    world.pull(6, {ACCOUNT: (account_text(2), account_text(1))}, merged=True)
    assert collect(world.fake, out) == 2
    err = capsys.readouterr().err
    assert "not a valid sign-off ledger: the timestamp has no time zone" in err
    assert "Traceback" not in err
    assert out.read_text(encoding="utf-8") == text


def test_another_repositorys_ledger_is_refused_not_started_over(world, capsys, tmp_path):
    history(world)
    out = tmp_path / "ledger.json"
    collect(world.fake, out)
    ledger = json.loads(out.read_text(encoding="utf-8"))
    ledger["repository"] = "someone/else"
    out.write_text(json.dumps(ledger), encoding="utf-8")
    saved = out.read_bytes()
    assert collect(world.fake, out) == 2
    err = capsys.readouterr().err
    assert (
        "repository: not a valid sign-off ledger: it is the ledger of someone/else, not of acme/handbook"
        in err
    )
    assert out.read_bytes() == saved


def _shown(path: Path) -> str:
    from generator.documents.load import display_path

    return display_path(path)


def test_a_change_already_in_the_ledger_is_not_fetched_again_even_if_not_marked_seen(world, capsys, tmp_path):
    history(world)
    out = tmp_path / "ledger.json"
    collect(world.fake, out)
    ledger = json.loads(out.read_text(encoding="utf-8"))
    ledger["seen_pull_requests"] = []
    out.write_text(json.dumps(ledger), encoding="utf-8")
    assert collect(world.fake, out) == 0
    again = load_ledger(out)
    assert again is not None
    assert [c.pull_request for c in again.changes(REVIEW)] == [1, 2]
    assert again.seen_pull_requests == [1, 2, 3]


def test_a_run_lists_each_teams_members_once_however_many_pull_requests_need_it(world, tmp_path):
    history(world)
    world.pull(6, {REVIEW: (review_text("approved"), review_text("approved", title="Air gap, take 3"))})
    world.approve(6, "eve")
    collect(world.fake, tmp_path / "ledger.json")
    listings = [
        (r.path, r.query.get("page", "1"))
        for r in world.fake.calls(r"GET (/orgs/[^/]+)?/teams/[^/]+/members")
    ]
    assert listings, "the teams behind the roles are listed"
    assert len(listings) == len(set(listings)), sorted(listings)
