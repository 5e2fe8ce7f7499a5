"""The demo's plan of the organisation: who works where, which accounts, which reviews and when.

Pure functions of the seeded `random.Random` and `today`: the same seed gives the same plan.
"""

from __future__ import annotations

import datetime as dt
import math
import random
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from generator.authoring.demo.words import (
    COMPANY_WORDS,
    FIRST_NAMES,
    INDUSTRIES,
    LAST_NAMES,
    REGIONS,
    TRIGGER_STORIES,
)
from generator.documents.models.account import Health, Segment, TechWinPhase
from generator.documents.models.review import Moment, ReviewStatus, Trigger

T = TypeVar("T")

HISTORY_DAYS = 548  # dates spread over the last 18 months
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
    reviews: list[DemoReview] = field(default_factory=list)


@dataclass
class DemoReview:
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
        return f"tr-{self.number:04d}-{slug(self.account.short)}-{self.story[1]}.md"


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


def slug(text: str) -> str:
    return "-".join(re.findall(r"[a-z0-9]+", text.lower()))


def pick(rng: random.Random, weighted: Sequence[tuple[T, float]]) -> T:
    return rng.choices([value for value, _ in weighted], [weight for _, weight in weighted])[0]


def day(base: dt.date, days: int) -> dt.date:
    return base + dt.timedelta(days=days)


def _handles(rng: random.Random, count: int) -> list[str]:
    """Unique GitHub handles like 'amelia-hart'; a number is added once the name pairs run out."""
    pairs = [f"{first}-{last}" for first in FIRST_NAMES for last in LAST_NAMES]
    rng.shuffle(pairs)
    return [pairs[i % len(pairs)] + (f"{i // len(pairs)}" if i >= len(pairs) else "") for i in range(count)]


def person_name(rng: random.Random) -> tuple[str, str]:
    return rng.choice(FIRST_NAMES).title(), rng.choice(LAST_NAMES).title()


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
        first, last = person_name(rng)
        accounts.append(
            Account(
                id=slug(name),
                name=name,
                short=short,
                tier=tier,
                segment=pick(rng, SEGMENTS_BY_TIER[tier]),
                health=health,
                ae=ae,
                ce=ce,
                ta=rng.choice(cast.tas) if with_ta else None,
                champion=f"{first} {last}",
                renewal=day(today, rng.randint(20, 400)),
            )
        )
    return accounts


def make_reviews(rng: random.Random, count: int, accounts: list[Account], today: dt.date) -> list[DemoReview]:
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
) -> DemoReview:
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
        opened = day(today, -rng.randint(20, HISTORY_DAYS))
        needed_by = day(opened, rng.randint(7, 30))
        decided_on = min(day(opened, rng.randint(3, 28)), today)
    elif status is ReviewStatus.IN_REVIEW:
        overdue = rng.random() < 0.35
        opened = day(today, -rng.randint(35, 90) if overdue else -rng.randint(0, 20))
        needed_by = day(today, -rng.randint(1, 25) if overdue else rng.randint(3, 30))
    elif status is ReviewStatus.DRAFT:
        opened = day(today, -rng.randint(0, 30))
        needed_by = day(opened, rng.randint(10, 40))
    else:
        opened = day(today, -rng.randint(10, HISTORY_DAYS))
        needed_by = day(opened, rng.randint(7, 30))
        decided_on = min(day(opened, rng.randint(1, 40)), today)  # the withdrawal date
    return DemoReview(0, account, status, moment, triggers, story, opened, needed_by, decided_on, {})
