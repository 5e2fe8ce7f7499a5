"""`handbook demo`: a complete, valid handbook repository of any size, made up from a seed.

Pipeline: a cast of people → account plans → tech reviews (each for an existing account) →
opportunities linking those reviews → front matter and bodies as text → plain file writes.
Every choice comes from one seeded `random.Random`, so a seed and a `--today` give the same files.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import random
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import yaml

from generator.documents.load import display_path
from generator.documents.models.account import (
    GATES,
    LAST_SALES_STAGE,
    PHASE_ORDER,
    PHASE_STAGES,
    ContactRole,
    Health,
    Segment,
    TechWinPhase,
    phase_key,
)
from generator.documents.models.review import Moment, Outcome, ReviewStatus, Trigger
from generator.errors import HandbookError, UsageError
from generator.process.calendar import PLAUSIBLE_DATES, Calendar, DateWindow
from generator.process.config import FILE_NAME as CONFIG_FILE
from generator.process.config import HandbookConfig, require_config

T = TypeVar("T")
Data = dict[str, Any]

HISTORY_DAYS = 548  # dates spread over the last 18 months
MAX_REVIEWS = 999_999  # review ids have at most six digits
MAX_ACCOUNTS = 100_000

# --- proportions that look like a real org ---------------------------------------------------------

STATUS_SHARE = {
    ReviewStatus.APPROVED: 0.52,
    ReviewStatus.DENIED: 0.13,
    ReviewStatus.IN_REVIEW: 0.17,
    ReviewStatus.DRAFT: 0.10,
    ReviewStatus.WITHDRAWN: 0.08,
}
TRIGGER_SHARE = {
    Trigger.AIR_GAPPED: 0.25,
    Trigger.DOCKER_COMPOSE_BATCH_CHANGES: 0.18,
    Trigger.SUPPORT_RISK: 0.20,
    Trigger.EXPLICIT_PERMISSIONS_API: 0.22,
    Trigger.OTHER: 0.15,
}
TIER_SHARE = {1: 0.15, 2: 0.35, 3: 0.50}
SEGMENTS_BY_TIER = {
    1: ((Segment.STRATEGIC, 0.6), (Segment.LARGE_ENTERPRISE, 0.4)),
    2: ((Segment.LARGE_ENTERPRISE, 0.5), (Segment.SMALL_ENTERPRISE, 0.5)),
    3: ((Segment.SMALL_ENTERPRISE, 0.4), (Segment.COMMERCIAL, 0.6)),
}
HEALTH_SHARE = {Health.GREEN: 0.60, Health.YELLOW: 0.30, Health.RED: 0.10}
PHASE_WEIGHTS = {
    TechWinPhase.INITIAL_CONVERSATIONS: 0.30,
    TechWinPhase.TECH_DESIGN_TRIAL_PLANNING: 0.20,
    TechWinPhase.TRIAL_DEPLOYMENT: 0.15,
    TechWinPhase.TRIAL_EXECUTION: 0.15,
    TechWinPhase.POST_TRIAL: 0.20,
}
PAST_TECH_DESIGN = (TechWinPhase.TRIAL_DEPLOYMENT, TechWinPhase.TRIAL_EXECUTION, TechWinPhase.POST_TRIAL)

# --- word pools ------------------------------------------------------------------------------------

FIRST_NAMES = (  # noqa: SIM905 (a word list reads best as words)
    "amelia ben chloe dana elif fatima gabriel hana ines jordan kwame liam mia nina oliver priya "
    "quinn rafael sofia tomas uma victor wei xavier yara zane aisha bruno carmen diego emeka freya "
    "goran hugo ingrid jamal keiko lars maya noah olga pablo rosa samir tara ulrich vera wanjiru "
    "yusuf zoe arjun beatriz caleb dmitri esther felix greta hiro ivan julia kofi lena marco nadia "
    "omar paula ruth sven"
).split()
LAST_NAMES = (  # noqa: SIM905 (a word list reads best as words)
    "hart okafor petrova dubois oconnell asante reyes whitaker brandt zahra lund shah becker "
    "nakamura silva kowalski haddad moreau jensen osei fischer tanaka novak rossi lindqvist mensah "
    "castillo ivanova bauer costa murphy sato kaya nguyen eriksen mahlangu ortiz popescu weber "
    "yilmaz abara chen dlamini ferreira garcia horvath iqbal jovanovic kim larsen mwangi nilsen "
    "oduya park quint ramos sorensen torres ueda varga walsh xu young zielinski"
).split()
COMPANY_WORDS = (  # noqa: SIM905 (a word list reads best as words)
    "Northwind Contoso Fabrikam Tailspin Woodgrove Litware Proseware Adventure Alpine Bluefin Coho "
    "Fourthwave Lamna Margin Nod Relecloud Trey Wingtip Wide Humongous Graphic Lucerne Blue Yonder "
    "Datum Consolidated Southridge Fineartz Kestrel Larkspur Meridian Nimbus Obsidian Pinnacle "
    "Quarry Redwood Saltmarsh Tidewater Umber Vantage Westbrook Yarrow Zephyr Amberly Brightwater "
    "Cobalt Driftwood Emberline Foxglove Granite Harbor Ironbark Juniper Keystone Lighthouse "
    "Moonstone Northstar Oakridge Pebble Quillon Riverbend Silverline Thornfield Upland Valley "
    "Willow"
).split()
INDUSTRIES = (  # noqa: SIM905 (a word list reads best as words)
    "Logistics Health Bank Games Energy Aerospace Analytics Insurance Retail Telecom Pharma "
    "Robotics Media Airlines Rail Foods Mining Biotech Payments Semiconductors Shipping Motors "
    "Capital Software Cloud Security Labs Systems Networks Devices Utilities Travel Education "
    "Marine Grid"
).split()
REGIONS = (  # noqa: SIM905 (a word list reads best as words)
    "Europe APAC Americas Nordics Iberia Benelux DACH Japan Brazil Canada India Gulf"
).split()
OPPORTUNITY_KINDS = (
    ("expansion", "expansion (+{seats} seats)"),
    ("renewal", "renewal ({years}-year term)"),
    ("new-business", "new business"),
    ("insights-upsell", "code insights upsell ({seats} seats)"),
    ("batch-changes", "batch changes rollout"),
    ("platform-team", "platform team expansion"),
    ("subsidiary", "subsidiary rollout"),
    ("cloud-migration", "move to the managed cloud"),
)
CODE_HOSTS = (
    "GitHub Enterprise Server",
    "GitLab self-managed",
    "Bitbucket Data Center",
    "Azure DevOps Server",
    "Gerrit",
    "Perforce Helix Core",
)
COMPETITORS = ("an in-house grep service", "a legacy OpenGrok install", "a competitor's appliance")
TEAMS = ("platform", "developer experience", "security engineering", "SRE", "payments", "mobile", "data")
LANGUAGES = ("Korean", "Japanese", "German", "Portuguese", "French", "Mandarin")
CERTIFICATIONS = ("FedRAMP High", "HITRUST", "ISO 27001", "TISAX", "PCI DSS", "SOC 2 Type II", "FIPS 140-3")

# --- what each trigger is about (title, topic slug, the gap itself, 'other' description) -------------------

TRIGGER_STORIES: dict[Trigger, tuple[tuple[str, str, str], ...]] = {
    Trigger.AIR_GAPPED: (
        (
            "Air-gapped deployment in {short}'s {region} enclave",
            "air-gapped-enclave",
            "an air-gapped instance with no inbound or outbound internet access",
        ),
        (
            "Air-gapped upgrade from {version} to {version_next}",
            "air-gapped-upgrade",
            "upgrading an air-gapped instance across {hops} minor versions at once",
        ),
        (
            "Offline image transfer through a {gateway_gb} GB gateway",
            "offline-image-transfer",
            "moving every image through a transfer gateway limited to {gateway_gb} GB per file",
        ),
    ),
    Trigger.DOCKER_COMPOSE_BATCH_CHANGES: (
        (
            "Batch changes on a docker-compose deployment",
            "compose-batch-changes",
            "running batch changes at scale on a single docker-compose host",
        ),
        (
            "Server-side batch changes for {repos} repositories on docker-compose",
            "compose-server-side-batch",
            "server-side batch changes across {repos} repositories without Kubernetes",
        ),
    ),
    Trigger.SUPPORT_RISK: (
        (
            "Support in {language} without screen sharing",
            "async-support",
            "support conducted in {language}, with no screen sharing allowed",
        ),
        (
            "Support through a third-party operator",
            "operator-support",
            "support only through a managed-services operator who holds all access",
        ),
        (
            "Follow-the-sun support for a 24/7 trading floor",
            "follow-the-sun-support",
            "a one-hour response target around the clock for a trading-floor outage",
        ),
    ),
    Trigger.EXPLICIT_PERMISSIONS_API: (
        (
            "Explicit permissions API for {users} users",
            "explicit-permissions",
            "a permission model that depends entirely on the explicit permissions API",
        ),
        (
            "Entitlement sync from their IAM through the explicit permissions API",
            "entitlement-sync",
            "pushing entitlements from their identity system through the explicit permissions API",
        ),
        (
            "Migration from code-host permissions to explicit permissions",
            "permissions-migration",
            "replacing code-host permission sync with explicit permissions for {repos} repositories",
        ),
    ),
    Trigger.OTHER: (
        (
            "Data residency in {region} for all indexes",
            "data-residency",
            "keeping every index and backup inside {region}",
        ),
        (
            "{certification} evidence for production",
            "compliance-evidence",
            "{certification} evidence for a self-hosted production deployment",
        ),
        (
            "Single-node k3s for a {users}-user pilot",
            "single-node-k3s",
            "a single-node k3s cluster instead of a supported Kubernetes distribution",
        ),
        (
            "{repos} repositories on one instance",
            "very-large-instance",
            "{repos} repositories on one instance, above the documented sizing",
        ),
    ),
}
OTHER_DESCRIPTIONS = (
    "Data must stay in {region}, including backups and logs",
    "Needs {certification} evidence that we have not produced before",
    "Runs on a Kubernetes distribution we do not test against",
    "Instance size above the documented limits ({repos} repositories)",
)

# --- body sentences, per section; {slots} are filled per document ----------------------------------

REVIEW_SENTENCES: dict[str, tuple[str, ...]] = {
    "Misalignment": (
        "Our reference architecture assumes a connected Kubernetes deployment; {short} cannot run one.",
        "The documented limit is {limit} for this setup, and {short} plans to go well past it.",
        "Their {team} team owns the deployment and has already ruled out the standard topology.",
        "Nothing in the current release blocks it outright, but nobody has run it at this scale.",
        "The gap was confirmed on a call with their architects on {early_date}.",
        "{short} indexes {repos} repositories from {codehost}, most of them monorepos over 5 GB.",
        "The requirement comes from their security office and is not negotiable for them.",
        "We have one other customer close to this setup, and they needed two patch releases to get there.",
        "The upgrade path from {version} is the part we have never tested end to end.",
        "Their change-management board only approves one maintenance window a month.",
        "Without a decision the account team cannot commit to the trial plan.",
    ),
    "Timeline": (
        "The account team learned of the date on {early_date} and raised this review as soon as the TDD was "
        "peer-reviewed.",
        "Their fiscal year ends in {golive_month}, and the project has to show results before then.",
        "Missing the date would push the trial into their change freeze, which lasts six weeks.",
        "{short} needs an answer by {deadline}, when their procurement committee meets.",
        "The trial is scheduled to start on {trial_date}; without a decision it slips by a quarter.",
        "Production go-live is planned for {golive_date}, tied to their fiscal year.",
        "Their budget for this project closes on {deadline}; after that the money goes elsewhere.",
        "Their renewal on {renewal_then} depends on this, so the date is firm.",
        "A decision by {deadline} leaves four weeks to prepare the environment.",
        "Their CTO presents the platform choice to the board on {golive_date}.",
        "If we need more time, the account team can ask for two weeks, but not more.",
    ),
    "Requirement origin": (),  # ORIGIN_NEW or ORIGIN_EXISTING, per review
    "Customer expectations": (
        "They want a named engineer on our side until the first upgrade is done.",
        "Their procurement team will ask for the commitment to be written into the order form.",
        "They expect the same response times as any other enterprise customer.",
        "{short} expects a supported, documented procedure and named contacts in Support.",
        "If we say no, they will keep {competitor}, and the {seats}-seat deal goes with it.",
        "They accept slower support response times as long as the process is written down.",
        "They expect us to confirm in writing that the setup is supported for the length of the contract.",
        "A no would not end the relationship, but it would stall the expansion for at least a year.",
        "The champion, {champion}, has told their leadership that we can support this.",
        "They are ready to run extra load tests in their environment and share the results.",
        "They would accept a phased rollout if the first phase starts on time.",
    ),
    "Asks": (
        "- **Product**: confirm that {topic} is a supported practice for the next two releases.",
        "- **Engineering**: review the procedure in section {section_number} of the TDD.",
        "- **Support**: agree on a support process that works within {short}'s constraints.",
        "- **Engineering**: estimate the effort to close the gap filed in the product gaps list.",
        "- **Product**: say whether the roadmap covers this within two quarters.",
        "- **Support**: name an escalation engineer for the first 90 days.",
    ),
}
REVIEW_LEADS = {
    "Misalignment": "{customer} needs {gap}, which sits outside what we document as best practice."
}
ORIGIN_NEW = (
    "This is a new requirement that surfaced after their reorganisation in {early_month}.",
    "The requirement is new; their security office issued the policy on {early_date}.",
    "Nothing in the first security questionnaire hinted at it, because the policy did not exist yet.",
    "We learned about it from their {team} team, who were not part of the first workshops.",
    "It comes with a new CISO, who reviews every vendor again this year.",
    "Their auditors raised it in {early_month}; the project cannot go ahead without it.",
    "The qualification checklist already asks about {topic}; the answer changed after qualification.",
)
ORIGIN_EXISTING = (
    "Existing requirement: it was mentioned in discovery, but technical qualification marked it "
    "as standard without checking the details.",
    "It existed from the start, but the champion only shared the full constraints during the TDD review.",
    "Technical qualification missed it because the questionnaire does not ask about {topic}.",
    "The discovery notes from {early_month} mention it in passing, without the numbers that matter.",
    "Their previous vendor supported it through professional services, so they assumed we would too.",
    "The qualification checklist has since been updated so the next account is asked up front.",
    "The account team raised it with the CE manager on {early_date}, before the TDD was written.",
)
ACCOUNT_SENTENCES: dict[str, tuple[str, ...]] = {
    "Summary": (
        "The relationship is run from {region}, with a second team in another time zone.",
        "Last quarter's objectives were mostly met; the open one carries over.",
        "{customer} is a tier {tier} {segment_words} account with {seats} licensed seats.",
        "Health is {health} this quarter: {health_reason}",
        "The account team is {ae} (AE) and {ce} (CE), revisiting the plan every quarter.",
        "The focus this quarter is the renewal on {renewal_date} and the open opportunities.",
        "{champion} remains our champion and meets the CE every other week.",
        "They bought the product in {early_month} to replace {competitor}.",
        "Leadership attention is high after the last business review.",
    ),
    "How they use the product": (
        "About {users} weekly active users search {repos} repositories across {codehost}.",
        "The {team} team uses batch changes for dependency upgrades across the fleet.",
        "Code insights dashboards track the retirement of their legacy services.",
        "The product runs self-hosted in {region}, upgraded twice a year.",
        "Their internal initiative is to cut the mean time to resolve incidents by {pct}%.",
        "New teams are onboarded through an internal guild that {champion} runs.",
        "Usage grew {pct}% since last quarter, mostly from the {team} team.",
    ),
    "Value realization": (
        "The value-realization exercise starts 90 days before the renewal on {renewal_date}.",
        "Their platform team estimates {hours} engineer-hours saved on the last migration.",
        "Incident resolution time went from {before_hours}h to {after_hours}h since the rollout.",
        "The economic buyer wants the numbers in the quarterly business review.",
        "Adoption is the main proof point: {adoption}% of licensed users are active every week.",
        "We still owe them a readout on the security remediation campaign.",
    ),
    "Risks and challenges": (
        "The economic buyer is new and has not yet seen the value numbers.",
        "Half of the licensed seats are still inactive after the last rollout.",
        "Budget pressure may reduce the seat count at renewal.",
        "The champion's team is being reorganised, and the new manager has not met us yet.",
        "The migration away from {codehost} may slip and delay the expansion.",
        "Support tickets about permission sync latency are rising.",
        "A competitor is offering a free pilot to their {team} team.",
        "Their upgrade cadence leaves them two versions behind, which hurts performance.",
    ),
    "Next steps": (
        "- {ae} books the quarterly business review with the economic buyer.",
        "- {ce} runs an enablement session for the {team} team.",
        "- {ce} follows up on the open product gaps with Product.",
        "- {ae} confirms the renewal timeline with procurement.",
        "- The account team reviews the expansion plan with {champion}.",
    ),
}
RED_SENTENCES = (
    "Health turned red on {red_since}: {red_reason}",
    "The AE and CE meet weekly until health is back to yellow or green.",
    "We asked leadership for an executive sponsor call and for a Support escalation engineer.",
    "The action plan is tracked in the front matter; each item has an owner and a date.",
)
RED_REASONS = (
    "the champion left the company",
    "usage dropped {pct}% after a failed upgrade",
    "two P1 incidents in a month eroded trust",
    "the new CIO is reviewing every developer tool",
    "the renewal budget was cut in half",
)
HEALTH_REASONS = {
    Health.GREEN: (
        "Weekly active users up {pct}% since last quarter and the champion is engaged.",
        "Adoption is broad and the last business review went well.",
        "The rollout to the {team} team finished on schedule.",
    ),
    Health.YELLOW: (
        "Usage is flat and the economic buyer has not joined a call this quarter.",
        "An upgrade is overdue and support tickets are rising.",
        "The champion changed roles; the new contact is still getting up to speed.",
    ),
    Health.RED: RED_REASONS,
}
MESSAGING = (
    "{short} is told they operate outside our normal guidelines: upgrades need a scheduled window and "
    "Support works from log bundles with longer response targets.",
    "{short} is told the setup is supported for this contract, with the limits written in the TDD, and "
    "that new features may reach them a release later.",
    "{short} is told we support it as an exception, reviewed again at renewal.",
)
RATIONALES = (
    "The effort to support {topic} outweighs the deal, and the risk to other customers is too high.",
    "Engineering cannot commit to the timeline without moving roadmap work; we offer the standard setup.",
    "Support cannot meet the response targets without remote access.",
)
WITHDRAWAL_REASONS = (
    "The customer chose the standard topology after the TDD review.",
    "The opportunity was lost to a competitor.",
    "Superseded by a broader review for the same customer.",
    "The customer postponed the project by a year.",
)
MEETING_OUTCOMES = (
    "Engineering confirmed the procedure works with the standard tooling; "
    "Support agreed on a log-bundle process.",
    "Product asked for load-test results before committing; the CE will share them within a week.",
    "The group agreed on a phased rollout with a checkpoint after the first month.",
    "Support will staff a named engineer for the first 90 days.",
)
ASKS = {
    "product": (
        "Confirm that {topic} is a supported practice for the next two releases",
        "Say whether the roadmap closes this gap within two quarters",
    ),
    "engineering": (
        "Review the procedure in section {section_number} of the TDD",
        "Estimate the effort to make this work at {repos} repositories",
    ),
    "support": (
        "Agree on a support process that works within the customer's constraints",
        "Name an escalation engineer for the first 90 days",
    ),
}
# Each gap is one CRM record: the same key, title and area wherever a document cites it.
GAPS = (
    ("GAP-2101", "Offline image bundles split under a configurable size", "deployment"),
    ("GAP-2102", "Incremental permission sync for very large projects", "permissions"),
    ("GAP-2103", "Batch changes throttling per code host", "batch-changes"),
    ("GAP-2104", "Localized support runbooks", "support"),
    ("GAP-2105", "Regional storage for search indexes", "search"),
    ("GAP-2106", "Explicit permissions API bulk endpoint", "permissions"),
)
GAP_TITLES = tuple(title for _, title, _ in GAPS)


def _gap(rng: random.Random, gap: tuple[str, str, str]) -> dict[str, str]:
    key, title, area = gap
    return {
        "key": key,
        "title": title,
        "area": area,
        "impact": rng.choice(("low", "medium", "high", "blocker")),
        "status": rng.choice(("open", "open", "planned", "in-progress", "shipped")),
        "url": f"https://feedback.example.com/gaps/{key.removeprefix('GAP-')}",
    }


FEEDBACK_THEMES = (
    "Permission sync latency",
    "Batch changes at fleet scale",
    "Upgrade effort for self-hosted instances",
    "Search ranking for monorepos",
    "Admin tooling for large instances",
)
USE_CASES = (
    "Code search for incident response",
    "Batch changes for dependency upgrades",
    "Code insights for migration tracking",
    "Onboarding new engineers to large codebases",
    "Security remediation campaigns",
)
INITIATIVES = (
    "Consolidate code hosts by the end of next year",
    "Cut mean time to resolve P1 incidents",
    "Move every service to the new platform",
    "Developer productivity programme for {users} engineers",
)
OBJECTIVES = (
    "Close the renewal before the procurement cut-off",
    "Run the value-realization readout with the economic buyer",
    "Qualify the expansion and identify its champion",
    "Get the upgrade to the current release done",
    "Bring health back to green",
)


# --- plain data: the cast, accounts and reviews ----------------------------------------------------


@dataclass
class Cast:
    ces: list[str]
    tas: list[str]
    aes: list[str]
    reviewers: list[str]  # Product, Engineering and Support people who attend meetings
    ce_vp: str
    vp_engineering: str
    sales_vp: str


@dataclass
class Account:
    id: str
    name: str
    short: str
    tier: int
    segment: Segment
    health: Health
    ae: str
    ce: str
    ta: str | None
    champion: str
    renewal: dt.date
    reviews: list[Review] = field(default_factory=list)


@dataclass
class Review:
    number: int
    account: Account
    status: ReviewStatus
    moment: Moment
    triggers: list[Trigger]
    story: tuple[str, str, str]
    opened: dt.date
    needed_by: dt.date
    decided_on: dt.date | None
    slots: dict[str, str]

    @property
    def id(self) -> str:
        return f"TR-{self.number:04d}"

    @property
    def file_name(self) -> str:
        return f"tr-{self.number:04d}-{_slug(self.account.short)}-{self.story[1]}.md"


# --- helpers -----------------------------------------------------------------------------------------


def allot(rng: random.Random, count: int, shares: dict[T, float]) -> list[T]:
    """`count` values in these proportions (largest remainder), each present when count allows; shuffled."""
    total = sum(shares.values())
    exact = {value: count * share / total for value, share in shares.items()}
    counts = {value: int(amount) for value, amount in exact.items()}
    if count >= len(shares):
        for value in counts:
            counts[value] = max(counts[value], 1)
    by_remainder = sorted(exact, key=lambda value: exact[value] - int(exact[value]), reverse=True)
    while sum(counts.values()) < count:
        for value in by_remainder:
            if sum(counts.values()) < count:
                counts[value] += 1
    while sum(counts.values()) > count:
        largest = max(counts, key=lambda value: counts[value])
        counts[largest] -= 1
    values = [value for value, times in counts.items() for _ in range(times)]
    rng.shuffle(values)
    return values


def _slug(text: str) -> str:
    return "-".join(re.findall(r"[a-z0-9]+", text.lower()))


def _pick(rng: random.Random, weighted: Sequence[tuple[T, float]]) -> T:
    return rng.choices([value for value, _ in weighted], [weight for _, weight in weighted])[0]


def _day(base: dt.date, days: int) -> dt.date:
    return base + dt.timedelta(days=days)


def _handles(rng: random.Random, count: int) -> list[str]:
    """Unique GitHub handles like 'amelia-hart'; a number is added once the name pairs run out."""
    pairs = [f"{first}-{last}" for first in FIRST_NAMES for last in LAST_NAMES]
    rng.shuffle(pairs)
    return [pairs[i % len(pairs)] + (f"{i // len(pairs)}" if i >= len(pairs) else "") for i in range(count)]


def _person_name(rng: random.Random) -> tuple[str, str]:
    return rng.choice(FIRST_NAMES).title(), rng.choice(LAST_NAMES).title()


# --- stage 1: people, accounts and reviews as plain data --------------------------------------------


def make_cast(rng: random.Random, reviews: int, accounts: int) -> Cast:
    ces = max(3, math.ceil(accounts / 6), math.ceil(reviews / 60))
    tas = max(2, math.ceil(ces * 2 / 3))
    aes = max(3, math.ceil(accounts / 5))
    reviewers = max(6, math.ceil(reviews / 150))
    handles = _handles(rng, ces + tas + aes + reviewers + 3)
    cut = [ces, ces + tas, ces + tas + aes, ces + tas + aes + reviewers]
    leaders = handles[cut[3] :]
    return Cast(
        handles[: cut[0]],
        handles[cut[0] : cut[1]],
        handles[cut[1] : cut[2]],
        handles[cut[2] : cut[3]],
        leaders[0],
        leaders[1],
        leaders[2],
    )


def _company_names(rng: random.Random, count: int) -> list[tuple[str, str]]:
    """Unique (name, short name) pairs; regions, then numbers, once the word pairs run out."""
    pairs = [(word, industry) for word in COMPANY_WORDS for industry in INDUSTRIES]
    rng.shuffle(pairs)
    names: list[tuple[str, str]] = []
    for index in range(count):
        word, industry = pairs[index % len(pairs)]
        round_ = index // len(pairs)
        name = f"{word} {industry}"
        if round_:
            region = REGIONS[(round_ - 1) % len(REGIONS)]
            extra = (round_ - 1) // len(REGIONS)
            name += f" {region}" + (f" {extra + 1}" if extra else "")
        names.append((name, word))
    return names


def make_accounts(rng: random.Random, count: int, cast: Cast, today: dt.date) -> list[Account]:
    tiers = allot(rng, count, TIER_SHARE)
    healths = allot(rng, count, HEALTH_SHARE)
    accounts = []
    for (name, short), tier, health in zip(_company_names(rng, count), tiers, healths, strict=True):
        ae = rng.choice(cast.aes)
        ce = rng.choice(cast.ces)
        with_ta = tier < 3 or rng.random() < 0.6
        first, last = _person_name(rng)
        accounts.append(
            Account(
                id=_slug(name),
                name=name,
                short=short,
                tier=tier,
                segment=_pick(rng, SEGMENTS_BY_TIER[tier]),
                health=health,
                ae=ae,
                ce=ce,
                ta=rng.choice(cast.tas) if with_ta else None,
                champion=f"{first} {last}",
                renewal=_day(today, rng.randint(20, 400)),
            )
        )
    return accounts


def make_reviews(rng: random.Random, count: int, accounts: list[Account], today: dt.date) -> list[Review]:
    if not count:
        return []
    # Larger accounts raise more reviews; a few accounts raise many.
    weights = [(4 - a.tier) * rng.lognormvariate(0, 0.8) for a in accounts]
    customers = rng.choices(accounts, weights, k=count)
    statuses = allot(rng, count, STATUS_SHARE)
    firsts = allot(rng, count, TRIGGER_SHARE)
    planned = [
        _plan_review(rng, customer, status, first, today)
        for customer, status, first in zip(customers, statuses, firsts, strict=True)
    ]
    # Numbered in the order they were opened, as in a real repository.
    planned.sort(key=lambda review: review.opened)
    for number, review in enumerate(planned, start=1):
        review.number = number
        review.account.reviews.append(review)
    return planned


def _plan_review(
    rng: random.Random, account: Account, status: ReviewStatus, first: Trigger, today: dt.date
) -> Review:
    roll = rng.random()
    if account.ta and roll < 0.3:
        moment = Moment.POST_SALES
    else:
        # The second review of a non-standard deal, before production, is rarer than the pre-trial one.
        moment = Moment.PRE_PRODUCTION if roll > 0.8 else Moment.PRE_SALES
    triggers = [first]
    if rng.random() < 0.2:
        second = rng.choice([t for t in Trigger if t is not first])
        triggers.append(second)
    story = rng.choice(TRIGGER_STORIES[first])
    decided_on: dt.date | None = None
    if status in (ReviewStatus.APPROVED, ReviewStatus.DENIED):
        opened = _day(today, -rng.randint(20, HISTORY_DAYS))
        needed_by = _day(opened, rng.randint(7, 30))
        decided_on = min(_day(opened, rng.randint(3, 28)), today)
    elif status is ReviewStatus.IN_REVIEW:
        overdue = rng.random() < 0.35
        opened = _day(today, -rng.randint(35, 90) if overdue else -rng.randint(0, 20))
        needed_by = _day(today, -rng.randint(1, 25) if overdue else rng.randint(3, 30))
    elif status is ReviewStatus.DRAFT:
        opened = _day(today, -rng.randint(0, 30))
        needed_by = _day(opened, rng.randint(10, 40))
    else:
        opened = _day(today, -rng.randint(10, HISTORY_DAYS))
        needed_by = _day(opened, rng.randint(7, 30))
        decided_on = min(_day(opened, rng.randint(1, 40)), today)  # the withdrawal date
    return Review(0, account, status, moment, triggers, story, opened, needed_by, decided_on, {})


# --- stage 2: front matter as plain data -------------------------------------------------------------


def _slots(rng: random.Random, account: Account, when: dt.date) -> dict[str, str]:
    """The values a document's sentences are filled with; their dates are around `when` it was written."""
    version = (rng.randint(4, 6), rng.randint(0, 9))
    before = rng.randint(3, 9)
    return {
        "customer": account.name,
        "short": account.short,
        "region": rng.choice(REGIONS),
        "version": f"{version[0]}.{version[1]}",
        "version_next": f"{version[0] + 1}.{rng.randint(0, 5)}",
        "hops": str(rng.randint(3, 9)),
        "gateway_gb": str(rng.choice((1, 2, 4))),
        "repos": f"{rng.randint(2, 90) * 1000:,}",
        "users": f"{rng.randint(3, 120) * 100:,}",
        "seats": f"{rng.randint(2, 80) * 50:,}",
        "language": rng.choice(LANGUAGES),
        "certification": rng.choice(CERTIFICATIONS),
        "codehost": rng.choice(CODE_HOSTS),
        "competitor": rng.choice(COMPETITORS),
        "team": rng.choice(TEAMS),
        "limit": rng.choice(("one instance per region", "50,000 repositories", "a single replica")),
        "pct": str(rng.randint(8, 45)),
        "adoption": str(rng.randint(55, 92)),
        "hours": f"{rng.randint(4, 40) * 100:,}",
        "before_hours": str(before),
        "after_hours": str(max(1, before - rng.randint(1, 3))),
        "section_number": f"{rng.randint(2, 6)}.{rng.randint(1, 4)}",
        "early_date": _day(when, -rng.randint(20, 200)).isoformat(),
        "early_month": _day(when, -rng.randint(20, 200)).strftime("%B %Y"),
        "trial_date": _day(when, rng.randint(20, 60)).isoformat(),
        "golive_date": _day(when, rng.randint(60, 200)).isoformat(),
        "renewal_then": _day(when, rng.randint(60, 300)).isoformat(),
        "golive_month": _day(when, rng.randint(60, 200)).strftime("%B"),
        "renewal_date": account.renewal.isoformat(),
        "champion": account.champion,
        "ae": account.ae,
        "ce": account.ce,
        "tier": str(account.tier),
        "segment_words": account.segment.value.replace("-", " "),
    }


