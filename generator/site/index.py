"""Cross-document views: what the dashboards, people pages and tags show, computed from the models.

Everything here is a pure function of the validated documents, the sign-off ledger and "today",
so the dashboards are deterministic in tests (`--today`) and cheap to recompute on every build.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum

from generator.documents.diagnostics import Diagnostic
from generator.documents.history import UNAVAILABLE, Change, History
from generator.documents.models import AccountPlan, Opportunity, TechReview
from generator.documents.models.account import (
    GATE_LABELS,
    PHASE_LABELS,
    ActionItem,
    GateAnswer,
    Health,
    Money,
    QbrStatus,
    RenewalHealth,
    Segment,
    TechWinPhase,
    ValueRealization,
    gates_of,
    past_tech_design,
)
from generator.documents.models.review import DECIDED, Moment, Outcome, ReviewStatus, Trigger
from generator.process import facts
from generator.process.calendar import Calendar, day_of
from generator.process.config import DEFAULT as DEFAULT_CONFIG
from generator.process.config import HandbookConfig, PlanDeadline
from generator.signoff.ledger import Ledger, MergedChange, OpenPullRequest

_HANDLE = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}")


@dataclass(frozen=True)
class ReviewEntry:
    """A valid tech review with where it came from: `source` is its path in the repository."""

    review: TechReview
    source: str
    body: str
    # Its faults, when it is shown although it does not validate (`build --needs-attention`).
    attention: tuple[Diagnostic, ...] = ()


@dataclass(frozen=True)
class AccountEntry:
    plan: AccountPlan
    source: str
    body: str
    attention: tuple[Diagnostic, ...] = ()


@dataclass(frozen=True)
class Attention:
    """A file that does not validate: its diagnostics, its page (a document's, shown flagged, or one
    saying what is wrong) or None for a file that has none (an image, a folder)."""

    path: str
    page: str | None
    diagnostics: tuple[Diagnostic, ...]
    shown: bool


@dataclass
class Handbook:
    """All valid documents, the ledger (None until collected) and the day the site is built for."""

    reviews: list[ReviewEntry]
    accounts: list[AccountEntry]
    ledger: Ledger | None
    today: dt.date
    # Files beside the documents, checked fit to publish (generator.documents.assets): site path -> bytes.
    assets: dict[str, bytes] = field(default_factory=dict)
    # What does not validate (only in the `--needs-attention` mode: otherwise nothing is built).
    attention: list[Attention] = field(default_factory=list)
    # When git last changed each document (its path in the repository); empty outside git.
    updated: dict[str, dt.date] = field(default_factory=dict)
    # The process configuration (handbook.yml): fiscal quarters, holidays, windows.
    config: HandbookConfig = DEFAULT_CONFIG
    # What git says of each document's status or health over time (documents/history.py).
    history: History = UNAVAILABLE
    review_by_id: dict[str, ReviewEntry] = field(init=False)
    account_by_id: dict[str, AccountEntry] = field(init=False)
    reviews_by_customer: dict[str, list[ReviewEntry]] = field(init=False)
    review_by_source: dict[str, ReviewEntry] = field(init=False)
    account_by_source: dict[str, AccountEntry] = field(init=False)
    # Each document's open pull requests (ledger order): looked up per document, not scanned for.
    pulls_by_source: dict[str, list[OpenPullRequest]] = field(init=False)

    def __post_init__(self) -> None:
        self.reviews = sorted(self.reviews, key=lambda e: e.review.id)
        self.accounts = sorted(self.accounts, key=lambda e: e.plan.name.casefold())
        self.review_by_id = {e.review.id: e for e in self.reviews}
        self.account_by_id = {e.plan.id: e for e in self.accounts}
        self.review_by_source = {e.source: e for e in self.reviews}
        self.account_by_source = {e.source: e for e in self.accounts}
        self.reviews_by_customer = defaultdict(list)
        for entry in self.reviews:
            self.reviews_by_customer[entry.review.customer].append(entry)
        self.pulls_by_source = defaultdict(list)
        for pull in self.ledger.open_pull_requests if self.ledger is not None else ():
            for source in dict.fromkeys(pull.documents):
                self.pulls_by_source[source].append(pull)

    @property
    def calendar(self) -> Calendar:
        return self.config.calendar


# --- tech reviews -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Blocker:
    """A role an open pull request still needs, who can fill it, and how long the pull request has waited."""

    pull_request: OpenPullRequest
    role: str
    people: tuple[str, ...]
    business_days: int


def blockers(handbook: Handbook, source: str) -> list[Blocker]:
    """What the open pull requests changing `source` still wait on, oldest pull request first."""
    if handbook.ledger is None:
        return []
    found = []
    pulls = [pr for pr in handbook.pulls_by_source.get(source, ()) if not pr.satisfied]
    for pull in sorted(pulls, key=lambda pr: (pr.opened_at, pr.pull_request)):
        waited = handbook.calendar.business_days_between(day_of(pull.opened_at), handbook.today)
        for waiting in pull.waiting:
            people = tuple(dict.fromkeys(p for p in waiting.people if is_handle(p)))
            found.append(Blocker(pull, waiting.role, people, waited))
    return found


@dataclass(frozen=True)
class OpenReview:
    entry: ReviewEntry
    days_waiting: int
    feedback_due: dt.date
    overdue: bool
    business_days_late: int
    decision_late: bool
    # The roles its open pull requests still need (empty when none is open or the ledger is not collected).
    waiting: tuple[Blocker, ...] = ()
    business_days_open: int = 0


def feedback_start(handbook: Handbook, entry: ReviewEntry) -> dt.date:
    """When this review's reviewers were asked: the asking day of its oldest open pull request (the
    start `handbook remind` counts from: `day_of` its opening), else the day the review was opened."""
    if handbook.ledger is not None:
        pulls = handbook.pulls_by_source.get(entry.source, [])
        if pulls:
            return min(day_of(pr.opened_at) for pr in pulls)
    return entry.review.opened


def open_reviews(handbook: Handbook) -> list[OpenReview]:
    """Reviews waiting on reviewers (in review), oldest first, with the 3-business-day deadline and
    what their open pull requests still wait on."""
    rows = []
    for entry in handbook.reviews:
        review = entry.review
        if review.status is not ReviewStatus.IN_REVIEW:
            continue
        due = handbook.calendar.feedback_due(feedback_start(handbook, entry))
        rows.append(
            OpenReview(
                entry=entry,
                days_waiting=max((handbook.today - review.opened).days, 0),
                feedback_due=due,
                overdue=handbook.today > due,
                business_days_late=handbook.calendar.business_days_between(due, handbook.today),
                decision_late=handbook.today > review.decision_needed_by,
                waiting=tuple(blockers(handbook, entry.source)),
                business_days_open=handbook.calendar.business_days_between(review.opened, handbook.today),
            )
        )
    return sorted(rows, key=lambda row: (row.entry.review.opened, row.entry.review.id))


@dataclass(frozen=True)
class AgeBucket:
    label: str
    on_time: int
    overdue: int


# Ages of open reviews, in business days since they were opened (the feedback clock's own unit).
AGE_BUCKETS: tuple[tuple[int, int | None, str], ...] = (
    (0, 3, "0–3 business days"),
    (4, 10, "4–10 business days"),
    (11, 20, "11–20 business days"),
    (21, 40, "21–40 business days"),
    (41, None, "over 40 business days"),
)


def open_by_age(rows: Iterable[OpenReview]) -> list[AgeBucket]:
    """Open reviews counted by age, each split into still on time and past the feedback deadline."""
    counts = {label: [0, 0] for _, _, label in AGE_BUCKETS}
    for row in rows:
        age = row.business_days_open
        label = next(lbl for low, high, lbl in AGE_BUCKETS if age >= low and (high is None or age <= high))
        counts[label][1 if row.overdue else 0] += 1
    return [AgeBucket(label, on_time, late) for label, (on_time, late) in counts.items()]


NO_PULL_REQUEST = "no open pull request"


def open_by_role(rows: Iterable[OpenReview]) -> dict[str, int]:
    """How many open reviews wait on each role (a review waiting on two roles counts for both)."""
    counts: dict[str, int] = defaultdict(int)
    for row in rows:
        roles = dict.fromkeys(b.role for b in row.waiting)
        for role in roles or (NO_PULL_REQUEST,):
            counts[role] += 1
    return dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))


_ROLE_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


@dataclass(frozen=True)
class Owed:
    """One open pull request waiting on a role: the documents it changes (as the site knows them)."""

    blocker: Blocker
    reviews: tuple[ReviewEntry, ...]
    accounts: tuple[AccountEntry, ...]
    overdue: bool  # a review it changes is past its feedback deadline


def owed_by_role(handbook: Handbook) -> dict[str, list[Owed]] | None:
    """Per role (team), the open pull requests still waiting on it, oldest first (None: not collected).
    Role names come from the ledger, which is untrusted: only policy-shaped names get a page."""
    if handbook.ledger is None:
        return None
    owed: dict[str, list[Owed]] = defaultdict(list)
    pulls = [pr for pr in handbook.ledger.open_pull_requests if not pr.satisfied]
    for pull in sorted(pulls, key=lambda pr: (pr.opened_at, pr.pull_request)):
        reviews, plans, late = pull_documents(handbook, pull)
        waited = handbook.calendar.business_days_between(day_of(pull.opened_at), handbook.today)
        for waiting in pull.waiting:
            if not _ROLE_SLUG.fullmatch(waiting.role):
                continue
            people = tuple(dict.fromkeys(p for p in waiting.people if is_handle(p)))
            owed[waiting.role].append(Owed(Blocker(pull, waiting.role, people, waited), reviews, plans, late))
    return dict(sorted(owed.items()))


def pull_documents(
    handbook: Handbook, pull: OpenPullRequest
) -> tuple[tuple[ReviewEntry, ...], tuple[AccountEntry, ...], bool]:
    """The reviews and account plans an open pull request changes, and whether one of those reviews
    is past its feedback deadline."""
    reviews = tuple(handbook.review_by_source[d] for d in pull.documents if d in handbook.review_by_source)
    plans = tuple(handbook.account_by_source[d] for d in pull.documents if d in handbook.account_by_source)
    late = any(
        e.review.status is ReviewStatus.IN_REVIEW
        and handbook.today > handbook.calendar.feedback_due(feedback_start(handbook, e))
        for e in reviews
    )
    return reviews, plans, late


def most_urgent(rows: Iterable[OpenReview]) -> list[OpenReview]:
    """Open reviews by urgency: overdue ones first, the longest late first, then the soonest decision."""
    return sorted(
        rows,
        key=lambda r: (
            not r.overdue,
            -r.business_days_late,
            r.entry.review.decision_needed_by,
            r.entry.review.id,
        ),
    )


def newest_first(entries: Iterable[ReviewEntry]) -> list[ReviewEntry]:
    """Reviews as lists show them: the most recently opened first (then the highest id)."""
    return sorted(entries, key=lambda e: (e.review.opened, e.review.id), reverse=True)


def drafts(handbook: Handbook) -> list[ReviewEntry]:
    return [e for e in handbook.reviews if e.review.status is ReviewStatus.DRAFT]


def decision_log(handbook: Handbook) -> list[ReviewEntry]:
    """Decided reviews, newest decision first."""
    decided = [e for e in handbook.reviews if e.review.status in DECIDED and e.review.decision]
    return sorted(
        decided,
        key=lambda e: (e.review.decision.decided_on if e.review.decision else e.review.opened, e.review.id),
        reverse=True,
    )


@dataclass(frozen=True)
class MonthCount:
    month: str
    opened: int
    approved: int
    denied: int


# The chart shows at most this many months, the latest with reviews: its size never grows with the
# span of dates in the documents.
CHART_MONTHS = 24


def reviews_per_month(handbook: Handbook) -> list[MonthCount]:
    """Reviews opened and decided (by outcome) per calendar month: every month from the first to the
    last with reviews, at most the latest CHART_MONTHS of them."""
    opened: dict[str, int] = defaultdict(int)
    outcomes: dict[tuple[str, Outcome], int] = defaultdict(int)
    for entry in handbook.reviews:
        opened[entry.review.opened.strftime("%Y-%m")] += 1
        decision = entry.review.decision
        if decision and entry.review.status in DECIDED:
            outcomes[(decision.decided_on.strftime("%Y-%m"), decision.outcome)] += 1
    months = set(opened) | {month for month, _ in outcomes}
    if not months:
        return []
    return [
        MonthCount(month, opened[month], outcomes[(month, Outcome.YES)], outcomes[(month, Outcome.NO)])
        for month in _month_range(min(months), max(months), CHART_MONTHS)
    ]


def _month_range(first: str, last: str, limit: int) -> list[str]:
    """The months from `first` to `last` (YYYY-MM), only the latest `limit` of them."""
    last_year, last_month = (int(part) for part in last.split("-"))
    end = last_year * 12 + last_month - 1
    first_year, first_month = (int(part) for part in first.split("-"))
    start = max(first_year * 12 + first_month - 1, end - limit + 1)
    return [f"{index // 12:04d}-{index % 12 + 1:02d}" for index in range(start, end + 1)]


def reviews_by_trigger(handbook: Handbook) -> dict[Trigger, list[ReviewEntry]]:
    tags: dict[Trigger, list[ReviewEntry]] = {trigger: [] for trigger in Trigger}
    for entry in handbook.reviews:
        for trigger in dict.fromkeys(entry.review.triggers):
            tags[trigger].append(entry)
    return tags


# --- account plans ----------------------------------------------------------------------------------


def accounts_by_segment(handbook: Handbook) -> dict[Segment, list[AccountEntry]]:
    tags: dict[Segment, list[AccountEntry]] = {segment: [] for segment in Segment}
    for entry in handbook.accounts:
        tags[entry.plan.segment].append(entry)
    return tags


@dataclass(frozen=True)
class Timeline:
    """A document's followed value (a review's status, an account's health) over time, from git."""

    available: bool  # False: the build had no history (not git, or a shallow clone)
    changes: tuple[Change, ...] = ()


