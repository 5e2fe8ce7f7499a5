"""Dashboard arithmetic: business-day deadlines, windows and gates, over documents written to disk."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from generator import dates
from generator.site import index
from generator.site.build import load_handbook
from tests.site import content
from tests.site.conftest import TODAY, write_sample


def _handbook(root: Path, today: dt.date = TODAY) -> index.Handbook:
    return load_handbook(root, root / "no-ledger.json", today)


def test_three_business_days_skip_the_weekend() -> None:
    friday = dt.date(2026, 11, 20)
    assert dates.add_business_days(friday, 3) == dt.date(2026, 11, 25)
    assert dates.add_business_days(dt.date(2026, 11, 16), 3) == dt.date(2026, 11, 19)


def test_business_days_late_count_only_weekdays() -> None:
    assert dates.business_days_between(dt.date(2026, 11, 20), dt.date(2026, 11, 23)) == 1
    assert dates.business_days_between(dt.date(2026, 11, 23), dt.date(2026, 11, 20)) == 0


def test_a_review_is_overdue_the_day_after_its_feedback_deadline(tmp_path: Path) -> None:
    write_sample(tmp_path)
    on_deadline = _handbook(tmp_path, dt.date(2026, 11, 25))
    after = _handbook(tmp_path, dt.date(2026, 11, 26))

    def fresh(handbook: index.Handbook) -> index.OpenReview:
        return next(r for r in index.open_reviews(handbook) if r.entry.review.id == "TR-0002")

    assert not fresh(on_deadline).overdue
    assert fresh(after).overdue and fresh(after).business_days_late == 1


def test_open_reviews_are_oldest_first_and_exclude_decided_ones(tmp_path: Path) -> None:
    write_sample(tmp_path)
    rows = index.open_reviews(_handbook(tmp_path))
    assert [row.entry.review.id for row in rows] == ["TR-0001", "TR-0002"]
    assert rows[0].days_waiting == 21


def test_renewals_cover_the_next_ninety_days(tmp_path: Path) -> None:
    write_sample(tmp_path)
    assert [r.days_left for r in index.renewals(_handbook(tmp_path))] == [27]
    assert index.renewals(_handbook(tmp_path, dt.date(2026, 9, 1))) == []


def test_a_plan_last_revisited_before_the_quarter_is_stale(tmp_path: Path) -> None:
    write_sample(tmp_path)
    assert [e.plan.id for e in index.stale_plans(_handbook(tmp_path))] == ["northwind-test"]


def test_the_decision_log_is_newest_first(tmp_path: Path) -> None:
    write_sample(tmp_path)
    decided = content.review(
        4, "quiet-co", "Later", author="dan-ce", account_team={"ae": "bea-ae", "ce": "dan-ce"},
        status="denied", opened="2026-11-02",
        decision={"outcome": "no", "recommended_by": "vera-vp", "decided_on": "2026-11-10",
                  "rationale": "Too risky.",
                  "deciders": {"ce_vp": "vera-vp", "vp_engineering": "eve-eng", "sales_vp": "sal-vp"}},
    )  # fmt: skip
    content.write_review(tmp_path, decided, "later")
    assert [e.review.id for e in index.decision_log(_handbook(tmp_path))] == ["TR-0004", "TR-0003"]


def _opportunity(**fields: object) -> dict[str, object]:
    data: dict[str, object] = {
        "id": "deal", "name": "Deal", "ce": "carl-ce", "ae": "ada-ae", "sales_stage": 3,
        "close_date": "2026-12-15", "tech_win_phase": "tech-design-trial-planning",
    }  # fmt: skip
    data.update(fields)
    return data


def test_the_tech_win_dashboard_keeps_this_and_next_quarters_window(tmp_path: Path) -> None:
    opportunities = [
        _opportunity(id="this-q", sales_stage=2, tech_win_phase="initial-conversations"),
        _opportunity(id="next-q", sales_stage=4, close_date="2027-02-01", tech_win_phase="trial-execution"),
        _opportunity(id="next-q-early", sales_stage=2, close_date="2027-02-01",
                     tech_win_phase="initial-conversations"),
        _opportunity(id="later", close_date="2027-05-01"),
    ]  # fmt: skip
    content.write_account(tmp_path, content.account("acme", "Acme", opportunities=opportunities))
    rows = index.tech_win(_handbook(tmp_path))
    assert [(r.opportunity.id, r.window) for r in rows] == [
        ("this-q", "this quarter"),
        ("next-q", "next quarter"),
    ]


def test_non_standard_past_tech_design_without_an_approved_review_breaks_the_gate(tmp_path: Path) -> None:
    write_sample(tmp_path)
    handbook = _handbook(tmp_path)
    in_review = handbook.review_by_id["TR-0001"]
    approved = handbook.review_by_id["TR-0003"]
    from generator.models import Opportunity

    trial = Opportunity.model_validate(
        _opportunity(tech_win_phase="trial-deployment", non_standard=True, tech_review="TR-0001")
    )
    assert index.gate_violation(trial, in_review) == "TR-0001 is in-review, not approved"
    assert index.gate_violation(trial, None) == "non-standard requirements without an approved tech review"
    assert index.gate_violation(trial, approved) is None


def test_reviews_per_month_count_every_month_in_the_range(tmp_path: Path) -> None:
    write_sample(tmp_path)
    counts = index.reviews_per_month(_handbook(tmp_path))
    assert [(c.month, c.opened, c.approved, c.denied) for c in counts] == [
        ("2026-10", 1, 1, 0),
        ("2026-11", 2, 0, 0),
    ]


def test_reviews_per_month_never_grow_with_the_span_of_dates(tmp_path: Path) -> None:
    content.write_account(tmp_path, content.account("initech", "Initech"))
    old = content.review(1, "initech", "Ancient", opened="2000-01-03", decision_needed_by="2000-02-01")
    content.write_review(tmp_path, old, "ancient")
    content.write_review(tmp_path, content.review(2, "initech", "Recent"), "recent")
    counts = index.reviews_per_month(_handbook(tmp_path))
    assert len(counts) == index.CHART_MONTHS == 24
    assert (counts[0].month, counts[-1].month) == ("2024-12", "2026-11")
    assert counts[-1].opened == 1


def test_people_pages_cover_authors_account_teams_and_deciders(tmp_path: Path) -> None:
    write_sample(tmp_path)
    everyone = index.people(_handbook(tmp_path))
    assert {"carl-ce", "ada-ae", "petra-peer", "vera-vp", "dan-ce", "bea-ae"} <= set(everyone)
    assert [e.review.id for e, _ in everyone["carl-ce"].reviews] == ["TR-0001", "TR-0002"]
