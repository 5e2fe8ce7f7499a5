"""Events: what the handbook now shows that is worth a message, each with a key naming the change."""

from __future__ import annotations

import datetime as dt

from generator.notify.events import (
    AccountLeftRed,
    AccountRed,
    RenewalWindow,
    ReviewDecided,
    ReviewInReview,
    document_events,
    overdue_digest,
)
from generator.signoff.ledger import load_ledger
from tests.notify.documents import (
    ACCOUNT,
    ACCOUNT_PATH,
    REVIEW_PATH,
    TODAY,
    decision_ledger,
    green_account,
    handbook,
    red_account,
    review,
    waiting_ledger,
    with_renewal,
    write_repo,
)


def test_a_review_in_review_is_announced_with_its_deadline_asks_and_links(tmp_path):
    root = write_repo(tmp_path, {ACCOUNT_PATH: ACCOUNT, REVIEW_PATH: review("in-review")})
    [event] = document_events(handbook(root), {})
    assert isinstance(event, ReviewInReview)
    assert event.key == "review-in-review:TR-0001:2026-01-05"
    assert (event.customer_name, event.moment, event.triggers) == (
        "Acme Corp",
        "pre-sales",
        ["Air-gapped instance"],
    )
    assert event.feedback_due == dt.date(2026, 1, 8)  # 3 business days after Monday 5 January
    assert event.asks["support"] == ["Agree on log bundles instead of screen sharing"]
    assert (event.page, event.tdd) == (REVIEW_PATH, "https://docs.example.com/tdd/acme")


def test_a_decided_review_names_its_pull_request_from_the_ledger(tmp_path):
    root = write_repo(tmp_path, {ACCOUNT_PATH: ACCOUNT, REVIEW_PATH: review("approved")})
    decision_ledger(root / "build" / "ledger.json", number=5)
    [event] = document_events(handbook(root), {})
    assert isinstance(event, ReviewDecided)
    assert event.key == "review-decided:TR-0001:yes:2026-01-20"
    assert (event.outcome, event.recommended_by, event.pull_request) == ("yes", "vic", 5)
    assert event.customer_messaging and "upgrade more slowly" in event.customer_messaging


def test_a_draft_review_is_not_announced(tmp_path):
    root = write_repo(tmp_path, {ACCOUNT_PATH: ACCOUNT, REVIEW_PATH: review("draft")})
    assert document_events(handbook(root), {}) == []


def test_a_red_account_is_announced_with_its_asks_plan_and_owners(tmp_path):
    root = write_repo(tmp_path, {ACCOUNT_PATH: red_account()})
    [event] = document_events(handbook(root), {})
    assert isinstance(event, AccountRed)
    assert event.key == "account-red:acme:2026-01-12"
    assert event.asks == ["An executive sponsor call with our CRO"]
    assert event.action_plan[0].owner == "cedric" and event.owners == {"ae": "abby", "ce": "cedric"}


def test_an_account_announced_red_that_is_green_now_has_left_red(tmp_path):
    root = write_repo(tmp_path, {ACCOUNT_PATH: green_account()})
    [event] = document_events(handbook(root), {"acme": dt.date(2026, 1, 12)})
    assert isinstance(event, AccountLeftRed)
    assert (event.status, event.reason) == ("green", "A new champion signed the expansion plan.")
    assert event.key == "account-left-red:acme:2026-01-12"


def test_a_new_red_period_ends_the_one_announced_before(tmp_path):
    root = write_repo(tmp_path, {ACCOUNT_PATH: red_account(since="2026-01-19")})
    left, red = document_events(handbook(root), {"acme": dt.date(2026, 1, 12)})
    assert isinstance(left, AccountLeftRed) and left.since == dt.date(2026, 1, 12)
    assert isinstance(red, AccountRed) and red.since == dt.date(2026, 1, 19)


def test_a_removed_plan_that_was_red_is_announced_as_gone(tmp_path):
    root = write_repo(tmp_path, {REVIEW_PATH: None})
    (root / "accounts").mkdir()
    [event] = document_events(handbook(root), {"acme": dt.date(2026, 1, 12)})
    assert isinstance(event, AccountLeftRed) and event.status == "removed"


def test_a_renewal_enters_the_window_90_days_before(tmp_path):
    inside = write_repo(tmp_path / "in", {ACCOUNT_PATH: with_renewal(ACCOUNT, "2026-04-21")})
    outside = write_repo(tmp_path / "out", {ACCOUNT_PATH: with_renewal(ACCOUNT, "2026-04-22")})
    [event] = document_events(handbook(inside), {})
    assert isinstance(event, RenewalWindow)
    assert (event.days_left, event.health, event.key) == (90, "green", "renewal-window:acme:2026-04-21")
    assert document_events(handbook(outside), {}) == []


def test_the_digest_lists_open_review_pull_requests_past_the_feedback_deadline(tmp_path):
    path = waiting_ledger(tmp_path / "ledger.json", dt.datetime(2026, 1, 12, 9, tzinfo=dt.UTC))
    digest = overdue_digest(load_ledger(path), TODAY)
    assert digest is not None and digest.key == "overdue-digest:2026-01-21"
    [item] = digest.items
    assert (item.pull_request, item.due, item.business_days_late) == (9, dt.date(2026, 1, 15), 4)
    assert [(w.role, w.people) for w in item.waiting] == [("support", ["sue", "sam"]), ("ce-vp", ["vic"])]


def test_no_digest_when_nothing_is_overdue(tmp_path):
    recent = waiting_ledger(tmp_path / "a.json", dt.datetime(2026, 1, 19, 9, tzinfo=dt.UTC))
    signed = waiting_ledger(tmp_path / "b.json", dt.datetime(2026, 1, 2, 9, tzinfo=dt.UTC), satisfied=True)
    assert overdue_digest(load_ledger(recent), TODAY) is None
    assert overdue_digest(load_ledger(signed), TODAY) is None
    assert overdue_digest(None, TODAY) is None


# --- handbook.yml: the renewal window, holidays and the feedback window -----------------------------


def test_the_renewal_window_comes_from_handbook_yml(tmp_path):
    root = write_repo(tmp_path, {ACCOUNT_PATH: with_renewal(ACCOUNT, "2026-04-21")})
    (root / "handbook.yml").write_text("renewal_window_days: 60\n", encoding="utf-8")
    assert document_events(handbook(root), {}) == []


def test_a_holiday_inside_the_feedback_window_moves_the_announced_deadline(tmp_path):
    root = write_repo(tmp_path, {ACCOUNT_PATH: ACCOUNT, REVIEW_PATH: review("in-review")})
    (root / "handbook.yml").write_text("holidays: [2026-01-07]\n", encoding="utf-8")
    [event] = document_events(handbook(root), {})
    assert isinstance(event, ReviewInReview) and event.feedback_due == dt.date(2026, 1, 9)


def test_the_digest_counts_business_days_of_the_company_calendar(tmp_path):
    from generator.process.calendar import Calendar

    path = waiting_ledger(tmp_path / "ledger.json", dt.datetime(2026, 1, 12, 9, tzinfo=dt.UTC))
    calendar = Calendar.of(holidays=[dt.date(2026, 1, 14)])
    digest = overdue_digest(load_ledger(path), TODAY, calendar)
    assert digest is not None
    [item] = digest.items
    assert (item.due, item.business_days_late) == (dt.date(2026, 1, 16), 3)
