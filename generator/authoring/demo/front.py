"""The demo's front matter as plain data: each planned review and account plan, field by field."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence

from generator.authoring.demo.plan import (
    PAST_TECH_DESIGN,
    PHASE_WEIGHTS,
    Account,
    Cast,
    DemoReview,
    day,
    person_name,
    pick,
    slug,
)
from generator.authoring.demo.words import (
    ASKS,
    CURRENCIES,
    FEEDBACK_THEMES,
    GAPS,
    HEALTH_REASONS,
    INITIATIVES,
    MEETING_OUTCOMES,
    MESSAGING,
    OBJECTIVES,
    OPPORTUNITY_KINDS,
    OTHER_DESCRIPTIONS,
    RATIONALES,
    REGIONS,
    USE_CASES,
    WITHDRAWAL_REASONS,
)
from generator.documents.models.account import (
    GATES,
    LAST_SALES_STAGE,
    PHASE_ORDER,
    PHASE_STAGES,
    ContactRole,
    CoreTrainings,
    Health,
    TechWinPhase,
    phase_key,
)
from generator.documents.models.review import Moment, Outcome, ReviewStatus, Trigger
from generator.frontmatter import Data
from generator.process.calendar import Calendar


def gap_citation(rng: random.Random, gap: tuple[str, str, str]) -> dict[str, str]:
    key, title, area = gap
    return {
        "key": key,
        "title": title,
        "area": area,
        "impact": rng.choice(("low", "medium", "high", "blocker")),
        "status": rng.choice(("open", "open", "planned", "in-progress", "shipped")),
        "url": f"https://feedback.example.com/gaps/{key.removeprefix('GAP-')}",
    }


def review_front_matter(rng: random.Random, review: DemoReview, cast: Cast, today: dt.date) -> Data:
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
        data["product_gaps"] = [gap_citation(rng, gap) for gap in rng.sample(GAPS, rng.randint(1, 2))]
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


def _review_links(rng: random.Random, review: DemoReview, submitted: bool) -> Data:
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


def _meetings(rng: random.Random, review: DemoReview, cast: Cast, author: str, today: dt.date) -> list[Data]:
    if review.status is ReviewStatus.DRAFT or rng.random() < 0.55:
        return []
    last = review.decided_on or today
    span = max((last - review.opened).days, 0)
    requester = rng.choice(cast.reviewers)
    attendees = [requester, *rng.sample(cast.reviewers, min(2, len(cast.reviewers))), author]
    return [
        {
            "date": day(review.opened, rng.randint(0, span)),
            "requested_by": requester,
            "attendees": list(dict.fromkeys(attendees)),
            "outcome": rng.choice(MEETING_OUTCOMES),
        }
    ]


def _decision(rng: random.Random, review: DemoReview, cast: Cast) -> Data | None:
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
        day(start, -rng.randint(1, 80)) if stale else day(start, rng.randint(0, max((today - start).days, 0)))
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
        since = day(today, -rng.randint(5, 120))
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
            "gaps": [gap_citation(rng, rng.choice(GAPS))],
        }
        for theme in rng.sample(FEEDBACK_THEMES, rng.randint(0, 2))
    ]
    data["objectives"] = rng.sample(OBJECTIVES, rng.randint(2, 3))
    data["next_steps"] = _action_items(rng, account, today, 1, 3)
    opportunities = _opportunities(rng, account, today, peers)
    if opportunities:
        data["opportunities"] = opportunities
    # A generator of its own per account: the tracked items leave every other draw (and file) as it was.
    _tracked(random.Random(f"{account.id}:tracked"), account, data, today, peers)
    return data


def _tracked(rng: random.Random, account: Account, data: Data, today: dt.date, peers: Sequence[str]) -> None:
    """Onboarding, red accounts resolved, renewals (value realization, past due, monthly health), security
    questionnaires and customer QBRs, each on some of the accounts."""
    if account.health is not Health.RED and rng.random() < 0.08:
        kickoff = day(today, -rng.randint(3, 30))
        data["onboarding_complete"] = False
        data["onboarding"] = {
            "kickoff": kickoff,
            "plan": f"https://docs.example.com/onboarding/{account.id}",
            "trainings": {
                name: day(kickoff, 7 * (n + 1) + rng.randint(0, 3)) for n, name in enumerate(TRAININGS)
            },
        }
        data["objectives"], data["next_steps"] = [], []
        data["last_revisited"] = min(kickoff, today)
    elif account.health is not Health.RED and rng.random() < 0.15:
        since = day(today, -rng.randint(90, 200))
        resolved = day(since, rng.randint(20, 60))
        data["red_account"] = {
            "since": since,
            "current_status": f"{account.champion}'s team paused the rollout after two outages.",
            "asks": ["A named Support escalation engineer"],
            "action_plan": [
                {
                    "action": "Root cause review of both outages",
                    "owner": account.ce,
                    "due": day(since, 10),
                    "done": True,
                },
                {
                    "action": "Executive sponsor call",
                    "owner": account.ae,
                    "due": day(since, 15),
                    "done": True,
                },
            ],
            "resolved": {
                "date": resolved,
                "how": "The fixes shipped and the rollout restarted with two more teams.",
            },
        }
    renewal: dt.date = data["renewal_date"]
    if rng.random() < 0.06:
        renewal = data["renewal_date"] = day(today, -rng.randint(1, 30))  # the order is still with legal
    if (renewal - today).days <= 120:
        if rng.random() < 0.5 or renewal < today:
            status = "done" if renewal < today else rng.choice(["not-started", "in-progress", "done"])
            data["value_realization"] = {
                "owner": account.ae,
                "status": status,
                **({"started": day(renewal, -rng.randint(80, 100))} if status != "not-started" else {}),
            }
        data["renewal_health"] = [
            {
                "date": day(today, -30 * n - rng.randint(0, 5)),
                "relationship_risks": rng.sample(RELATIONSHIP_RISKS, rng.randint(0, 2)),
                "technical_risks": rng.sample(TECHNICAL_RISKS, rng.randint(0, 2)),
            }
            for n in range(rng.randint(0, 2))
        ]
    if rng.random() < 0.25:
        questionnaires = []
        for n in range(rng.randint(1, 2)):
            received = day(today, -rng.randint(5, 60))
            status = rng.choice(["received", "in-progress", "submitted"])
            item: Data = {
                "name": rng.choice(QUESTIONNAIRES) + (f" ({n + 1})" if n else ""),
                "status": status,
                "due": day(received, rng.randint(14, 40)),
                "security_ce": rng.choice(list(peers)),
                "received": received,
            }
            if status == "submitted":
                item["submitted"] = min(day(received, rng.randint(5, 14)), today)
            questionnaires.append(item)
        data["security_questionnaires"] = questionnaires
    if account.tier < 3 and rng.random() < 0.6:
        held = day(today, -rng.randint(60, 90))
        data["qbrs"] = [
            {"date": held, "status": "held"},
            {"date": day(today, rng.randint(-5, 40))},
        ]


TRAININGS = tuple(CoreTrainings.model_fields)
RELATIONSHIP_RISKS = (
    "The economic buyer changes in the new fiscal year",
    "Procurement asks for a multi-year discount",
    "The champion's team is being reorganized",
)
TECHNICAL_RISKS = (
    "Two teams still on the old code host",
    "The instance is two major versions behind",
    "Search latency complaints from the largest team",
)
QUESTIONNAIRES = ("Vendor security review", "SIG Lite questionnaire", "Cloud security assessment")


def _contacts(rng: random.Random, account: Account) -> list[Data]:
    domain = f"{slug(account.short)}.example"
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
        first, last = account.champion.split(" ") if role is ContactRole.CHAMPION else person_name(rng)
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
        item: Data = {"action": action, "owner": rng.choice(owners), "due": day(today, rng.randint(-10, 45))}
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
        phase = pick(rng, list(PHASE_WEIGHTS.items()))
        if number == 0 and approved and production and rng.random() < 0.7:
            phase = TechWinPhase.POST_TRIAL  # both reviews approved: the deal is usually that far along
        stages = PHASE_STAGES[phase]
        seats = rng.randint(2, 40) * 50
        stage = rng.randint(stages.start, stages.stop - 1)
        # About one deal in eight has slipped past its close date and is still open.
        close = day(
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
            "tech_win_due": day(today, rng.randint(-20, 90)),
            "next_step": rng.choice(
                (
                    "Confirm the top use cases with the champion",
                    "Deliver the trial readout",
                    "Kickoff meeting",
                )
            ),
            "next_step_since": day(today, -rng.randint(0, 45)),
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
