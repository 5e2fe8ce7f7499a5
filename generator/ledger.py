"""The sign-off ledger: who signed which document, when, on which pull request.

Written by `handbook signoff collect` (from GitHub), read by the site build. It is
plain JSON so that it can be cached between workflow runs and audited by hand.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

LEDGER_VERSION = 1


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SignOff(_Record):
    """One counted approval: a person filling a role."""

    role: str
    login: str
    approved_at: dt.datetime
    review_url: str | None = None


class NotCounted(_Record):
    """An approval that did not count, and why (author, stale commit, not a member, ...)."""

    login: str
    reason: str


class MergedChange(_Record):
    """A merged pull request that changed one document, with the sign-offs it carried."""

    pull_request: int
    title: str
    url: str
    author: str
    merged_at: dt.datetime
    merge_commit_sha: str | None = None
    required: list[str] = Field(default_factory=list, description="Roles the policy required")
    signoffs: list[SignOff] = Field(default_factory=list)
    missing: list[str] = Field(default_factory=list, description="Required roles without a counted approval")
    not_counted: list[NotCounted] = Field(default_factory=list)
    blocked_by: list[str] = Field(default_factory=list, description="Role holders whose concern stood")

    @property
    def bypassed(self) -> bool:
        """Merged although required roles had not signed (or a concern stood): an admin bypass."""
        return bool(self.missing or self.blocked_by)


class Waiting(_Record):
    """A role an open pull request still needs, and the people who can fill it."""

    role: str
    people: list[str] = Field(default_factory=list)


class OpenPullRequest(_Record):
    pull_request: int
    title: str
    url: str
    author: str
    opened_at: dt.datetime
    head_sha: str
    documents: list[str] = Field(default_factory=list)
    satisfied: bool = False
    waiting: list[Waiting] = Field(default_factory=list)


class Ledger(_Record):
    version: int = LEDGER_VERSION
    repository: str = ""
    generated_at: dt.datetime | None = None
    # Document path on main -> merged changes, oldest first.
    documents: dict[str, list[MergedChange]] = Field(default_factory=dict)
    # Merged pull-request numbers already fetched (so collection is incremental).
    seen_pull_requests: list[int] = Field(default_factory=list)
    open_pull_requests: list[OpenPullRequest] = Field(default_factory=list)

    def changes(self, path: str) -> list[MergedChange]:
        return self.documents.get(path, [])

    def latest(self, path: str) -> MergedChange | None:
        changes = self.changes(path)
        return changes[-1] if changes else None

    def bypasses(self) -> list[tuple[str, MergedChange]]:
        return [
            (path, change)
            for path, changes in self.documents.items()
            for change in changes
            if change.bypassed
        ]

    def waiting_on(self, login: str) -> list[tuple[OpenPullRequest, Waiting]]:
        """Open pull requests whose sign-off still needs a role this person can fill."""
        wanted = login.lower()
        return [
            (pr, waiting)
            for pr in self.open_pull_requests
            for waiting in pr.waiting
            if wanted in (person.lower() for person in waiting.people)
        ]


class LedgerError(Exception):
    """The ledger file exists but cannot be read; the message says which file and why."""


def load_ledger(path: Path) -> Ledger | None:
    """The ledger at `path`, or None when there is none yet."""
    if not path.exists():
        return None
    try:
        return Ledger.model_validate_json(path.read_bytes())
    except (OSError, ValidationError, ValueError) as exc:
        raise LedgerError(f"{path}: not a valid sign-off ledger: {exc}") from exc


def save_ledger(ledger: Ledger, path: Path) -> None:
    """Write atomically: a crash never leaves half a ledger behind."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(path.suffix + ".tmp")
    temporary.write_text(
        json.dumps(ledger.model_dump(mode="json"), indent=2, sort_keys=False) + "\n", encoding="utf-8"
    )
    temporary.replace(path)
