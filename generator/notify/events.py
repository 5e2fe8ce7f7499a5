"""What there is to announce: events derived from the handbook now (pure functions).

Each event carries the facts its message shows, copied from the documents when it was noticed, so
an event queued while Slack was down is posted later as it was. Each has a key that names the
change, not the run: the same review entering in-review (same id, same opened date) or the same
decision (same outcome, same day) always has the same key, so a re-run, a retried workflow or a
reverted-and-reapplied change finds it already announced.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field

from generator.documents.models.account import Health
from generator.documents.models.review import DECIDED, TRIGGER_LABELS, ReviewStatus
from generator.notify.settings import EventKind
from generator.process.calendar import DEFAULT as DEFAULT_CALENDAR
from generator.process.calendar import Calendar, day_of
from generator.process.facts import FEEDBACK_BUSINESS_DAYS, RENEWAL_WINDOW_DAYS
from generator.signoff.ledger import Ledger
from generator.site.index import AccountEntry, Handbook, ReviewEntry

# Events are read back from the state file (untrusted): pages are document paths, nothing else.
_PAGE = re.compile(r"^(?:reviews|accounts)/[A-Za-z0-9][A-Za-z0-9._-]{0,120}\.md$")
_MAX_TEXT = 20_000
_MAX_ITEMS = 200


def _page(value: str) -> str:
    if not _PAGE.match(value) or ".." in value:
        raise ValueError(f"{value!r} is not a document page (reviews/….md or accounts/….md)")
    return value


def _web(value: str | None) -> str | None:
    if value is None:
        return None
    if not re.match(r"^https?://[^\s<>|]+$", value) or len(value) > 2000:
        raise ValueError(f"{value[:80]!r} is not a web address")
    return value


def _clip_text(value: object) -> object:
    # A document may hold more than a message can show: kept bounded (the page has the whole text).
    return value[:_MAX_TEXT] if isinstance(value, str) else value


def _clip_list(value: object) -> object:
    return value[:_MAX_ITEMS] if isinstance(value, list) else value


Page = Annotated[str, AfterValidator(_page)]
WebLink = Annotated[str | None, AfterValidator(_web)]
Text = Annotated[str, BeforeValidator(_clip_text), Field(max_length=_MAX_TEXT)]
Short = Annotated[str, BeforeValidator(lambda v: v[:400] if isinstance(v, str) else v), Field(max_length=400)]
Texts = Annotated[list[Text], BeforeValidator(_clip_list), Field(max_length=_MAX_ITEMS)]


class _Event(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ReviewInReview(_Event):
    kind: Literal["review-in-review"] = "review-in-review"
    review_id: Short
    title: Text
    customer: Short
    customer_name: Text
    moment: Short
    triggers: Texts
    asks: dict[Short, Texts] = Field(max_length=3)
    opened: dt.date
    feedback_due: dt.date
    # The window feedback_due was counted with (handbook.yml's), so the message says the same number.
    feedback_business_days: int = FEEDBACK_BUSINESS_DAYS
    decision_needed_by: dt.date
    author: Short
    page: Page
    pull_request: int | None = None
    tdd: WebLink = None
    video: WebLink = None

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.review_id}:{self.opened.isoformat()}"


class ReviewDecided(_Event):
    kind: Literal["review-decided"] = "review-decided"
    review_id: Short
    title: Text
    customer: Short
    customer_name: Text
    status: Short
    outcome: Short
    recommended_by: Short
    decided_on: dt.date
    deciders: dict[Short, Short] = Field(default_factory=dict, max_length=3)
    rationale: Text | None = None
    customer_messaging: Text | None = None
    page: Page
    pull_request: int | None = None

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.review_id}:{self.outcome}:{self.decided_on.isoformat()}"


class RedAccountAction(_Event):
    action: Text
    owner: Short
    due: dt.date
    done: bool = False


class AccountRed(_Event):
    kind: Literal["account-red"] = "account-red"
    account_id: Short
    name: Text
    since: dt.date
    reason: Text
    score: int | None = None
    current_status: Text
    asks: Texts
    action_plan: Annotated[list[RedAccountAction], BeforeValidator(_clip_list), Field(max_length=_MAX_ITEMS)]
    owners: dict[Short, Short] = Field(max_length=3)
    page: Page

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.account_id}:{self.since.isoformat()}"


class AccountLeftRed(_Event):
    kind: Literal["account-left-red"] = "account-left-red"
    account_id: Short
    name: Text
    since: dt.date
    status: Short  # green, yellow, or "removed" when the plan is gone
    reason: Text
    page: Page | None = None

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.account_id}:{self.since.isoformat()}"


class RenewalWindow(_Event):
    kind: Literal["renewal-window"] = "renewal-window"
    account_id: Short
    name: Text
    renewal_date: dt.date
    days_left: int
    window_days: int = RENEWAL_WINDOW_DAYS  # handbook.yml's renewal window the account entered
    health: Short
    reason: Text
    value_realization: Text | None = None
    page: Page

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.account_id}:{self.renewal_date.isoformat()}"


class WaitingRole(_Event):
    role: Short
    people: Annotated[list[Short], BeforeValidator(_clip_list), Field(max_length=_MAX_ITEMS)]


class OverdueReview(_Event):
    pull_request: int
    title: Text
    reviews: Annotated[list[Page], BeforeValidator(_clip_list), Field(max_length=_MAX_ITEMS)]
    asked_on: dt.date
    due: dt.date
    business_days_late: int
    waiting: Annotated[list[WaitingRole], BeforeValidator(_clip_list), Field(max_length=_MAX_ITEMS)]


class OverdueDigest(_Event):
    kind: Literal["overdue-digest"] = "overdue-digest"
    day: dt.date
    items: Annotated[
        list[OverdueReview], BeforeValidator(_clip_list), Field(min_length=1, max_length=_MAX_ITEMS)
    ]

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.day.isoformat()}"


Event = Annotated[
    ReviewInReview | ReviewDecided | AccountRed | AccountLeftRed | RenewalWindow | OverdueDigest,
    Field(discriminator="kind"),
]


def kind_of(event: Event) -> EventKind:
    return EventKind(event.kind)


# --- from the handbook -----------------------------------------------------------------------------


def document_events(handbook: Handbook, announced_red: Mapping[str, dt.date]) -> list[Event]:
    """Every event the documents show today; `announced_red` is each account last announced red."""
    events: list[Event] = []
    for review in handbook.reviews:
        event = _review_event(handbook, review)
        if event is not None:
            events.append(event)
    for account in handbook.accounts:
        plan = account.plan
        red = plan.red_account if plan.health.status is Health.RED else None
        before = announced_red.get(plan.id)
        if before is not None and (red is None or red.since != before):
            events.append(_left_red(account, before))
        if red is not None:
            events.append(_red(account))
        renewal = _renewal(account, handbook.today, handbook.config.renewal_window_days)
        if renewal is not None:
            events.append(renewal)
    present = {account.plan.id for account in handbook.accounts}
    for slug, since in sorted(announced_red.items()):
        if slug not in present:
            events.append(
                AccountLeftRed(
                    account_id=slug,
                    name=slug,
                    since=since,
                    status="removed",
                    reason="The account plan was removed from the handbook.",
                )
            )
    return events


def _pull_request(handbook: Handbook, source: str) -> int | None:
    latest = handbook.ledger.latest(source) if handbook.ledger else None
    return latest.pull_request if latest else None


def _customer_name(handbook: Handbook, slug: str) -> str:
    account = handbook.account_by_id.get(slug)
    return account.plan.name if account else slug


def _review_event(handbook: Handbook, entry: ReviewEntry) -> Event | None:
    review = entry.review
    if review.status is ReviewStatus.IN_REVIEW:
        return ReviewInReview(
            review_id=review.id,
            title=review.title,
            customer=review.customer,
            customer_name=_customer_name(handbook, review.customer),
            moment=review.moment.value,
            triggers=[
                TRIGGER_LABELS[t] + (f" ({review.trigger_description})" if t.value == "other" else "")
                for t in review.triggers
            ],
            asks={team: list(getattr(review.asks, team)) for team in review.asks.teams()},
            opened=review.opened,
            feedback_due=handbook.calendar.feedback_due(review.opened),
            feedback_business_days=handbook.calendar.feedback_business_days,
            decision_needed_by=review.decision_needed_by,
            author=review.author,
            page=entry.source,
            pull_request=_pull_request(handbook, entry.source),
            tdd=review.links.tdd,
            video=review.links.video,
        )
    decision = review.decision
    if review.status in DECIDED and decision is not None:
        deciders = decision.deciders.model_dump(exclude_none=True) if decision.deciders else {}
        return ReviewDecided(
            review_id=review.id,
            title=review.title,
            customer=review.customer,
            customer_name=_customer_name(handbook, review.customer),
            status=review.status.value,
            outcome=decision.outcome.value,
            recommended_by=decision.recommended_by,
            decided_on=decision.decided_on,
            deciders=deciders,
            rationale=decision.rationale,
            customer_messaging=decision.customer_messaging,
            page=entry.source,
            pull_request=_pull_request(handbook, entry.source),
        )
    return None


def _owners(entry: AccountEntry) -> dict[str, str]:
    plan = entry.plan
    return {"ae": plan.ae, "ce": plan.ce, **({"ta": plan.ta} if plan.ta else {})}


def _red(entry: AccountEntry) -> AccountRed:
    plan = entry.plan
    red = plan.red_account
    assert red is not None
    return AccountRed(
        account_id=plan.id,
        name=plan.name,
        since=red.since,
        reason=plan.health.reason,
        score=plan.health.score,
        current_status=red.current_status,
        asks=list(red.asks),
        action_plan=[
            RedAccountAction(action=a.action, owner=a.owner, due=a.due, done=a.done) for a in red.action_plan
        ],
        owners=_owners(entry),
        page=entry.source,
    )


def _left_red(entry: AccountEntry, since: dt.date) -> AccountLeftRed:
    plan = entry.plan
    return AccountLeftRed(
        account_id=plan.id,
        name=plan.name,
        since=since,
        status=plan.health.status.value,
        reason=plan.health.reason,
        page=entry.source,
    )


def _renewal(entry: AccountEntry, today: dt.date, within: int = RENEWAL_WINDOW_DAYS) -> RenewalWindow | None:
    plan = entry.plan
    when = plan.renewal_date
    if when is None or not 0 <= (when - today).days <= within:
        return None
    return RenewalWindow(
        account_id=plan.id,
        name=plan.name,
        renewal_date=when,
        days_left=(when - today).days,
        window_days=within,
        health=plan.health.status.value,
        reason=plan.health.reason,
        value_realization=plan.value_perception,
        page=entry.source,
    )


# --- from the ledger -------------------------------------------------------------------------------


def overdue_digest(
    ledger: Ledger | None, today: dt.date, calendar: Calendar = DEFAULT_CALENDAR
) -> OverdueDigest | None:
    """Open pull requests changing a tech review past the feedback deadline, and who they wait on."""
    if ledger is None:
        return None
    items = []
    for pr in sorted(ledger.open_pull_requests, key=lambda p: (p.opened_at, p.pull_request)):
        reviews = [path for path in pr.documents if path.startswith("reviews/") and _PAGE.match(path)]
        asked_on = day_of(pr.opened_at)
        due = calendar.feedback_due(asked_on)  # handbook.yml's holidays and window
        if not reviews or pr.satisfied or not pr.waiting or today <= due:
            continue
        items.append(
            OverdueReview(
                pull_request=pr.pull_request,
                title=pr.title[:_MAX_TEXT],
                reviews=reviews,
                asked_on=asked_on,
                due=due,
                business_days_late=calendar.business_days_between(due, today),
                waiting=[WaitingRole(role=w.role, people=list(w.people)) for w in pr.waiting],
            )
        )
    return OverdueDigest(day=today, items=items) if items else None
