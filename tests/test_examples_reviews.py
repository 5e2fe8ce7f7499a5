"""The bundled content and examples/signoff-ledger.json show each state of the gaps, assignments and clock."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from generator.process.config import load_config
from generator.signoff import clock
from generator.signoff.ledger import load_ledger
from generator.site import gaps
from generator.site.build import load_handbook

ROOT = Path(__file__).resolve().parents[1]
TODAY = dt.date(2026, 11, 23)
LEDGER = ROOT / "examples" / "signoff-ledger.json"


def test_a_gap_is_cited_by_more_than_one_account_and_by_a_review() -> None:
    rows = gaps.registry(load_handbook(ROOT, LEDGER, TODAY))
    assert any(len(row.accounts) >= 2 and row.reviews for row in rows)
    assert len({row.status for row in rows}) >= 4


def test_a_review_names_assigned_reviewers_and_the_ledger_shows_one_not_counted() -> None:
    handbook = load_handbook(ROOT, LEDGER, TODAY)
    assert any(e.review.assigned_reviewers for e in handbook.reviews)
    ledger = load_ledger(LEDGER)
    assert ledger is not None
    reasons = [n.reason for changes in ledger.documents.values() for c in changes for n in c.not_counted]
    assert any(reason.startswith("not assigned to review for") for reason in reasons)


def test_the_clock_has_requests_answered_in_time_late_missed_and_pending() -> None:
    ledger = load_ledger(LEDGER)
    assert ledger is not None
    found = clock.requests(ledger, load_config(ROOT).config.calendar, TODAY)
    answered = {r.to_first_feedback is not None for r in found}
    assert {r.in_window for r in found} == {True, False, None} and answered == {True, False}
