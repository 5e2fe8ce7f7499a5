"""The demo's text: the values its sentences are filled with, the bodies, and the record of meetings,
decisions, objectives and opportunities written out in prose."""

from __future__ import annotations

import datetime as dt
import random

from generator.authoring.demo.plan import Account, day
from generator.authoring.demo.words import CERTIFICATIONS, CODE_HOSTS, COMPETITORS, LANGUAGES, REGIONS, TEAMS
from generator.documents.models.review import Outcome
from generator.frontmatter import Data


def fill_values(rng: random.Random, account: Account, when: dt.date) -> dict[str, str]:
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
        "early_date": day(when, -rng.randint(20, 200)).isoformat(),
        "early_month": day(when, -rng.randint(20, 200)).strftime("%B %Y"),
        "trial_date": day(when, rng.randint(20, 60)).isoformat(),
        "golive_date": day(when, rng.randint(60, 200)).isoformat(),
        "renewal_then": day(when, rng.randint(60, 300)).isoformat(),
        "golive_month": day(when, rng.randint(60, 200)).strftime("%B"),
        "renewal_date": account.renewal.isoformat(),
        "champion": account.champion,
        "ae": account.ae,
        "ce": account.ce,
        "tier": str(account.tier),
        "segment_words": account.segment.value.replace("-", " "),
    }


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
    if front.get("onboarding"):
        onboarding = front["onboarding"]
        trainings = ", ".join(f"{name} training on {when}" for name, when in onboarding["trainings"].items())
        parts = [
            f"\n## Onboarding\n\nKickoff on {onboarding['kickoff']}; {trainings}. The first quarterly plan "
            "follows once onboarding is complete.\n"
        ]
    else:
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