def timeline(handbook: Handbook, source: str) -> Timeline:
    changes = handbook.history.of(source)
    return Timeline(False) if changes is None else Timeline(True, changes)


@dataclass(frozen=True)
class RedSpell:
    """How long an account has been red, by git: since the commit that made its health red."""

    since: dt.date | None
    days: int | None
    why: str = ""  # when it cannot be said


def days_red(handbook: Handbook, entry: AccountEntry) -> RedSpell:
    changes = handbook.history.of(entry.source)
    if changes is None:
        return RedSpell(None, None, "history unavailable")
    if not changes or changes[-1].value != "red":
        return RedSpell(None, None, "red in a change not yet committed")
    since = changes[-1].day
    return RedSpell(since, max((handbook.today - since).days, 0))


def red_accounts(handbook: Handbook) -> list[AccountEntry]:
    red = [e for e in handbook.accounts if e.plan.health.status is Health.RED]
    return sorted(red, key=lambda e: e.plan.red_account.since if e.plan.red_account else handbook.today)


def resolved_red_accounts(handbook: Handbook) -> list[AccountEntry]:
    """Accounts that left red and record how: the latest resolution first."""
    resolved = [
        e
        for e in handbook.accounts
        if e.plan.health.status is not Health.RED and e.plan.red_account and e.plan.red_account.resolved
    ]
    return sorted(resolved, key=lambda e: _resolved_on(e), reverse=True)


