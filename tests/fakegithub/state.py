"""The fake's in-memory scenario: plain records that the route handlers turn into GitHub bodies."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Literal

UserType = Literal["User", "Bot", "Organization"]
MemberState = Literal["active", "pending"]


def iso(moment: dt.datetime | str | None) -> str | None:
    """GitHub's timestamp format (UTC, seconds, trailing Z); strings pass through unchanged."""
    if moment is None or isinstance(moment, str):
        return moment
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class User:
    login: str
    id: int
    type: UserType = "User"
    name: str | None = None
    email: str | None = None


@dataclass
class Org:
    login: str
    id: int
    name: str | None = None


@dataclass
class Team:
    org: str
    slug: str
    id: int
    name: str
    members: dict[str, MemberState] = field(default_factory=dict)  # login -> state (login as given)
    roles: dict[str, str] = field(default_factory=dict)  # login -> "member" | "maintainer"
    description: str | None = None

    def state_of(self, login: str) -> MemberState | None:
        for member, state in self.members.items():
            if member.lower() == login.lower():
                return state
        return None

    def role_of(self, login: str) -> str:
        for member, role in self.roles.items():
            if member.lower() == login.lower():
                return role
        return "member"


@dataclass
class PullFile:
    filename: str
    status: str = "modified"
    previous_filename: str | None = None
    additions: int = 1
    deletions: int = 0
    patch: str | None = "@@ -1 +1 @@"
    sha: str | None = None


@dataclass
class CommitRecord:
    sha: str
    message: str = "Edit"
    author_login: str | None = None
    committer_login: str | None = None
    author_name: str = "Some One"
    author_email: str = "someone@example.com"
    committer_name: str = "Some One"
    committer_email: str = "someone@example.com"
    date: str = "2026-01-05T12:00:00Z"
    parents: list[str] = field(default_factory=list)
    files: list[PullFile] = field(default_factory=list)
    branches: set[str] = field(default_factory=set)


@dataclass
class Review:
    id: int
    pull: int
    login: str | None  # None: a deleted account (GitHub sends "user": null)
    state: str  # upper case as REST sends it: APPROVED, CHANGES_REQUESTED, COMMENTED, DISMISSED, PENDING
    commit_id: str | None
    submitted_at: str | None
    body: str = ""
    author_association: str = "MEMBER"


@dataclass
class Pull:
    number: int
    id: int
    author: str
    head_sha: str
    base_ref: str
    head_ref: str
    base_sha: str
    title: str
    body: str | None
    state: str
    merged: bool
    merged_at: str | None
    merge_commit_sha: str | None
    draft: bool
    created_at: str
    updated_at: str
    closed_at: str | None
    files: list[PullFile] = field(default_factory=list)
    commits: list[str] = field(default_factory=list)  # shas, oldest first
    requested_reviewers: list[str] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)
    merged_by: str | None = None


@dataclass
class Comment:
    id: int
    issue: int
    login: str
    body: str
    created_at: str
    updated_at: str
    author_association: str = "NONE"


@dataclass
class Status:
    id: int
    sha: str
    state: str
    context: str
    description: str | None
    target_url: str | None
    creator: str
    created_at: str


@dataclass
class CheckRun:
    id: int
    head_sha: str
    name: str
    status: str
    conclusion: str | None
    started_at: str | None
    completed_at: str | None
    details_url: str | None
    external_id: str | None
    output: dict[str, Any] = field(default_factory=dict)  # title, summary, text
    annotations: list[dict[str, Any]] = field(default_factory=list)  # every annotation ever sent


@dataclass
class Push:
    """One entry of the repository activity log (GET /repos/{owner}/{repo}/activity)."""

    id: int
    ref: str  # refs/heads/<branch>
    before: str
    after: str
    actor: str
    activity_type: str  # push | force_push | branch_creation | ...
    timestamp: str


@dataclass
class Repo:
    owner: str
    name: str
    id: int
    default_branch: str
    private: bool = False
    branches: dict[str, str] = field(default_factory=dict)  # branch -> tip sha
    pulls: dict[int, Pull] = field(default_factory=dict)
    commits: dict[str, CommitRecord] = field(default_factory=dict)
    reviews: list[Review] = field(default_factory=list)
    files: dict[tuple[str, str], bytes] = field(default_factory=dict)  # (ref, path) -> bytes
    # A ref's tree: the tree of the ref it derives from (derive_tree), then its own files on top.
    tree_bases: dict[str, str] = field(default_factory=dict)  # ref -> the ref whose tree it starts from
    removed: set[tuple[str, str]] = field(default_factory=set)  # (ref, path) deleted at ref
    symlinks: dict[tuple[str, str], str] = field(default_factory=dict)  # (ref, path) -> link target
    merge_bases: dict[tuple[str, str], str] = field(default_factory=dict)  # (base sha, head sha) -> sha
    pushes: list[Push] = field(default_factory=list)  # the activity log, oldest first
    # ref -> the tree its tarball holds instead of the real one (an archive that lies, for tests)
    archive_overrides: dict[str, dict[str, tuple[str, bytes]]] = field(default_factory=dict)
    comments: dict[int, Comment] = field(default_factory=dict)
    statuses: list[Status] = field(default_factory=list)
    check_runs: dict[int, CheckRun] = field(default_factory=dict)

    @property
    def full_name(self) -> str:
        return f"{self.owner}/{self.name}"

    def reviews_of(self, number: int) -> list[Review]:
        return [r for r in self.reviews if r.pull == number]

    def resolve(self, ref: str) -> str:
        """A branch name becomes its tip sha; anything else is returned as is."""
        return self.branches.get(ref, ref)
