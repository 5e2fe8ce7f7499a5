"""The facts of the process, each defined once: the windows and deadlines the handbook describes.

`handbook.yml` may change the ones it names (generator/process/config.py); these are the values when
it does not. Commands, the site's templates (as globals), validation, `remind` and `notify` read
them from here, never from a number written where they are used.
"""

from __future__ import annotations

import datetime as dt

# Reviewers give initial feedback on a tech review within this many business days.
FEEDBACK_BUSINESS_DAYS = 3
# The value-realization exercise starts this many days before a renewal.
RENEWAL_WINDOW_DAYS = 90
# Tier 2 and 3 plans are done early in the quarter: within this many weeks of its first day. Tier 1
# plans are done before the quarter's internal QBR (handbook.yml's internal_qbr).
PLAN_WEEKS = 3
# A new onboarding's skeleton schedules the three core trainings this many business days apart after the
# kickoff (the team moves them to the days agreed with the customer).
TRAINING_SPACING_BUSINESS_DAYS = 5
# What-is-due looks this many days ahead for security questionnaires and customer QBRs.
DUE_SOON_DAYS = 14
# Fiscal years start in January unless handbook.yml says otherwise.
FISCAL_YEAR_START_MONTH = 1
# A new tech review asks for a decision this many business days after it opens (`new --decision-needed-by`).
DECISION_BUSINESS_DAYS = 10
# A new plan's first next step, and a red account's first action, are due this many business days later.
FIRST_STEP_BUSINESS_DAYS = 5
# The weekly tech-win review: opportunities at these sales stages closing this fiscal quarter (or past
# their close date), and at these closing next quarter.
TECH_WIN_THIS_QUARTER_STAGES = range(2, 5)
TECH_WIN_NEXT_QUARTER_STAGES = range(3, 5)
# The days that are business days, as pages say it (the calendar counts Monday to Friday, less holidays).
BUSINESS_WEEK = "Monday to Friday"
# The process's days are UTC days (see calendar.today): the clock of GitHub, CI and the ledger.
PROCESS_TIME_ZONE = dt.UTC