def review_front_matter(rng: random.Random, review: Review, cast: Cast, today: dt.date) -> Data:
    account, slots = review.account, review.slots
    slots["deadline"] = review.needed_by.isoformat()
    slots["gap"] = review.story[2].format(**slots)
    slots["topic"] = slots["gap"]
    author = account.ta if review.moment is Moment.POST_SALES and account.ta else account.ce
    submitted = review.status is not ReviewStatus.DRAFT
    data: Data = {
        "id": review.id,
        "title": review.story[0].format(**slots),
        "customer": account.id,
        "moment": review.moment.value,
        "triggers": [t.value for t in review.triggers],
    }
    if Trigger.OTHER in review.triggers:
        main_other = review.triggers[0] is Trigger.OTHER
        description = slots["gap"] if main_other else rng.choice(OTHER_DESCRIPTIONS).format(**slots)
        data["trigger_description"] = description[0].upper() + description[1:]
    data["author"] = author
    data["account_team"] = {"ae": account.ae, "ce": account.ce} | ({"ta": account.ta} if account.ta else {})
    if submitted or rng.random() < 0.5:
        data["peer_reviewer"] = rng.choice([c for c in cast.ces if c != author] or cast.tas)
    data["opened"] = review.opened
    data["decision_needed_by"] = review.needed_by
    data["status"] = review.status.value
    links = _review_links(rng, review, submitted)
    if links:
        data["links"] = links
    data["asks"] = {
        team: [ask.format(**slots) for ask in rng.sample(ASKS[team], rng.randint(1, 2))]
        for team in rng.sample(list(ASKS), rng.randint(1, 3))
    }
    if rng.random() < 0.4:
        data["product_gaps"] = [_gap(rng, gap) for gap in rng.sample(GAPS, rng.randint(1, 2))]
    earlier = [r.id for r in account.reviews if r.number < review.number]
    if earlier and rng.random() < 0.4:
        data["related_reviews"] = rng.sample(earlier, min(len(earlier), rng.randint(1, 2)))
    meetings = _meetings(rng, review, cast, author, today)
    if meetings:
        data["meetings"] = meetings
    decision = _decision(rng, review, cast)
    if decision:
        data["decision"] = decision
    if review.status is ReviewStatus.WITHDRAWN and review.decided_on:
        data["withdrawal"] = {"date": review.decided_on, "reason": rng.choice(WITHDRAWAL_REASONS)}
    return data


