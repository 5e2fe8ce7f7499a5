"""What a pull request is, read from GitHub: its files at both ends, commits, reviews, who pushed its
head, the policy it is judged by and the team memberships that matter (the sign-off engine's input).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from github import Github, GithubException
from github.Repository import Repository

from generator.documents.paths import kind_of
from generator.documents.versions import read_version
from generator.errors import GitHubFault
from generator.github.client import NotJudged, _listed, cause, guard
from generator.github.comments import recorded_pushers
from generator.signoff.engine import (
    ChangedFile,
    Commit,
    Identity,
    Memberships,
    PullRequest,
    PullRequestReview,
    ShownIn,
    TreeFault,
    Version,
    as_judged,
    matching_rules,
    required_roles,
)
from generator.signoff.policy import POLICY_PATH, Policy, PolicyError, parse_policy
from generator.signoff.report import MARKER

_CHANGE = {"added": "added", "copied": "added", "removed": "removed", "renamed": "renamed"}


@dataclass(frozen=True)
class PullFacts:
    """Everything the engine needs about one pull request, plus what the report shows."""

    repository: str
    number: int
    title: str
    url: str
    author: str
    state: str
    merged: bool
    merged_at: Any
    merge_commit_sha: str | None
    base_ref: str
    base_sha: str
    head_sha: str
    opened_at: Any
    policy: Policy
    pull: PullRequest
    memberships: Memberships
    # Where the documents' old versions were read: the merge base with the default branch when judging.
    compared_to: str = ""


def read_file(repo: Repository, path: str, ref: str) -> bytes | None:
    """A file's bytes at a commit, or None when it is not there."""
    try:
        content = repo.get_contents(path, ref=ref)
    except GithubException as exc:
        if exc.status == 404:
            return None
        raise GitHubFault(f"reading {path} at {ref[:12]}: {cause(exc)}") from exc
    except Exception as exc:
        raise GitHubFault(f"reading {path} at {ref[:12]}: {cause(exc)}") from exc
    if isinstance(content, list):
        raise GitHubFault(f"reading {path} at {ref[:12]}: it is a folder, not a file")
    with guard(f"reading {path} at {ref[:12]}"):
        return bytes(content.decoded_content)


def read_policy(repo: Repository, ref: str) -> Policy:
    """The policy as it is at `ref` (the default branch when judging): never the pull request's copy."""
    raw = read_file(repo, POLICY_PATH, ref)
    shown = ref[:12] if re.fullmatch(r"[0-9a-f]{40}", ref) else ref
    if raw is None:
        from generator.documents.diagnostics import Diagnostic

        where = f"the commit {shown}" if shown != ref else shown
        raise PolicyError([Diagnostic(POLICY_PATH, 1, 1, "", f"there is no sign-off policy on {where}")])
    return parse_policy(raw, f"{POLICY_PATH}@{shown}")


def read_pull(
    gh: Github,
    repository: str,
    number: int,
    *,
    pushers: frozenset[str] = frozenset(),
    judging: bool = False,
    bot: str | None = None,
    teams: TeamMembers | None = None,
) -> PullFacts:
    """The facts of one pull request. `judging` (the check, and open pull requests in the ledger): only a
    pull request into the default branch, under the default branch's policy, its documents compared with
    the merge base, its head tree validated, its pusher looked up. Otherwise (a merge in the ledger): as
    it was merged, under the policy of its base commit."""
    with guard(f"reading pull request #{number}"):
        repo = gh.get_repo(repository)
        pr = repo.get_pull(number)
        head_sha, base_sha = pr.head.sha, pr.base.sha
        facts = (pr.title, pr.html_url, pr.user.login, pr.state, pr.merged, pr.merged_at, pr.created_at)
        merge_sha = pr.merge_commit_sha
        base_ref = pr.base.ref
        default_branch = repo.default_branch if judging else base_ref
        changed_count = pr.changed_files
    if judging and base_ref != default_branch:
        raise NotJudged(
            f"pull request #{number} is into {base_ref!r}, not the default branch {default_branch!r}: "
            "only pull requests into the default branch are judged, and no status is posted for it"
        )
    if judging:
        policy = read_policy(repo, default_branch)
        with guard("finding the merge base with the default branch"):
            compared_to = str(repo.compare(default_branch, head_sha).merge_base_commit.sha)
    else:
        policy, compared_to = read_policy(repo, base_sha), base_sha
    listed = _listed("listing files", pr.get_files())
    if judging and isinstance(changed_count, int) and len(listed) < changed_count:
        raise GitHubFault(f"GitHub lists {len(listed)} of the {changed_count} changed files: cannot judge")
    files = [_changed_file(repo, f, compared_to, head_sha) for f in listed]
    commits = [_commit(c) for c in _listed("listing commits", pr.get_commits())]
    reviews = [_review(r) for r in _listed("listing reviews", pr.get_reviews())]
    faults: list[TreeFault] = []
    notes: list[str] = []
    pushed = set(pushers)
    if judging:
        faults, files = head_faults(repo, head_sha, files)
        found, how = head_pushers(gh, pr, head_sha, bot)
        pushed |= found
        notes.append(how)
    pull = PullRequest(number, facts[2], head_sha, files, reviews, commits, frozenset(pushed), faults, notes)
    memberships = read_memberships(gh, policy, pull, teams)
    return PullFacts(
        repository, number, facts[0], facts[1], facts[2], facts[3], bool(facts[4]), facts[5], merge_sha,
        base_ref, base_sha, head_sha, facts[6], policy, pull, memberships, compared_to,
    )  # fmt: skip


