"""The bundled reviews/ and accounts/: the content the site is built from validates and covers the domain.

Every expectation is computed from the files, so the test fails when the content regresses
(a status, trigger, tier, segment or health disappears, or dashboards lose their interesting cases).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from generator.documents.models.account import Health, Segment, TechWinPhase, past_tech_design
from generator.documents.models.review import DECIDED, Moment, ReviewStatus, Trigger
from generator.documents.validate import Report, validate_repository
from generator.process.calendar import add_business_days

ROOT = Path(__file__).resolve().parents[1]
TODAY = dt.date(2026, 11, 23)  # "today" in the bundled content
FEEDBACK_BUSINESS_DAYS = 3


@pytest.fixture(scope="module")
def report() -> Report:
    return validate_repository(ROOT)


def test_the_bundled_content_validates_with_no_errors(report: Report) -> None:
    assert [d.text() for d in report.diagnostics] == []
    assert len(report.reviews) >= 10
    assert len(report.accounts) >= 6


def test_reviews_cover_every_status(report: Report) -> None:
    assert {r.status for r in report.reviews} == set(ReviewStatus)


def test_reviews_cover_both_moments(report: Report) -> None:
    assert {r.moment for r in report.reviews} == set(Moment)


def test_reviews_cover_every_trigger(report: Report) -> None:
    assert {t for r in report.reviews for t in r.triggers} == set(Trigger)


def test_review_ids_follow_each_other_from_tr_0001(report: Report) -> None:
    numbers = sorted(int(r.id.removeprefix("TR-")) for r in report.reviews)
    assert numbers == list(range(1, len(numbers) + 1))


def test_accounts_cover_every_tier_segment_and_health(report: Report) -> None:
    assert {a.tier for a in report.accounts} == {1, 2, 3}
    assert {a.segment for a in report.accounts} == set(Segment)
    assert {a.health.status for a in report.accounts} == set(Health)


def test_a_red_account_has_a_full_action_plan(report: Report) -> None:
    red = [a for a in report.accounts if a.health.status is Health.RED]
    assert red
    for plan in red:
        assert plan.red_account is not None
        assert len(plan.red_account.asks) >= 2 and len(plan.red_account.action_plan) >= 3


def test_some_in_review_reviews_are_overdue_for_feedback_and_some_are_recent(report: Report) -> None:
    in_review = [r for r in report.reviews if r.status is ReviewStatus.IN_REVIEW]
    overdue = [r for r in in_review if add_business_days(r.opened, FEEDBACK_BUSINESS_DAYS) < TODAY]
    assert overdue and len(overdue) < len(in_review)


def test_decisions_spread_over_the_past_months(report: Report) -> None:
    decided_on = sorted(r.decision.decided_on for r in report.reviews if r.status in DECIDED and r.decision)
    assert {ReviewStatus.APPROVED, ReviewStatus.DENIED} <= {r.status for r in report.reviews}
    assert len({(d.year, d.month) for d in decided_on}) >= 6
    assert all(d <= TODAY for d in decided_on)


def test_some_renewals_fall_within_the_next_90_days(report: Report) -> None:
    soon = [
        a for a in report.accounts if a.renewal_date and TODAY <= a.renewal_date <= TODAY + dt.timedelta(90)
    ]
    assert len(soon) >= 2


def test_one_plan_was_not_revisited_this_quarter(report: Report) -> None:
    quarter_start = dt.date(TODAY.year, 3 * ((TODAY.month - 1) // 3) + 1, 1)
    stale = [a for a in report.accounts if a.last_revisited < quarter_start]
    assert stale and all(a.quarter == "2026-Q3" for a in stale)


def test_opportunities_cover_every_tech_win_phase(report: Report) -> None:
    phases = {o.tech_win_phase for a in report.accounts for o in a.opportunities}
    assert phases == set(TechWinPhase)


def test_non_standard_opportunities_past_tech_design_link_approved_reviews(report: Report) -> None:
    status = {r.id: r.status for r in report.reviews}
    past = [
        o
        for a in report.accounts
        for o in a.opportunities
        if o.non_standard and past_tech_design(o.tech_win_phase)
    ]
    assert len(past) >= 2
    assert all(o.tech_review and status[o.tech_review] is ReviewStatus.APPROVED for o in past)


def test_the_example_sign_off_ledger_speaks_only_of_bundled_documents() -> None:
    from generator.signoff.ledger import load_ledger

    ledger = load_ledger(ROOT / "examples" / "signoff-ledger.json")
    assert ledger is not None
    paths = set(ledger.documents) | {p for pr in ledger.open_pull_requests for p in pr.documents}
    assert paths and all((ROOT / path).is_file() for path in paths)
    assert ledger.bypasses(), "the example shows the audit flag of a merge that bypassed sign-off"
