"""The sign-off ledger: who signed which document, when, on which pull request.

Written by `handbook signoff collect` (from GitHub), read by the site build. It is
plain JSON so that it can be cached between workflow runs and audited by hand.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, ValidationError

from generator.documents.diagnostics import Diagnostic, visible
from generator.documents.load import display_path
from generator.documents.regular import NotRegular, TooLarge, read_regular

# 2: merged changes and open pull requests carry when the pull request was opened and each required
# role's first feedback (the review clock). A version-1 ledger is still read, without them.
LEDGER_VERSION = 2
READABLE_VERSIONS = (1, 2)


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SignOff(_Record):
    """One counted approval: a person filling a role."""

    role: str
    login: str
    approved_at: AwareDatetime
    review_url: str | None = None


class NotCounted(_Record):
    """An approval that did not count, and why (author, stale commit, not a member, ...)."""

    login: str
    reason: str


class FirstFeedback(_Record):
    """A required role's first review on the pull request (approval, request for changes or comment)."""

    role: str
    login: str
    at: AwareDatetime
    state: str


class MergedChange(_Record):
    """A merged pull request that changed one document, with the sign-offs it carried."""

    pull_request: int
    title: str
    url: str
    author: str
    merged_at: AwareDatetime
    merge_commit_sha: str | None = None
    opened_at: AwareDatetime | None = Field(None, description="When the pull request was opened")
    required: list[str] = Field(default_factory=list, description="Roles the policy required")
    signoffs: list[SignOff] = Field(default_factory=list)
    missing: list[str] = Field(default_factory=list, description="Required roles without a counted approval")
    not_counted: list[NotCounted] = Field(default_factory=list)
    blocked_by: list[str] = Field(default_factory=list, description="Role holders whose concern stood")
    first_feedback: list[FirstFeedback] = Field(default_factory=list)

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
    opened_at: AwareDatetime
    head_sha: str
    documents: list[str] = Field(default_factory=list)
    satisfied: bool = False
    waiting: list[Waiting] = Field(default_factory=list)
    required: list[str] = Field(default_factory=list, description="Roles the policy requires")
    first_feedback: list[FirstFeedback] = Field(default_factory=list)


class Ledger(_Record):
    version: int = LEDGER_VERSION
    repository: str = ""
    generated_at: AwareDatetime | None = None
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
    """The ledger file exists but cannot be used; `diagnostic` says which file, where and why."""

    def __init__(self, diagnostic: Diagnostic) -> None:
        super().__init__(diagnostic.text())
        self.diagnostic = diagnostic


# Far above any real history (a merged change is about 1 KB), far below what would hurt to read.
MAX_LEDGER_BYTES = 64 * 1024 * 1024
_RECOLLECT = "collect it again with `handbook signoff collect`"


def load_ledger(path: Path) -> Ledger | None:
    """The ledger at `path`, or None when there is none yet.

    A ledger may come from a restored cache, so it is untrusted input: it must be a regular file under
    the size limit, of this handbook's version and shape, or it is refused (never read as an empty audit).
    """
    shown = display_path(path)
    raw = _read_regular_file(path, shown)
    if raw is None:
        return None
    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise _invalid(shown, f"the file is not UTF-8 text (byte {exc.start:,})") from None
    except json.JSONDecodeError as exc:
        raise _invalid(shown, f"the file is not JSON: {exc.msg}", line=exc.lineno, column=exc.colno) from None
    except RecursionError:
        raise _invalid(shown, "the JSON nests too deeply") from None
    if not isinstance(data, dict):
        raise _invalid(shown, f"expected a JSON object with a version, got {_json_kind(data)}")
    version = data.get("version")
    if type(version) is not int:
        raise _invalid(shown, "the ledger has no version number", field="version")
    if version not in READABLE_VERSIONS:
        readable = " and ".join(str(v) for v in READABLE_VERSIONS)
        raise _invalid(
            shown,
            f"ledger version {version} is not supported (this handbook reads versions {readable})",
            field="version",
        )
    try:
        # Strict: numbers are numbers, timestamps carry a time zone (never mixed with naive ones).
        ledger = Ledger.model_validate_json(raw, strict=True)
    except ValidationError as exc:
        errors = exc.errors()
        first = errors[0]
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        raise _invalid(shown, _error_text(first) + more, field=_dotted(first["loc"])) from None
    fault = _shape_fault(ledger)
    if fault:
        raise _invalid(shown, fault[1], field=fault[0])
    return ledger


def check_repository(ledger: Ledger, repository: str, path: Path | None = None) -> None:
    """Refuse another repository's ledger: its history would be mixed into this one's audit."""
    if ledger.repository and ledger.repository.lower() != repository.lower():
        raise _invalid(
            display_path(path) if path else "the previous ledger",
            f"it is the ledger of {ledger.repository}, not of {repository}",
            field="repository",
        )


def _read_regular_file(path: Path, shown: str) -> bytes | None:
    """The bytes of a regular file under the limit; None when there is no file at all.

    The path is the one the command was given, so a link is followed; a FIFO, device or folder is
    refused without reading (documents.regular).
    """
    try:
        return read_regular(path, MAX_LEDGER_BYTES, follow_links=True)
    except FileNotFoundError:
        if path.is_symlink():
            raise _unreadable(shown, "it is a symbolic link to nothing") from None
        return None
    except NotRegular as exc:
        raise _unreadable(shown, f"it is a {exc.what}, not a ledger file") from None
    except TooLarge as exc:
        raise _too_big(shown, exc.size) from None
    except OSError as exc:
        raise _unreadable(shown, exc.strerror or str(exc)) from None


