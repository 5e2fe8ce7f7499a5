"""The process calendar shared by `new`, `remind`, `demo` and the site."""

from __future__ import annotations

import datetime as dt

from generator.dates import (
    add_business_days,
    business_days_between,
    feedback_due,
    next_quarter_start,
    quarter_label,
    quarter_start,
)

FRIDAY = dt.date(2026, 11, 20)
MONDAY = dt.date(2026, 11, 23)


def test_feedback_asked_on_a_friday_is_due_the_next_wednesday() -> None:
    assert feedback_due(FRIDAY) == dt.date(2026, 11, 25)


def test_business_days_skip_the_weekend() -> None:
    assert add_business_days(FRIDAY, 1) == MONDAY


def test_business_days_between_counts_working_days_after_the_start() -> None:
    assert business_days_between(FRIDAY, MONDAY) == 1
    assert business_days_between(MONDAY, FRIDAY) == 0


def test_quarters_are_calendar_quarters() -> None:
    assert quarter_label(MONDAY) == "2026-Q4"
    assert quarter_start(MONDAY) == dt.date(2026, 10, 1)
    assert next_quarter_start(MONDAY) == dt.date(2027, 1, 1)
    assert next_quarter_start(dt.date(2026, 2, 1)) == dt.date(2026, 4, 1)
