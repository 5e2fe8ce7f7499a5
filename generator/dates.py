"""The process calendar: plausible dates, business days, the feedback deadline, quarters (pure functions)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

# Reviewers give initial feedback on a tech review within this many business days.
FEEDBACK_BUSINESS_DAYS = 3


@dataclass(frozen=True)
class DateWindow:
    """The dates a document or a command may name.

    Outside it a date is a typo (0206 for 2026) or an attack: 9999-12-31 overflows date arithmetic and
    0001-01-01 makes anything counted per day or month enormous. One window for the whole process, so a
    process configuration can set it later.
    """

    first: dt.date
    last: dt.date

    def __contains__(self, day: object) -> bool:
        return isinstance(day, dt.date) and self.first <= day <= self.last

    def text(self) -> str:
        return f"{self.first.isoformat()} to {self.last.isoformat()}"


PLAUSIBLE_DATES = DateWindow(dt.date(2000, 1, 1), dt.date(2100, 12, 31))

_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


class DateProblem(ValueError):
    """Why a text is not a usable date; the message names the text as written."""

    def __init__(self, message: str, kind: str) -> None:
        super().__init__(message)
        self.kind = kind  # "date_from_text" or "implausible_date"


def parse_date(text: str, window: DateWindow = PLAUSIBLE_DATES) -> dt.date:
    """A date written YYYY-MM-DD (nothing else: no time, no week date) inside `window`."""
    try:
        day = dt.date.fromisoformat(text) if _ISO_DATE.fullmatch(text) else None
    except ValueError:
        day = None
    if day is None:
        raise DateProblem(f"{text!r} is not a date", "date_from_text")
    check_plausible(day, window, shown=text)
    return day


def check_plausible(
    day: dt.date, window: DateWindow = PLAUSIBLE_DATES, *, shown: str | None = None
) -> dt.date:
    if day not in window:
        raise DateProblem(
            f"{shown or day.isoformat()!r} is outside the plausible dates {window.text()}", "implausible_date"
        )
    return day


def latest_today(now: dt.datetime | None = None) -> dt.date:
    """Today somewhere on Earth (UTC+14): a date after this has not happened anywhere yet."""
    moment = now or dt.datetime.now(dt.UTC)
    return (moment.astimezone(dt.UTC) + dt.timedelta(hours=14)).date()


def add_business_days(start: dt.date, days: int) -> dt.date:
    """`days` working days (Monday to Friday) after `start`; no holiday calendar.

    After the first working day, every five more are one calendar week: the cost does not grow with `days`.
    """
    if days <= 0:
        return start
    current = _next_business_day(start)
    weeks, rest = divmod(days - 1, 5)
    current += dt.timedelta(weeks=weeks)
    for _ in range(rest):
        current = _next_business_day(current)
    return current


def _next_business_day(day: dt.date) -> dt.date:
    day += dt.timedelta(days=1)
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


def business_days_between(start: dt.date, end: dt.date) -> int:
    """Working days after `start` up to and including `end` (0 when end is not after start).

    Counted by whole weeks, so the cost does not grow with the span.
    """
    if end <= start:
        return 0
    days = (end - start).days
    weeks, rest = divmod(days, 7)
    count = weeks * 5
    weekday = start.weekday()
    for offset in range(1, rest + 1):
        if (weekday + offset) % 7 < 5:
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
