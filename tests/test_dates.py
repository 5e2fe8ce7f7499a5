"""The process calendar shared by `new`, `remind`, `demo` and the site."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from generator.process.calendar import (
    PLAUSIBLE_DATES,
    Calendar,
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


# --- a company calendar: fiscal year from February, holidays --------------------------------------

FEBRUARY = Calendar.of(fiscal_year_start_month=2)


def test_with_a_february_fiscal_year_november_is_in_the_fourth_quarter_of_the_next_year() -> None:
    # February 2026 to January 2027 is fiscal 2027; its Q4 is November, December and January.
    assert FEBRUARY.quarter_label(MONDAY) == "2027-Q4"
    assert FEBRUARY.quarter_start(MONDAY) == dt.date(2026, 11, 1)
    assert FEBRUARY.next_quarter_start(MONDAY) == dt.date(2027, 2, 1)
    assert FEBRUARY.quarter_end(MONDAY) == dt.date(2027, 1, 31)


def test_with_a_february_fiscal_year_january_closes_the_year_and_february_opens_the_next() -> None:
    assert FEBRUARY.quarter_label(dt.date(2027, 1, 31)) == "2027-Q4"
    assert FEBRUARY.quarter_label(dt.date(2027, 2, 1)) == "2028-Q1"
    assert FEBRUARY.quarter_start(dt.date(2027, 1, 15)) == dt.date(2026, 11, 1)


def test_a_fiscal_year_can_be_named_after_the_year_it_starts_in() -> None:
    starting = Calendar.of(fiscal_year_start_month=2, named_by="start")
    assert starting.quarter_label(MONDAY) == "2026-Q4"


def test_a_quarter_label_gives_back_its_first_and_last_day() -> None:
    assert FEBRUARY.quarter_of_label("2027-Q1") == (dt.date(2026, 2, 1), dt.date(2026, 4, 30))
    assert FEBRUARY.quarter_of_label("2027-Q4") == (dt.date(2026, 11, 1), dt.date(2027, 1, 31))
    assert Calendar().quarter_of_label("2026-Q4") == (dt.date(2026, 10, 1), dt.date(2026, 12, 31))


def test_every_day_of_a_fiscal_quarter_labels_back_to_it() -> None:
    for start_month in range(1, 13):
        calendar = Calendar.of(fiscal_year_start_month=start_month)
        day = dt.date(2025, 12, 20)
        while day < dt.date(2028, 1, 10):
            first, last = calendar.quarter_of_label(calendar.quarter_label(day))
            assert first <= day <= last, (start_month, day)
            assert first == calendar.quarter_start(day)
            day += dt.timedelta(days=11)


def test_a_holiday_inside_the_feedback_window_moves_the_deadline_a_business_day() -> None:
    # Asked on Monday 2026-11-23; Thursday 26 is Thanksgiving: due Friday 27, not Thursday 26.
    thanksgiving = Calendar.of(holidays=[dt.date(2026, 11, 26)])
    assert feedback_due(MONDAY) == dt.date(2026, 11, 26)
    assert thanksgiving.feedback_due(MONDAY) == dt.date(2026, 11, 27)


def test_a_holiday_is_not_counted_as_a_business_day_late() -> None:
    thanksgiving = Calendar.of(holidays=[dt.date(2026, 11, 26), dt.date(2026, 11, 27)])
    assert thanksgiving.business_days_between(MONDAY, dt.date(2026, 11, 30)) == 3
    assert business_days_between(MONDAY, dt.date(2026, 11, 30)) == 5


def test_a_holiday_on_a_weekend_changes_nothing() -> None:
    saturday = Calendar.of(holidays=[dt.date(2026, 11, 28)])
    assert saturday.feedback_due(MONDAY) == feedback_due(MONDAY)


def test_the_feedback_window_length_comes_from_the_calendar() -> None:
    assert Calendar.of(feedback_business_days=5).feedback_due(FRIDAY) == dt.date(2026, 11, 27)


def _naive_add(calendar: Calendar, start: dt.date, days: int) -> dt.date:
    current, left = start, days
    while left > 0:
        current += dt.timedelta(days=1)
        left -= calendar.is_business_day(current)
    return current


def test_business_day_arithmetic_agrees_with_counting_day_by_day() -> None:
    import random

    rng = random.Random(7)
    base = dt.date(2026, 1, 1)
    for _ in range(300):
        holidays = {base + dt.timedelta(days=rng.randint(0, 120)) for _ in range(rng.randint(0, 12))}
        calendar = Calendar.of(holidays=holidays)
        start = base + dt.timedelta(days=rng.randint(0, 90))
        days = rng.randint(0, 40)
        due = calendar.add_business_days(start, days)
        assert due == _naive_add(calendar, start, days), (start, days, sorted(holidays))
        assert calendar.business_days_between(start, due) == days
        assert calendar.is_business_day(due) or days == 0


def test_a_long_span_costs_no_more_than_a_short_one() -> None:
    # Weeks at a time: a century of business days is arithmetic, not a loop over 36,000 days.
    calendar = Calendar.of(holidays=[dt.date(2050, 12, 26)])
    assert calendar.business_days_between(dt.date(2000, 1, 1), dt.date(2100, 12, 31)) > 26_000
    assert calendar.add_business_days(dt.date(2000, 1, 3), 26_000) > dt.date(2099, 1, 1)
