"""The typed builder API tests use to set up what the fake GitHub knows, and to inspect what was written.

Ids come from counters and timestamps from a fake clock that ticks one second per event, so a
scenario serves the same bodies every run. Logins, orgs, repos and slugs are matched case-insensitively.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import threading
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Literal

from tests.fakegithub.state import (
    CheckRun,
    Comment,
    CommitRecord,
    MemberState,
    Org,
    Pull,
    PullFile,
    Push,
    Repo,
    Review,
    Status,
    Team,
    User,
    UserType,
    iso,
)

FileSpec = str | PullFile | tuple[str, str] | tuple[str, str, str | None]
CommitSpec = CommitRecord | Mapping[str, Any]
When = dt.datetime | str | None

T0 = dt.datetime(2026, 1, 5, 12, 0, tzinfo=dt.UTC)
REVIEW_STATES = {"APPROVED", "CHANGES_REQUESTED", "COMMENTED", "DISMISSED", "PENDING"}


def fake_sha(*seed: object) -> str:
    """A stable 40-hex sha made from `seed` (for commits a test does not care to name)."""
    return hashlib.sha1(repr(seed).encode(), usedforsecurity=False).hexdigest()


class Scenario:
    """In-memory GitHub state. All builder methods are safe to call while the server runs."""

    def __init__(
        self, *, actor: str = "github-actions[bot]", actor_type: UserType = "Bot", now: dt.datetime = T0
    ):
        self.lock = threading.RLock()
        self.repos: dict[str, Repo] = {}
        self.users: dict[str, User] = {}
        self.orgs: dict[str, Org] = {}
        self.teams: dict[tuple[str, str], Team] = {}
        self.now = now
        self._ids = itertools.count(1001)
        self._user_ids = itertools.count(5001)
        self._default: str | None = None
        self.actor = self.add_user(actor, actor_type).login  # who the token belongs to: author of writes

    def set_actor(self, login: str, type: UserType = "Bot") -> None:
        """Who the token belongs to: the author of statuses, comments and reviews made through the API."""
        with self.lock:
            self.actor = self.add_user(login, type).login

    # --- time and ids ---------------------------------------------------------------------------------

    def tick(self, when: When = None) -> str:
        """The timestamp of a new event: `when` if given, else the clock, which then moves on a second."""
        if when is not None:
            stamp = iso(when)
            assert stamp is not None
            return stamp
        stamp = iso(self.now)
        assert stamp is not None
        self.now += dt.timedelta(seconds=1)
        return stamp

    def next_id(self) -> int:
        return next(self._ids)

    # --- users, orgs, teams ---------------------------------------------------------------------------

    def add_user(
        self, login: str, type: UserType = "User", *, name: str | None = None, email: str | None = None
    ) -> User:
        with self.lock:
            user = self.users.get(login.lower())
            if user is None:
                user = User(login, next(self._user_ids), type, name, email)
                self.users[login.lower()] = user
            else:
                user.type, user.name, user.email = type, name or user.name, email or user.email
            return user

    def _ensure(self, login: str, type: UserType) -> User:
        """Register `login` if new; a non-default type given later wins (a reviewer that is a Bot)."""
        user = self.user(login)
        if type != "User":
            user.type = type
        return user

    def user(self, login: str) -> User:
        """A known user, registered as a plain User on first mention."""
        with self.lock:
            return self.users.get(login.lower()) or self.add_user(login)

    def add_org(self, login: str, *, name: str | None = None) -> Org:
        with self.lock:
            org = self.orgs.get(login.lower())
            if org is None:
                org = Org(login, self.add_user(login, "Organization").id, name or login)
                self.orgs[login.lower()] = org
            return org

    def org(self, login: str) -> Org:
        with self.lock:
            return self.orgs.get(login.lower()) or self.add_org(login)

    def add_team(
        self,
        org: str,
        slug: str,
        members: Mapping[str, MemberState] | Iterable[str] = (),
        *,
        id: int | None = None,
        name: str | None = None,
        maintainers: Iterable[str] = (),
    ) -> Team:
        """A team; `members` maps login -> "active" | "pending" (a plain list means all active)."""
        with self.lock:
            self.add_org(org)
            states: dict[str, MemberState] = (
                dict(members) if isinstance(members, Mapping) else dict.fromkeys(members, "active")
            )
            team = Team(org, slug, id if id is not None else self.next_id(), name or slug, states)
            for login in maintainers:
                team.members.setdefault(login, "active")
                team.roles[login] = "maintainer"
            for login in team.members:
                self.user(login)
            self.teams[(org.lower(), slug.lower())] = team
            return team

    def set_membership(self, org: str, slug: str, login: str, state: MemberState | None) -> None:
        """Add, change (active/pending) or remove (None) one member of an existing team."""
        with self.lock:
            team = self.team(org, slug)
            for member in [m for m in team.members if m.lower() == login.lower()]:
                del team.members[member]
            if state is not None:
                team.members[login] = state
                self.user(login)

    def team(self, org: str, slug: str) -> Team:
        return self.teams[(org.lower(), slug.lower())]

    def team_by_id(self, team_id: int) -> Team | None:
        return next((t for t in self.teams.values() if t.id == team_id), None)

    # --- repositories ---------------------------------------------------------------------------------

    def add_repo(
        self,
        owner: str,
        name: str,
        default_branch: str = "main",
        *,
        private: bool = False,
        tip: str | None = None,
    ) -> Repo:
        """A repository whose default branch points at `tip` (a made-up sha unless given).

        The first repository added is the default for every `repo=None` argument."""
        with self.lock:
            self.user(owner)
            repo = Repo(owner, name, self.next_id(), default_branch, private)
            repo.branches[default_branch] = tip or fake_sha(owner, name, default_branch)
            self.repos[repo.full_name.lower()] = repo
            self._default = self._default or repo.full_name.lower()
            return repo

    def repo(self, full_name: str | None = None) -> Repo:
        with self.lock:
            key = (full_name or self._default or "").lower()
            if key not in self.repos:
                raise KeyError(f"fake GitHub has no repository {full_name!r}: call add_repo() first")
            return self.repos[key]

    def find_repo(self, owner: str, name: str) -> Repo | None:
        return self.repos.get(f"{owner}/{name}".lower())

    def set_branch(self, branch: str, sha: str, *, repo: str | None = None) -> None:
        with self.lock:
            self.repo(repo).branches[branch] = sha

    def set_file(self, ref: str, path: str, content: str | bytes | None, *, repo: str | None = None) -> None:
        """The file at `path` as seen at `ref` (a sha or branch name); None removes it.

        A GET at a branch also finds files set at its tip sha, and a GET at a sha those set at a
        branch whose tip it is (so set_file("main", ...) serves reads at the PR's base sha)."""
        with self.lock:
            target = self.repo(repo)
            key = (ref, path.strip("/"))
            target.symlinks.pop(key, None)
            if content is None:
                target.files.pop(key, None)
                target.removed.add(key)  # deleted here, even when the tree it derives from has it
            else:
                data = content.encode() if isinstance(content, str) else content
                target.files[key] = data
                target.removed.discard(key)

    def set_symlink(self, ref: str, path: str, link: str, *, repo: str | None = None) -> None:
        """A symbolic link (git mode 120000) at `path` as seen at `ref`, pointing at `link`."""
        with self.lock:
            target = self.repo(repo)
            key = (ref, path.strip("/"))
            target.files.pop(key, None)
            target.removed.discard(key)
            target.symlinks[key] = link

    def derive_tree(self, ref: str, base: str, *, repo: str | None = None) -> None:
        """The tree at `ref` starts as the tree at `base` (a parent commit); files set at `ref` change it."""
        with self.lock:
            self.repo(repo).tree_bases[ref] = base

    def set_merge_base(self, base: str, head: str, merge_base: str, *, repo: str | None = None) -> None:
        """What GET compare/{base}...{head} reports as the merge base (default: computed from commits)."""
        with self.lock:
            self.repo(repo).merge_bases[(base, head)] = merge_base

    def add_push(
        self,
        branch: str,
        after: str,
        actor: str,
        *,
        before: str | None = None,
        activity_type: str = "push",
        when: When = None,
        repo: str | None = None,
    ) -> Push:
        """An entry of the repository's activity log: `actor` pushed `after` to `branch`."""
        with self.lock:
            self.user(actor)
            target = self.repo(repo)
            entry = Push(
                self.next_id(), f"refs/heads/{branch}", before or "0" * 40, after, actor, activity_type,
                self.tick(when),
            )  # fmt: skip
            target.pushes.append(entry)
            return entry

    def add_commit(
        self,
        sha: str,
        message: str = "Edit",
        author_login: str | None = None,
        committer_login: str | None = None,
        *,
        branch: str | None = None,
        parents: Sequence[str] | None = None,
        files: Sequence[FileSpec] = (),
        date: When = None,
        author_name: str | None = None,
        author_email: str | None = None,
        committer_name: str | None = None,
        committer_email: str | None = None,
        repo: str | None = None,
    ) -> CommitRecord:
        """A commit; with `branch` it becomes that branch's tip (its parent defaults to the old tip)."""
        with self.lock:
            target = self.repo(repo)
            if parents is None:
                parents = [target.branches[branch]] if branch and branch in target.branches else []
            record = CommitRecord(
                sha=sha,
                message=message,
                author_login=author_login,
                committer_login=committer_login if committer_login is not None else author_login,
                author_name=author_name or (author_login or "Some One"),
                author_email=author_email or f"{author_login or 'someone'}@example.com",
                committer_name=committer_name
                or author_name
                or (committer_login or author_login or "Some One"),
                committer_email=committer_email
                or f"{committer_login or author_login or 'someone'}@example.com",
                date=self.tick(date),
                parents=list(parents),
                files=[_pull_file(spec) for spec in files],
            )
            for login in (record.author_login, record.committer_login):
                if login:
                    self.user(login)
            if branch:
                record.branches.add(branch)
                target.branches[branch] = sha
                for parent in _ancestors(target, record.parents):
                    parent.branches.add(branch)
            target.commits[sha] = record
            return record

    # --- pull requests --------------------------------------------------------------------------------

    def add_pull(
        self,
        number: int,
        author: str,
        head_sha: str,
        base_ref: str = "main",
        head_ref: str | None = None,
        title: str | None = None,
        body: str | None = None,
        state: str = "open",
        merged: bool = False,
        merged_at: When = None,
        merge_commit_sha: str | None = None,
        files: Sequence[FileSpec] = (),
        commits: Sequence[CommitSpec] | None = None,
        *,
        base_sha: str | None = None,
        draft: bool = False,
        created_at: When = None,
        labels: Sequence[str] = (),
        requested_reviewers: Sequence[str] = (),
        merged_by: str | None = None,
        merge_method: Literal["merge", "squash"] = "merge",
        author_type: UserType = "User",
        repo: str | None = None,
    ) -> Pull:
        """A pull request. `merged=True` closes it and puts `merge_commit_sha` on `base_ref`: a merge
        commit (parents base and head; the PR's commits join the branch) or, with "squash", one commit.

        `files`: filenames, (filename, status) or (filename, status, previous_filename) tuples, or PullFile.
        `commits`: dicts with sha/author_login/committer_login/message (and optionally author_name,
        author_email, committer_name, committer_email, date), oldest first; default one commit = head_sha.
        """
        with self.lock:
            target = self.repo(repo)
            self._ensure(author, author_type)
            base_sha = base_sha or target.branches.get(base_ref) or fake_sha(target.full_name, base_ref)
            created = self.tick(created_at)
            specs: Sequence[CommitSpec] = (
                commits if commits is not None else [{"sha": head_sha, "author_login": author}]
            )
            pull_files = [_pull_file(spec) for spec in files]
            shas: list[str] = []
            for spec in specs:
                record = (
                    spec if isinstance(spec, CommitRecord) else self._commit_from(spec, shas or [base_sha])
                )
                record.files = record.files or (pull_files if record.sha == head_sha else [])
                target.commits[record.sha] = record
                shas.append(record.sha)
            closed_at: str | None = None
            if merged:
                state = "closed"
                merged_at = self.tick(merged_at)
                closed_at = merged_at
                merge_commit_sha = merge_commit_sha or fake_sha(target.full_name, number, "merge")
                merged_by = merged_by or author
            elif state == "closed":
                closed_at = self.tick()
            pull = Pull(
                number=number,
                id=self.next_id(),
                author=author,
                head_sha=head_sha,
                base_ref=base_ref,
                head_ref=head_ref or f"topic-{number}",
                base_sha=base_sha,
                title=title or f"Pull request {number}",
                body=body,
                state=state,
                merged=merged,
                merged_at=iso(merged_at),
                merge_commit_sha=merge_commit_sha,
                draft=draft,
                created_at=created,
                updated_at=closed_at or created,
                closed_at=closed_at,
                files=pull_files,
                commits=shas,
                requested_reviewers=list(requested_reviewers),
                labels=list(labels),
                merged_by=merged_by if merged else None,
            )
            target.pulls[number] = pull
            target.branches.setdefault(pull.head_ref, head_sha)
            for sha in shas:
                target.commits[sha].branches.add(pull.head_ref)
            if merged and merge_commit_sha and merge_commit_sha not in target.commits:
                squash = merge_method == "squash"
                self.add_commit(
                    merge_commit_sha,
                    f"{pull.title} (#{number})"
                    if squash
                    else f"Merge pull request #{number} from {target.owner}/{pull.head_ref}\n\n{pull.title}",
                    merged_by if not squash else author,
                    "web-flow",
                    branch=base_ref,
                    parents=[base_sha] if squash else [base_sha, head_sha],
                    files=pull_files,
                    date=pull.merged_at,
                    repo=target.full_name,
                )
            return pull

    def _commit_from(self, spec: Mapping[str, Any], previous: list[str]) -> CommitRecord:
        author = spec.get("author_login")
        committer = spec.get("committer_login", author)
        for login in (author, committer):
            if login:
                self.user(str(login))
        return CommitRecord(
            sha=str(spec["sha"]),
            message=str(spec.get("message", "Edit")),
            author_login=author,
            committer_login=committer,
            author_name=str(spec.get("author_name") or author or "Some One"),
            author_email=str(spec.get("author_email") or f"{author or 'someone'}@example.com"),
            committer_name=str(spec.get("committer_name") or committer or "Some One"),
            committer_email=str(spec.get("committer_email") or f"{committer or 'someone'}@example.com"),
            date=self.tick(spec.get("date")),
            parents=list(spec.get("parents") or previous[-1:]),
        )

    def pull(self, number: int, *, repo: str | None = None) -> Pull:
        return self.repo(repo).pulls[number]

    def add_review(
        self,
        pr: int,
        login: str | None,
        state: str = "APPROVED",
        commit_id: str | None = None,
        submitted_at: When = None,
        user_type: UserType = "User",
        *,
        body: str = "",
        author_association: str = "MEMBER",
        repo: str | None = None,
    ) -> Review:
        """A review in REST's upper-case state; `commit_id` defaults to the PR head, `login=None` = ghost."""
        with self.lock:
            target = self.repo(repo)
            pull = target.pulls[pr]
            state = state.upper()
            assert state in REVIEW_STATES, f"REST review states are {sorted(REVIEW_STATES)}, not {state!r}"
            if login is not None:
                self._ensure(login, user_type)
            review = Review(
                id=self.next_id(),
                pull=pr,
                login=login,
                state=state,
                commit_id=commit_id if commit_id is not None else pull.head_sha,
                submitted_at=None if state == "PENDING" else self.tick(submitted_at),
                body=body,
                author_association=author_association,
            )
            target.reviews.append(review)
            return review

    def dismiss_review(self, review_id: int, *, repo: str | None = None) -> Review:
        """Dismiss a review: GitHub turns its state into DISMISSED (it stays in the list)."""
        with self.lock:
            review = self.review(review_id, repo=repo)
            review.state = "DISMISSED"
            return review

    def review(self, review_id: int, *, repo: str | None = None) -> Review:
        return next(r for r in self.repo(repo).reviews if r.id == review_id)

    def add_comment(
        self, pr: int, login: str, body: str, user_type: UserType = "User", *, repo: str | None = None
    ) -> Comment:
        """An issue comment on a pull request (or issue number) written by someone else than the actor."""
        with self.lock:
            self._ensure(login, user_type)
            stamp = self.tick()
            comment = Comment(self.next_id(), pr, login, body, stamp, stamp)
            self.repo(repo).comments[comment.id] = comment
            return comment

    def add_status(
        self,
        sha: str,
        state: str,
        context: str = "default",
        description: str | None = None,
        target_url: str | None = None,
        *,
        creator: str | None = None,
        repo: str | None = None,
    ) -> Status:
        with self.lock:
            status = Status(
                self.next_id(),
                sha,
                state,
                context,
                description,
                target_url,
                creator or self.actor,
                self.tick(),
            )
            self.repo(repo).statuses.append(status)
            return status

    # --- inspection -----------------------------------------------------------------------------------

    def statuses(self, sha: str | None = None, *, repo: str | None = None) -> list[Status]:
        return [s for s in self.repo(repo).statuses if sha is None or s.sha == sha]

    def check_runs(self, *, repo: str | None = None) -> list[CheckRun]:
        return list(self.repo(repo).check_runs.values())

    def comments(self, pr: int | None = None, *, repo: str | None = None) -> list[Comment]:
        return [c for c in self.repo(repo).comments.values() if pr is None or c.issue == pr]


def _pull_file(spec: FileSpec) -> PullFile:
    if isinstance(spec, PullFile):
        return spec
    if isinstance(spec, str):
        return PullFile(spec)
    if len(spec) == 2:
        return PullFile(spec[0], spec[1])
    return PullFile(spec[0], spec[1], spec[2])


def _ancestors(repo: Repo, shas: Iterable[str]) -> Iterable[CommitRecord]:
    seen: set[str] = set()
    todo = list(shas)
    while todo:
        sha = todo.pop()
        record = repo.commits.get(sha)
        if record is None or sha in seen:
            continue
        seen.add(sha)
        yield record
        todo.extend(record.parents)
