"""The process calendar shared by `new`, `remind`, `demo` and the site."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from generator.dates import (
    PLAUSIBLE_DATES,
    DateProblem,
    add_business_days,
    business_days_between,
    feedback_due,
    latest_today,
    next_quarter_start,
    parse_date,
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


# --- plausible dates and costs that do not grow with a span -------------------------------------------


IN_WINDOW = st.dates(min_value=PLAUSIBLE_DATES.first, max_value=PLAUSIBLE_DATES.last)


def _add_by_walking(start: dt.date, days: int) -> dt.date:
    current, left = start, days
    while left > 0:
        current += dt.timedelta(days=1)
        left -= current.weekday() < 5
    return current


def _between_by_walking(start: dt.date, end: dt.date) -> int:
    return sum((start + dt.timedelta(days=n)).weekday() < 5 for n in range(1, (end - start).days + 1))


@given(IN_WINDOW, st.integers(min_value=0, max_value=400))
def test_adding_business_days_agrees_with_walking_day_by_day(start: dt.date, days: int) -> None:
    assert add_business_days(start, days) == _add_by_walking(start, days)


@given(IN_WINDOW, st.integers(min_value=-30, max_value=900))
def test_counting_business_days_agrees_with_walking_day_by_day(start: dt.date, span: int) -> None:
    end = start + dt.timedelta(days=span)
    assert business_days_between(start, end) == _between_by_walking(start, end)


def test_the_whole_window_is_counted_by_weeks_not_days() -> None:
    assert business_days_between(PLAUSIBLE_DATES.first, PLAUSIBLE_DATES.last) == 26_350


def test_the_plausible_window_is_2000_to_2100() -> None:
    assert PLAUSIBLE_DATES.text() == "2000-01-01 to 2100-12-31"
    assert parse_date("2000-01-01") == PLAUSIBLE_DATES.first
    assert parse_date("2100-12-31") == PLAUSIBLE_DATES.last


@pytest.mark.parametrize("text", ["1999-12-31", "2101-01-01", "0001-01-01", "9999-12-31"])
def test_a_date_outside_the_window_is_refused(text: str) -> None:
    with pytest.raises(
        DateProblem, match=f"^'{text}' is outside the plausible dates 2000-01-01 to 2100-12-31$"
    ):
        parse_date(text)


@pytest.mark.parametrize(
    "text", ["2026-9-1", "20260901", "2026-W36-2", "2026-09-01T00:00", "2026-09-01\n", ""]
)
def test_only_year_month_day_is_a_date(text: str) -> None:
    with pytest.raises(DateProblem, match=r"is not a date$"):
        parse_date(text)


def test_today_somewhere_on_earth_is_at_most_a_day_ahead_of_utc() -> None:
    assert latest_today(dt.datetime(2026, 11, 23, 9, 59, tzinfo=dt.UTC)) == dt.date(2026, 11, 23)
    assert latest_today(dt.datetime(2026, 11, 23, 10, 0, tzinfo=dt.UTC)) == dt.date(2026, 11, 24)
