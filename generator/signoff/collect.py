"""`handbook signoff collect`: the ledger of who signed which document, read by the site build.

For every merged pull request into the default branch that changed documents, the counted
approvals per document (judged by the policy of its base commit, at its last head commit); a merge
whose documents lacked sign-offs is an admin bypass and stays flagged. Merged pull requests already
in the ledger are not fetched again. Open pull requests are judged afresh on every run, with the
roles and people they still wait on.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace

from github import Github

from generator.github.client import guard
from generator.github.facts import PullFacts, TeamMembers, read_pull
from generator.signoff import engine
from generator.signoff.engine import (
    DocumentVerdict,
    PullRequest,
    Verdict,
    as_judged,
    assignments,
    excluded_people,
    verdict,
)
from generator.signoff.ledger import (
    LEDGER_VERSION,
    FirstFeedback,
    Ledger,
    MergedChange,
    NotCounted,
    OpenPullRequest,
    SignOff,
    Waiting,
    check_repository,
)
from generator.signoff.policy import PolicyError


@dataclass
class Collected:
    ledger: Ledger
    fetched: list[int] = field(default_factory=list)
    bypasses: list[tuple[str, int]] = field(default_factory=list)


def collect(
    gh: Github, repository: str, previous: Ledger | None, *, now: dt.datetime, branch: str | None = None
) -> Collected:
    if previous is not None:
        check_repository(previous, repository)  # another repository's ledger is refused, never reset
    ledger = (previous or Ledger(repository=repository)).model_copy(deep=True)
    ledger.repository = repository
    # A ledger of an older version lacks what this one records (the review clock): every merge is read
    # again and replaces its old entries; one GitHub no longer answers for keeps them.
    upgrading = ledger.version < LEDGER_VERSION
    ledger.version = LEDGER_VERSION
    teams = TeamMembers(gh)  # each team listed once in the run
    with guard("reading the repository"):
        repo = gh.get_repo(repository)
        branch = branch or repo.default_branch
        closed = [
            (p.number, p.merged_at)
            for p in repo.get_pulls(state="closed", base=branch, sort="created", direction="asc")
        ]
    # A change already in the ledger is never fetched again, even if a hand-edited ledger forgot it.
    seen = set(ledger.seen_pull_requests) | {c.pull_request for cs in ledger.documents.values() for c in cs}
    result = Collected(ledger)
    for number, merged_at in closed:
        if merged_at is None or (number in seen and not upgrading):
            continue
        merged = _merged_changes(gh, repository, number, teams)
        if number in seen:
            for path in list(ledger.documents):
                ledger.documents[path] = [c for c in ledger.documents[path] if c.pull_request != number]
        for path, change in merged:
            ledger.documents.setdefault(path, []).append(change)
            if change.bypassed:
                result.bypasses.append((path, number))
        seen.add(number)
        result.fetched.append(number)
    for changes in ledger.documents.values():
        changes.sort(key=lambda c: (c.merged_at, c.pull_request))
    ledger.seen_pull_requests = sorted(seen)
    ledger.open_pull_requests = _open(gh, repository, branch, teams)
    ledger.generated_at = now
    return result


def _merged_changes(
    gh: Github, repository: str, number: int, teams: TeamMembers
) -> list[tuple[str, MergedChange]]:
    try:
        facts = read_pull(gh, repository, number, teams=teams)
    except PolicyError as exc:
        # Without a readable policy nothing can be shown to be signed: flagged, never assumed fine.
        return _unjudged(gh, repository, number, f"sign-off policy unreadable: {exc.diagnostics[0].message}")
    result = verdict(facts.policy, before_merge(facts.pull, facts.merged_at), facts.memberships)
    documents = {f.path for f in facts.pull.files if f.kind is not None}
    return [(d.path, _change(facts, result, d)) for d in result.documents if d.path in documents]


def before_merge(pull: PullRequest, merged_at: dt.datetime | None) -> PullRequest:
    """Only reviews submitted before the merge count: approving afterwards cannot hide a bypass."""
    if merged_at is None:
        return replace(pull, reviews=())  # a merge with no time: nothing can be shown to precede it
    when = merged_at if merged_at.tzinfo else merged_at.replace(tzinfo=dt.UTC)
    kept = [
        r for r in pull.reviews
        if r.submitted_at is not None
        and (r.submitted_at if r.submitted_at.tzinfo else r.submitted_at.replace(tzinfo=dt.UTC)) <= when
    ]  # fmt: skip
    return replace(pull, reviews=tuple(kept))


def _unjudged(gh: Github, repository: str, number: int, why: str) -> list[tuple[str, MergedChange]]:
    from generator.documents.paths import kind_of

    with guard(f"reading pull request #{number}"):
        pr = gh.get_repo(repository).get_pull(number)
        paths = [f.filename for f in pr.get_files() if kind_of(f.filename)]
        base = dict(
            pull_request=number,
            title=pr.title,
            url=pr.html_url,
            author=pr.user.login,
            merged_at=pr.merged_at,
            merge_commit_sha=pr.merge_commit_sha,
        )
    return [(path, MergedChange(**base, missing=[why])) for path in paths]


def _change(facts: PullFacts, result: Verdict, document: DocumentVerdict) -> MergedChange:
    when = facts.merged_at or facts.opened_at
    signoffs = [
        SignOff(role=role.role, login=a.login, approved_at=a.approved_at or when, review_url=a.url)
        for role in document.roles
        for a in role.by
    ]
    counted = {s.login.lower() for s in signoffs}
    not_counted = {
        (n.login, n.reason): None
        for n in (*document.not_counted, *result.not_counted)
        if n.login.lower() not in counted
    }
    return MergedChange(
        pull_request=facts.number,
        title=facts.title,
        url=facts.url,
        author=facts.author,
        merged_at=when,
        merge_commit_sha=facts.merge_commit_sha,
        opened_at=_aware(facts.opened_at),
        required=document.required,
        signoffs=signoffs,
        missing=document.missing + list(document.problems),
        not_counted=[NotCounted(login=login, reason=reason) for login, reason in not_counted],
        blocked_by=list(document.blocked_by),
        first_feedback=_feedback(document.first_feedback),
    )


def _aware(when: dt.datetime | None) -> dt.datetime | None:
    return None if when is None else _utc(when)


def _utc(when: dt.datetime) -> dt.datetime:
    return when.replace(tzinfo=dt.UTC) if when.tzinfo is None else when


def _feedback(entries: Iterable[engine.FirstReview]) -> list[FirstFeedback]:
    """Each role's earliest feedback (over every document of the pull request)."""
    first: dict[str, engine.FirstReview] = {}
    for entry in entries:
        if entry.role not in first or _utc(entry.at) < _utc(first[entry.role].at):
            first[entry.role] = entry
    return [FirstFeedback(role=e.role, login=e.login, at=_utc(e.at), state=e.state) for e in first.values()]


