"""Documents and ledgers for the notify tests, written as real files (built on tests/workflows/documents)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from generator.signoff.ledger import Ledger, MergedChange, OpenPullRequest, SignOff, Waiting, save_ledger
from generator.site.build import load_handbook
from generator.site.index import Handbook
from tests.workflows.documents import ACCOUNT, ACCOUNT_PATH, REVIEW_PATH, review

__all__ = ["ACCOUNT", "ACCOUNT_PATH", "REVIEW_PATH", "red_account", "review"]

TODAY = dt.date(2026, 1, 21)

RED = """\
health:
  status: red
  reason: The champion left in December.
  score: 31
red_account:
  since: 2026-01-12
  current_status: No executive sponsor since the champion left.
  asks:
    - An executive sponsor call with our CRO
  action_plan:
    - action: Find a new champion in platform engineering
      owner: cedric
      due: 2026-02-06
"""


def red_account(since: str = "2026-01-12") -> str:
    green = "health:\n  status: green\n  reason: Weekly active users grew 20% this quarter.\n"
    return ACCOUNT.replace(green, RED.replace("2026-01-12", since))


def green_account(reason: str = "A new champion signed the expansion plan.") -> str:
    return ACCOUNT.replace("Weekly active users grew 20% this quarter.", reason)


def with_renewal(text: str, day: str) -> str:
    return text.replace("last_revisited: 2026-01-02\n", f"last_revisited: 2026-01-02\nrenewal_date: {day}\n")


def write_repo(root: Path, files: dict[str, str | None]) -> Path:
    for path, text in files.items():
        target = root / path
        if text is None:
            target.unlink(missing_ok=True)
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    return root


def handbook(root: Path, today: dt.date = TODAY, ledger: Path | None = None) -> Handbook:
    return load_handbook(root, ledger or root / "build" / "ledger.json", today)


def decision_ledger(path: Path, number: int = 5) -> Path:
    ledger = Ledger(repository="acme/handbook")
    ledger.documents[REVIEW_PATH] = [
        MergedChange(
            pull_request=number,
            title="Approve TR-0001",
            url=f"https://github.com/acme/handbook/pull/{number}",
            author="cedric",
            merged_at=dt.datetime(2026, 1, 20, 16, tzinfo=dt.UTC),
            signoffs=[
                SignOff(role="ce-vp", login="vic", approved_at=dt.datetime(2026, 1, 20, 15, tzinfo=dt.UTC))
            ],
        )
    ]
    save_ledger(ledger, path)
    return path


def waiting_ledger(
    path: Path, opened: dt.datetime, *, title: str = "Tech review TR-0002", satisfied: bool = False
) -> Path:
    ledger = Ledger(repository="acme/handbook")
    ledger.open_pull_requests.append(
        OpenPullRequest(
            pull_request=9,
            title=title,
            url="https://github.com/acme/handbook/pull/9",
            author="cedric",
            opened_at=opened,
            head_sha="a" * 40,
            documents=["reviews/tr-0002-acme-sso.md"],
            satisfied=satisfied,
            waiting=[Waiting(role="support", people=["sue", "sam"]), Waiting(role="ce-vp", people=["vic"])],
        )
    )
    save_ledger(ledger, path)
    return path