# A change to these can break documents the pull request does not touch: then every document is validated.
_EVERYTHING = ("handbook.yml",)


def head_faults(
    repo: Repository, head_sha: str, files: Sequence[ChangedFile]
) -> tuple[list[TreeFault], list[ChangedFile]]:
    """`handbook validate` on the head tree (see tree.py): the changed documents and what they reference,
    every document when one was deleted or renamed; links and submodules in the document folders always.
    With the files, each file beside the documents given the head documents that show it."""
    from generator.signoff.tree import head_diagnostics, in_document_folder

    changed = [f.path for f in files if f.change != "removed" and in_document_folder(f.path)]
    everything = any(
        (f.kind is not None or in_document_folder(f.path)) and f.change in ("removed", "renamed")
        for f in files
    ) or any(f.path in _EVERYTHING for f in files)
    beside = [
        path
        for f in files
        if f.kind is None and in_document_folder(f.path)
        for path in (f.path, f.previous_path)
        if path
    ]
    head = head_diagnostics(repo, head_sha, changed, everything=everything, beside=beside)
    faults = [TreeFault(d.path, d.text()) for d in head.diagnostics]
    return faults, [_with_documents_showing(f, head.showing) for f in files]


def _with_documents_showing(
    changed: ChangedFile, showing: Mapping[str, list[tuple[str, bytes | None]]]
) -> ChangedFile:
    if changed.kind is not None:
        return changed
    shown: dict[str, ShownIn] = {}
    for path in (changed.path, changed.previous_path):
        for document, raw in showing.get(path or "", []):
            kind = kind_of(document)
            if kind is None or document in shown:
                continue
            version = (
                read_version(raw, document, kind)
                if raw is not None
                else Version(error=f"{document} cannot be read, and its text names this file")
            )
            shown[document] = ShownIn(document, kind, version)
    return replace(changed, shown_in=tuple(shown.values()))


def head_pushers(gh: Github, pr: Any, head_sha: str, bot: str | None) -> tuple[set[str], str]:
    """Who pushed the head commit, from GitHub's activity log of the head branch (force pushes
    included) and from what earlier runs of the check recorded in the App's own comment."""
    found: set[str] = set()
    sources: list[str] = []
    with guard("reading the head branch"):
        head_repo = pr.head.repo
        branch = pr.head.ref
        full_name = head_repo.full_name if head_repo is not None else None
    if full_name:
        activity = _activity_pushers(gh, full_name, branch, head_sha)
        if activity is None:
            sources.append(f"the activity log of {full_name} cannot be read")
        elif activity:
            found |= activity
            sources.append(f"the activity log of {full_name} ({', '.join(sorted(activity))})")
    recorded = recorded_pushers(pr, head_sha, MARKER, bot)
    if recorded:
        found |= recorded
        sources.append(f"the push events this check saw ({', '.join(sorted(recorded))})")
    short = head_sha[:7]
    if found:
        return found, f"who pushed {short}: from " + "; ".join(
            sources
        ) + ". A pusher's approval never counts."
    sources.append("no push of it is on record, so its committer is taken as its pusher")
    return found, f"who pushed {short}: " + "; ".join(sources) + ". A pusher's approval never counts."


def _activity_pushers(gh: Github, repository: str, branch: str, head_sha: str) -> set[str] | None:
    """Actors of the pushes that made `head_sha` the branch's tip; None when the log cannot be read."""
    url = f"/repos/{repository}/activity"
    query = {"ref": f"refs/heads/{branch}", "per_page": 100}
    try:
        _, data = gh.requester.requestJsonAndCheck("GET", url, parameters=query)
    except GithubException as exc:
        if exc.status in (403, 404, 422):
            return None  # not available for this repository (or to this token): said on the comment
        raise GitHubFault(f"reading the activity of {repository}: {cause(exc)}") from exc
    except Exception as exc:
        raise GitHubFault(f"reading the activity of {repository}: {cause(exc)}") from exc
    if not isinstance(data, list):
        raise GitHubFault(f"reading the activity of {repository}: the answer is not a list")
    actors = set()
    for entry in data:
        actor = entry.get("actor") if isinstance(entry, dict) else None
        if isinstance(entry, dict) and entry.get("after") == head_sha and isinstance(actor, dict):
            login = actor.get("login")
            if isinstance(login, str) and login:
                actors.add(login)
    return actors


