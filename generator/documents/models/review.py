"""The tech review: an RFC for a customer's non-standard or high-risk requirement."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from pydantic import Field

from generator.documents.models.common import (
    Date,
    Fault,
    Faults,
    Handle,
    Line,
    ReviewId,
    Slug,
    Strict,
    Text,
    Url,
)
from generator.documents.models.gaps import ProductGap


class Moment(StrEnum):
    PRE_SALES = "pre-sales"
    # The second pre-sales review: non-standard requirements, before production deployment.
    PRE_PRODUCTION = "pre-production"
    POST_SALES = "post-sales"


class Trigger(StrEnum):
    AIR_GAPPED = "air-gapped"
    DOCKER_COMPOSE_BATCH_CHANGES = "docker-compose-batch-changes"
    SUPPORT_RISK = "support-risk"
    EXPLICIT_PERMISSIONS_API = "explicit-permissions-api"
    OTHER = "other"


TRIGGER_LABELS = {
    Trigger.AIR_GAPPED: "Air-gapped instance",
    Trigger.DOCKER_COMPOSE_BATCH_CHANGES: "docker-compose with batch changes",
    Trigger.SUPPORT_RISK: "Support risk",
    Trigger.EXPLICIT_PERMISSIONS_API: "Explicit permissions API",
    Trigger.OTHER: "Other",
}


class ReviewStatus(StrEnum):
    DRAFT = "draft"
    IN_REVIEW = "in-review"
    APPROVED = "approved"
    DENIED = "denied"
    WITHDRAWN = "withdrawn"


DECIDED = (ReviewStatus.APPROVED, ReviewStatus.DENIED)
OPEN = (ReviewStatus.DRAFT, ReviewStatus.IN_REVIEW)


class Outcome(StrEnum):
    YES = "yes"
    NO = "no"


class AccountTeam(Strict):
    ae: Handle = Field(description="Account Executive")
    ce: Handle = Field(description="Customer Engineer (pre-sales)")
    ta: Handle | None = Field(None, description="Technical Advisor (post-sales CE)")


class Links(Strict):
    tdd: Url | None = Field(None, description="Technical Design Document")
    video: Url | None = Field(None, description="The ~5 minute video overview")
    crm_opportunity: Url | None = None
    chat_thread: Url | None = None


ASKED_TEAMS = ("product", "engineering", "support")


class Asks(Strict):
    product: list[Text] = Field(default_factory=list)
    engineering: list[Text] = Field(default_factory=list)
    support: list[Text] = Field(default_factory=list)

    def teams(self) -> list[str]:
        return [team for team in ASKED_TEAMS if getattr(self, team)]


class AssignedReviewers(Strict):
    """The people a Product Director picked per team: when a team has some, only their approvals fill
    that team's sign-off role (generator/signoff/engine.py)."""

    assigned_by: Handle | None = Field(None, description="The Product Director who assigned them")
    product: list[Handle] = Field(default_factory=list)
    engineering: list[Handle] = Field(default_factory=list)
    support: list[Handle] = Field(default_factory=list)

    def teams(self) -> dict[str, list[str]]:
        """Team -> the assigned people, for the teams that have any."""
        return {team: people for team in ASKED_TEAMS if (people := getattr(self, team))}


class Deciders(Strict):
    ce_vp: Handle | None = None
    vp_engineering: Handle | None = None
    sales_vp: Handle | None = None


class Decision(Strict):
    outcome: Outcome
    recommended_by: Handle = Field(description="The CE VP who made the recommendation")
    decided_on: Date
    deciders: Deciders | None = Field(
        None, description="Final deciders; all three are required when the outcome is no"
    )
    rationale: Text | None = None
    customer_messaging: Text | None = Field(
        None, description="What the customer is told about operating outside normal guidelines"
    )


class Meeting(Strict):
    date: Date
    requested_by: Handle | None = None
    attendees: list[Handle] = Field(default_factory=list)
    outcome: Text


class Withdrawal(Strict):
    date: Date
    reason: Text