def _open(gh: Github, repository: str, branch: str, teams: TeamMembers) -> list[OpenPullRequest]:
    with guard("listing open pull requests"):
        numbers = [p.number for p in gh.get_repo(repository).get_pulls(state="open", base=branch)]
    waiting = []
    for number in numbers:
        try:
            facts = read_pull(gh, repository, number, teams=teams)
        except PolicyError:
            continue  # the check itself reports it on the pull request
        entry = open_pull_request_waiting(facts, teams)
        if entry is not None:
            waiting.append(entry)
    return waiting


def open_pull_request_waiting(
    facts: PullFacts, members: Callable[[str], list[str]]
) -> OpenPullRequest | None:
    """The open pull request as the ledger lists it: the roles it still needs and who can fill them."""
    result = verdict(facts.policy, facts.pull, facts.memberships)
    # The documents it changes, and those showing a file beside them that it changes.
    changed_documents = [f.path for f in facts.pull.files if f.kind is not None]
    showing = [shown.path for f in facts.pull.files for shown in f.shown_in]
    documents = list(dict.fromkeys([*changed_documents, *showing]))
    if not documents:
        return None
    excluded = excluded_people(facts.policy, facts.pull)
    judged = {
        (changed.path, shown_in): changed
        for f in facts.pull.files
        for changed, shown_in in as_judged(facts.policy, f)
    }
    roles: dict[str, list[str]] = {}
    for document in result.documents:
        changed = judged[(document.path, document.shown_in)]
        for role in document.missing:
            definition = facts.policy.roles[role]
            people = {u for u in definition.users}
            for team in definition.teams:
                people |= set(members(facts.policy.team(team)))
            if definition.from_document:
                named = changed.head or changed.base
                person = named.people.get(definition.from_document) if named else None
                people = (
                    {p for p in people if person and p.lower() == person.lower()}
                    if (definition.teams or definition.users)
                    else ({person} if person else set())
                )
            for _, assigned in assignments(changed, role):  # only the people a Product Director picked
                people = {p for p in people if p.lower() in assigned}
            eligible = sorted(p for p in people if p.lower() not in excluded)
            roles[role] = sorted(set(roles.get(role, [])) | set(eligible), key=str.lower)
    return OpenPullRequest(
        pull_request=facts.number,
        title=facts.title,
        url=facts.url,
        author=facts.author,
        opened_at=facts.opened_at,
        head_sha=facts.head_sha,
        documents=documents,
        satisfied=result.satisfied,
        waiting=[Waiting(role=role, people=people) for role, people in roles.items()],
        required=list(dict.fromkeys(role for d in result.documents for role in d.required)),
        first_feedback=_feedback(f for d in result.documents for f in d.first_feedback),
    )