def _review_links(rng: random.Random, review: Review, submitted: bool) -> Data:
    key = review.id.lower()
    links: Data = {}
    if submitted or rng.random() < 0.6:
        links["tdd"] = f"https://docs.example.com/tdd/{review.account.id}"
    if submitted or rng.random() < 0.3:
        links["video"] = f"https://video.example.com/v/{key}-overview"
    if review.moment is Moment.PRE_SALES:
        links["crm_opportunity"] = f"https://crm.example.com/opportunities/OPP-{rng.randint(100000, 999999)}"
    if rng.random() < 0.8:
        links["chat_thread"] = f"https://chat.example.com/archives/C0{key.upper().replace('-', '')}"
    return links


def _meetings(rng: random.Random, review: Review, cast: Cast, author: str, today: dt.date) -> list[Data]:
    if review.status is ReviewStatus.DRAFT or rng.random() < 0.55:
        return []
    last = review.decided_on or today
    span = max((last - review.opened).days, 0)
    requester = rng.choice(cast.reviewers)
    attendees = [requester, *rng.sample(cast.reviewers, min(2, len(cast.reviewers))), author]
    return [
        {
            "date": _day(review.opened, rng.randint(0, span)),
            "requested_by": requester,
            "attendees": list(dict.fromkeys(attendees)),
            "outcome": rng.choice(MEETING_OUTCOMES),
        }
    ]


