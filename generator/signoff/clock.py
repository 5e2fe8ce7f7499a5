"""The review clock: when reviewers were asked, when each team first answered and decided, and whether
the answer came within the feedback window (pure functions of the ledger and the company calendar).

The window starts on the process day the pull request was opened (`day_of` its opening moment, one
function in generator/process/calendar.py): `handbook remind`, the site's deadlines and these figures
all count from it.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from generator.documents.models.review import ASKED_TEAMS
from generator.process.calendar import Calendar, day_of
from generator.signoff.ledger import FirstFeedback, Ledger, SignOff

# The teams the feedback promise is made for (Product, Engineering, Support: the EPS reviewers).
CLOCK_TEAMS = ASKED_TEAMS


@dataclass(frozen=True)
class Request:
    """One team asked on one pull request changing a tech review."""

    pull_request: int
    team: str
    asked_on: dt.date
    due: dt.date
    # Business days from the asking day to the first feedback / to the team's counted sign-off.
    to_first_feedback: int | None
    to_decision: int | None
    # True answered in the window, False not (late, or still unanswered after it), None not yet known.
    in_window: bool | None

    @property
    def month(self) -> str:
        return self.asked_on.strftime("%Y-%m")


def _request(
    calendar: Calendar,
    today: dt.date,
    number: int,
    team: str,
    opened_at: dt.datetime,
    feedback: FirstFeedback | None,
    signed: SignOff | None,
) -> Request:
    start = day_of(opened_at)  # the start remind counts from
    due = calendar.feedback_due(start)
    answered = day_of(feedback.at) if feedback else None
    decided = day_of(signed.approved_at) if signed else None
    if answered is not None:
        in_window: bool | None = answered <= due
    else:
        in_window = False if today > due else None
    return Request(
        number,
        team,
        start,
        due,
        calendar.business_days_between(start, answered) if answered else None,
        calendar.business_days_between(start, decided) if decided else None,
        in_window,
    )


def requests(ledger: Ledger, calendar: Calendar, today: dt.date) -> list[Request]:
    """Every team asked on a pull request changing a tech review, merged or open (one per pull request
    and team, however many reviews it changes); merges the ledger recorded without their opening time
    (a version-1 ledger) cannot be measured and are left out."""
    found: dict[tuple[int, str], Request] = {}
    for path, changes in ledger.documents.items():
        if not path.startswith("reviews/"):
            continue
        for change in changes:
            if change.opened_at is None:
                continue
            feedback = {f.role: f for f in change.first_feedback}
            signed = {s.role: s for s in change.signoffs}
            for team in change.required:
                if team in CLOCK_TEAMS and (change.pull_request, team) not in found:
                    found[(change.pull_request, team)] = _request(
                        calendar, today, change.pull_request, team, change.opened_at,
                        feedback.get(team), signed.get(team),
                    )  # fmt: skip
    for pull in ledger.open_pull_requests:
        if not any(path.startswith("reviews/") for path in pull.documents):
            continue
        feedback = {f.role: f for f in pull.first_feedback}
        for team in pull.required:
            if team in CLOCK_TEAMS and (pull.pull_request, team) not in found:
                found[(pull.pull_request, team)] = _request(
                    calendar, today, pull.pull_request, team, pull.opened_at, feedback.get(team), None
                )
    return sorted(found.values(), key=lambda r: (r.asked_on, r.pull_request, CLOCK_TEAMS.index(r.team)))


@dataclass(frozen=True)
class Figures:
    """The clock over a group of requests."""

    label: str
    asked: int
    answered: int
    median_to_first_feedback: float | None  # business days
    median_to_decision: float | None
    in_window: int
    measured: int  # requests whose window has closed or that were answered

    @property
    def share_in_window(self) -> float | None:
        return self.in_window / self.measured if self.measured else None


def _median(values: Sequence[int]) -> float | None:
    return float(statistics.median(values)) if values else None


def figures(label: str, group: Iterable[Request]) -> Figures:
    items = list(group)
    first = [r.to_first_feedback for r in items if r.to_first_feedback is not None]
    decided = [r.to_decision for r in items if r.to_decision is not None]
    measured = [r for r in items if r.in_window is not None]
    return Figures(
        label,
        len(items),
        len(first),
        _median(first),
        _median(decided),
        sum(1 for r in measured if r.in_window),
        len(measured),
    )


def by_team(items: Iterable[Request]) -> list[Figures]:
    groups: dict[str, list[Request]] = defaultdict(list)
    for item in items:
        groups[item.team].append(item)
    return [figures(team, groups[team]) for team in CLOCK_TEAMS if team in groups]


def by_month(items: Iterable[Request]) -> list[Figures]:
    groups: dict[str, list[Request]] = defaultdict(list)
    for item in items:
        groups[item.month].append(item)
    return [figures(month, groups[month]) for month in sorted(groups)]
