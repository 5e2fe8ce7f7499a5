"""The account plan: a quarterly business and health picture of one customer, with its opportunities."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import Field

from generator.models.common import (
    Date,
    Email,
    Fault,
    Faults,
    Handle,
    Line,
    Quarter,
    ReviewId,
    Slug,
    Strict,
    Text,
    Url,
    WholeNumber,
)
from generator.models.review import ProductGap


class Segment(StrEnum):
    STRATEGIC = "strategic"
    LARGE_ENTERPRISE = "large-enterprise"
    SMALL_ENTERPRISE = "small-enterprise"
    COMMERCIAL = "commercial"


class Health(StrEnum):
    GREEN = "green"
    YELLOW = "yellow"
    RED = "red"


class ContactRole(StrEnum):
    CHAMPION = "champion"
    ECONOMIC_BUYER = "economic-buyer"
    TECH_ADVOCATE = "tech-advocate"
    ADMIN = "admin"
    OTHER = "other"


class TechWinPhase(StrEnum):
    INITIAL_CONVERSATIONS = "initial-conversations"
    TECH_DESIGN_TRIAL_PLANNING = "tech-design-trial-planning"
    TRIAL_DEPLOYMENT = "trial-deployment"
    TRIAL_EXECUTION = "trial-execution"
    POST_TRIAL = "post-trial"


PHASE_ORDER = list(TechWinPhase)
PHASE_LABELS = {
    TechWinPhase.INITIAL_CONVERSATIONS: "Initial Conversations",
    TechWinPhase.TECH_DESIGN_TRIAL_PLANNING: "Tech Design & Trial Planning",
    TechWinPhase.TRIAL_DEPLOYMENT: "Trial Deployment",
    TechWinPhase.TRIAL_EXECUTION: "Trial Execution",
    TechWinPhase.POST_TRIAL: "Post-Trial",
}
# Sales stages each technical-win phase spans.
PHASE_STAGES = {
    TechWinPhase.INITIAL_CONVERSATIONS: range(0, 3),
    TechWinPhase.TECH_DESIGN_TRIAL_PLANNING: range(3, 4),
    TechWinPhase.TRIAL_DEPLOYMENT: range(3, 5),
    TechWinPhase.TRIAL_EXECUTION: range(4, 5),
    TechWinPhase.POST_TRIAL: range(5, 8),
}

Tier = Annotated[WholeNumber, Field(ge=1, le=3, description="1 (largest) to 3")]
SalesStage = Annotated[WholeNumber, Field(ge=0, le=7)]


def past_tech_design(phase: TechWinPhase) -> bool:
    """Trial Deployment or later: the gate that needs an approved review has been passed."""
    return PHASE_ORDER.index(phase) > PHASE_ORDER.index(TechWinPhase.TECH_DESIGN_TRIAL_PLANNING)


class Contact(Strict):
    name: Line
    role: ContactRole
    title: Line | None = None
    email: Email | None = None
    notes: Text | None = None


class HealthReport(Strict):
    status: Health
    reason: Text
    score: Annotated[WholeNumber, Field(ge=0, le=100)] | None = None


class ActionItem(Strict):
    action: Text
    owner: Handle
    due: Date
    done: bool = False


class RedAccount(Strict):
    """Written by the AE and CE while health is red, tracked until yellow or green."""

    since: Date
    current_status: Text
    asks: list[Text] = Field(min_length=1, description="What the account team asks of the business")
    action_plan: list[ActionItem] = Field(min_length=1)


class FeedbackTheme(Strict):
    theme: Line
    gaps: list[ProductGap] = Field(default_factory=list)


class Opportunity(Strict):
    """A sales opportunity and its technical win."""

    id: Slug
    name: Line
    ce: Handle
    ae: Handle
    sales_stage: SalesStage
    close_date: Date
    tech_win_phase: TechWinPhase
    tech_win_due: Date | None = None
    next_step: Text | None = None
    joint_success_plan: Url | None = None
    tdd: Url | None = None
    technical_win: bool = False
    weekly_checkin: bool = Field(False, description="Weekly check-in with the champion")
    non_standard: bool = Field(False, description="Non-standard or high-risk requirements")
    tech_review: ReviewId | None = None

    def rules(self, where: tuple[str | int, ...]) -> Faults:
        stages = PHASE_STAGES[self.tech_win_phase]
        if self.sales_stage not in stages:
            yield Fault(
                (*where, "tech_win_phase"),
                f"phase {self.tech_win_phase.value!r} spans sales stages "
                f"{stages.start}-{stages.stop - 1}, not {self.sales_stage}",
                "move the phase or the sales stage",
            )
        if self.technical_win and PHASE_ORDER.index(self.tech_win_phase) < PHASE_ORDER.index(
            TechWinPhase.TRIAL_EXECUTION
        ):
            yield Fault((*where, "technical_win"), "a technical win is confirmed in Trial Execution or later")
        if self.non_standard and past_tech_design(self.tech_win_phase) and not self.tech_review:
            yield Fault(
                (*where, "tech_review"),
                "non-standard requirements need an approved tech review before Trial Deployment",
                "link the approved review (tech_review: TR-NNNN) or move the phase back",
                (*where, "tech_win_phase"),
            )
        if self.tech_review and not self.non_standard:
            yield Fault(
                (*where, "non_standard"),
                "an opportunity with a tech review has non-standard requirements",
                "set non_standard: true",
            )


class AccountPlan(Strict):
    """Front matter of an account plan (accounts/<slug>.md)."""

    id: Slug
    name: Line
    tier: Tier
    segment: Segment
    quarter: Quarter
    ae: Handle
    ce: Handle
    ta: Handle | None = None
    last_revisited: Date
    renewal_date: Date | None = None
    onboarding_complete: bool = True
    health: HealthReport
    red_account: RedAccount | None = None
    contacts: list[Contact] = Field(min_length=1)
    use_cases: list[Text] = Field(default_factory=list)
    product_usage: Text | None = None
    initiatives: list[Text] = Field(default_factory=list)
    value_perception: Text | None = None
    expansion: list[Text] = Field(default_factory=list)
    risks: list[Text] = Field(default_factory=list)
    feedback_themes: list[FeedbackTheme] = Field(default_factory=list)
    objectives: list[Text] = Field(default_factory=list)
    next_steps: list[ActionItem] = Field(default_factory=list)
    opportunities: list[Opportunity] = Field(default_factory=list)

    def rules(self) -> Faults:
        if self.health.status is Health.RED and self.red_account is None:
            yield Fault(
                ("red_account",),
                "a red account records its status, asks and action plan",
                "add red_account: {since, current_status, asks, action_plan}",
                ("health", "status"),
            )
        if not self.onboarding_complete:
            yield Fault(
                ("onboarding_complete",),
                "a customer gets its first plan only after onboarding is complete",
                "finish onboarding first, then set onboarding_complete: true",
            )
        if self.ae.lower() == self.ce.lower():
            yield Fault(("ce",), "the AE and the CE are two people", "name the account's CE")
        seen: dict[str, int] = {}
        for index, opportunity in enumerate(self.opportunities):
            if opportunity.id in seen:
                yield Fault(
                    ("opportunities", index, "id"),
                    f"opportunity id {opportunity.id!r} is used twice in this plan",
                    f"first at opportunities[{seen[opportunity.id]}]",
                )
            seen.setdefault(opportunity.id, index)
            yield from opportunity.rules(("opportunities", index))