def _decision(rng: random.Random, review: Review, cast: Cast) -> Data | None:
    if review.status not in (ReviewStatus.APPROVED, ReviewStatus.DENIED) or review.decided_on is None:
        return None
    if review.status is ReviewStatus.APPROVED:
        return {
            "outcome": Outcome.YES.value,
            "recommended_by": cast.ce_vp,
            "decided_on": review.decided_on,
            "customer_messaging": rng.choice(MESSAGING).format(**review.slots),
        }
    return {
        "outcome": Outcome.NO.value,
        "recommended_by": cast.ce_vp,
        "decided_on": review.decided_on,
        "deciders": {"ce_vp": cast.ce_vp, "vp_engineering": cast.vp_engineering, "sales_vp": cast.sales_vp},
        "rationale": rng.choice(RATIONALES).format(**review.slots),
    }


def account_front_matter(
    rng: random.Random,
    account: Account,
    slots: dict[str, str],
    today: dt.date,
    peers: Sequence[str],
    calendar: Calendar,
) -> Data:
    stale = rng.random() < 0.15  # some plans are a fiscal quarter behind
    start = calendar.quarter_start(today)
    revisited = (
        _day(start, -rng.randint(1, 80))
        if stale
        else _day(start, rng.randint(0, max((today - start).days, 0)))
    )
    said = rng.choice(HEALTH_REASONS[account.health]).format(**slots).rstrip(".")
    reason = said[0].upper() + said[1:] + "."
    slots["health"] = account.health.value
    slots["health_reason"] = said[0].lower() + said[1:] + "."
    data: Data = {
        "id": account.id,
        "name": account.name,
        "tier": account.tier,
        "segment": account.segment.value,
        "quarter": calendar.quarter_label(min(revisited, today)),
        "ae": account.ae,
        "ce": account.ce,
    }
    if account.ta:
        data["ta"] = account.ta
    data["last_revisited"] = min(revisited, today)
    data["renewal_date"] = account.renewal
    health: Data = {"status": account.health.value, "reason": reason}
    if rng.random() < 0.7:
        score = {Health.GREEN: (70, 98), Health.YELLOW: (45, 69), Health.RED: (5, 44)}[account.health]
        health["score"] = rng.randint(*score)
    data["health"] = health
    if account.health is Health.RED:
        since = _day(today, -rng.randint(5, 120))
        slots["red_since"] = since.isoformat()
        slots["red_reason"] = slots["health_reason"]
        data["red_account"] = {
            "since": since,
            "current_status": f"Weekly calls with {account.champion}'s manager since {slots['red_reason']}",
            "asks": ["An executive sponsor call with our CRO", "A named Support escalation engineer"][
                : rng.randint(1, 2)
            ],
            "action_plan": _action_items(rng, account, today, 2, 4),
        }
    data["contacts"] = _contacts(rng, account)
    data["use_cases"] = rng.sample(USE_CASES, rng.randint(1, 3))
    data["product_usage"] = (
        f"Self-hosted in {slots['region']}, about {slots['users']} weekly active users indexing "
        f"{slots['repos']} repositories from {slots['codehost']}."
    )
    data["initiatives"] = [i.format(**slots) for i in rng.sample(INITIATIVES, rng.randint(1, 2))]
    data["value_perception"] = (
        f"The {slots['team']} team credits the product with {slots['hours']} hours saved."
    )
    data["expansion"] = [f"{region} subsidiary evaluating the product" for region in rng.sample(REGIONS, 1)]
    data["risks"] = ["Renewal coincides with a budget freeze", f"Migration off {slots['codehost']} may slip"][
        : rng.randint(1, 2)
    ]
    data["feedback_themes"] = [
        {
            "theme": theme,
            "gaps": [_gap(rng, rng.choice(GAPS))],
        }
        for theme in rng.sample(FEEDBACK_THEMES, rng.randint(0, 2))
    ]
    data["objectives"] = rng.sample(OBJECTIVES, rng.randint(2, 3))
    data["next_steps"] = _action_items(rng, account, today, 1, 3)
    opportunities = _opportunities(rng, account, today, peers)
    if opportunities:
        data["opportunities"] = opportunities
    return data