def _unreadable(shown: str, why: str) -> LedgerError:
    return LedgerError(
        Diagnostic(
            shown, message=f"cannot read the sign-off ledger: {why}", hint="give the ledger's JSON file"
        )
    )


def _too_big(shown: str, size: int) -> LedgerError:
    return _invalid(shown, f"the file is {size:,} bytes, over the {MAX_LEDGER_BYTES:,}-byte limit")


def _invalid(shown: str, why: str, *, field: str = "", line: int = 1, column: int = 1) -> LedgerError:
    return LedgerError(
        Diagnostic(shown, line, column, field, f"not a valid sign-off ledger: {why}", _RECOLLECT)
    )


def _json_kind(value: Any) -> str:
    if isinstance(value, list):
        return "a list"
    return "nothing" if value is None else f"a {type(value).__name__}"


_ERROR_TEXT = {
    "timezone_aware": "the timestamp has no time zone (expected like 2026-11-23T10:00:00Z)",
    "datetime_parsing": "not a timestamp (expected like 2026-11-23T10:00:00Z)",
    "datetime_from_date_parsing": "not a timestamp (expected like 2026-11-23T10:00:00Z)",
    "datetime_type": "not a timestamp (expected like 2026-11-23T10:00:00Z)",
    "int_type": "expected a whole number",
    "int_from_float": "expected a whole number",
    "string_type": "expected text",
    "bool_type": "expected true or false",
    "list_type": "expected a list",
    "dict_type": "expected an object",
    "model_type": "expected an object",
}


def _error_text(error: Any) -> str:
    kind = error["type"]
    loc = error["loc"]
    if kind == "missing":
        return f"required field {loc[-1]!r} is missing"
    if kind == "extra_forbidden":
        return f"unknown field {loc[-1]!r}"
    return _ERROR_TEXT.get(kind) or str(error.get("msg", "invalid value"))


def _dotted(loc: Sequence[str | int]) -> str:
    """('documents', 'reviews/x.md', 0, 'merged_at') -> documents["reviews/x.md"][0].merged_at"""
    out = ""
    for index, part in enumerate(loc):
        if isinstance(part, int):
            out += f"[{part}]"
        elif index and loc[0] == "documents" and index == 1:
            out += f"[{json.dumps(part)}]"
        else:
            out += f".{part}" if out else part
    return out


_REPOSITORY = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]{0,38}/[A-Za-z0-9._-]{1,100}")


def _shape_fault(ledger: Ledger) -> tuple[str, str] | None:
    """What the types alone do not say: the field and the fault, or None."""
    if ledger.repository and not _REPOSITORY.fullmatch(ledger.repository):
        return "repository", f"{visible(ledger.repository)!r} is not a repository (expected OWNER/NAME)"
    for path, changes in ledger.documents.items():
        where = f"documents[{json.dumps(path)}]"
        if not _is_document_path(path):
            return where, "not a document path (expected reviews/<name>.md or accounts/<name>.md)"
        numbers: set[int] = set()
        for index, change in enumerate(changes):
            if change.pull_request < 1:
                return f"{where}[{index}].pull_request", "expected a pull request number (1 or more)"
            if change.pull_request in numbers:
                return (
                    f"{where}[{index}].pull_request",
                    f"pull request #{change.pull_request} is listed twice",
                )
            numbers.add(change.pull_request)
            fault = _feedback_fault(f"{where}[{index}]", change.first_feedback, change.required)
            if fault:
                return fault
    for index, number in enumerate(ledger.seen_pull_requests):
        if number < 1:
            return f"seen_pull_requests[{index}]", "expected a pull request number (1 or more)"
    for index, pull in enumerate(ledger.open_pull_requests):
        if pull.pull_request < 1:
            return f"open_pull_requests[{index}].pull_request", "expected a pull request number (1 or more)"
        fault = _feedback_fault(f"open_pull_requests[{index}]", pull.first_feedback, pull.required)
        if fault:
            return fault
        for position, path in enumerate(pull.documents):
            if not _is_document_path(path):
                return (
                    f"open_pull_requests[{index}].documents[{position}]",
                    "not a document path (expected reviews/<name>.md or accounts/<name>.md)",
                )
    return None


def _feedback_fault(where: str, feedback: list[FirstFeedback], required: list[str]) -> tuple[str, str] | None:
    """First feedback is one per required role: anything else would count a team twice or invent one."""
    seen: set[str] = set()
    for index, entry in enumerate(feedback):
        if entry.role not in required:
            return f"{where}.first_feedback[{index}].role", f"{entry.role!r} is not a required role here"
        if entry.role in seen:
            return f"{where}.first_feedback[{index}].role", f"role {entry.role!r} is listed twice"
        seen.add(entry.role)
    return None


def _is_document_path(path: str) -> bool:
    parts = path.split("/")
    return (
        len(parts) == 2
        and parts[0] in ("reviews", "accounts")
        and parts[1].endswith(".md")
        and parts[1] not in (".md", "..md")
        and not _CONTROL_OR_SPACE.search(path)
    )


_CONTROL_OR_SPACE = re.compile(r"[\x00-\x1f\x7f\\]")


def save_ledger(ledger: Ledger, path: Path) -> None:
    """Write atomically: a crash never leaves half a ledger behind."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(path.suffix + ".tmp")
    temporary.write_text(
        json.dumps(ledger.model_dump(mode="json"), indent=2, sort_keys=False) + "\n", encoding="utf-8"
    )
    temporary.replace(path)