def _resolved_on(entry: AccountEntry) -> dt.date:
    red = entry.plan.red_account
    return red.resolved.date if red and red.resolved else dt.date.min


def days_late(item: ActionItem, today: dt.date) -> int:
    """How many days an action item is past its due date (0 when done or not yet due)."""
    return 0 if item.done else max((today - item.due).days, 0)


@dataclass(frozen=True)
class Renewal:
    entry: AccountEntry
    date: dt.date
    days_left: int
    # From the renewal window on, a value-realization exercise with an owner and a status is expected.
    value_realization: ValueRealization | None = None
    missing_value_realization: bool = False
    latest_health: RenewalHealth | None = None

    @property
    def past_due(self) -> bool:
        """The renewal date has passed and the plan still names it: flagged until the plan is updated."""
        return self.days_left < 0


def renewal_of(handbook: Handbook, entry: AccountEntry, within: int | None = None) -> Renewal | None:
    """The plan's renewal when it is in the window (or past due), with its value realization."""
    within = handbook.config.renewal_window_days if within is None else within
    plan = entry.plan
    when = plan.renewal_date
    if when is None or (when - handbook.today).days > within:
        return None
    assessments = sorted(plan.renewal_health, key=lambda a: a.date)
    return Renewal(
        entry,
        when,
        (when - handbook.today).days,
        plan.value_realization,
        plan.value_realization is None,
        assessments[-1] if assessments else None,
    )