def _contacts(rng: random.Random, account: Account) -> list[Data]:
    domain = f"{_slug(account.short)}.example"
    roles = [ContactRole.CHAMPION, ContactRole.ECONOMIC_BUYER]
    roles += rng.sample([ContactRole.TECH_ADVOCATE, ContactRole.ADMIN, ContactRole.OTHER], rng.randint(0, 3))
    titles = {
        ContactRole.CHAMPION: "Director, Developer Platform",
        ContactRole.ECONOMIC_BUYER: "Chief Technology Officer",
        ContactRole.TECH_ADVOCATE: "Staff Engineer",
        ContactRole.ADMIN: "Platform SRE",
        ContactRole.OTHER: "Procurement Lead",
    }
    contacts = []
    for role in roles:
        first, last = account.champion.split(" ") if role is ContactRole.CHAMPION else _person_name(rng)
        contacts.append(
            {
                "name": f"{first} {last}",
                "role": role.value,
                "title": titles[role],
                "email": f"{first.lower()}.{last.lower()}@{domain}",
            }
        )
    return contacts


def _action_items(rng: random.Random, account: Account, today: dt.date, least: int, most: int) -> list[Data]:
    owners = [account.ae, account.ce] + ([account.ta] if account.ta else [])
    actions = (
        "Book the quarterly business review with the economic buyer",
        "Run an enablement session for the platform team",
        "Follow up on the open product gaps with Product",
        "Confirm the renewal timeline with procurement",
        "Schedule the executive sponsor call",
        "Share the value-realization readout",
    )
    items = []
    for action in rng.sample(actions, rng.randint(least, most)):
        item: Data = {"action": action, "owner": rng.choice(owners), "due": _day(today, rng.randint(-10, 45))}
        if rng.random() < 0.25:
            item["done"] = True
        items.append(item)
    return items


