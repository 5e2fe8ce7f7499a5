"""`handbook demo`: made-up handbooks of any size that validate, the same for a seed, every value used."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from generator.commands import main
from generator.documents.load import read_document
from generator.documents.models.account import (
    ContactRole,
    Health,
    QbrStatus,
    QuestionnaireStatus,
    Segment,
    TechWinPhase,
    past_tech_design,
)
from generator.documents.models.review import Moment, Outcome, ReviewStatus, Trigger
from generator.documents.validate import Report, validate_repository

TODAY = "2026-11-23"


def demo(target: Path, reviews: int, accounts: int, seed: int = 1) -> int:
    flags = ["--reviews", str(reviews), "--accounts", str(accounts), "--seed", str(seed), "--today", TODAY]
    return main(["demo", *flags, str(target)])


def contents(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def moderate(tmp_path_factory: pytest.TempPathFactory) -> Report:
    """A 250-document handbook, validated once for the tests that look at what is in it."""
    root = tmp_path_factory.mktemp("moderate")
    assert demo(root, reviews=200, accounts=50, seed=3) == 0
    return validate_repository(root)


@pytest.mark.parametrize(("reviews", "accounts"), [(0, 1), (1, 1), (9, 1), (40, 12), (5, 30)])
def test_demo_output_validates(tmp_path, reviews, accounts):
    assert demo(tmp_path, reviews, accounts) == 0

    report = validate_repository(tmp_path)

    assert report.diagnostics == []
    assert (len(report.reviews), len(report.accounts)) == (reviews, accounts)


def test_handbook_validate_reports_no_errors_on_demo_output(tmp_path, capsys):
    assert demo(tmp_path, reviews=25, accounts=6) == 0
    capsys.readouterr()

    assert main(["validate", "--root", str(tmp_path)]) == 0
    assert "31 documents checked, no errors" in capsys.readouterr().out


def test_demo_creates_both_folders_even_without_reviews(tmp_path):
    assert demo(tmp_path / "new", reviews=0, accounts=2) == 0

    assert sorted(p.name for p in (tmp_path / "new").iterdir()) == ["accounts", "handbook.yml", "reviews"]
    assert list((tmp_path / "new" / "reviews").iterdir()) == []


def test_same_seed_writes_the_same_files(tmp_path):
    assert demo(tmp_path / "a", reviews=30, accounts=8, seed=5) == 0
    assert demo(tmp_path / "b", reviews=30, accounts=8, seed=5) == 0

    assert contents(tmp_path / "a") == contents(tmp_path / "b")


def test_another_seed_writes_other_files(tmp_path):
    assert demo(tmp_path / "a", reviews=30, accounts=8, seed=5) == 0
    assert demo(tmp_path / "b", reviews=30, accounts=8, seed=6) == 0

    assert contents(tmp_path / "a") != contents(tmp_path / "b")


def test_every_review_value_is_used(moderate):
    reviews = moderate.reviews

    assert {r.moment for r in reviews} == set(Moment)
    assert {t for r in reviews for t in r.triggers} == set(Trigger)
    assert {r.status for r in reviews} == set(ReviewStatus)
    assert {r.decision.outcome for r in reviews if r.decision} == set(Outcome)


def test_every_account_value_is_used(moderate):
    accounts = moderate.accounts

    assert {a.tier for a in accounts} == {1, 2, 3}
    assert {a.segment for a in accounts} == set(Segment)
    assert {a.health.status for a in accounts} == set(Health)
    assert {c.role for a in accounts for c in a.contacts} == set(ContactRole)
    assert {o.tech_win_phase for a in accounts for o in a.opportunities} == set(TechWinPhase)


def test_most_reviews_are_decided_and_some_in_review_are_overdue(moderate):
    today = dt.date.fromisoformat(TODAY)
    statuses = [r.status for r in moderate.reviews]
    overdue = [
        r for r in moderate.reviews if r.status is ReviewStatus.IN_REVIEW and r.decision_needed_by < today
    ]

    assert statuses.count(ReviewStatus.APPROVED) + statuses.count(ReviewStatus.DENIED) > len(statuses) / 2
    assert 0 < statuses.count(ReviewStatus.DRAFT) < len(statuses) / 5
    assert 0 < statuses.count(ReviewStatus.WITHDRAWN) < len(statuses) / 5
    assert overdue


def test_about_one_account_in_ten_is_red_with_an_action_plan(moderate):
    red = [a for a in moderate.accounts if a.health.status is Health.RED]

    assert len(red) == 5  # 10% of 50
    assert all(a.red_account and a.red_account.action_plan for a in red)


def test_dates_spread_over_the_last_eighteen_months(moderate):
    today = dt.date.fromisoformat(TODAY)
    opened = [r.opened for r in moderate.reviews]

    assert max(opened) <= today
    assert min(opened) >= today - dt.timedelta(days=548)
    assert min(opened) < today - dt.timedelta(days=365)


def test_related_reviews_are_of_the_same_customer(moderate):
    customer_of = {r.id: r.customer for r in moderate.reviews}
    related = [(r.customer, other) for r in moderate.reviews for other in r.related_reviews]

    assert related
    assert all(customer_of[other] == customer for customer, other in related)


def test_non_standard_opportunities_past_tech_design_link_approved_reviews(moderate):
    status_of = {r.id: r.status for r in moderate.reviews}
    gated = [
        o
        for a in moderate.accounts
        for o in a.opportunities
        if o.non_standard and past_tech_design(o.tech_win_phase)
    ]

    assert gated
    assert all(o.tech_review and status_of[o.tech_review] is ReviewStatus.APPROVED for o in gated)


def test_bodies_are_of_realistic_length(moderate):
    sizes: dict[str, list[int]] = {"review": [], "account": []}
    for item in moderate.checked:
        sizes[item.document.kind].append(len(read_document(Path(item.path)).body.encode()))

    assert min(sizes["review"]) >= 2_000
    assert max(sizes["review"]) <= 6_000
    assert min(sizes["account"]) >= 1_500
    assert max(sizes["account"]) <= 6_000


@pytest.mark.parametrize("folder", ["reviews", "accounts"])
def test_refuses_a_non_empty_document_folder(tmp_path, capsys, folder):
    (tmp_path / folder).mkdir()
    (tmp_path / folder / "keep.md").write_text("mine\n", encoding="utf-8")

    assert demo(tmp_path, reviews=3, accounts=1) == 2

    assert f"{folder} is not empty" in capsys.readouterr().err
    assert [p.name for p in tmp_path.rglob("*") if p.is_file()] == ["keep.md"]


def test_refuses_a_file_where_a_document_folder_goes(tmp_path, capsys):
    (tmp_path / "reviews").write_text("not a folder\n", encoding="utf-8")

    assert demo(tmp_path, reviews=3, accounts=1) == 2

    assert "is not a folder" in capsys.readouterr().err
    assert not (tmp_path / "accounts").exists()


def test_refuses_reviews_without_any_account(tmp_path, capsys):
    assert demo(tmp_path, reviews=3, accounts=0) == 2

    assert "--accounts" in capsys.readouterr().err
    assert not tmp_path.joinpath("reviews").exists()


@pytest.mark.parametrize("flags", [["--reviews", "-1"], ["--accounts", "many"], ["--today", "2026-13-01"]])
def test_bad_flags_are_usage_errors(tmp_path, capsys, flags):
    with pytest.raises(SystemExit) as exited:
        main(["demo", *flags, str(tmp_path)])

    assert exited.value.code == 2
    assert "Traceback" not in capsys.readouterr().err


def test_demo_writes_a_sign_off_ledger_the_site_reads(tmp_path):
    from generator.signoff.ledger import load_ledger

    assert demo(tmp_path, reviews=60, accounts=10) == 0
    ledger = load_ledger(tmp_path / "build" / "ledger.json")
    assert ledger is not None
    in_review = {r.id for r in validate_repository(tmp_path).reviews if r.status is ReviewStatus.IN_REVIEW}
    waiting = {d for pr in ledger.open_pull_requests for d in pr.documents}
    assert in_review and len(waiting) == len(in_review)
    assert all(w.people for pr in ledger.open_pull_requests for w in pr.waiting)
    assert all(pr.opened_at.date() <= dt.date.fromisoformat(TODAY) for pr in ledger.open_pull_requests)
    assert sum(change.bypassed for changes in ledger.documents.values() for change in changes) == 1
    assert all(path in waiting or (tmp_path / path).is_file() for path in ledger.documents)


def test_demo_never_overwrites_a_ledger(tmp_path):
    (tmp_path / "build").mkdir()
    (tmp_path / "build" / "ledger.json").write_text("{}", encoding="utf-8")
    assert demo(tmp_path, reviews=5, accounts=2) == 2
    assert (tmp_path / "build" / "ledger.json").read_text(encoding="utf-8") == "{}"


# --- the technical win and the process configuration ----------------------------------------------


def test_the_demo_writes_a_handbook_yml_that_validates_and_sets_fiscal_quarters(tmp_path):
    from generator.process.config import load_config

    assert demo(tmp_path, reviews=5, accounts=3) == 0
    loaded = load_config(tmp_path)
    assert loaded.present and loaded.diagnostics == []
    assert loaded.config.fiscal_year_start_month == 2
    assert dt.date(2026, 12, 25) in loaded.config.calendar.holidays
    assert loaded.config.qbr(dt.date.fromisoformat(TODAY)) is not None
    # Account plans are for the fiscal quarter: November 2026 is in fiscal 2027's fourth quarter.
    quarters = {read_document(p).data["quarter"] for p in (tmp_path / "accounts").glob("*.md")}
    assert "2027-Q4" in quarters


def test_the_demo_uses_a_given_handbook_yml_and_copies_it(tmp_path):
    source = tmp_path / "source"
    source.mkdir()
    (source / "handbook.yml").write_text("fiscal_year_start_month: 7\n", encoding="utf-8")
    flags = ["--reviews", "3", "--accounts", "2", "--today", TODAY, "--config-from", str(source)]
    assert main(["demo", *flags, str(tmp_path / "out")]) == 0
    from generator.process.config import load_config

    assert load_config(tmp_path / "out").config.fiscal_year_start_month == 7


def test_the_demo_refuses_a_folder_that_already_has_a_handbook_yml(tmp_path, capsys):
    (tmp_path / "handbook.yml").write_text("# ours\n", encoding="utf-8")
    assert demo(tmp_path, reviews=1, accounts=1) == 2
    assert "handbook.yml exists" in capsys.readouterr().err
    assert (tmp_path / "handbook.yml").read_text(encoding="utf-8") == "# ours\n"


def test_a_large_demo_exercises_every_rule_of_the_technical_win(moderate):
    opportunities = [o for a in moderate.accounts for o in a.opportunities]
    assert {o.tech_win_phase for o in opportunities} == set(TechWinPhase)
    assert all(o.arr is not None and o.seats for o in opportunities)
    assert len({o.arr.currency for o in opportunities if o.arr}) >= 2
    assert any(o.key_prospect for o in opportunities)
    assert any(o.production_review for o in opportunities)
    assert any(o.tdd_peer_reviewer for o in opportunities)
    # Realistic answers: the current phase's gate is partly done, so some answers are "no".
    answers = [
        getattr(getattr(o.gates, phase), gate).answer
        for o in opportunities
        for phase in type(o.gates).model_fields
        if getattr(o.gates, phase) is not None
        for gate in type(getattr(o.gates, phase)).model_fields
        if getattr(getattr(o.gates, phase), gate) is not None
    ]
    assert True in answers and False in answers
    today = dt.date.fromisoformat(TODAY)
    assert any(o.close_date < today and 2 <= o.sales_stage <= 4 for o in opportunities), "slipped deals"


def test_the_demo_covers_every_account_state_the_dashboards_show(moderate):
    today = dt.date.fromisoformat(TODAY)
    accounts = moderate.accounts
    in_window = [a for a in accounts if a.renewal_date and 0 <= (a.renewal_date - today).days <= 90]

    assert any(a.onboarding_open and a.onboarding for a in accounts)
    assert any(a.red_account and a.red_account.resolved for a in accounts)
    assert any(a.health.status is Health.RED and a.late_actions(today) for a in accounts)
    assert any(a.value_realization for a in in_window) and any(not a.value_realization for a in in_window)
    assert any(a.renewal_date and a.renewal_date < today for a in accounts)
    assert any(a.renewal_health for a in accounts)
    assert {q.status for a in accounts for q in a.security_questionnaires} == set(QuestionnaireStatus)
    assert {q.status for a in accounts for q in a.qbrs} >= {QbrStatus.HELD, QbrStatus.SCHEDULED}


def test_account_plans_give_the_renewal_window_of_the_handbook_yml_they_are_made_under(tmp_path):
    source = tmp_path / "source"
    source.mkdir()
    (source / "handbook.yml").write_text("renewal_window_days: 60\n", encoding="utf-8")
    flags = ["--reviews", "0", "--accounts", "40", "--today", TODAY, "--config-from", str(source)]
    assert main(["demo", *flags, str(tmp_path / "out")]) == 0
    bodies = [p.read_text(encoding="utf-8") for p in (tmp_path / "out" / "accounts").glob("*.md")]
    assert any("The value-realization exercise starts 60 days before the renewal" in b for b in bodies)
    assert not any("starts 90 days" in b for b in bodies)
