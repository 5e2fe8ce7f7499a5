"""The review clock: the first feedback of each required role, in the ledger, and the window's one start."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from generator.commands import main
from generator.github.client import connect
from generator.process.calendar import Calendar
from generator.signoff import clock
from generator.signoff.ledger import FirstFeedback, Ledger, MergedChange, OpenPullRequest, load_ledger
from generator.signoff.remind import find_overdue
from generator.site import index
from generator.site.build import load_handbook
from tests.signoff.world import REPO, World
from tests.workflows.documents import ACCOUNT, ACCOUNT_PATH, REVIEW_PATH, review

OPENED = dt.datetime(2026, 1, 5, 9, 0, tzinfo=dt.UTC)  # a Monday: feedback due Thursday 2026-01-08


def _at(day: int, hour: int = 12) -> dt.datetime:
    return dt.datetime(2026, 1, day, hour, 0, tzinfo=dt.UTC)


def _collect(world: World, out: Path) -> Ledger:
    assert (
        main(["signoff", "collect", "--repo", REPO, "--api-url", world.fake.base_url, "--out", str(out)]) == 0
    )
    ledger = load_ledger(out)
    assert ledger is not None
    return ledger


def _feedback(entries: list[FirstFeedback]) -> dict[str, tuple[str, dt.datetime, str]]:
    return {f.role: (f.login, f.at, f.state) for f in entries}


def test_the_ledger_records_each_required_roles_first_review_of_an_open_pull_request(world, tmp_path):
    world.pull(7, {REVIEW_PATH: (review("in-review"), review("approved"))}, created_at=OPENED)
    world.fake.add_review(7, "eve", "COMMENTED", submitted_at=_at(6))
    world.fake.add_review(7, "eve", "APPROVED", submitted_at=_at(7))
    world.fake.add_review(7, "pat", "CHANGES_REQUESTED", submitted_at=_at(8))
    (pull,) = _collect(world, tmp_path / "ledger.json").open_pull_requests
    assert pull.required == ["product", "engineering", "support", "ce-vp"]
    assert _feedback(pull.first_feedback) == {
        "engineering": ("eve", _at(6), "COMMENTED"),
        "product": ("pat", _at(8), "CHANGES_REQUESTED"),
    }


def test_a_comment_by_the_author_or_by_someone_holding_no_required_role_is_no_feedback(world, tmp_path):
    world.pull(7, {REVIEW_PATH: (review("in-review"), review("approved"))}, created_at=OPENED)
    world.fake.add_review(7, "cedric", "COMMENTED", submitted_at=_at(6))  # the author
    world.fake.add_review(7, "max", "COMMENTED", submitted_at=_at(6))  # a CE manager: not asked here
    (pull,) = _collect(world, tmp_path / "ledger.json").open_pull_requests
    assert pull.first_feedback == []


def test_a_merged_change_records_when_it_was_opened_and_its_first_feedback(world, tmp_path):
    world.pull(
        3, {REVIEW_PATH: (review("in-review"), review("approved"))},
        created_at=OPENED, merged=True, merged_at=_at(12),
    )  # fmt: skip
    world.fake.add_review(3, "sam", "COMMENTED", submitted_at=_at(9))
    world.approve(3, "pat", "eve", "sam", "vic", submitted_at=_at(10))
    (change,) = _collect(world, tmp_path / "ledger.json").documents[REVIEW_PATH]
    assert change.opened_at == OPENED
    assert _feedback(change.first_feedback)["support"] == ("sam", _at(9), "COMMENTED")
    assert _feedback(change.first_feedback)["product"] == ("pat", _at(10), "APPROVED")


def test_a_version_1_ledger_is_collected_again_so_that_its_merges_carry_the_clock(world, tmp_path):
    world.pull(
        3, {REVIEW_PATH: (review("in-review"), review("approved"))},
        created_at=OPENED, merged=True, merged_at=_at(12),
    )  # fmt: skip
    world.approve(3, "pat", "eve", "sam", "vic", submitted_at=_at(10))
    out = tmp_path / "ledger.json"
    old = _collect(world, out).model_dump(mode="json")
    old["version"] = 1
    for changes in old["documents"].values():
        for change in changes:
            del change["opened_at"], change["first_feedback"]
    out.write_text(json.dumps(old), encoding="utf-8")
    ledger = _collect(world, out)
    (change,) = ledger.documents[REVIEW_PATH]
    assert (ledger.version, change.opened_at) == (2, OPENED)


def test_remind_and_the_site_count_the_feedback_window_from_the_same_start(world, tmp_path):
    """The review was opened on Friday 2026-01-02; its pull request on Saturday 2026-01-10 (UTC):
    reviewers were asked then, so feedback is due on Wednesday 2026-01-14, for both."""
    opened = dt.datetime(2026, 1, 9, 23, 30, tzinfo=dt.timezone(dt.timedelta(hours=-5)))
    world.pull(7, {REVIEW_PATH: (review("in-review"), review("approved"))}, created_at=opened)
    (overdue,) = find_overdue(connect(world.fake.base_url, "t0ken"), REPO, dt.date(2026, 1, 15))
    (tmp_path / "accounts").mkdir()
    (tmp_path / "reviews").mkdir()
    (tmp_path / ACCOUNT_PATH).write_text(ACCOUNT, encoding="utf-8")
    (tmp_path / REVIEW_PATH).write_text(review("in-review", opened="2026-01-02"), encoding="utf-8")
    ledger = tmp_path / "ledger.json"
    _collect(world, ledger)
    (row,) = index.open_reviews(load_handbook(tmp_path, ledger, dt.date(2026, 1, 15)))
    assert overdue.due == row.feedback_due == dt.date(2026, 1, 14)


# --- the figures (pure) ---------------------------------------------------------------------------


def _open(opened: dt.datetime, *feedback: tuple[str, dt.datetime]) -> Ledger:
    answers = [FirstFeedback(role=role, login="pat", at=at, state="COMMENTED") for role, at in feedback]
    return Ledger(
        open_pull_requests=[
            OpenPullRequest(
                pull_request=1, title="t", url="https://example.com/1", author="cedric", opened_at=opened,
                head_sha="h" * 40, documents=[REVIEW_PATH], required=["product", "ce-vp"],
                first_feedback=answers,
            )
        ]
    )  # fmt: skip


def test_feedback_on_the_due_day_is_within_the_window_and_the_day_after_is_late() -> None:
    calendar = Calendar()
    (on_time,) = clock.requests(_open(OPENED, ("product", _at(8))), calendar, dt.date(2026, 1, 20))
    (late,) = clock.requests(_open(OPENED, ("product", _at(9))), calendar, dt.date(2026, 1, 20))
    assert (on_time.in_window, on_time.to_first_feedback) == (True, 3)
    assert (late.in_window, late.to_first_feedback) == (False, 4)


def test_an_unanswered_team_is_missed_after_the_window_and_not_counted_inside_it() -> None:
    calendar = Calendar()
    (inside,) = clock.requests(_open(OPENED), calendar, dt.date(2026, 1, 8))
    (after,) = clock.requests(_open(OPENED), calendar, dt.date(2026, 1, 9))
    assert (inside.in_window, after.in_window) == (None, False)
    assert clock.figures("all", [inside]).share_in_window is None


def test_only_the_eps_teams_are_on_the_clock() -> None:
    found = clock.requests(_open(OPENED, ("ce-vp", _at(6))), Calendar(), dt.date(2026, 1, 20))
    assert [r.team for r in found] == ["product"]


def test_a_merge_recorded_without_its_opening_time_is_not_measured() -> None:
    change = MergedChange(
        pull_request=2, title="t", url="https://example.com/2", author="cedric", merged_at=_at(9),
        required=["product"],
    )  # fmt: skip
    assert clock.requests(Ledger(documents={REVIEW_PATH: [change]}), Calendar(), dt.date(2026, 1, 20)) == []