def _opportunities(rng: random.Random, account: Account, today: dt.date, peers: Sequence[str]) -> list[Data]:
    count = rng.choices(
        (0, 1, 2, 3), (0.25, 0.4, 0.25, 0.1) if account.tier == 1 else (0.4, 0.4, 0.15, 0.05)
    )[0]
    approved = [
        r.id for r in account.reviews if r.status is ReviewStatus.APPROVED and r.moment is Moment.PRE_SALES
    ]
    production = [
        r.id
        for r in account.reviews
        if r.status is ReviewStatus.APPROVED and r.moment is Moment.PRE_PRODUCTION
    ]
    any_review = [r.id for r in account.reviews if r.moment is Moment.PRE_SALES]
    opportunities = []
    for number, (key, label) in enumerate(rng.sample(OPPORTUNITY_KINDS, count)):
        phase = _pick(rng, list(PHASE_WEIGHTS.items()))
        if number == 0 and approved and production and rng.random() < 0.7:
            phase = TechWinPhase.POST_TRIAL  # both reviews approved: the deal is usually that far along
        stages = PHASE_STAGES[phase]
        seats = rng.randint(2, 40) * 50
        stage = rng.randint(stages.start, stages.stop - 1)
        # About one deal in eight has slipped past its close date and is still open.
        close = _day(
            today, -rng.randint(1, 40) if stage <= 4 and rng.random() < 0.12 else rng.randint(10, 240)
        )
        item: Data = {
            "id": f"{account.id}-{key}",
            "name": f"{account.short} — " + label.format(seats=seats, years=rng.randint(1, 3)),
            "ce": account.ce,
            "ae": account.ae,
            "sales_stage": stage,
            "close_date": close,
            "tech_win_phase": phase.value,
            "tech_win_due": _day(today, rng.randint(-20, 90)),
            "next_step": rng.choice(
                (
                    "Confirm the top use cases with the champion",
                    "Deliver the trial readout",
                    "Kickoff meeting",
                )
            ),
            "next_step_since": _day(today, -rng.randint(0, 45)),
            "joint_success_plan": f"https://docs.example.com/jsp/{account.id}-{key}",
            "tdd": f"https://docs.example.com/tdd/{account.id}",
            "arr": {"amount": seats * rng.choice((240, 300, 360, 420)), "currency": rng.choice(CURRENCIES)},
            "seats": seats,
        }
        won = False
        if phase in (TechWinPhase.TRIAL_EXECUTION, TechWinPhase.POST_TRIAL):
            won = phase is TechWinPhase.POST_TRIAL or rng.random() < 0.4
            item["technical_win"] = won
        item["weekly_checkin"] = rng.random() < 0.6
        # The gate: past Tech Design & Trial Planning, non-standard needs an approved review, and in
        # Post-Trial an approved pre-production review on top of it.
        pool = approved if phase in PAST_TECH_DESIGN else any_review
        if phase is TechWinPhase.POST_TRIAL and not production:
            pool = []
        # Post-Trial deals that could have both reviews mostly do: the second review is rare otherwise.
        if pool and rng.random() < (0.8 if phase is TechWinPhase.POST_TRIAL else 0.5):
            item["non_standard"] = True
            item["tech_review"] = rng.choice(pool)
            if phase is TechWinPhase.POST_TRIAL:
                item["production_review"] = rng.choice(production)
            if rng.random() < 0.25:
                item["key_prospect"] = True
        elif phase not in PAST_TECH_DESIGN and rng.random() < 0.15:
            item["non_standard"] = True
        elif phase not in PAST_TECH_DESIGN and rng.random() < 0.2:
            item["key_prospect"] = True
        gates = _gate_answers(
            rng, phase, stage, won, bool(item.get("non_standard") or item.get("key_prospect"))
        )
        item["gates"] = gates
        completed = gates.get("tech_design_trial_planning", {}).get("tdd_completed") == "yes"
        if completed and (account.tier == 1 or item.get("non_standard")):
            item["tdd_peer_reviewer"] = rng.choice([p for p in peers if p != account.ce])
        opportunities.append(item)
    return opportunities


CURRENCIES = ("USD", "USD", "USD", "EUR", "GBP")


