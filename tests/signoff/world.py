"""A handbook repository on the fake GitHub: the shipped policy on main, teams, documents, pull requests."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from generator.commands import main
from tests.fakegithub import FakeGitHub, fake_sha
from tests.fakegithub.templates import WEBHOOKS

ROOT = Path(__file__).resolve().parents[2]
POLICY = (ROOT / ".github" / "signoff-policy.yml").read_bytes()
REPO = "acme/handbook"
ORG = "handbook-org"
REVIEW = "reviews/tr-0001-acme-air-gap.md"
ACCOUNT = "accounts/acme.md"
TEAMS: dict[str, list[str]] = {
    "product": ["pat"],
    "engineering": ["eve"],
    "support": ["sam"],
    "customer-engineering": ["cedric", "pia", "carl"],
    "ce-vp": ["vic"],
    "vp-engineering": ["val"],
    "sales-vp": ["sal"],
    "ce-leadership": ["lea"],
    "ae-leadership": ["abe"],
    "ce-managers": ["max"],
    "signoff-admins": ["ada"],
}
APPROVERS = {"approved": ["pat", "eve", "sam", "vic"], "denied": ["vic", "val", "sal"], "in-review": ["pia"]}

_DECISIONS = {
    "approved": """decision:
  outcome: "yes"
  recommended_by: vic
  decided_on: 2026-01-20
  customer_messaging: They run outside the usual guidelines; upgrades need our help.
""",
    "denied": """decision:
  outcome: "no"
  recommended_by: vic
  decided_on: 2026-01-20
  rationale: Too risky for the team to support.
  deciders:
    ce_vp: vic
    vp_engineering: val
    sales_vp: sal
""",
}


def review_text(status: str, *, peer: str = "pia", title: str = "Air-gapped install for Acme") -> str:
    return f"""---
id: TR-0001
title: {title}
customer: acme
moment: pre-sales
triggers: [air-gapped]
author: cedric
account_team:
  ae: abby
  ce: cedric
peer_reviewer: {peer}
opened: 2026-01-05
decision_needed_by: 2026-02-01
status: {status}
links:
  tdd: https://docs.example.com/tdd/acme
  video: https://video.example.com/acme
asks:
  engineering: [Support an offline upgrade path]
{_DECISIONS.get(status, "")}---

## Misalignment

Acme runs its clusters without internet access; our installer expects to reach the registry.

## Timeline

The trial starts in February.

## Requirement origin

Acme's security policy forbids outbound connections from production networks.

## Customer expectations

An offline installer and upgrade path, supported like the online one.

## Asks

Engineering: support an offline upgrade path.
"""


def account_text(tier: int) -> str:
    return f"""---
id: acme
name: Acme Corp
tier: {tier}
segment: strategic
quarter: 2026-Q1
ae: abby
ce: cedric
last_revisited: 2026-01-05
health:
  status: green
  reason: Happy champion
contacts:
  - name: Jo Champion
    role: champion
objectives:
  - Two more teams using the product this quarter
next_steps:
  - action: Workshop with the platform team
    owner: cedric
    due: 2026-02-06
---

Plan.
"""


class World:
    """The fake GitHub set up like the handbook's organisation; pull requests added per test."""

    def __init__(
        self, fake: FakeGitHub, teams: Mapping[str, Sequence[str] | Mapping[str, str]] = TEAMS
    ) -> None:
        self.fake = fake
        fake.add_repo("acme", "handbook")
        self.base = fake.repo(REPO).branches["main"]
        fake.set_file(self.base, ".github/signoff-policy.yml", POLICY)
        # The customer every example review names: the head trees the check validates need it.
        fake.set_file(self.base, ACCOUNT, account_text(1))
        self.bases: dict[int, str] = {}
        for slug, members in teams.items():
            fake.add_team(ORG, slug, members)

    def pull(
        self,
        number: int,
        files: Mapping[str, tuple[str | bytes | None, str | bytes | None]],
        *,
        author: str = "cedric",
        renamed: Mapping[str, str] | None = None,
        commits: Sequence[Mapping[str, Any]] | None = None,
        **kwargs: Any,
    ) -> str:
        """A pull request changing `files` (path -> (base text, head text)); returns its head sha."""
        head = str(commits[-1]["sha"]) if commits else fake_sha("head", number)
        # Each pull request has its own base commit (carrying the policy), so their documents do not mix.
        base = kwargs.pop("base_sha", fake_sha("base", number))
        self.bases[number] = base
        # The base is a commit on main and the head one on top of it: trees carry the files not changed.
        self.fake.derive_tree(base, self.base)
        self.fake.derive_tree(head, base)
        self.fake.set_file(base, ".github/signoff-policy.yml", POLICY)
        specs: list[Any] = []
        for path, (old, new) in files.items():
            previous = (renamed or {}).get(path)
            status = (
                "renamed"
                if previous
                else "added"
                if old is None
                else "removed"
                if new is None
                else "modified"
            )
            if old is not None:
                self.fake.set_file(base, previous or path, old)
            if previous:
                self.fake.set_file(head, previous, None)
            self.fake.set_file(head, path, new)
            specs.append((path, status, previous))
        pushed_by = kwargs.pop("pushed_by", author)
        pull = self.fake.add_pull(number, author, head, files=specs, commits=commits, base_sha=base, **kwargs)
        if pushed_by:
            self.fake.add_push(pull.head_ref, head, pushed_by)  # GitHub's activity log names the pusher
        return head

    def approve(self, number: int, *logins: str, **kwargs: Any) -> None:
        for login in logins:
            self.fake.add_review(number, login, "APPROVED", **kwargs)

    def statuses(self, sha: str) -> list[tuple[str, str]]:
        return [
            (s.state, s.description or "")
            for s in self.fake.statuses(sha)
            if s.context == "handbook/sign-off"
        ]


def check(capsys: Any, fake: FakeGitHub, number: int, *extra: str) -> tuple[int, Any, str]:
    """`handbook signoff check --format json` against the fake: exit code, parsed JSON (or None), stderr."""
    code = main(["signoff", "check", "--repo", REPO, "--pr", str(number), "--api-url", fake.base_url,
                 "--format", "json", *extra])  # fmt: skip
    out, err = capsys.readouterr()
    return code, json.loads(out) if out.strip() else None, err


def webhook(name: str, **changes: Any) -> dict[str, Any]:
    """An upstream webhook example (tests/fakegithub/fixtures/webhooks), with fields changed by the test."""
    payload: dict[str, Any] = json.loads((WEBHOOKS / name).read_text(encoding="utf-8"))
    for dotted, value in changes.items():
        target = payload
        *parents, last = dotted.split("__")
        for part in parents:
            target = target[part]
        target[last] = value
    return payload
