"""The account plan: a quarterly business and health picture of one customer, with its opportunities."""

from __future__ import annotations

import datetime as dt
import re
from enum import StrEnum
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, BeforeValidator, Field, WithJsonSchema
from pydantic_core import PydanticCustomError

from generator.documents.models.common import (
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
from generator.documents.models.gaps import ProductGap


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
LAST_SALES_STAGE = 7
SalesStage = Annotated[WholeNumber, Field(ge=0, le=LAST_SALES_STAGE)]


def past_tech_design(phase: TechWinPhase) -> bool:
    """Trial Deployment or later: the gate that needs an approved review has been passed."""
    return PHASE_ORDER.index(phase) > PHASE_ORDER.index(TechWinPhase.TECH_DESIGN_TRIAL_PLANNING)


# --- the gates of the technical win -----------------------------------------------------------------

_YES, _NO = frozenset({"yes", "true"}), frozenset({"no", "false"})


def _yes_no(value: Any) -> Any:
    """Gate answers are yes or no (true/false too); nothing looser such as 'on', '1' or 'maybe'."""
    if isinstance(value, bool):
        return value
    word = value.lower() if isinstance(value, str) else None  # matched whole: "yes\n" is not an answer
    if word in _YES:
        return True
    if word in _NO:
        return False
    raise PydanticCustomError("yes_no", "'{value}' is not yes or no", {"value": value})


# As the validator reads them: yes, no, true or false in any case (YAML 1.2 editors see them as text).
_ANSWER_PATTERN = (
    "^(" + "|".join("".join(f"[{c.upper()}{c}]" for c in word) for word in sorted(_YES | _NO)) + ")$"
)
_ANSWER_SCHEMA = {"anyOf": [{"type": "boolean"}, {"type": "string", "pattern": _ANSWER_PATTERN}]}
YesNo = Annotated[bool, BeforeValidator(_yes_no), WithJsonSchema(_ANSWER_SCHEMA)]


class GateAnswer(Strict):
    """One gate criterion: does it hold, and (optionally) where the evidence is."""

    answer: YesNo
    evidence: Url | None = Field(None, description="A link showing the criterion holds")


def _gate_answer(value: Any) -> Any:
    """`champion_identified: yes` is short for `champion_identified: {answer: yes}` (a wrong answer is
    reported at the gate as written, not at an `answer` the author never wrote)."""
    return value if isinstance(value, dict) else {"answer": _yes_no(value)}


Answer = Annotated[GateAnswer, BeforeValidator(_gate_answer, json_schema_input_type=YesNo | GateAnswer)]


class InitialConversationsGates(Strict):
    champion_identified: Answer | None = Field(None, description="champion identified")
    use_cases_confirmed: Answer | None = Field(None, description="top 2-3 use cases confirmed")
    landscape_understood: Answer | None = Field(None, description="customer's technical landscape understood")


class TechDesignGates(Strict):
    validation_plan_defined: Answer | None = Field(None, description="validation plan defined")
    technical_qualification_done: Answer | None = Field(None, description="technical qualification done")
    tech_review_approved: Answer | None = Field(
        None, description="approved tech review (non-standard requirements or a key prospect)"
    )
    tdd_completed: Answer | None = Field(None, description="TDD completed")


class TrialDeploymentGates(Strict):
    tdd_updated: Answer | None = Field(None, description="TDD updated")
    joint_success_plan_done: Answer | None = Field(
        None, description="trial and deployment parts of the joint success plan done"
    )
    trial_environment_deployed: Answer | None = Field(None, description="trial environment deployed")


class TrialExecutionGates(Strict):
    champion_checkins: Answer | None = Field(None, description="regular check-in with the champion")
    trial_readout_delivered: Answer | None = Field(None, description="trial readout delivered")
    technical_win_confirmed: Answer | None = Field(None, description="customer confirmed the technical win")


class PostTrialGates(Strict):
    engagement_plan_drafted: Answer | None = Field(None, description="post-sales engagement plan drafted")
    tdd_updated_for_production: Answer | None = Field(None, description="TDD updated for production")
    kickoff_scheduled: Answer | None = Field(None, description="kickoff meeting scheduled")


class Gates(Strict):
    """Per phase, the answers to the criteria of the gate that leaves it."""

    initial_conversations: InitialConversationsGates | None = None
    tech_design_trial_planning: TechDesignGates | None = None
    trial_deployment: TrialDeploymentGates | None = None
    trial_execution: TrialExecutionGates | None = None
    post_trial: PostTrialGates | None = None


_PHASE_GATES: dict[TechWinPhase, type[BaseModel]] = {
    TechWinPhase.INITIAL_CONVERSATIONS: InitialConversationsGates,
    TechWinPhase.TECH_DESIGN_TRIAL_PLANNING: TechDesignGates,
    TechWinPhase.TRIAL_DEPLOYMENT: TrialDeploymentGates,
    TechWinPhase.TRIAL_EXECUTION: TrialExecutionGates,
    TechWinPhase.POST_TRIAL: PostTrialGates,
}


def phase_key(phase: TechWinPhase) -> str:
    """The field under `gates:` holding a phase's answers: 'trial-deployment' -> 'trial_deployment'."""
    return phase.value.replace("-", "_")


# Every gate of the process, in order: (phase it leaves, field, what it asks); defined once, by the models.
GATES: tuple[tuple[TechWinPhase, str, str], ...] = tuple(
    (phase, name, info.description or name)
    for phase, model in _PHASE_GATES.items()
    for name, info in model.model_fields.items()
)
GATE_LABELS = {(phase, name): label for phase, name, label in GATES}


def gates_of(phase: TechWinPhase) -> list[str]:
    return [name for gate_phase, name, _ in GATES if gate_phase is phase]


# --- what a deal is worth ---------------------------------------------------------------------------

_CURRENCY = re.compile(r"^[A-Z]{3}$")


def _currency(value: str) -> str:
    if not _CURRENCY.fullmatch(value):
        raise PydanticCustomError(
            "currency", "'{value}' is not a currency code (three capital letters, like USD)", {"value": value}
        )
    return value


Currency = Annotated[str, Field(json_schema_extra={"pattern": _CURRENCY.pattern}), AfterValidator(_currency)]


class Money(Strict):
    amount: Annotated[WholeNumber, Field(ge=0, description="Whole units of the currency")]
    currency: Currency


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


class Resolution(Strict):
    """How a red account left red: the day health became yellow or green, and what did it."""

    date: Date = Field(description="The day health left red")
    how: Text = Field(description="What brought the account back to yellow or green")


class RedAccount(Strict):
    """Written by the AE and CE while health is red, tracked until yellow or green."""

    since: Date
    current_status: Text
    asks: list[Text] = Field(min_length=1, description="What the account team asks of the business")
    action_plan: list[ActionItem] = Field(min_length=1)
    resolved: Resolution | None = Field(None, description="Recorded when health leaves red")

    def late(self, today: dt.date) -> list[ActionItem]:
        """Action items past their due date and not done (none once the account is resolved)."""
        return [] if self.resolved else late_items(self.action_plan, today)


def late_items(items: list[ActionItem], today: dt.date) -> list[ActionItem]:
    return [item for item in items if not item.done and item.due < today]


class CoreTrainings(Strict):
    """The three core trainings of onboarding, each with the day it is (or was) held."""

    admin: Date = Field(description="Administrator training: install, configure, upgrade, monitor")
    user: Date = Field(description="End-user training: everyday use by the customer's engineers")
    advanced: Date = Field(description="Advanced training: the power features the use cases need")


TRAINING_LABELS = {
    name: (info.description or name).split(":")[0] for name, info in CoreTrainings.model_fields.items()
}


class Onboarding(Strict):
    """A newly signed customer's onboarding: it gets its first quarterly plan once this is complete."""

    kickoff: Date = Field(description="The onboarding kickoff meeting")
    plan: Url = Field(description="The onboarding plan")
    trainings: CoreTrainings
    completed: Date | None = Field(None, description="The day onboarding was complete")


class ValueRealizationStatus(StrEnum):
    NOT_STARTED = "not-started"
    IN_PROGRESS = "in-progress"
    DONE = "done"


class ValueRealization(Strict):
    """The exercise that starts before a renewal: what value the customer got, with numbers."""

    owner: Handle
    status: ValueRealizationStatus
    started: Date | None = None
    link: Url | None = Field(None, description="The value-realization deck or document")
    summary: Text | None = None


class RenewalHealth(Strict):
    """A monthly assessment of the renewal: the AE's relationship risks, the TA's technical ones."""

    date: Date
    relationship_risks: list[Text] = Field(default_factory=list, description="From the AE")
    technical_risks: list[Text] = Field(default_factory=list, description="From the TA")


class QuestionnaireStatus(StrEnum):
    RECEIVED = "received"
    IN_PROGRESS = "in-progress"
    SUBMITTED = "submitted"


class SecurityQuestionnaire(Strict):
    """A customer's security questionnaire, answered by a security CE by its due date."""

    name: Line
    status: QuestionnaireStatus
    due: Date
    security_ce: Handle = Field(description="The CE answering it")
    received: Date | None = None
    submitted: Date | None = None
    link: Url | None = None

    @property
    def open(self) -> bool:
        return self.status is not QuestionnaireStatus.SUBMITTED


class QbrStatus(StrEnum):
    SCHEDULED = "scheduled"
    HELD = "held"
    CANCELLED = "cancelled"


class CustomerQbr(Strict):
    """A quarterly business review with the customer."""

    date: Date
    status: QbrStatus = QbrStatus.SCHEDULED
    deck: Url | None = None
    notes: Text | None = None


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
    next_step_since: Date | None = Field(None, description="When the next step was set (its age)")
    joint_success_plan: Url | None = None
    tdd: Url | None = Field(None, description="Technical Design Document (required from sales stage 2)")
    tdd_peer_reviewer: Handle | None = Field(
        None, description="Peer CE who reviewed the TDD (tier-1 accounts and non-standard requirements)"
    )
    technical_win: bool = False
    weekly_checkin: bool = Field(False, description="Weekly check-in with the champion")
    non_standard: bool = Field(False, description="Non-standard or high-risk requirements")
    key_prospect: bool = Field(False, description="A key prospect: a tech review before Trial Deployment")
    tech_review: ReviewId | None = Field(None, description="The pre-trial tech review")
    production_review: ReviewId | None = Field(
        None, description="The pre-production tech review (non-standard requirements, Post-Trial)"
    )
    arr: Money | None = Field(None, description="Annual recurring revenue at stake")
    seats: Annotated[WholeNumber, Field(ge=1)] | None = None
    gates: Gates = Field(default_factory=Gates)

    @property
    def needs_review(self) -> bool:
        """Non-standard requirements or a key prospect: an approved tech review before Trial Deployment."""
        return self.non_standard or self.key_prospect

    def answer(self, phase: TechWinPhase, gate: str) -> GateAnswer | None:
        answers = getattr(self.gates, phase_key(phase))
        found: GateAnswer | None = getattr(answers, gate) if answers is not None else None
        return found

    def missing_gates(self) -> list[tuple[TechWinPhase, str, GateAnswer | None]]:
        """Gates of the phases before the current one that are not answered yes: (phase, gate, answer)."""
        # At the last sales stage the deal has left Post-Trial too: its gate must be passed as well.
        current = PHASE_ORDER.index(self.tech_win_phase) + (self.sales_stage == LAST_SALES_STAGE)
        return [
            (phase, gate, found)
            for phase, gate, _ in GATES
            if PHASE_ORDER.index(phase) < current
            and (gate != "tech_review_approved" or self.needs_review)
            and not ((found := self.answer(phase, gate)) is not None and found.answer)
        ]

    def rules(self, where: tuple[str | int, ...], tier: int = 3) -> Faults:
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
        yield from self._review_rules(where)
        yield from self._tdd_rules(where, tier)
        yield from self._gate_rules(where)
        if self.next_step_since and not self.next_step:
            yield Fault(
                (*where, "next_step_since"),
                "dates a next step that is not written",
                "add next_step, or remove next_step_since",
            )

    def _review_rules(self, where: tuple[str | int, ...]) -> Faults:
        if self.needs_review and past_tech_design(self.tech_win_phase) and not self.tech_review:
            why = "non-standard requirements need" if self.non_standard else "a key prospect needs"
            yield Fault(
                (*where, "tech_review"),
                f"{why} an approved tech review before Trial Deployment",
                "link the approved review (tech_review: TR-NNNN) or move the phase back",
                (*where, "tech_win_phase"),
            )
        if self.tech_review and not self.needs_review:
            yield Fault(
                (*where, "non_standard"),
                "an opportunity with a tech review has non-standard requirements",
                "set non_standard: true (or key_prospect: true)",
            )
        if (
            self.non_standard
            and self.tech_win_phase is TechWinPhase.POST_TRIAL
            and not self.production_review
        ):
            yield Fault(
                (*where, "production_review"),
                "non-standard requirements in Post-Trial need an approved pre-production tech review",
                "link a review of moment 'pre-production' as production_review: TR-NNNN",
                (*where, "tech_win_phase"),
            )
        if self.production_review and self.production_review == self.tech_review:
            yield Fault(
                (*where, "production_review"),
                "the pre-production review is a second review, not the pre-trial one",
                "open a review of moment 'pre-production' and link it here",
            )

    def _tdd_rules(self, where: tuple[str | int, ...], tier: int) -> Faults:
        if self.sales_stage >= 2 and not self.tdd:
            yield Fault(
                (*where, "tdd"),
                f"from sales stage 2 an opportunity links its TDD (this one is at stage {self.sales_stage})",
                "add tdd: the link to the Technical Design Document",
                (*where, "sales_stage"),
            )
        completed = self.answer(TechWinPhase.TECH_DESIGN_TRIAL_PLANNING, "tdd_completed")
        complete = completed is not None and completed.answer
        if self.sales_stage >= 4 and not complete:
            yield Fault(
                (*where, "gates", "tech_design_trial_planning", "tdd_completed"),
                f"by sales stage 4 the TDD is marked complete (this one is at stage {self.sales_stage})",
                "answer tdd_completed: yes under gates.tech_design_trial_planning once it is",
                (*where, "sales_stage"),
            )
        if complete and not self.tdd_peer_reviewer and (tier == 1 or self.non_standard):
            why = "a tier-1 account's" if tier == 1 else "with non-standard requirements, the"
            yield Fault(
                (*where, "tdd_peer_reviewer"),
                f"{why} completed TDD names the peer CE who reviewed it",
                "add tdd_peer_reviewer: a CE other than this opportunity's who reviewed the TDD",
                (*where, "gates", "tech_design_trial_planning", "tdd_completed"),
            )
        if self.tdd_peer_reviewer and self.tdd_peer_reviewer.lower() == self.ce.lower():
            yield Fault(
                (*where, "tdd_peer_reviewer"),
                "the TDD's peer reviewer cannot be the opportunity's CE",
                "ask another CE to review the TDD",
            )

    def _gate_rules(self, where: tuple[str | int, ...]) -> Faults:
        current = f"in {PHASE_LABELS[self.tech_win_phase]}"
        if self.sales_stage == LAST_SALES_STAGE:
            current = f"at sales stage {LAST_SALES_STAGE}, the last"
        for phase, gate, found in self.missing_gates():
            if self.sales_stage >= 4 and (phase, gate) == (
                TechWinPhase.TECH_DESIGN_TRIAL_PLANNING,
                "tdd_completed",
            ):
                continue  # reported once, by the TDD rule of stage 4
            state = "is not answered" if found is None else "is answered no"
            yield Fault(
                (*where, "gates", phase_key(phase), gate),
                f"gate '{GATE_LABELS[(phase, gate)]}' {state}: it blocks leaving {PHASE_LABELS[phase]}, "
                f"and the opportunity is {current}",
                "answer yes once it holds, or move the phase back",
                # What makes it required: the phase, or the last sales stage for Post-Trial's own gate.
                (*where, "sales_stage" if phase is self.tech_win_phase else "tech_win_phase"),
            )
        confirmed = self.answer(TechWinPhase.TRIAL_EXECUTION, "technical_win_confirmed")
        if confirmed is not None and confirmed.answer != self.technical_win:
            yield Fault(
                (*where, "gates", "trial_execution", "technical_win_confirmed"),
                f"contradicts technical_win: {'true' if self.technical_win else 'false'}",
                "the customer confirming the technical win and technical_win are one fact: make them agree",
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
    onboarding: Onboarding | None = Field(None, description="Required while onboarding is not complete")
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
    value_realization: ValueRealization | None = Field(
        None, description="The value-realization exercise, expected from the renewal window on"
    )
    renewal_health: list[RenewalHealth] = Field(
        default_factory=list, description="Monthly renewal health assessments (optional)"
    )
    security_questionnaires: list[SecurityQuestionnaire] = Field(default_factory=list)
    qbrs: list[CustomerQbr] = Field(
        default_factory=list, description="Quarterly business reviews with the customer"
    )
    opportunities: list[Opportunity] = Field(default_factory=list)

    @property
    def onboarding_open(self) -> bool:
        """A newly signed customer still in onboarding: no quarterly plan is due yet."""
        return not self.onboarding_complete

    def late_actions(self, today: dt.date) -> list[ActionItem]:
        """Next steps and red-account actions past due and not done."""
        red = self.red_account.late(today) if self.red_account else []
        return [*red, *late_items(self.next_steps, today)]

    def rules(self) -> Faults:
        yield from self._red_rules()
        yield from self._onboarding_rules()
        if not self.onboarding_open:
            yield from self._quarterly_rules()
        if self.value_realization is not None and self.renewal_date is None:
            yield Fault(
                ("value_realization",),
                "a value-realization exercise prepares a renewal, and the plan has no renewal_date",
                "add renewal_date: YYYY-MM-DD",
            )
        for index, item in enumerate(self.security_questionnaires):
            if item.status is QuestionnaireStatus.SUBMITTED and item.submitted is None:
                yield Fault(
                    ("security_questionnaires", index, "submitted"),
                    "a submitted questionnaire records when it was submitted",
                    "add submitted: YYYY-MM-DD",
                    ("security_questionnaires", index, "status"),
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
            yield from opportunity.rules(("opportunities", index), self.tier)

    def _red_rules(self) -> Faults:
        red = self.red_account
        if self.health.status is Health.RED and red is None:
            yield Fault(
                ("red_account",),
                "a red account records its status, asks and action plan",
                "add red_account: {since, current_status, asks, action_plan}",
                ("health", "status"),
            )
        if red is None:
            return
        if self.health.status is not Health.RED and red.resolved is None:
            yield Fault(
                ("red_account",),
                f"health is {self.health.status.value}, and the red account does not say how it was resolved",
                "add red_account.resolved: {date: YYYY-MM-DD, how: what brought it back}",
                ("health", "status"),
            )
        if self.health.status is Health.RED and red.resolved is not None:
            yield Fault(
                ("red_account", "resolved"),
                "a resolved red account is no longer red",
                "set health to yellow or green, or remove resolved while it is still red",
            )
        if red.resolved is not None and red.resolved.date < red.since:
            yield Fault(
                ("red_account", "resolved", "date"),
                f"is before the account turned red ({red.since})",
                "check the dates",
            )

    def _onboarding_rules(self) -> Faults:
        onboarding = self.onboarding
        if self.onboarding_open and onboarding is None:
            yield Fault(
                ("onboarding",),
                "an account in onboarding records its kickoff, onboarding plan and the three core trainings",
                "add onboarding: {kickoff, plan, trainings: {admin, user, advanced}}",
                ("onboarding_complete",),
            )
        if onboarding is None:
            return
        if self.onboarding_open and onboarding.completed is not None:
            yield Fault(
                ("onboarding", "completed"),
                "onboarding is complete, but onboarding_complete is false",
                "set onboarding_complete: true (the plan then needs its objectives and next steps)",
                ("onboarding_complete",),
            )
        for name in CoreTrainings.model_fields:
            if getattr(onboarding.trainings, name) < onboarding.kickoff:
                yield Fault(
                    ("onboarding", "trainings", name),
                    f"the {TRAINING_LABELS[name].lower()} is before the kickoff ({onboarding.kickoff})",
                    "check the dates",
                )

    def _quarterly_rules(self) -> Faults:
        if not self.objectives:
            yield Fault(
                ("objectives",),
                f"a quarterly plan sets its objectives for {self.quarter}",
                "add objectives: one line each, measurable and dated",
                ("quarter",),
            )
        if not self.next_steps:
            yield Fault(
                ("next_steps",),
                "a quarterly plan lists its next steps",
                "add next_steps: each with action, owner and due",
                ("quarter",),
            )
