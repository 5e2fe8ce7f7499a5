"""The process calendar: business days, the feedback deadline and quarters (pure functions)."""

from __future__ import annotations

import datetime as dt

# Reviewers give initial feedback on a tech review within this many business days.
FEEDBACK_BUSINESS_DAYS = 3


def add_business_days(start: dt.date, days: int) -> dt.date:
    """`days` working days (Monday to Friday) after `start`; no holiday calendar."""
    current = start
    left = days
    while left > 0:
        current += dt.timedelta(days=1)
        if current.weekday() < 5:
            left -= 1
    return current


def business_days_between(start: dt.date, end: dt.date) -> int:
    """Working days after `start` up to and including `end` (0 when end is not after start)."""
    count = 0
    current = start
    while current < end:
        current += dt.timedelta(days=1)
        if current.weekday() < 5:
            count += 1
    return count


def feedback_due(asked_on: dt.date) -> dt.date:
    """The day initial feedback is due when reviewers were asked on `asked_on`."""
    return add_business_days(asked_on, FEEDBACK_BUSINESS_DAYS)


def quarter_start(day: dt.date) -> dt.date:
    return dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def next_quarter_start(day: dt.date) -> dt.date:
    start = quarter_start(day)
    return dt.date(start.year + 1, 1, 1) if start.month == 10 else dt.date(start.year, start.month + 3, 1)


def quarter_label(day: dt.date) -> str:
    """2026-11-23 -> '2026-Q4' (calendar quarters)."""
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"
