"""The process calendar: plausible dates, today, business days (skipping company holidays), the
feedback deadline and fiscal quarters (pure functions, but for the clock read by `today`).

`Calendar` holds the facts `handbook.yml` can change; `DEFAULT` is the calendar when it is absent
(calendar quarters, no holidays, the feedback window of generator/process/facts.py). The
module-level functions are that default calendar's, for callers that have no repository at hand.
"""

from __future__ import annotations

import bisect
import contextlib
import contextvars
import datetime as dt
import functools
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from generator.process.facts import (
    FEEDBACK_BUSINESS_DAYS,
    FISCAL_YEAR_START_MONTH,
    PROCESS_TIME_ZONE,
)


@dataclass(frozen=True)
class DateWindow:
    """The dates a document or a command may name.

    Outside it a date is a typo (0206 for 2026) or an attack: 9999-12-31 overflows date arithmetic and
    0001-01-01 makes anything counted per day or month enormous. One window for the whole process:
    `PLAUSIBLE_DATES` unless handbook.yml sets another (`using_window` while documents are read).
    """

    first: dt.date
    last: dt.date

    def __contains__(self, day: object) -> bool:
        return isinstance(day, dt.date) and self.first <= day <= self.last

    def text(self) -> str:
        return f"{self.first.isoformat()} to {self.last.isoformat()}"


PLAUSIBLE_DATES = DateWindow(dt.date(2000, 1, 1), dt.date(2100, 12, 31))
# Every date: for a flag read before the repository, and so its window, is known.
ANY_DATE = DateWindow(dt.date.min, dt.date.max)
# The window in force: handbook.yml's while a repository's documents are checked, else the default.
_WINDOW: contextvars.ContextVar[DateWindow] = contextvars.ContextVar(
    "plausible_dates", default=PLAUSIBLE_DATES
)


def plausible_window() -> DateWindow:
    return _WINDOW.get()


@contextlib.contextmanager
def using_window(window: DateWindow) -> Iterator[None]:
    """Read dates inside `window` (handbook.yml's plausible dates) for the duration of the block."""
    token = _WINDOW.set(window)
    try:
        yield
    finally:
        _WINDOW.reset(token)


_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


class DateProblem(ValueError):
    """Why a text is not a usable date; the message names the text as written."""

    def __init__(self, message: str, kind: str) -> None:
        super().__init__(message)
        self.kind = kind  # "date_from_text" or "implausible_date"


def parse_date(text: str, window: DateWindow | None = None) -> dt.date:
    """A date written YYYY-MM-DD (nothing else: no time, no week date) inside `window` (default: the
    window in force)."""
    try:
        day = dt.date.fromisoformat(text) if _ISO_DATE.fullmatch(text) else None
    except ValueError:
        day = None
    if day is None:
        raise DateProblem(f"{text!r} is not a date", "date_from_text")
    check_plausible(day, window, shown=text)
    return day


def check_plausible(day: dt.date, window: DateWindow | None = None, *, shown: str | None = None) -> dt.date:
    window = window or plausible_window()
    if day not in window:
        raise DateProblem(
            f"{shown or day.isoformat()!r} is outside the plausible dates {window.text()}", "implausible_date"
        )
    return day


def today(now: dt.datetime | None = None) -> dt.date:
    """The process's today: the date in UTC (`PROCESS_TIME_ZONE`), on every machine.

    One rule for every command, so a laptop in Tokyo, one in California and the CI runner name the
    same day: the day GitHub's timestamps, the sign-off ledger and the reminders count in. A command's
    `--today` replaces it.
    """
    return day_of(now or dt.datetime.now(PROCESS_TIME_ZONE))


def day_of(moment: dt.datetime) -> dt.date:
    """The process day a moment falls on (a moment without a time zone is taken as UTC)."""
    if moment.tzinfo is None:
        return moment.date()
    return moment.astimezone(PROCESS_TIME_ZONE).date()


def latest_today(now: dt.datetime | None = None) -> dt.date:
    """Today somewhere on Earth (UTC+14): a date after this has not happened anywhere yet (documents
    are checked against it, so a date written in any time zone is never "in the future")."""
    moment = now or dt.datetime.now(PROCESS_TIME_ZONE)
    return (moment.astimezone(dt.UTC) + dt.timedelta(hours=14)).date()