def _gate_answers(rng: random.Random, phase: TechWinPhase, stage: int, won: bool, needs_review: bool) -> Data:
    """Every gate of the phases passed answered yes; the current phase's own gate partly done."""
    current = PHASE_ORDER.index(phase)
    answers: Data = {}
    for gate_phase, gate, _ in GATES:
        if gate == "tech_review_approved" and not needs_review:
            continue
        index = PHASE_ORDER.index(gate_phase)
        if index < current or stage == LAST_SALES_STAGE:
            answer = "yes"
        elif index == current:
            answer = "yes" if rng.random() < 0.5 else "no"
        else:
            continue
        if gate == "technical_win_confirmed":
            answer = "yes" if won else "no"
        if gate == "tech_review_approved" and index == current:
            answer = "no"  # not approved yet while the phase is still Tech Design
        answers.setdefault(phase_key(gate_phase), {})[gate] = answer
    return answers


# --- stage 3: text ------------------------------------------------------------------------------------

# Text that YAML reads back unchanged when written plain: starts with a letter, no ': ' or ' #',
# and no '&' or '*' (which would send the loader down its slower anchor screen).
_PLAIN = re.compile(r"[A-Za-z][A-Za-z0-9 ,.'()/+%?=;:@_—-]*|[0-9]{4}-Q[1-4]")
_YAML_WORDS = frozenset(["y", "n", "yes", "no", "on", "off", "true", "false", "null"])


def _scalar(value: Any) -> str:
    """A YAML scalar the strict loader reads back as the same text."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | dt.date):
        return str(value)
    text = str(value)
    if (
        _PLAIN.fullmatch(text)
        and ": " not in text
        and not text.endswith((" ", ":"))
        and text.lower() not in _YAML_WORDS
    ):
        return text
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a YAML double-quoted scalar


def emit(data: Data, indent: str = "") -> list[str]:
    """Block-style YAML lines for plain data (mappings, lists, scalars)."""
    lines: list[str] = []
    for key, value in data.items():
        if isinstance(value, dict):
            lines.append(f"{indent}{key}:" if value else f"{indent}{key}: {{}}")
            lines += emit(value, indent + "  ")
        elif isinstance(value, list):
            lines.append(f"{indent}{key}:" if value else f"{indent}{key}: []")
            for item in value:
                if isinstance(item, dict):
                    inner = emit(item, indent + "    ")
                    lines.append(f"{indent}  - {inner[0].lstrip()}")
                    lines += inner[1:]
                else:
                    lines.append(f"{indent}  - {_scalar(item)}")
        else:
            lines.append(f"{indent}{key}: {_scalar(value)}")
    return lines


def body(
    rng: random.Random,
    sections: dict[str, tuple[str, ...]],
    slots: dict[str, str],
    leads: dict[str, str] | None = None,
) -> str:
    """Each section: its lead sentence, if any, then sentences drawn from its pool, in one to three
    paragraphs (lists stay lists)."""
    parts = []
    for heading, pool in sections.items():
        parts.append(f"## {heading}\n")
        least = min(3 if pool[0].startswith("- ") else 5, len(pool))
        lead = [leads[heading].format(**slots)] if leads and heading in leads else []
        chosen = lead + [s.format(**slots) for s in rng.sample(pool, rng.randint(least, len(pool)))]
        if pool[0].startswith("- "):
            parts.append("\n".join(chosen) + "\n")
            continue
        breaks = sorted(rng.sample(range(1, len(chosen)), min(len(chosen) - 1, rng.randint(0, 2))))
        for start, end in zip([0, *breaks], [*breaks, len(chosen)], strict=True):
            parts.append(" ".join(chosen[start:end]) + "\n")
    return "\n".join(parts)


def review_record(front: Data) -> str:
    """Meetings held and the decision, in prose: the review is where the result is recorded."""
    parts = []
    for meeting in front.get("meetings", []):
        parts.append(
            f"\n## Meeting on {meeting['date']}\n\nRequested by @{meeting['requested_by']}, with "
            + ", ".join(f"@{a}" for a in meeting["attendees"])
            + f". {meeting['outcome']}\n"
        )
    decision = front.get("decision")
    if decision and decision["outcome"] == Outcome.YES.value:
        parts.append(
            f"\n## Decision\n\nApproved on {decision['decided_on']} on the recommendation of "
            f"@{decision['recommended_by']}. {decision['customer_messaging']}\n"
        )
    elif decision:
        deciders = ", ".join(f"@{handle}" for handle in decision["deciders"].values())
        parts.append(
            f"\n## Decision\n\nDenied on {decision['decided_on']} by {deciders}. {decision['rationale']}\n"
        )
    return "".join(parts)


def account_record(front: Data) -> str:
    """The quarter's objectives and the opportunities, as the account team walks through them."""
    parts = ["\n## Objectives this quarter\n\n" + "\n".join(f"- {o}" for o in front["objectives"]) + "\n"]
    opportunities = front.get("opportunities", [])
    if opportunities:
        parts.append(
            "\n## Opportunities\n\n| opportunity | stage | technical win phase | closes |\n"
            "| --- | --- | --- | --- |\n"
        )
        parts += [
            f"| {o['name']} | {o['sales_stage']} | {o['tech_win_phase']} | {o['close_date']} |\n"
            for o in opportunities
        ]
    return "".join(parts)


def document(front: Data, text: str) -> str:
    return "---\n" + "\n".join(emit(front)) + "\n---\n\n" + text


# --- the pipeline and the command ----------------------------------------------------------------------


@dataclass
class DemoRepository:
    """The generated files: relative path -> text."""

    files: dict[str, str]
    reviews: int
    accounts: int


def generate(
    reviews: int, accounts: int, seed: int, today: dt.date, config: HandbookConfig | None = None
) -> DemoRepository:
    """The files of a made-up handbook; with `config` (a handbook.yml), under that process, which is
    written too; without it, a handbook.yml of the demo's own (holidays, QBRs, exchange rates)."""
    if reviews and not accounts:
        raise ValueError("every review belongs to an account: ask for at least one account")
    rng = random.Random(seed)
    config = config or demo_config(today)
    calendar = config.calendar
    cast = make_cast(rng, reviews, accounts)
    planned_accounts = make_accounts(rng, accounts, cast, today)
    planned_reviews = make_reviews(rng, reviews, planned_accounts, today)
    files: dict[str, str] = {CONFIG_FILE: config_text(config)}
    fronts: list[tuple[Review, Data]] = []
    for review in planned_reviews:
        review.slots = _slots(rng, review.account, review.opened)
        front = review_front_matter(rng, review, cast, today)
        fronts.append((review, front))
        origin = ORIGIN_NEW if rng.random() < 0.45 else ORIGIN_EXISTING
        sections = REVIEW_SENTENCES | {"Requirement origin": origin}
        text = body(rng, sections, review.slots, REVIEW_LEADS) + review_record(front)
        files[f"reviews/{review.file_name}"] = document(front, text)
    for account in planned_accounts:
        slots = _slots(rng, account, today)
        front = account_front_matter(rng, account, slots, today, cast.ces, calendar)
        sections = dict(ACCOUNT_SENTENCES)
        if account.health is Health.RED:
            sections = {"Summary": ACCOUNT_SENTENCES["Summary"], "Red account": RED_SENTENCES} | sections
        files[f"accounts/{account.id}.md"] = document(
            front, body(rng, sections, slots) + account_record(front)
        )
    if fronts:
        # Its own random stream: the documents of a seed stay the same with or without a ledger.
        files[LEDGER_FILE] = demo_ledger(random.Random(seed * 7919 + 1), fronts, cast, today)
    return DemoRepository(files, reviews, accounts)


# --- the sign-off ledger ------------------------------------------------------------------------------

LEDGER_FILE = "build/ledger.json"  # where `handbook build` looks for it by default
_REPOSITORY = "handbook-org/handbook"
_APPROVAL_ROLES = ("product", "engineering", "support", "ce-vp")


