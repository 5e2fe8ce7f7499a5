"""Dashboard arithmetic: business-day deadlines, windows and gates, over documents written to disk."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from generator.documents.models.account import GATES, PHASE_ORDER, TechWinPhase, phase_key
from generator.process import calendar as dates
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
    assert [r.entry.plan.id for r in index.stale_plans(_handbook(tmp_path))] == ["northwind-test"]


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
    """A valid opportunity: a TDD link, and every gate of the phases before its own answered yes."""
    data: dict[str, object] = {
        "id": "deal", "name": "Deal", "ce": "carl-ce", "ae": "ada-ae", "sales_stage": 3,
        "close_date": "2026-12-15", "tech_win_phase": "tech-design-trial-planning",
        "tdd": "https://docs.example.com/tdd/deal", "tdd_peer_reviewer": "pia-ce",
    }  # fmt: skip
    data.update(fields)
    data.setdefault("gates", passed_gates(TechWinPhase(str(data["tech_win_phase"]))))
    return data


def passed_gates(phase: TechWinPhase) -> dict[str, dict[str, str]]:
    gates: dict[str, dict[str, str]] = {}
    for gate_phase, gate, _ in GATES:
        if PHASE_ORDER.index(gate_phase) < PHASE_ORDER.index(phase):
            gates.setdefault(phase_key(gate_phase), {})[gate] = "yes"
    return gates


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
    from generator.documents.models import Opportunity

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


# --- handbook.yml: fiscal quarters, holidays and windows on the dashboards -----------------------------


def _config(root: Path, text: str) -> None:
    (root / "handbook.yml").write_text(text, encoding="utf-8")


def test_a_holiday_inside_the_feedback_window_moves_the_open_reviews_deadline(tmp_path: Path) -> None:
    write_sample(tmp_path)
    _config(tmp_path, "holidays:\n  - 2026-11-24\n")
    on_the_later_deadline = _handbook(tmp_path, dt.date(2026, 11, 26))
    row = next(r for r in index.open_reviews(on_the_later_deadline) if r.entry.review.id == "TR-0002")
    assert row.feedback_due == dt.date(2026, 11, 26)
    assert not row.overdue


def test_the_renewal_window_comes_from_handbook_yml(tmp_path: Path) -> None:
    write_sample(tmp_path)
    _config(tmp_path, "renewal_window_days: 20\n")
    assert index.renewals(_handbook(tmp_path)) == []


def test_with_a_february_fiscal_year_the_tech_win_window_is_november_to_april(tmp_path: Path) -> None:
    opportunities = [
        # Fiscal Q4 (November to January) is this quarter; fiscal Q1 (February to April) is next.
        _opportunity(id="january", sales_stage=2, close_date="2027-01-20",
                     tech_win_phase="initial-conversations"),
        _opportunity(id="april", sales_stage=3, close_date="2027-04-15"),
        _opportunity(id="may", sales_stage=3, close_date="2027-05-03"),
    ]  # fmt: skip
    content.write_account(tmp_path, content.account("acme", "Acme", opportunities=opportunities))
    calendar_rows = index.tech_win(_handbook(tmp_path))
    assert [(r.opportunity.id, r.window) for r in calendar_rows] == []
    _config(tmp_path, "fiscal_year_start_month: 2\n")
    fiscal = index.tech_win(_handbook(tmp_path))
    assert sorted((r.opportunity.id, r.window) for r in fiscal) == [
        ("april", "next quarter"),
        ("january", "this quarter"),
    ]


def test_a_deal_past_its_close_date_is_kept_and_flagged_slipped_with_its_days(tmp_path: Path) -> None:
    opportunities = [
        _opportunity(id="late", sales_stage=3, close_date="2026-11-13"),
        _opportunity(id="won-late", sales_stage=5, close_date="2026-11-13", tech_win_phase="post-trial",
                     technical_win=True),
    ]  # fmt: skip
    content.write_account(tmp_path, content.account("acme", "Acme", opportunities=opportunities))
    [row] = index.tech_win(_handbook(tmp_path))
    assert (row.opportunity.id, row.window, row.slipped, row.slipped_days) == ("late", "slipped", True, 10)


def test_the_tech_win_review_is_ranked_by_the_revenue_at_stake(tmp_path: Path) -> None:
    opportunities = [
        _opportunity(id="small", arr={"amount": "10000", "currency": "USD"}),
        _opportunity(id="none"),
        _opportunity(id="euros", arr={"amount": "100000", "currency": "EUR"}),
        _opportunity(id="large", arr={"amount": "90000", "currency": "USD"}),
        _opportunity(id="won", arr={"amount": "5000000", "currency": "JPY"}),
    ]  # fmt: skip
    content.write_account(tmp_path, content.account("acme", "Acme", opportunities=opportunities))
    _config(tmp_path, "exchange_rates:\n  EUR: 1.1\n")
    rows = index.tech_win(_handbook(tmp_path))
    # EUR converts (110,000 USD); JPY has no rate, so it follows the converted ones; no ARR comes last.
    assert [r.opportunity.id for r in rows] == ["euros", "large", "small", "won", "none"]
    assert index.pipeline_worth(rows) == {"EUR": 100000, "JPY": 5000000, "USD": 100000}


def test_the_weekly_review_groups_rows_per_ce(tmp_path: Path) -> None:
    opportunities = [
        _opportunity(id="carl-1"),
        _opportunity(id="dana-1", ce="Dana-CE"),
        _opportunity(id="carl-2"),
    ]  # fmt: skip
    content.write_account(tmp_path, content.account("acme", "Acme", opportunities=opportunities))
    by_ce = index.tech_win_by_ce(_handbook(tmp_path))
    assert {ce: [r.opportunity.id for r in rows] for ce, rows in by_ce.items()} == {
        "carl-ce": ["carl-1", "carl-2"],
        "dana-ce": ["dana-1"],
    }


def test_a_row_lists_what_is_left_of_the_current_phases_gate_and_the_next_steps_age(tmp_path: Path) -> None:
    gates = passed_gates(TechWinPhase.TECH_DESIGN_TRIAL_PLANNING)
    gates["tech_design_trial_planning"] = {"validation_plan_defined": "yes", "tdd_completed": "no"}
    opportunities = [_opportunity(gates=gates, next_step="Review the plan", next_step_since="2026-11-02")]
    content.write_account(tmp_path, content.account("acme", "Acme", opportunities=opportunities))
    [row] = index.tech_win(_handbook(tmp_path))
    assert row.problems == ()
    assert row.missing == ("technical qualification done (not answered)", "TDD completed")
    assert row.next_step_age == 21


def test_in_needs_attention_mode_a_row_shows_every_rule_the_opportunity_breaks(tmp_path: Path) -> None:
    # The model's own rules, as the validator states them: the dashboard needs no copy of them.
    from generator.documents.models import AccountPlan

    data = content.account("acme", "Acme", opportunities=[
        _opportunity(tech_win_phase="trial-deployment", gates={}, non_standard=True),
    ])  # fmt: skip
    plan = AccountPlan.model_validate(data)
    entry = index.AccountEntry(plan, "accounts/acme.md", "")
    handbook = index.Handbook([], [entry], None, TODAY)
    [row] = index.all_gate_violations(handbook)
    assert "non-standard requirements need an approved tech review before Trial Deployment" in row.problems
    assert sum("it blocks leaving" in problem for problem in row.problems) == 7  # 3 + 4 criteria
    assert row.gate_violation == "non-standard requirements without an approved tech review"


def test_an_accounts_open_opportunities_are_totalled_per_currency(tmp_path: Path) -> None:
    from generator.documents.models import AccountPlan

    plan = AccountPlan.model_validate(content.account("acme", "Acme", opportunities=[
        _opportunity(id="a", arr={"amount": "1000", "currency": "USD"}, seats="10"),
        _opportunity(id="b", arr={"amount": "500", "currency": "USD"}, seats="5"),
        _opportunity(id="c", arr={"amount": "700", "currency": "EUR"}),
    ]))  # fmt: skip
    worth = index.account_worth(plan)
    assert (worth.arr, worth.seats, worth.opportunities) == ({"EUR": 700, "USD": 1500}, 15, 3)


def test_the_internal_qbr_of_the_quarter_lists_tier_one_plans_not_yet_revisited(tmp_path: Path) -> None:
    content.write_account(tmp_path, content.account("ready", "Ready", tier=1, last_revisited="2026-10-05"))
    content.write_account(
        tmp_path, content.account("late", "Late", tier=1, last_revisited="2026-09-20", quarter="2026-Q3")
    )
    content.write_account(tmp_path, content.account("small", "Small", tier=3, last_revisited="2026-09-20",
                                                    quarter="2026-Q3"))  # fmt: skip
    assert index.quarterly_review(_handbook(tmp_path)) is None
    _config(tmp_path, "internal_qbr:\n  2026-Q4: 2026-12-10\n")
    qbr = index.quarterly_review(_handbook(tmp_path))
    assert qbr is not None
    assert (qbr.date, qbr.days_left, [e.plan.id for e in qbr.tier_one_due]) == (
        dt.date(2026, 12, 10),
        17,
        ["late"],
    )


def test_in_needs_attention_mode_a_review_that_is_not_approved_is_named_once_on_the_row() -> None:
    from generator.documents.models import AccountPlan, TechReview

    in_review = TechReview.model_validate(content.review(1, "acme", "Air gap"))
    pre_trial = TechReview.model_validate(content.review(2, "acme", "Air gap, production", status="draft"))
    data = content.account("acme", "Acme", opportunities=[
        _opportunity(tech_win_phase="post-trial", sales_stage=5, non_standard=True, tech_review="TR-0001",
                     production_review="TR-0002", technical_win=True),
    ])  # fmt: skip
    entry = index.AccountEntry(AccountPlan.model_validate(data), "accounts/acme.md", "")
    reviews = [index.ReviewEntry(r, f"reviews/{r.id.lower()}.md", "") for r in (in_review, pre_trial)]
    [row] = index.all_gate_violations(index.Handbook(reviews, [entry], None, TODAY))
    assert row.problems == ("TR-0001 is in-review, not approved", "TR-0002 is not a pre-production review")