class TechReview(Strict):
    """Front matter of a tech review (reviews/tr-NNNN-slug.md)."""

    id: ReviewId
    title: Line
    customer: Slug = Field(description="Slug of the customer's account plan")
    moment: Moment
    triggers: list[Trigger] = Field(min_length=1)
    trigger_description: Text | None = Field(None, description="Required when a trigger is 'other'")
    author: Handle
    account_team: AccountTeam
    peer_reviewer: Handle | None = Field(None, description="Peer CE who reviewed the TDD")
    opened: Date
    decision_needed_by: Date
    status: ReviewStatus
    links: Links = Field(default_factory=Links)
    asks: Asks = Field(default_factory=Asks)
    assigned_reviewers: AssignedReviewers | None = Field(
        None, description="Reviewers a Product Director assigned per team: only they sign for that team"
    )
    product_gaps: list[ProductGap] = Field(default_factory=list)
    related_reviews: list[ReviewId] = Field(default_factory=list)
    decision: Decision | None = None
    meetings: list[Meeting] = Field(default_factory=list)
    withdrawal: Withdrawal | None = None

    def rules(self) -> Faults:
        yield from _trigger_rules(self)
        if self.decision_needed_by < self.opened:
            yield Fault(
                ("decision_needed_by",),
                "is before the review was opened",
                f"pick a date on or after {self.opened}",
            )
        if self.peer_reviewer and self.peer_reviewer.lower() == self.author.lower():
            yield Fault(
                ("peer_reviewer",),
                "the peer reviewer cannot be the author",
                "ask another CE to review the TDD",
            )
        people = {self.account_team.ce.lower()}
        if self.account_team.ta:
            people.add(self.account_team.ta.lower())
        if self.author.lower() not in people:
            yield Fault(
                ("author",),
                "the author must be the account team's CE or TA",
                "set account_team.ce or account_team.ta to the author",
            )
        if self.moment is Moment.POST_SALES and not self.account_team.ta:
            yield Fault(
                ("account_team", "ta"),
                "a post-sales review needs the account's TA",
                "add account_team.ta",
                ("moment",),
            )
        # A review can be withdrawn at any time, even as a draft that was never submitted.
        if self.status not in (ReviewStatus.DRAFT, ReviewStatus.WITHDRAWN):
            yield from _submission_rules(self)
        yield from _decision_rules(self)
        if self.status is ReviewStatus.WITHDRAWN and self.withdrawal is None:
            yield Fault(
                ("withdrawal",),
                "a withdrawn review records when and why",
                "add withdrawal: {date: YYYY-MM-DD, reason: ...}",
                ("status",),
            )
        if self.withdrawal is not None and self.status is not ReviewStatus.WITHDRAWN:
            yield Fault(
                ("withdrawal",),
                "only a withdrawn review has a withdrawal",
                "set status: withdrawn or remove withdrawal",
            )
        for index, meeting in enumerate(self.meetings):
            if meeting.date < self.opened:
                yield Fault(("meetings", index, "date"), "the meeting is before the review was opened")
        for index, related in enumerate(self.related_reviews):
            if related == self.id:
                yield Fault(("related_reviews", index), "a review cannot be related to itself")
        yield from _listed_twice(("related_reviews",), self.related_reviews, "review")
        yield from _listed_twice(("product_gaps",), [gap.key for gap in self.product_gaps], "gap")
        if self.assigned_reviewers is not None:
            yield from _assignment_rules(self, self.assigned_reviewers)
        for index, meeting in enumerate(self.meetings):
            attendees = [person.lower() for person in meeting.attendees]
            yield from _listed_twice(("meetings", index, "attendees"), attendees, "attendee")

    def dated_rules(self, today: dt.date) -> Faults:
        """What cannot be true yet on `today`: a decision or a withdrawal records what has happened."""
        if self.decision is not None and self.decision.decided_on > today:
            yield Fault(
                ("decision", "decided_on"), "is in the future", "record the decision once it has been made"
            )
        if self.withdrawal is not None and self.withdrawal.date > today:
            yield Fault(
                ("withdrawal", "date"), "is in the future", "record the withdrawal once it has happened"
            )


def _listed_twice(where: tuple[str | int, ...], items: list[str], what: str) -> Faults:
    first: dict[str, int] = {}
    for index, item in enumerate(items):
        if item in first:
            yield Fault(
                (*where, index), f"{what} {item!r} is listed twice", f"first at {where[-1]}[{first[item]}]"
            )
        first.setdefault(item, index)


def _assignment_rules(review: TechReview, assigned: AssignedReviewers) -> Faults:
    """An assigned reviewer gives a sign-off that can count: never the review's own account team."""
    own = {review.author.lower(), review.account_team.ae.lower(), review.account_team.ce.lower()}
    if review.account_team.ta:
        own.add(review.account_team.ta.lower())
    asked = review.asks.teams()
    for team, people in assigned.teams().items():
        where = ("assigned_reviewers", team)
        if team not in asked:
            yield Fault(
                where,
                f"reviewers are assigned for {team}, but the review asks nothing of {team}",
                f"add asks.{team}, or remove assigned_reviewers.{team}",
            )
        for index, person in enumerate(people):
            if person.lower() in own:
                yield Fault(
                    (*where, index),
                    f"{person!r} is on the review's account team and cannot review it",
                    f"assign someone from {team} outside the account team",
                )
        yield from _listed_twice(where, [person.lower() for person in people], "reviewer")