def _teams(cast: Cast) -> dict[str, list[str]]:
    """Who can fill each sign-off role: the reviewers split into Product, Engineering and Support."""
    return {
        "product": cast.reviewers[0::3],
        "engineering": cast.reviewers[1::3],
        "support": cast.reviewers[2::3],
        "ce-vp": [cast.ce_vp],
        "vp-engineering": [cast.vp_engineering],
        "sales-vp": [cast.sales_vp],
    }


def demo_ledger(rng: random.Random, reviews: list[tuple[Review, Data]], cast: Cast, today: dt.date) -> str:
    """A ledger as `handbook signoff collect` writes it: a merge with its sign-offs for every decided
    review (one merged by an administrator without Support), and an open pull request for every review
    in review, waiting on the roles not yet given."""
    from generator.signoff.ledger import Ledger, MergedChange, OpenPullRequest, SignOff, Waiting

    teams = _teams(cast)
    documents: dict[str, list[MergedChange]] = {}
    pulls: list[OpenPullRequest] = []
    bypassed = False

    def url(n: int) -> str:
        return f"https://github.com/{_REPOSITORY}/pull/{n}"

    for number, (review, front) in enumerate(reviews, start=1):
        path = f"reviews/{review.file_name}"
        author = str(front["author"])
        if review.status in (ReviewStatus.APPROVED, ReviewStatus.DENIED) and review.decided_on:
            required = list(_APPROVAL_ROLES if review.status is ReviewStatus.APPROVED else
                            ("ce-vp", "vp-engineering", "sales-vp"))  # fmt: skip
            merged = dt.datetime.combine(review.decided_on, dt.time(16), dt.UTC)
            missing = []
            if not bypassed and "support" in required:
                missing, bypassed = ["support"], True
            signoffs = [
                SignOff(
                    role=role, login=rng.choice(teams[role]), approved_at=merged - dt.timedelta(hours=i + 1)
                )
                for i, role in enumerate(required)
                if role not in missing
            ]
            documents[path] = [
                MergedChange(
                    pull_request=number, title=f"{review.id}: {review.status.value}", url=url(number),
                    author=author, merged_at=merged, required=required, signoffs=signoffs, missing=missing,
                )
            ]  # fmt: skip
        elif review.status is ReviewStatus.IN_REVIEW:
            opened = min(review.opened + dt.timedelta(days=rng.randint(0, 3)), today)
            given = set(rng.sample(_APPROVAL_ROLES[:3], rng.randint(0, 2)))
            waiting = [
                Waiting(role=role, people=sorted(teams[role]))
                for role in _APPROVAL_ROLES
                if role not in given
            ]
            pulls.append(
                OpenPullRequest(
                    pull_request=number, title=f"{review.id}: decision", url=url(number), author=author,
                    opened_at=dt.datetime.combine(opened, dt.time(9), dt.UTC),
                    head_sha=f"{number:040x}", documents=[path], waiting=waiting,
                )
            )  # fmt: skip
    generated = dt.datetime.combine(today, dt.time(6), dt.UTC)
    ledger = Ledger(
        repository=_REPOSITORY,
        generated_at=generated,
        documents=documents,
        seen_pull_requests=sorted(c.pull_request for changes in documents.values() for c in changes),
        open_pull_requests=pulls,
    )
    return json.dumps(ledger.model_dump(mode="json"), indent=1) + "\n"


def demo_config(today: dt.date) -> HandbookConfig:
    """The demo's own process: fiscal years from February, year-end holidays, a QBR every quarter."""
    years = range(today.year - 2, today.year + 2)
    named = ((1, 1, "New Year's Day"), (12, 24, "Christmas Eve"), (12, 25, "Christmas Day"))
    days = [(dt.date(year, month, day), name) for year in years for month, day, name in named]
    holidays = [{"date": day, "name": name} for day, name in days]
    calendar = Calendar.of(fiscal_year_start_month=2, holidays=[day for day, _ in days])
    qbr: dict[str, dt.date] = {}
    start = calendar.quarter_start(_day(today, -HISTORY_DAYS))
    while start < _day(today, 365):
        month_start = _first_of_last_month(calendar, start)
        fortnight = (month_start + dt.timedelta(days=offset) for offset in range(14))
        thursdays = [day for day in fortnight if day.weekday() == 3]
        qbr[calendar.quarter_label(start)] = thursdays[1]  # the second Thursday of the quarter's last month
        start = calendar.next_quarter_start(start)
    return HandbookConfig.model_validate(
        {
            "fiscal_year_start_month": 2,
            "holidays": holidays,
            "internal_qbr": qbr,
            "exchange_rates": {"EUR": 1.08, "GBP": 1.27},
        }
    )


def _first_of_last_month(calendar: Calendar, quarter_start: dt.date) -> dt.date:
    end = calendar.quarter_end(quarter_start)
    return dt.date(end.year, end.month, 1)


def config_text(config: HandbookConfig) -> str:
    """handbook.yml for the demo: every field written out, so it shows what can be configured."""
    data = config.model_dump(mode="python")
    data["fiscal_year_named_by"] = config.fiscal_year_named_by.value
    data["holidays"] = [{k: v for k, v in h.items() if v is not None} for h in data["holidays"]]
    head = "# The process of this made-up handbook (`handbook schema config` describes every field).\n"
    return head + yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=110)


def write(made: DemoRepository, root: Path) -> None:
    for folder in ("reviews", "accounts"):
        (root / folder).mkdir(parents=True, exist_ok=True)
    for relative, text in made.files.items():
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        # "x": never overwrite what the demo did not make (the folder was checked to be empty).
        with open(root / relative, "x", encoding="utf-8") as handle:
            handle.write(text)


def _refuse_non_empty(root: Path) -> None:
    for folder in ("reviews", "accounts"):
        target = root / folder
        if target.exists() and not target.is_dir():
            raise UsageError(f"{display_path(target)} exists and is not a folder; pick another DIR")
        if target.is_dir() and any(target.iterdir()):
            raise UsageError(f"{display_path(target)} is not empty; pick an empty or new DIR")
    if root.exists() and not root.is_dir():
        raise UsageError(f"{display_path(root)} is not a folder")
    if (root / LEDGER_FILE).exists():
        raise UsageError(f"{display_path(root / LEDGER_FILE)} exists; pick an empty or new DIR")
    if (root / CONFIG_FILE).exists() or (root / CONFIG_FILE).is_symlink():
        raise UsageError(f"{display_path(root / CONFIG_FILE)} exists; pick an empty or new DIR")


def make_demo(
    root: Path, reviews: int, accounts: int, seed: int, today: dt.date, config_from: Path | None = None
) -> DemoRepository:
    """Write a made-up handbook into `root`, which must hold no handbook yet; what was written."""
    if reviews and not accounts:
        raise UsageError(
            "--reviews needs at least one account: every review belongs to one (--accounts 1 or more)"
        )
    try:
        _refuse_non_empty(root)
    except OSError as exc:
        raise UsageError(f"{display_path(root)}: {exc.strerror or exc}") from None
    config = require_config(config_from) if config_from else None
    made = generate(reviews, accounts, seed, today, config)
    try:
        write(made, root)
    except OSError as exc:
        raise HandbookError(f"cannot write {exc.filename or root}: {exc.strerror or exc}") from None
    return made


# The demo spreads its dates around --today: that spread stays inside the plausible window.
DEMO_TODAY = DateWindow(
    PLAUSIBLE_DATES.first + dt.timedelta(days=HISTORY_DAYS + 366),
    PLAUSIBLE_DATES.last - dt.timedelta(days=366),
)