def _changed_file(repo: Repository, entry: Any, base_sha: str, head_sha: str) -> ChangedFile:
    with guard("reading the changed files"):
        path, status, previous = entry.filename, entry.status, entry.previous_filename
    change: Any = _CHANGE.get(status, "modified")
    kind = kind_of(path) or (kind_of(previous) if previous else None)
    if kind is None:
        return ChangedFile(path=path, change=change, previous_path=previous)
    base = head = None
    if change != "added":
        base = _version(repo, previous or path, base_sha, kind)
    if change != "removed":
        head = _version(repo, path, head_sha, kind)
    return ChangedFile(path=path, change=change, previous_path=previous, kind=kind, base=base, head=head)


def _version(repo: Repository, path: str, ref: str, kind: Any) -> Version | None:
    raw = read_file(repo, path, ref)
    if raw is None:
        return None
    # A document moved out of (or into) its folder keeps the kind of its other side.
    return read_version(raw, path, kind_of(path) or kind)


def _identity(user: Any, git: Any) -> Identity:
    login = user.login if user is not None else None
    return Identity(login, (git.name or "") if git else "", (git.email or "") if git else "")


def _commit(entry: Any) -> Commit:
    with guard("reading the commits"):
        git = entry.commit
        return Commit(
            entry.sha,
            _identity(entry.author, git.author),
            _identity(entry.committer, git.committer),
            git.message or "",
        )


def _review(entry: Any) -> PullRequestReview:
    with guard("reading the reviews"):
        user = entry.user
        login = user.login if user is not None else ""
        bot = user is not None and (user.type or "") == "Bot"
        return PullRequestReview(
            login, entry.state or "", entry.commit_id, entry.submitted_at, bot, entry.html_url
        )


def relevant_teams(policy: Policy, pull: PullRequest) -> list[str]:
    """Teams behind the roles this pull request needs ('org/slug')."""
    judged = [judged for f in pull.files for judged, _ in as_judged(policy, f)]
    roles = {role for f in judged for role in required_roles(policy, f, matching_rules(policy, f))}
    return sorted({policy.team(t) for role in roles for t in policy.roles[role].teams})


def read_memberships(
    gh: Github, policy: Policy, pull: PullRequest, teams: TeamMembers | None = None
) -> Memberships:
    """Membership state of each reviewer in each team that matters: members listed (once per run, with
    `teams`), others asked."""
    teams = teams or TeamMembers(gh)
    # Everyone who reviewed, commenters too: a comment is a team's first feedback (engine.first_feedback).
    reviewers = sorted({review.login.lower() for review in pull.reviews if review.login})
    found: dict[str, dict[str, str]] = {}
    for team in relevant_teams(policy, pull):
        org_name, slug = team.split("/", 1)
        states = found.setdefault(team, {})
        listed = {login.lower() for login in teams(team)}
        for login in reviewers:
            if login in listed:
                states[login] = "active"
                continue
            with guard(f"looking up {team}"):
                handle = gh.get_organization(org_name).get_team_by_slug(slug)
            state = _membership(handle, login, team)
            if state:
                states[login] = state
    return found


def team_members(gh: Github, team: str) -> list[str]:
    """Active members of a team, every page of them."""
    org_name, slug = team.split("/", 1)
    with guard(f"listing members of {team}"):
        return sorted(m.login for m in gh.get_organization(org_name).get_team_by_slug(slug).get_members())


def _membership(handle: Any, login: str, team: str) -> str | None:
    try:
        return str(handle.get_team_membership(login).state)
    except GithubException as exc:
        if exc.status == 404:
            return None  # not a member (or a team this token cannot see): either way, not counted
        raise GitHubFault(f"membership of {login} in {team}: {cause(exc)}") from exc
    except Exception as exc:
        raise GitHubFault(f"membership of {login} in {team}: {cause(exc)}") from exc


class TeamMembers:
    """Active members of teams, each team listed once per run (a run asks about many pull requests)."""

    def __init__(self, gh: Github) -> None:
        self._gh = gh
        self._members: dict[str, list[str]] = {}

    def __call__(self, team: str) -> list[str]:
        if team not in self._members:
            self._members[team] = team_members(self._gh, team)
        return self._members[team]
