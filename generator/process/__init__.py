"""The process configuration: one definition of each fact of the process, and one today.

- `facts`: the windows and deadlines (feedback within 3 business days, renewals 90 days ahead, ...);
- `calendar`: plausible dates, today (a UTC date, one rule for every command), business days and
  fiscal quarters (`Calendar`);
- `config`: `handbook.yml`, where a repository changes those facts (`HandbookConfig`, `load_config`).

`facts` and `calendar` import nothing else of the package, so documents' models can use them;
`config` reads documents' loader and is imported as `generator.process.config`.
"""

from __future__ import annotations

from generator.process.calendar import (
    ANY_DATE,
    DEFAULT,
    PLAUSIBLE_DATES,
    Calendar,
    DateProblem,
    DateWindow,
    check_plausible,
    day_of,
    latest_today,
    parse_date,
    plausible_window,
    today,
    using_window,
)
from generator.process.facts import (
    BUSINESS_WEEK,
    DECISION_BUSINESS_DAYS,
    FEEDBACK_BUSINESS_DAYS,
    FIRST_STEP_BUSINESS_DAYS,
    FISCAL_YEAR_START_MONTH,
    PROCESS_TIME_ZONE,
    RENEWAL_WINDOW_DAYS,
)

__all__ = [
    "ANY_DATE",
    "BUSINESS_WEEK",
    "DECISION_BUSINESS_DAYS",
    "DEFAULT",
    "FEEDBACK_BUSINESS_DAYS",
    "FIRST_STEP_BUSINESS_DAYS",
    "FISCAL_YEAR_START_MONTH",
    "PLAUSIBLE_DATES",
    "PROCESS_TIME_ZONE",
    "RENEWAL_WINDOW_DAYS",
    "Calendar",
    "DateProblem",
    "DateWindow",
    "check_plausible",
    "day_of",
    "latest_today",
    "parse_date",
    "plausible_window",
    "today",
    "using_window",
]