DECIDER_ROLES = {"ce_vp": "the CE VP", "vp_engineering": "the VP Engineering", "sales_vp": "the Sales VP"}


def _decider_rules(deciders: Deciders) -> Faults:
    """Three roles, three people: one person cannot decide a no alone under three names."""
    seen: dict[str, str] = {}
    for role, title in DECIDER_ROLES.items():
        person = getattr(deciders, role)
        if not person:
            continue
        if person.lower() in seen:
            yield Fault(
                ("decision", "deciders", role),
                f"{person!r} is already {DECIDER_ROLES[seen[person.lower()]]}: "
                "the three deciders are three different people",
                f"name {title}",
            )
        seen.setdefault(person.lower(), role)


def _trigger_rules(review: TechReview) -> Faults:
    seen: set[Trigger] = set()
    for index, trigger in enumerate(review.triggers):
        if trigger in seen:
            yield Fault(("triggers", index), f"trigger {trigger.value!r} is listed twice")
        seen.add(trigger)
    if Trigger.OTHER in seen and not review.trigger_description:
        yield Fault(
            ("trigger_description",),
            "trigger 'other' needs a description",
            "add trigger_description: what makes this requirement non-standard",
            ("triggers",),
        )
    if review.trigger_description and Trigger.OTHER not in seen:
        yield Fault(
            ("trigger_description",),
            "is only used with the trigger 'other'",
            "add 'other' to triggers or remove trigger_description",
        )


def _submission_rules(review: TechReview) -> Faults:
    """Before a review leaves draft: peer-reviewed TDD, video, and concrete asks."""
    if not review.peer_reviewer:
        yield Fault(
            ("peer_reviewer",),
            f"a review in status {review.status.value!r} needs its peer CE",
            "add peer_reviewer: the CE who reviewed the TDD",
            ("status",),
        )
    if not review.links.tdd:
        yield Fault(
            ("links", "tdd"), "a submitted review links its TDD", "add links.tdd: https://...", ("status",)
        )
    if not review.links.video:
        yield Fault(
            ("links", "video"),
            "a submitted review links its video overview",
            "add links.video: https://... (about 5 minutes)",
            ("status",),
        )
    if not review.asks.teams():
        yield Fault(
            ("asks",),
            "a submitted review asks something of Product, Engineering or Support",
            "add asks.product, asks.engineering or asks.support",
            ("status",),
        )


def _decision_rules(review: TechReview) -> Faults:
    decision = review.decision
    if review.status in DECIDED and decision is None:
        yield Fault(
            ("decision",),
            f"a review in status {review.status.value!r} records its decision",
            "add decision: outcome, recommended_by, decided_on, ...",
            ("status",),
        )
        return
    if decision is None:
        return
    if review.status in OPEN:
        yield Fault(
            ("decision",),
            f"a review in status {review.status.value!r} has no decision yet",
            "set status to approved or denied, or remove decision",
        )
        return
    expected = {ReviewStatus.APPROVED: Outcome.YES, ReviewStatus.DENIED: Outcome.NO}.get(review.status)
    if expected is not None and decision.outcome is not expected:
        yield Fault(
            ("decision", "outcome"),
            f"outcome {decision.outcome.value!r} contradicts status {review.status.value!r}",
            f"{'an' if review.status.value[0] in 'aeiou' else 'a'} {review.status.value} review "
            f"has outcome {expected.value!r}",
        )
    if decision.deciders is not None:
        yield from _decider_rules(decision.deciders)
    if decision.decided_on < review.opened:
        yield Fault(("decision", "decided_on"), "is before the review was opened")
    if decision.outcome is Outcome.YES and not decision.customer_messaging:
        yield Fault(
            ("decision", "customer_messaging"),
            "a yes records what the customer is told",
            "add customer_messaging: that they operate outside normal guidelines and what it means",
            ("decision", "outcome"),
        )
    if decision.outcome is Outcome.NO:
        if not decision.rationale:
            yield Fault(
                ("decision", "rationale"),
                "a no records its reasoning",
                "add rationale: why the answer is no",
                ("decision", "outcome"),
            )
        deciders = decision.deciders or Deciders()
        missing = [role for role in DECIDER_ROLES if not getattr(deciders, role)]
        if missing:
            yield Fault(
                ("decision", "deciders"),
                "a no is decided by the CE VP, the VP Engineering and the Sales VP together",
                "add deciders." + ", deciders.".join(missing),
                ("decision", "outcome"),
            )