def renewals(handbook: Handbook, within: int | None = None) -> list[Renewal]:
    """Renewals from today to `within` days ahead (handbook.yml's window: the value-realization window),
    and the past-due ones, which are never dropped: the longest past due first, then the soonest."""
    rows = [row for entry in handbook.accounts if (row := renewal_of(handbook, entry, within))]
    return sorted(rows, key=lambda r: (r.date, r.entry.plan.id))


def health_by(handbook: Handbook, key: str) -> dict[str, dict[Health, int]]:
    """Account plans counted by health, per segment (`key="segment"`) or per tier (`key="tier"`)."""
    groups: dict[str, dict[Health, int]] = {}
    if key == "segment":
        for segment in Segment:
            groups[segment.value.replace("-", " ").capitalize()] = dict.fromkeys(Health, 0)
    for entry in sorted(handbook.accounts, key=lambda e: e.plan.tier):
        plan = entry.plan
        name = plan.segment.value.replace("-", " ").capitalize() if key == "segment" else f"Tier {plan.tier}"
        groups.setdefault(name, dict.fromkeys(Health, 0))[plan.health.status] += 1
    return groups


@dataclass(frozen=True)
class RenewalWeek:
    starts: dt.date
    by_health: dict[Health, int]


def renewals_by_week(handbook: Handbook, within: int | None = None) -> list[RenewalWeek]:
    """The renewal window (handbook.yml's) as weeks from today, each with its renewals counted by the
    account's health."""
    within = handbook.config.renewal_window_days if within is None else within
    weeks = [
        RenewalWeek(handbook.today + dt.timedelta(days=7 * n), dict.fromkeys(Health, 0))
        for n in range(within // 7 + 1)
    ]
    for renewal in renewals(handbook, within):
        if renewal.past_due:
            continue  # listed, flagged, on the renewals page; the chart is of the weeks ahead
        weeks[renewal.days_left // 7].by_health[renewal.entry.plan.health.status] += 1
    return weeks


def days_to_renewal(plan: AccountPlan, today: dt.date) -> int | None:
    return (plan.renewal_date - today).days if plan.renewal_date else None


class Currency(StrEnum):
    """Where a plan stands against its tier's deadline this fiscal quarter."""

    CURRENT = "current"  # revisited this quarter before the deadline
    DUE = "due"  # not revisited yet, the deadline is ahead
    LATE = "revisited late"  # revisited this quarter, after the deadline
    MISSED = "missed"  # not revisited, the deadline has passed


@dataclass(frozen=True)
class PlanCurrency:
    entry: AccountEntry
    deadline: PlanDeadline
    state: Currency
    days: int  # days left before the deadline (DUE), or days past it (MISSED, LATE)


def plan_currency(handbook: Handbook, entry: AccountEntry) -> PlanCurrency | None:
    """The plan against its tier's deadline this quarter; None for an account still onboarding."""
    plan = entry.plan
    if plan.onboarding_open:
        return None
    deadline = handbook.config.plan_deadline(plan.tier, handbook.today)
    revisited = plan.last_revisited
    if deadline.start <= revisited < deadline.due:
        return PlanCurrency(entry, deadline, Currency.CURRENT, 0)
    if revisited >= deadline.due:
        return PlanCurrency(entry, deadline, Currency.LATE, (revisited - deadline.due).days + 1)
    if handbook.today < deadline.due:
        return PlanCurrency(entry, deadline, Currency.DUE, (deadline.due - handbook.today).days)
    return PlanCurrency(entry, deadline, Currency.MISSED, (handbook.today - deadline.due).days + 1)


_CURRENCY_ORDER = (Currency.MISSED, Currency.DUE, Currency.LATE)


def stale_plans(handbook: Handbook) -> list[PlanCurrency]:
    """Plans not current against their tier's deadline: missed ones first (the longest missed first),
    then those due (the soonest deadline first), then those revisited after the deadline."""
    rows = [
        row for e in handbook.accounts if (row := plan_currency(handbook, e)) and row.state in _CURRENCY_ORDER
    ]
    return sorted(
        rows,
        key=lambda r: (
            _CURRENCY_ORDER.index(r.state),
            r.deadline.due if r.state is not Currency.MISSED else -r.deadline.due.toordinal(),
            r.entry.plan.last_revisited,
            r.entry.plan.id,
        ),
    )


def onboarding_accounts(handbook: Handbook) -> list[AccountEntry]:
    """Newly signed customers still in onboarding (no quarterly plan due yet), the latest kickoff last."""
    # One without its onboarding block does not validate: it is listed under needs attention instead.
    found = [e for e in handbook.accounts if e.plan.onboarding_open and e.plan.onboarding]
    return sorted(
        found, key=lambda e: (e.plan.onboarding.kickoff if e.plan.onboarding else dt.date.max, e.plan.id)
    )


@dataclass(frozen=True)
class QuarterlyReview:
    """This fiscal quarter's internal QBR (handbook.yml) and the tier-1 plans still to be done before it."""

    date: dt.date
    days_left: int
    tier_one_due: list[AccountEntry]


def quarterly_review(handbook: Handbook) -> QuarterlyReview | None:
    day = handbook.config.qbr(handbook.today)
    if day is None:
        return None
    start = handbook.calendar.quarter_start(handbook.today)
    due = [
        e
        for e in handbook.accounts
        if e.plan.tier == 1 and e.plan.last_revisited < start and not e.plan.onboarding_open
    ]
    return QuarterlyReview(day, (day - handbook.today).days, due)


# --- what is due: security questionnaires and customer QBRs ---------------------------------------


@dataclass(frozen=True)
class DueItem:
    entry: AccountEntry
    what: str
    day: dt.date
    days_left: int
    owner: str | None
    status: str
    link: str | None = None

    @property
    def overdue(self) -> bool:
        return self.days_left < 0


def due_questionnaires(handbook: Handbook) -> list[DueItem]:
    """Every security questionnaire not yet submitted, the earliest due first."""
    rows = [
        DueItem(e, q.name, q.due, (q.due - handbook.today).days, q.security_ce, q.status.value, q.link)
        for e in handbook.accounts
        for q in e.plan.security_questionnaires
        if q.open
    ]
    return sorted(rows, key=lambda r: (r.day, r.entry.plan.id, r.what))


def due_qbrs(handbook: Handbook, within: int = facts.DUE_SOON_DAYS) -> list[DueItem]:
    """Customer QBRs still scheduled: those in the next `within` days, and past ones not recorded as held."""
    rows = [
        DueItem(
            e,
            f"QBR with {e.plan.name}",
            q.date,
            (q.date - handbook.today).days,
            e.plan.ae,
            q.status.value,
            q.deck,
        )
        for e in handbook.accounts
        for q in e.plan.qbrs
        if q.status is QbrStatus.SCHEDULED and (q.date - handbook.today).days <= within
    ]
    return sorted(rows, key=lambda r: (r.day, r.entry.plan.id))


# --- technical win ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class TechWinRow:
    account: AccountEntry
    opportunity: Opportunity
    review: ReviewEntry | None
    window: str
    gate_violation: str | None
    # Every rule the opportunity breaks (gates of passed phases, TDD, reviews), as the validator says it.
    problems: tuple[str, ...] = ()
    # The criteria of the current phase's gate not answered yes yet: what is left to move on.
    missing: tuple[str, ...] = ()
    slipped_days: int | None = None
    next_step_age: int | None = None
    at_stake: float | None = None  # ARR in the reporting currency, when it can be converted

    @property
    def slipped(self) -> bool:
        return self.slipped_days is not None


def gate_violation(opportunity: Opportunity, review: ReviewEntry | None) -> str | None:
    """Past Tech Design & Trial Planning, non-standard requirements and key prospects need an approved
    tech review."""
    if not (opportunity.needs_review and past_tech_design(opportunity.tech_win_phase)):
        return None
    if review is None:
        why = "non-standard requirements" if opportunity.non_standard else "a key prospect"
        return f"{why} without an approved tech review"
    if review.review.status is not ReviewStatus.APPROVED:
        return f"{review.review.id} is {review.review.status.value}, not approved"
    return None


def production_violation(opportunity: Opportunity, review: ReviewEntry | None) -> str | None:
    """Non-standard requirements in Post-Trial need an approved pre-production review too."""
    if not (opportunity.non_standard and opportunity.tech_win_phase is TechWinPhase.POST_TRIAL):
        return None
    if review is None:
        return "no approved pre-production tech review"
    if review.review.moment is not Moment.PRE_PRODUCTION:
        return f"{review.review.id} is not a pre-production review"
    if review.review.status is not ReviewStatus.APPROVED:
        return f"{review.review.id} (pre-production) is {review.review.status.value}, not approved"
    return None


def problems_of(handbook: Handbook, account: AccountEntry, opportunity: Opportunity) -> tuple[str, ...]:
    """The opportunity's own rules (one fact, stated by the model) and what is wrong with its reviews."""
    found = [fault.message for fault in opportunity.rules((), account.plan.tier)]
    for linked, check in (
        (opportunity.tech_review, gate_violation),
        (opportunity.production_review, production_violation),
    ):
        if not linked:
            continue  # a missing link is the model's own rule, already in `found`
        review = handbook.review_by_id.get(linked)
        problem = check(opportunity, review) if review else f"{linked} is not a tech review of this handbook"
        if problem:
            found.append(problem)
    return tuple(dict.fromkeys(found))


def missing_gates(opportunity: Opportunity) -> tuple[str, ...]:
    """The current phase's gate criteria not yet answered yes ('no' or not answered)."""
    phase = opportunity.tech_win_phase
    out = []
    for gate in gates_of(phase):
        if gate == "tech_review_approved" and not opportunity.needs_review:
            continue
        answer: GateAnswer | None = opportunity.answer(phase, gate)
        if answer is None or not answer.answer:
            out.append(GATE_LABELS[(phase, gate)] + ("" if answer is not None else " (not answered)"))
    return tuple(out)


def in_reporting_currency(config: HandbookConfig, money: Money | None) -> float | None:
    """ARR in handbook.yml's reporting currency (None when there is no rate for its currency)."""
    if money is None:
        return None
    if money.currency == config.reporting_currency:
        return float(money.amount)
    rate = config.exchange_rates.get(money.currency)
    return money.amount * rate if rate is not None else None


def _revenue_first(row: TechWinRow) -> tuple[int, float, dt.date, str]:
    """Revenue at stake first (converted amounts, then unconvertible ones, then deals without ARR)."""
    arr = row.opportunity.arr
    if row.at_stake is not None:
        return (0, -row.at_stake, row.opportunity.close_date, row.opportunity.id)
    if arr is not None:
        return (1, -float(arr.amount), row.opportunity.close_date, row.opportunity.id)
    return (2, 0.0, row.opportunity.close_date, row.opportunity.id)


def _row(handbook: Handbook, account: AccountEntry, opportunity: Opportunity, window: str) -> TechWinRow:
    review = handbook.review_by_id.get(opportunity.tech_review or "")
    today = handbook.today
    slipped = (today - opportunity.close_date).days if opportunity.close_date < today else None
    since = opportunity.next_step_since
    return TechWinRow(
        account,
        opportunity,
        review,
        window,
        gate_violation(opportunity, review),
        problems_of(handbook, account, opportunity),
        missing_gates(opportunity),
        slipped if opportunity.sales_stage <= 4 else None,
        max((today - since).days, 0) if since and opportunity.next_step else None,
        in_reporting_currency(handbook.config, opportunity.arr),
    )


def tech_win(handbook: Handbook) -> list[TechWinRow]:
    """The weekly tech-win review: stage 2–4 opportunities closing this fiscal quarter, stage 3–4 ones
    closing next quarter, and stage 2–4 ones past their close date (slipped, kept until they move);
    ranked by the revenue at stake."""
    calendar = handbook.calendar
    this_start = calendar.quarter_start(handbook.today)
    next_start = calendar.next_quarter_start(handbook.today)
    after_next = calendar.next_quarter_start(next_start)
    rows = []
    for account in handbook.accounts:
        for opportunity in account.plan.opportunities:
            closing = opportunity.close_date
            stage = opportunity.sales_stage
            if closing < handbook.today and stage in facts.TECH_WIN_THIS_QUARTER_STAGES:
                window = "slipped"
            elif this_start <= closing < next_start and stage in facts.TECH_WIN_THIS_QUARTER_STAGES:
                window = "this quarter"
            elif next_start <= closing < after_next and stage in facts.TECH_WIN_NEXT_QUARTER_STAGES:
                window = "next quarter"
            else:
                continue
            rows.append(_row(handbook, account, opportunity, window))
    return sorted(rows, key=_revenue_first)


def tech_win_by_ce(handbook: Handbook, rows: list[TechWinRow] | None = None) -> dict[str, list[TechWinRow]]:
    """The weekly review per CE (lower-case handle -> their rows, ranked as on the dashboard)."""
    found: dict[str, list[TechWinRow]] = defaultdict(list)
    for row in tech_win(handbook) if rows is None else rows:
        found[row.opportunity.ce.lower()].append(row)
    return dict(sorted(found.items()))


def pipeline_by_phase(rows: Iterable[TechWinRow]) -> dict[str, dict[str, int]]:
    """The technical-win pipeline: opportunities per phase (every phase, in order), closing this
    fiscal quarter and next, and slipped past their close date."""
    counts = {label: {"this quarter": 0, "next quarter": 0, "slipped": 0} for label in PHASE_LABELS.values()}
    for row in rows:
        counts[PHASE_LABELS[row.opportunity.tech_win_phase]][row.window] += 1
    return counts


def all_gate_violations(handbook: Handbook) -> list[TechWinRow]:
    """Every opportunity breaking a rule of the technical win, whatever its close date."""
    rows = []
    for account in handbook.accounts:
        for opportunity in account.plan.opportunities:
            row = _row(handbook, account, opportunity, "")
            if row.problems:
                rows.append(row)
    return sorted(rows, key=_revenue_first)


@dataclass(frozen=True)
class Worth:
    """What an account's opportunities are worth: ARR per currency and seats."""

    arr: dict[str, int]
    seats: int
    opportunities: int

    def __bool__(self) -> bool:
        return bool(self.arr or self.seats)


def account_worth(plan: AccountPlan) -> Worth:
    """Totals of the account's open opportunities (not yet at the last sales stage)."""
    arr: dict[str, int] = defaultdict(int)
    seats = 0
    open_ones = [o for o in plan.opportunities if o.sales_stage < 7]
    for opportunity in open_ones:
        if opportunity.arr:
            arr[opportunity.arr.currency] += opportunity.arr.amount
        seats += opportunity.seats or 0
    return Worth(dict(sorted(arr.items())), seats, len(open_ones))


def pipeline_worth(rows: Iterable[TechWinRow]) -> dict[str, int]:
    """ARR per currency over dashboard rows."""
    arr: dict[str, int] = defaultdict(int)
    for row in rows:
        if row.opportunity.arr:
            arr[row.opportunity.arr.currency] += row.opportunity.arr.amount
    return dict(sorted(arr.items()))


# --- people -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class WaitingItem:
    pull_request: OpenPullRequest
    roles: list[str]
    days_waiting: int
    business_days: int = 0
    reviews: tuple[ReviewEntry, ...] = ()
    accounts: tuple[AccountEntry, ...] = ()
    overdue: bool = False  # a review it changes is past its feedback deadline


@dataclass
class Person:
    handle: str
    reviews: list[tuple[ReviewEntry, list[str]]] = field(default_factory=list)
    accounts: list[tuple[AccountEntry, list[str]]] = field(default_factory=list)
    waiting: list[WaitingItem] = field(default_factory=list)
    # Sign-offs this person gave: (document path, the merged change, the role filled), newest first.
    signed: list[tuple[str, MergedChange, str]] = field(default_factory=list)

    @property
    def key(self) -> str:
        return self.handle.lower()


def _review_roles(review: TechReview) -> Iterable[tuple[str, str]]:
    yield review.author, "author"
    yield review.account_team.ae, "AE"
    yield review.account_team.ce, "CE"
    if review.account_team.ta:
        yield review.account_team.ta, "TA"
    if review.peer_reviewer:
        yield review.peer_reviewer, "peer reviewer"
    assigned = review.assigned_reviewers
    if assigned is not None:
        if assigned.assigned_by:
            yield assigned.assigned_by, "assigned the reviewers"
        for team, handles in assigned.teams().items():
            for person in handles:
                yield person, f"assigned {team} reviewer"
    if review.decision:
        yield review.decision.recommended_by, "recommended the decision"
        deciders = review.decision.deciders
        if deciders:
            for handle in (deciders.ce_vp, deciders.vp_engineering, deciders.sales_vp):
                if handle:
                    yield handle, "decider"
    for meeting in review.meetings:
        if meeting.requested_by:
            yield meeting.requested_by, "asked for a meeting"
        for handle in meeting.attendees:
            yield handle, "attended a meeting"


def _plan_roles(plan: AccountPlan) -> Iterable[tuple[str, str]]:
    yield plan.ae, "AE"
    yield plan.ce, "CE"
    if plan.ta:
        yield plan.ta, "TA"
    actions = [*plan.next_steps, *(plan.red_account.action_plan if plan.red_account else [])]
    for item in actions:
        if not item.done:
            yield item.owner, "owns an open action"
    if plan.value_realization:
        yield plan.value_realization.owner, "owns the value realization"
    for questionnaire in plan.security_questionnaires:
        yield questionnaire.security_ce, "security CE"
    for opportunity in plan.opportunities:
        yield opportunity.ce, "opportunity CE"
        yield opportunity.ae, "opportunity AE"


def people(handbook: Handbook) -> dict[str, Person]:
    """Everyone named in a document or waited on by an open pull request, keyed by lower-case handle."""
    found: dict[str, Person] = {}

    def person(handle: str) -> Person:
        return found.setdefault(handle.lower(), Person(handle))

    for entry in handbook.reviews:
        roles: dict[str, list[str]] = defaultdict(list)
        for handle, role in _review_roles(entry.review):
            person(handle)
            if role not in roles[handle.lower()]:
                roles[handle.lower()].append(role)
        for key, held in roles.items():
            found[key].reviews.append((entry, held))
    for account in handbook.accounts:
        roles = defaultdict(list)
        for handle, role in _plan_roles(account.plan):
            person(handle)
            if role not in roles[handle.lower()]:
                roles[handle.lower()].append(role)
        for key, held in roles.items():
            found[key].accounts.append((account, held))
    if handbook.ledger is not None:
        for path, changes in handbook.ledger.documents.items():
            for change in changes:
                for signoff in change.signoffs:
                    if is_handle(signoff.login):
                        person(signoff.login).signed.append((path, change, signoff.role))
        for pull in handbook.ledger.open_pull_requests:
            # Who can fill which of its roles (a person as last spelled), once per pull request.
            spelled: dict[str, str] = {}
            can_fill: dict[str, list[str]] = {}
            for waiting in pull.waiting:
                for spelling in waiting.people:
                    spelled[spelling.lower()] = spelling
                for key in dict.fromkeys(p.lower() for p in waiting.people):
                    can_fill.setdefault(key, []).append(waiting.role)
            named = [(spelled[key], held) for key, held in can_fill.items() if is_handle(spelled[key])]
            if not named:
                continue  # ledger text is untrusted: only real handles get pages
            days = max((handbook.today - day_of(pull.opened_at)).days, 0)
            waited = handbook.calendar.business_days_between(day_of(pull.opened_at), handbook.today)
            reviews, plans, late = pull_documents(handbook, pull)
            for handle, held in named:
                person(handle).waiting.append(WaitingItem(pull, held, days, waited, reviews, plans, late))
    for someone in found.values():
        someone.signed.sort(key=lambda item: (item[1].merged_at, item[1].pull_request, item[0]), reverse=True)
        someone.waiting.sort(key=lambda item: (item.pull_request.opened_at, item.pull_request.pull_request))
    return dict(sorted(found.items()))


def is_handle(text: str) -> bool:
    return bool(_HANDLE.fullmatch(text))


# --- sign-offs --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SignOffView:
    """What the site says about a document's sign-offs."""

    collected: bool
    latest: MergedChange | None
    open_pull_requests: list[OpenPullRequest]
    # Merges of this document that bypassed the required sign-offs (the post-merge audit).
    bypassed: list[MergedChange] = field(default_factory=list)


def signoffs(handbook: Handbook, source: str) -> SignOffView:
    ledger = handbook.ledger
    if ledger is None:
        return SignOffView(False, None, [])
    pulls = list(handbook.pulls_by_source.get(source, ()))
    bypassed = [change for change in ledger.changes(source) if change.bypassed]
    return SignOffView(True, ledger.latest(source), pulls, bypassed)


def bypasses(handbook: Handbook) -> list[tuple[str, MergedChange]] | None:
    """Every merge that bypassed its required sign-offs, newest first (None: not yet collected)."""
    if handbook.ledger is None:
        return None
    found = handbook.ledger.bypasses()
    return sorted(found, key=lambda item: (item[1].merged_at, item[1].pull_request, item[0]), reverse=True)
