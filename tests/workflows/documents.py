"""Small valid documents for the workflow tests: one account plan and one tech review of it.

People are the cast of tests/signoff/world.py (cedric the CE, pia his peer, vic the CE VP, ...).
"""

from __future__ import annotations

from pathlib import Path

ACCOUNT_PATH = "accounts/acme.md"
REVIEW_PATH = "reviews/tr-0001-acme-air-gapped.md"

ACCOUNT = """\
---
id: acme
name: Acme Corp
tier: 2
segment: commercial
quarter: 2026-Q1
ae: abby
ce: cedric
last_revisited: 2026-01-02
health:
  status: green
  reason: Weekly active users grew 20% this quarter.
contacts:
  - name: Ada Lovelace
    role: champion
objectives:
  - Two more teams using the product this quarter
next_steps:
  - action: Workshop with the platform team
    owner: cedric
    due: 2026-02-06
---

## Summary

Acme uses code search across 300 repositories.
"""


def review(status: str = "in-review", *, opened: str = "2026-01-05") -> str:
    decision = ""
    if status == "approved":
        decision = (
            "decision:\n"
            '  outcome: "yes"\n'
            "  recommended_by: vic\n"
            "  decided_on: 2026-01-20\n"
            "  customer_messaging: Acme is told air-gapped installs upgrade more slowly.\n"
        )
    return f"""\
---
id: TR-0001
title: Air-gapped deployment at Acme
customer: acme
moment: pre-sales
triggers: [air-gapped]
author: cedric
account_team:
  ae: abby
  ce: cedric
peer_reviewer: pia
opened: {opened}
decision_needed_by: 2026-01-30
status: {status}
links:
  tdd: https://docs.example.com/tdd/acme
  video: https://video.example.com/v/acme
asks:
  product:
    - Confirm air-gapped Kubernetes is supported
  engineering:
    - Review the offline image transfer
  support:
    - Agree on log bundles instead of screen sharing
{decision}---

## Misalignment

Acme's enclave has no internet access.

## Timeline

The decision is needed by 2026-01-30 for the trial.

## Requirement origin

New: the security team added it in December.

## Customer expectations

A supported air-gapped install; without it they stop the trial.

## Asks

See the asks above.
"""


def write_documents(root: Path, review_text: str | None = None) -> None:
    for path, text in ((ACCOUNT_PATH, ACCOUNT), (REVIEW_PATH, review_text or review())):
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
