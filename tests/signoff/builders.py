"""Plain-data pull requests for the engine: one author, one commit, reviews on the head unless told."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from generator.signoff.engine import (
    ChangedFile,
    Commit,
    Identity,
    Memberships,
    PullRequest,
    PullRequestReview,
    Version,
)
from generator.signoff.policy import Policy, parse_policy

ROOT = Path(__file__).resolve().parents[2]
HEAD = "h" * 40
OLD = "o" * 40
ORG = "handbook-org"
T0 = dt.datetime(2026, 1, 5, 9, 0, tzinfo=dt.UTC)


def shipped_policy() -> Policy:
    return parse_policy((ROOT / ".github" / "signoff-policy.yml").read_bytes())


def review_version(status: str, *, peer: str | None = "pia", asked: tuple[str, ...] = ()) -> Version:
    people = {"author": "cedric", "account_team.ce": "cedric"}
    if peer:
        people["peer_reviewer"] = peer
    return Version(status=status, asked=frozenset(asked), people=people)


def review_file(
    base: str | None, head: str | None, path: str = "reviews/tr-0001-acme.md", **kwargs: object
) -> ChangedFile:
    change = "added" if base is None else "removed" if head is None else "modified"
    return ChangedFile(
        path=path,
        change=change,  # type: ignore[arg-type]
        kind="review",
        base=review_version(base, **kwargs) if base else None,  # type: ignore[arg-type]
        head=review_version(head, **kwargs) if head else None,  # type: ignore[arg-type]
    )


def account_file(base_tier: int | None, head_tier: int | None, path: str = "accounts/acme.md") -> ChangedFile:
    return ChangedFile(
        path=path,
        change="modified" if base_tier and head_tier else "added" if head_tier else "removed",
        kind="account",
        base=Version(tier=base_tier) if base_tier else None,
        head=Version(tier=head_tier) if head_tier else None,
    )


def approve(
    login: str, *, minutes: int = 1, on: str = HEAD, state: str = "APPROVED", bot: bool = False
) -> PullRequestReview:
    return PullRequestReview(login, state, on, T0 + dt.timedelta(minutes=minutes), bot=bot)


def commit(
    author: str | None = "cedric", message: str = "Edit", committer: str | None = None, sha: str = HEAD
):
    return Commit(
        sha,
        Identity(author, author or "Someone", f"{author or 'someone'}@example.com"),
        Identity(committer or author, committer or author or "", ""),
        message,
    )


def pull(
    *files: ChangedFile,
    reviews: tuple[PullRequestReview, ...] = (),
    commits: tuple[Commit, ...] | None = None,
    author: str = "cedric",
    pushers: frozenset[str] = frozenset(),
) -> PullRequest:
    return PullRequest(
        number=7,
        author=author,
        head_sha=HEAD,
        files=files,
        reviews=reviews,
        commits=commits if commits is not None else (commit(author),),
        pushers=pushers,
    )


def teams(**members: str | list[str]) -> Memberships:
    """teams(product="pat", support=["sam", "sue:pending"]) -> memberships of handbook-org teams."""
    out: dict[str, dict[str, str]] = {}
    for slug, people in members.items():
        entries = [people] if isinstance(people, str) else people
        team = out.setdefault(f"{ORG}/{slug.replace('_', '-')}", {})
        for entry in entries:
            login, _, state = entry.partition(":")
            team[login.lower()] = state or "active"
    return out


EVERYONE = teams(
    product="pat",
    engineering="eve",
    support="sam",
    customer_engineering=["pia", "cedric", "carl"],
    ce_vp="vic",
    vp_engineering="val",
    sales_vp="sal",
    ce_leadership="lea",
    ae_leadership="abe",
    ce_managers="max",
    signoff_admins="ada",
)
