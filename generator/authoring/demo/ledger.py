"""The demo's sign-off ledger, as `handbook signoff collect` writes it."""

from __future__ import annotations

import datetime as dt
import json
import random

from generator.authoring.demo.plan import Cast, DemoReview
from generator.documents.models.review import ReviewStatus
from generator.frontmatter import Data

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


def demo_ledger(
    rng: random.Random, reviews: list[tuple[DemoReview, Data]], cast: Cast, today: dt.date
) -> str:
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
