"""The account dashboards' arithmetic: plan deadlines by tier, onboarding apart, red accounts to resolution,
renewals (value realization, past due), and what is due (security questionnaires, customer QBRs)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from generator.site import index
from generator.site.build import load_handbook
from tests.site import content
from tests.site.conftest import TODAY

ONBOARDING: dict[str, Any] = {
    "onboarding_complete": False,
    "onboarding": {
        "kickoff": "2026-11-09",
        "plan": "https://docs.example.com/onboarding/new",
        "trainings": {"admin": "2026-11-16", "user": "2026-11-30", "advanced": "2026-12-14"},
    },
    "objectives": [],
    "next_steps": [],
}


def _handbook(root: Path, today: dt.date = TODAY) -> index.Handbook:
    return load_handbook(root, root / "no-ledger.json", today)


def _plan(root: Path, slug: str, **fields: Any) -> None:
    content.write_account(root, content.account(slug, slug.title(), **fields))


def _currency(root: Path, slug: str, today: dt.date = TODAY) -> index.PlanCurrency | None:
    handbook = _handbook(root, today)
    return index.plan_currency(handbook, handbook.account_by_id[slug])


# --- plan deadlines ----------------------------------------------------------------------------------


def test_a_tier_two_plan_revisited_in_the_first_three_weeks_is_current(tmp_path: Path) -> None:
    _plan(tmp_path, "early", last_revisited="2026-10-21")
    found = _currency(tmp_path, "early")
    assert found is not None and found.state is index.Currency.CURRENT


def test_a_tier_two_plan_revisited_after_the_first_weeks_was_revisited_late(tmp_path: Path) -> None:
    _plan(tmp_path, "later", last_revisited="2026-10-22")
    found = _currency(tmp_path, "later")
    assert found is not None
    assert (found.state, found.days, found.deadline.rule) == (
        index.Currency.LATE,
        1,
        "within the first 3 weeks of 2026-Q4 (by 2026-10-21)",
    )


def test_a_plan_not_revisited_is_due_until_its_deadline_then_missed(tmp_path: Path) -> None:
    _plan(tmp_path, "old", last_revisited="2026-09-20", quarter="2026-Q3")
    before = _currency(tmp_path, "old", dt.date(2026, 10, 21))
    after = _currency(tmp_path, "old", dt.date(2026, 10, 22))
    assert before is not None and (before.state, before.days) == (index.Currency.DUE, 1)
    assert after is not None and (after.state, after.days) == (index.Currency.MISSED, 1)


def test_handbook_yml_sets_the_weeks_of_the_early_quarter_deadline(tmp_path: Path) -> None:
    (tmp_path / "handbook.yml").write_text("plan_weeks: 5\n", encoding="utf-8")
    _plan(tmp_path, "later", last_revisited="2026-10-22")
    found = _currency(tmp_path, "later")
    assert found is not None and found.state is index.Currency.CURRENT
    assert found.deadline.due == dt.date(2026, 11, 5)


def test_a_tier_one_plan_is_due_before_the_quarters_internal_qbr(tmp_path: Path) -> None:
    (tmp_path / "handbook.yml").write_text("internal_qbr:\n  2026-Q4: 2026-12-10\n", encoding="utf-8")
    _plan(tmp_path, "big", tier=1, last_revisited="2026-11-20")
    _plan(tmp_path, "waiting", tier=1, last_revisited="2026-09-20", quarter="2026-Q3")
    big, waiting = _currency(tmp_path, "big"), _currency(tmp_path, "waiting")
    assert big is not None and big.state is index.Currency.CURRENT
    assert waiting is not None and (waiting.state, waiting.days) == (index.Currency.DUE, 17)
    assert waiting.deadline.rule == "before the internal QBR of 2026-Q4 (2026-12-10)"
    missed = _currency(tmp_path, "waiting", dt.date(2026, 12, 10))
    assert missed is not None and missed.state is index.Currency.MISSED


def test_a_tier_one_plan_of_a_quarter_without_a_qbr_date_says_so(tmp_path: Path) -> None:
    _plan(tmp_path, "big", tier=1, last_revisited="2026-09-20", quarter="2026-Q3")
    found = _currency(tmp_path, "big")
    assert found is not None and found.state is index.Currency.MISSED
    assert found.deadline.rule.endswith("handbook.yml sets no internal QBR date for 2026-Q4")


def test_the_stale_plans_list_missed_first_then_due_then_late_and_never_current_ones(tmp_path: Path) -> None:
    (tmp_path / "handbook.yml").write_text("internal_qbr:\n  2026-Q4: 2026-12-10\n", encoding="utf-8")
    _plan(tmp_path, "current", last_revisited="2026-10-05")
    _plan(tmp_path, "late", last_revisited="2026-11-02")
    _plan(tmp_path, "due", tier=1, last_revisited="2026-09-02", quarter="2026-Q3")
    _plan(tmp_path, "missed", last_revisited="2026-08-02", quarter="2026-Q3")
    rows = index.stale_plans(_handbook(tmp_path))
    assert [(r.entry.plan.id, r.state.value) for r in rows] == [
        ("missed", "missed"),
        ("due", "due"),
        ("late", "revisited late"),
    ]


# --- onboarding ---------------------------------------------------------------------------------------


def test_an_account_in_onboarding_has_no_plan_deadline_and_is_listed_apart(tmp_path: Path) -> None:
    _plan(tmp_path, "newco", last_revisited="2026-09-01", quarter="2026-Q3", **ONBOARDING)
    _plan(tmp_path, "oldco", last_revisited="2026-09-01", quarter="2026-Q3")
    handbook = _handbook(tmp_path)
    assert index.plan_currency(handbook, handbook.account_by_id["newco"]) is None
    assert [r.entry.plan.id for r in index.stale_plans(handbook)] == ["oldco"]
    assert [e.plan.id for e in index.onboarding_accounts(handbook)] == ["newco"]


# --- red accounts -------------------------------------------------------------------------------------

RED: dict[str, Any] = {
    "health": {"status": "red", "reason": "The champion left."},
    "red_account": {
        "since": "2026-10-01",
        "current_status": "No sponsor.",
        "asks": ["An executive sponsor"],
        "action_plan": [
            {"action": "Meet the new lead", "owner": "carl-ce", "due": "2026-11-10", "done": True},
            {"action": "Send the usage report", "owner": "ada-ae", "due": "2026-11-13"},
            {"action": "Executive call", "owner": "ada-ae", "due": "2026-11-30"},
        ],
    },
}


def test_an_action_past_due_and_not_done_is_late(tmp_path: Path) -> None:
    _plan(tmp_path, "redco", **RED)
    plan = _handbook(tmp_path).account_by_id["redco"].plan
    assert [item.action for item in plan.late_actions(TODAY)] == ["Send the usage report"]
    assert index.days_late(plan.late_actions(TODAY)[0], TODAY) == 10


def test_a_late_next_step_is_late_too(tmp_path: Path) -> None:
    steps = [{"action": "Call the admin", "owner": "carl-ce", "due": "2026-11-20"}]
    _plan(tmp_path, "slow", next_steps=steps)
    plan = _handbook(tmp_path).account_by_id["slow"].plan
    assert [item.action for item in plan.late_actions(TODAY)] == ["Call the admin"]


def test_a_resolved_red_account_is_listed_as_resolved_with_no_late_action(tmp_path: Path) -> None:
    resolved = {**RED["red_account"], "resolved": {"date": "2026-11-20", "how": "A new champion."}}
    _plan(tmp_path, "back", health={"status": "yellow", "reason": "Recovering"}, red_account=resolved)
    _plan(tmp_path, "redco", **RED)
    handbook = _handbook(tmp_path)
    assert [e.plan.id for e in index.red_accounts(handbook)] == ["redco"]
    assert [e.plan.id for e in index.resolved_red_accounts(handbook)] == ["back"]
    assert handbook.account_by_id["back"].plan.late_actions(TODAY) == []


# --- renewals -----------------------------------------------------------------------------------------

VALUE = {"owner": "ada-ae", "status": "in-progress"}


def test_a_renewal_in_the_window_without_value_realization_is_flagged(tmp_path: Path) -> None:
    _plan(tmp_path, "bare", renewal_date="2027-01-15")
    _plan(tmp_path, "ready", renewal_date="2027-01-20", value_realization=VALUE)
    rows = index.renewals(_handbook(tmp_path))
    assert [(r.entry.plan.id, r.missing_value_realization) for r in rows] == [
        ("bare", True),
        ("ready", False),
    ]


def test_a_past_due_renewal_is_flagged_and_never_dropped(tmp_path: Path) -> None:
    _plan(tmp_path, "lapsed", renewal_date="2026-06-30", value_realization=VALUE)
    _plan(tmp_path, "soon", renewal_date="2026-12-01", value_realization=VALUE)
    rows = index.renewals(_handbook(tmp_path))
    assert [(r.entry.plan.id, r.past_due, r.days_left) for r in rows] == [
        ("lapsed", True, -146),
        ("soon", False, 8),
    ]
    weeks = index.renewals_by_week(_handbook(tmp_path))
    assert sum(sum(week.by_health.values()) for week in weeks) == 1  # the chart is of the weeks ahead


def test_the_latest_monthly_renewal_assessment_is_shown(tmp_path: Path) -> None:
    assessments = [
        {"date": "2026-11-02", "relationship_risks": ["Budget"], "technical_risks": []},
        {"date": "2026-10-01", "relationship_risks": [], "technical_risks": ["Old host"]},
    ]
    _plan(tmp_path, "watched", renewal_date="2027-01-15", value_realization=VALUE, renewal_health=assessments)
    [row] = index.renewals(_handbook(tmp_path))
    assert row.latest_health is not None and row.latest_health.date == dt.date(2026, 11, 2)


# --- what is due --------------------------------------------------------------------------------------


def _questionnaire(name: str, status: str, due: str, **more: str) -> dict[str, str]:
    return {"name": name, "status": status, "due": due, "security_ce": "sam-ce", **more}


def test_open_security_questionnaires_are_due_earliest_first_and_submitted_ones_are_not(
    tmp_path: Path,
) -> None:
    _plan(tmp_path, "bank", security_questionnaires=[
        _questionnaire("Annual review", "in-progress", "2026-12-01"),
        _questionnaire("SIG Lite", "received", "2026-11-20"),
        _questionnaire("Residency", "submitted", "2026-11-01", submitted="2026-10-30"),
    ])  # fmt: skip
    rows = index.due_questionnaires(_handbook(tmp_path))
    assert [(r.what, r.overdue, r.days_left, r.owner) for r in rows] == [
        ("SIG Lite", True, -3, "sam-ce"),
        ("Annual review", False, 8, "sam-ce"),
    ]


def test_customer_qbrs_due_are_the_scheduled_ones_soon_or_past_and_not_recorded(tmp_path: Path) -> None:
    _plan(tmp_path, "qbrco", qbrs=[
        {"date": "2026-11-18"},
        {"date": "2026-12-03"},
        {"date": "2026-12-20"},
        {"date": "2026-10-15", "status": "held"},
    ])  # fmt: skip
    rows = index.due_qbrs(_handbook(tmp_path))
    assert [(r.day, r.overdue) for r in rows] == [
        (dt.date(2026, 11, 18), True),
        (dt.date(2026, 12, 3), False),
    ]


def test_the_security_ce_and_the_value_realization_owner_have_the_account_on_their_page(
    tmp_path: Path,
) -> None:
    questionnaires = [_questionnaire("Annual review", "received", "2026-12-01")]
    value = {"owner": "val-ae", "status": "done"}
    _plan(
        tmp_path,
        "bank",
        renewal_date="2027-01-15",
        value_realization=value,
        security_questionnaires=questionnaires,
    )
    everyone = index.people(_handbook(tmp_path))
    assert [held for _, held in everyone["sam-ce"].accounts] == [["security CE"]]
    assert [held for _, held in everyone["val-ae"].accounts] == [["owns the value realization"]]