@dataclass(frozen=True)
class Calendar:
    """Business days and fiscal quarters of one company.

    A fiscal year is named after the calendar year it ends in (`named_by="end"`, the common usage:
    with a February start, February 2026 to January 2027 is fiscal 2027) or the one it starts in.
    """

    fiscal_year_start_month: int = FISCAL_YEAR_START_MONTH
    holidays: frozenset[dt.date] = field(default_factory=frozenset)
    feedback_business_days: int = FEEDBACK_BUSINESS_DAYS
    named_by: str = "end"

    @classmethod
    def of(
        cls,
        fiscal_year_start_month: int = FISCAL_YEAR_START_MONTH,
        holidays: Iterable[dt.date] = (),
        feedback_business_days: int = FEEDBACK_BUSINESS_DAYS,
        named_by: str = "end",
    ) -> Calendar:
        return cls(fiscal_year_start_month, frozenset(holidays), feedback_business_days, named_by)

    # --- business days ---------------------------------------------------------------------------

    @functools.cached_property
    def _weekday_holidays(self) -> tuple[dt.date, ...]:
        """The holidays that would otherwise be business days, sorted (weekend ones change nothing)."""
        return tuple(sorted(day for day in self.holidays if day.weekday() < 5))

    def _holidays_in(self, after: dt.date, until: dt.date) -> int:
        """Weekday holidays in (after, until]."""
        found = self._weekday_holidays
        return bisect.bisect_right(found, until) - bisect.bisect_right(found, after)

    def is_business_day(self, day: dt.date) -> bool:
        return day.weekday() < 5 and day not in self.holidays

    def add_business_days(self, start: dt.date, days: int) -> dt.date:
        """`days` business days (Monday to Friday, not a holiday) after `start`.

        Whole weeks at a time, then once more for each holiday passed: the cost grows with the
        holidays crossed, not with `days`.
        """
        current = _add_weekdays(start, days)
        skipped = self._holidays_in(start, current)
        while skipped:
            later = _add_weekdays(current, skipped)
            skipped = self._holidays_in(current, later)
            current = later
        return current

    def business_days_between(self, start: dt.date, end: dt.date) -> int:
        """Business days after `start` up to and including `end` (0 when end is not after start)."""
        if end <= start:
            return 0
        return _weekdays_between(start, end) - self._holidays_in(start, end)

    def feedback_due(self, asked_on: dt.date) -> dt.date:
        """The day initial feedback is due when reviewers were asked on `asked_on`."""
        return self.add_business_days(asked_on, self.feedback_business_days)

    # --- fiscal quarters -------------------------------------------------------------------------

    def _offset(self, day: dt.date) -> int:
        """Months since the start of the fiscal year `day` is in (0-11)."""
        return (day.month - self.fiscal_year_start_month) % 12

    def quarter_start(self, day: dt.date) -> dt.date:
        months_back = self._offset(day) % 3
        return _add_months(dt.date(day.year, day.month, 1), -months_back)

    def next_quarter_start(self, day: dt.date) -> dt.date:
        return _add_months(self.quarter_start(day), 3)

    def quarter_end(self, day: dt.date) -> dt.date:
        """The last day of the fiscal quarter `day` is in."""
        return self.next_quarter_start(day) - dt.timedelta(days=1)

    def fiscal_year(self, day: dt.date) -> int:
        start_year = day.year if day.month >= self.fiscal_year_start_month else day.year - 1
        ends_later = self.fiscal_year_start_month != 1
        return start_year + 1 if self.named_by == "end" and ends_later else start_year

    def quarter_label(self, day: dt.date) -> str:
        """The fiscal quarter of `day`: 2026-11-23 -> '2026-Q4' with calendar quarters."""
        return f"{self.fiscal_year(day)}-Q{self._offset(day) // 3 + 1}"

    def quarter_of_label(self, label: str) -> tuple[dt.date, dt.date]:
        """'2027-Q1' -> its first and last day (the label as `quarter_label` writes it)."""
        year, quarter = int(label[:4]), int(label[-1])
        start_year = year - 1 if self.named_by == "end" and self.fiscal_year_start_month != 1 else year
        start = _add_months(dt.date(start_year, self.fiscal_year_start_month, 1), 3 * (quarter - 1))
        return start, _add_months(start, 3) - dt.timedelta(days=1)


def _add_weekdays(start: dt.date, days: int) -> dt.date:
    """`days` days Monday to Friday after `start`, five at a time a calendar week."""
    if days <= 0:
        return start
    current = _next_weekday(start)
    weeks, rest = divmod(days - 1, 5)
    current += dt.timedelta(weeks=weeks)
    for _ in range(rest):
        current = _next_weekday(current)
    return current


def _next_weekday(day: dt.date) -> dt.date:
    day += dt.timedelta(days=1)
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


def _weekdays_between(start: dt.date, end: dt.date) -> int:
    """Days Monday to Friday in (start, end], counted by whole weeks."""
    weeks, rest = divmod((end - start).days, 7)
    weekday = start.weekday()
    return weeks * 5 + sum(1 for offset in range(1, rest + 1) if (weekday + offset) % 7 < 5)


def _add_months(day: dt.date, months: int) -> dt.date:
    """The first of a month `months` after (or before) `day`'s month; `day` is a first of a month."""
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


DEFAULT = Calendar()


def add_business_days(start: dt.date, days: int) -> dt.date:
    return DEFAULT.add_business_days(start, days)


def business_days_between(start: dt.date, end: dt.date) -> int:
    return DEFAULT.business_days_between(start, end)


def feedback_due(asked_on: dt.date) -> dt.date:
    return DEFAULT.feedback_due(asked_on)


def quarter_start(day: dt.date) -> dt.date:
    return DEFAULT.quarter_start(day)


def next_quarter_start(day: dt.date) -> dt.date:
    return DEFAULT.next_quarter_start(day)


def quarter_label(day: dt.date) -> str:
    return DEFAULT.quarter_label(day)
