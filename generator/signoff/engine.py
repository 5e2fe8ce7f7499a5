"""The verdict: which roles each changed document needs, and which approvals fill them.

Pure: plain data in (policy, the changed files with their base and head versions, reviews, commits,
team memberships, head SHA), a verdict out. No clock, no I/O, so every rule is unit-testable.

Counted: each reviewer's latest review, if it is an approval of the head commit, by an active member
of a required role who is not the author, a commit author, committer or co-author, the last pusher
or a bot. A request for changes by anyone holding a required role blocks until lifted.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace

from generator.signoff.policy import Change, Policy, Rule, path_matches

APPROVED, CHANGES_REQUESTED, DISMISSED = "APPROVED", "CHANGES_REQUESTED", "DISMISSED"
COMMENTED = "COMMENTED"
# Review states that replace a reviewer's earlier verdict; COMMENTED and PENDING leave it standing.
_DECISIVE = {APPROVED, CHANGES_REQUESTED, DISMISSED}
# Reviews that are feedback (a dismissed review was given too; PENDING is a draft nobody has seen).
_FEEDBACK = {APPROVED, CHANGES_REQUESTED, COMMENTED, DISMISSED}
_CO_AUTHOR = re.compile(r"^\s*co-authored-by:\s*(?P<name>[^<\n]*?)\s*<(?P<email>[^>\n]+)>\s*$", re.I | re.M)
_NOREPLY = re.compile(r"^(?:\d+\+)?(?P<login>[A-Za-z0-9-]+)@users\.noreply\.github\.com$", re.I)


# --- input -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Version:
    """What the rules read from one version of a document (None fields: not given)."""

    status: str | None = None
    tier: int | None = None
    asked: frozenset[str] = frozenset()
    people: Mapping[str, str] = field(default_factory=dict)
    # Team (product, engineering, support) -> the logins (lower case) a Product Director assigned.
    assigned: Mapping[str, frozenset[str]] = field(default_factory=dict)
    # Why this version could not be read; the document then cannot be signed off.
    error: str | None = None


@dataclass(frozen=True)
class ShownIn:
    """A document of the head tree whose body shows a changed file beside the documents (an image, a
    PDF): the file is part of what that document publishes."""

    path: str
    kind: str  # "review" | "account"
    version: Version


@dataclass(frozen=True)
class ChangedFile:
    path: str
    change: Change = "modified"
    previous_path: str | None = None
    kind: str | None = None  # "review" | "account" for documents, None for other files
    base: Version | None = None
    head: Version | None = None
    # For a file beside the documents: the documents that show it (it is signed off like an edit of each).
    shown_in: tuple[ShownIn, ...] = ()


@dataclass(frozen=True)
class PullRequestReview:
    """A review submitted on the pull request (approved, changes requested, commented), as GitHub has it."""

    login: str
    state: str
    commit_id: str | None
    submitted_at: dt.datetime | None = None
    bot: bool = False
    url: str | None = None


@dataclass(frozen=True)
class Identity:
    login: str | None
    name: str = ""
    email: str = ""


@dataclass(frozen=True)
class Commit:
    sha: str
    author: Identity
    committer: Identity
    message: str = ""


@dataclass(frozen=True)
class TreeFault:
    """A fault `handbook validate` finds in the head tree (file:line:col: field: message)."""

    path: str
    text: str


@dataclass(frozen=True)
class PullRequest:
    number: int
    author: str
    head_sha: str
    files: Sequence[ChangedFile]
    reviews: Sequence[PullRequestReview]
    commits: Sequence[Commit]
    # Who pushed the head commit (from GitHub's activity log, the push event, or the App's own record);
    # the head commit's committer is added by the engine.
    pushers: frozenset[str] = frozenset()
    # The head tree judged as `handbook validate` judges it: any fault and nothing is signed off.
    faults: Sequence[TreeFault] = ()
    # How facts were established, shown on the comment (e.g. where the pusher came from).
    notes: Sequence[str] = ()


# team ('org/slug', lower case) -> login (lower case) -> membership state ('active' | 'pending')
Memberships = Mapping[str, Mapping[str, str]]


# --- output ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Approval:
    login: str
    approved_at: dt.datetime | None
    url: str | None = None


@dataclass(frozen=True)
class UncountedApproval:
    """An approval that fills no role, and why (the author's, a stale commit, not a member...)."""

    login: str
    reason: str


@dataclass(frozen=True)
class FirstReview:
    """The first review (approval, request for changes or comment) by someone holding a required role."""

    role: str
    login: str
    at: dt.datetime
    state: str


@dataclass(frozen=True)
class RoleVerdict:
    role: str
    by: tuple[Approval, ...] = ()

    @property
    def satisfied(self) -> bool:
        return bool(self.by)


@dataclass(frozen=True)
class DocumentVerdict:
    path: str
    previous_path: str | None
    change: Change
    rules: tuple[str, ...]
    roles: tuple[RoleVerdict, ...]
    blocked_by: tuple[str, ...] = ()
    problems: tuple[str, ...] = ()
    not_counted: tuple[UncountedApproval, ...] = ()
    first_feedback: tuple[FirstReview, ...] = ()
    # A file beside the documents is judged once for each document that shows it: that document.
    shown_in: str | None = None

    @property
    def required(self) -> list[str]:
        return [r.role for r in self.roles]

    @property
    def missing(self) -> list[str]:
        return [r.role for r in self.roles if not r.satisfied]

    @property
    def satisfied(self) -> bool:
        return not self.missing and not self.blocked_by and not self.problems


@dataclass(frozen=True)
class Verdict:
    pull_request: int
    head_sha: str
    documents: tuple[DocumentVerdict, ...]
    not_counted: tuple[UncountedApproval, ...]
    faults: tuple[TreeFault, ...] = ()
    notes: tuple[str, ...] = ()

    @property
    def satisfied(self) -> bool:
        return not self.faults and all(d.satisfied for d in self.documents)

    @property
    def missing(self) -> list[str]:
        """Missing roles over all documents, in first-seen order."""
        return list(dict.fromkeys(role for d in self.documents for role in d.missing))

    @property
    def blocked_by(self) -> list[str]:
        return list(dict.fromkeys(login for d in self.documents for login in d.blocked_by))


# --- the verdict -----------------------------------------------------------------------------------


def verdict(policy: Policy, pull: PullRequest, memberships: Memberships) -> Verdict:
    latest = latest_reviews(pull.reviews)
    excluded = excluded_people(policy, pull)
    approvals: dict[str, Approval] = {}
    refused: dict[str, str] = {}
    for key, review in latest.items():
        state = review.state.upper()
        reason = excluded.get(key) or ("a bot" if is_bot(review) else None)
        if state == APPROVED:
            if reason:
                refused[key] = reason
            elif review.commit_id != pull.head_sha:
                refused[key] = (
                    f"approved an older commit ({(review.commit_id or 'unknown')[:7]}), not the head"
                )
            else:
                approvals[key] = Approval(review.login, review.submitted_at, review.url)
        elif state == DISMISSED:
            # GitHub turns a dismissed review's own state into DISMISSED: whatever it was no longer counts.
            refused[key] = "review was dismissed"
        elif state == CHANGES_REQUESTED and _ever_approved(pull.reviews, key):
            refused[key] = "approval was followed by a request for changes"
    documents = tuple(
        replace(
            _document_verdict(policy, judged, latest, approvals, memberships, pull.faults, pull, excluded),
            shown_in=shown_in,
        )
        for changed in pull.files
        for judged, shown_in in as_judged(policy, changed)
    )
    counted = {a.login.lower() for d in documents for r in d.roles for a in r.by}
    not_counted = [UncountedApproval(latest[key].login, reason) for key, reason in refused.items()]
    for key, approval in approvals.items():
        if key not in counted:
            reasons = [n.reason for d in documents for n in d.not_counted if n.login.lower() == key]
            not_counted.append(
                UncountedApproval(approval.login, "; ".join(dict.fromkeys(reasons)) or "not needed")
            )
    faults, notes = tuple(pull.faults), tuple(pull.notes)
    return Verdict(pull.number, pull.head_sha, documents, tuple(not_counted), faults, notes)


def as_judged(policy: Policy, changed: ChangedFile) -> list[tuple[ChangedFile, str | None]]:
    """What a changed file is judged as. A document as itself; a file beside the documents as an edit
    of each document that shows it (swapping the diagram of an approved review edits that review); any
    other file only where a rule names its path."""
    if changed.kind is None and changed.shown_in:
        return [
            (
                replace(changed, kind=shown.kind, base=shown.version, head=shown.version, shown_in=()),
                shown.path,
            )
            for shown in changed.shown_in
        ]
    if changed.kind is not None or _path_rules(policy, changed):
        return [(changed, None)]
    return []


def latest_reviews(reviews: Iterable[PullRequestReview]) -> dict[str, PullRequestReview]:
    """Each reviewer's last decisive review (approve, request changes, dismissed), by login in lower case."""
    ordered = sorted(
        enumerate(reviews),
        key=lambda pair: (pair[1].submitted_at is not None, pair[1].submitted_at or _EPOCH, pair[0]),
    )
    latest: dict[str, PullRequestReview] = {}
    for _, review in ordered:
        if review.state.upper() in _DECISIVE and review.login:
            latest[review.login.lower()] = review
    return latest


_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def _ever_approved(reviews: Iterable[PullRequestReview], key: str) -> bool:
    return any(r.login.lower() == key and r.state.upper() == APPROVED for r in reviews)


def is_bot(review: PullRequestReview) -> bool:
    return review.bot or review.login.lower().endswith("[bot]")


def excluded_people(policy: Policy, pull: PullRequest) -> dict[str, str]:
    """Logins (lower case) whose approval never counts, with the reason."""
    by_email = {
        email.lower(): login.lower() for login, emails in policy.identities.items() for email in emails
    }
    excluded: dict[str, str] = {}

    def add(identity: Identity, reason: str) -> None:
        for login in _logins_of(identity, by_email):
            excluded.setdefault(login, reason)

    excluded[pull.author.lower()] = "the pull request's author"
    for commit in pull.commits:
        short = commit.sha[:7]
        add(commit.author, f"authored commit {short}")
        add(commit.committer, f"committed {short}")
        for match in _CO_AUTHOR.finditer(commit.message):
            add(Identity(None, match["name"], match["email"]), f"co-authored commit {short}")
    if pull.commits:
        add(pull.commits[-1].committer, "pushed the head commit")
    for login in pull.pushers:
        excluded.setdefault(login.lower(), "pushed to the pull request")
    return excluded


def _logins_of(identity: Identity, by_email: Mapping[str, str]) -> set[str]:
    """Every login an identity may stand for: its own, a noreply address, a known e-mail, a name."""
    logins = {identity.login.lower()} if identity.login else set()
    email = identity.email.strip().lower()
    noreply = _NOREPLY.match(email)
    if noreply:
        logins.add(noreply["login"].lower())
    if email in by_email:
        logins.add(by_email[email])
    name = identity.name.strip()
    if name and re.fullmatch(r"[A-Za-z0-9-]{1,39}", name):
        # A trailer naming a login ("Co-authored-by: octocat <...>") is taken at its word.
        logins.add(name.lower())
    return logins


# --- one document ----------------------------------------------------------------------------------


def matching_rules(policy: Policy, changed: ChangedFile) -> list[Rule]:
    return [rule for rule in policy.rules if _matches(rule, changed)]


def _path_rules(policy: Policy, changed: ChangedFile) -> list[Rule]:
    return [rule for rule in policy.rules if rule.kind is None and _matches(rule, changed)]


def _matches(rule: Rule, changed: ChangedFile) -> bool:
    if rule.kind is not None and rule.kind != changed.kind:
        return False
    paths = [p for p in (changed.path, changed.previous_path) if p]
    if rule.paths and not any(path_matches(p, rule.paths) for p in paths):
        return False
    if rule.change and changed.change not in rule.change:
        return False
    base, head = changed.base, changed.head
    base_status = base.status if base else None
    head_status = head.status if head else None
    if rule.to and not (head_status in rule.to and base_status != head_status):
        return False
    if rule.status and head_status not in rule.status:
        return False
    if rule.from_ and base_status not in rule.from_:
        return False
    # A tier rule holds when the plan had or has that tier: lowering the tier cannot dodge leadership.
    return not rule.tier or any(v is not None and v.tier in rule.tier for v in (base, head))


def required_roles(policy: Policy, changed: ChangedFile, rules: Sequence[Rule]) -> list[str]:
    asked: frozenset[str] = frozenset().union(*(v.asked for v in (changed.base, changed.head) if v))
    wanted: list[str] = []
    for rule in rules:
        wanted += rule.require
        wanted += [role for role in rule.require_if_asked if role in asked]
    order = list(policy.roles)
    return sorted(set(wanted), key=order.index)


def assignments(changed: ChangedFile, role: str) -> list[tuple[str, frozenset[str]]]:
    """The assignments that bind `role` for this document: ("base" | "head", the assigned logins) for
    each version naming people for the team of that name. Both bind when both name some: the head
    cannot swap in someone the Product Director did not pick, nor drop the assignment to widen it."""
    found = []
    for name, version in (("base", changed.base), ("head", changed.head)):
        people = version.assigned.get(role) if version is not None else None
        if people:
            found.append((name, people))
    return found


def holds(
    policy: Policy,
    role: str,
    login: str,
    changed: ChangedFile,
    memberships: Memberships,
    *,
    assigned: bool = True,
) -> tuple[bool, str]:
    """Whether `login` can fill `role` for this document, and if not, why. `assigned=False` asks whether
    they hold the role at all (a concern from any holder blocks, assigned or not)."""
    ok, why = _holds(policy, role, login, changed, memberships)
    if not ok or not assigned:
        return ok, why
    key = login.lower()
    binding = assignments(changed, role)
    agreed = len({people for _, people in binding}) == 1
    for version, people in binding:
        if key not in people:
            where = "" if agreed else f" in the {version} version"
            return False, f"not assigned to review for {role} (assigned{where}: {', '.join(sorted(people))})"
    return True, ""


def _holds(
    policy: Policy, role: str, login: str, changed: ChangedFile, memberships: Memberships
) -> tuple[bool, str]:
    definition = policy.roles[role]
    key = login.lower()
    if definition.from_document:
        named = (changed.head or changed.base or Version()).people.get(definition.from_document)
        if not named:
            return False, f"the document names no {definition.from_document}"
        if named.lower() != key:
            return False, f"{role} is {named}, named in {definition.from_document}"
        if not (definition.teams or definition.users):
            return True, ""
    if key in {user.lower() for user in definition.users}:
        return True, ""
    pending = []
    for team in definition.teams:
        state = memberships.get(policy.team(team), {}).get(key)
        if state == "active":
            return True, ""
        if state is not None:
            pending.append(f"membership of {policy.team(team)} is {state}")
    if pending:
        return False, "; ".join(pending)
    return False, f"not a member of {role}"


def _document_verdict(
    policy: Policy,
    changed: ChangedFile,
    latest: Mapping[str, PullRequestReview],
    approvals: Mapping[str, Approval],
    memberships: Memberships,
    faults: Sequence[TreeFault] = (),
    pull: PullRequest | None = None,
    excluded: Mapping[str, str] | None = None,
) -> DocumentVerdict:
    problems = []
    own = [fault.text for fault in faults if changed.head is not None and fault.path == changed.path]
    if own:
        problems += [f"the new version does not validate: {text}" for text in own]
    elif changed.head is not None and changed.head.error:
        problems.append(f"the new version does not validate: {changed.head.error}")
    base = changed.base
    if base is not None and base.error and (base.status if changed.kind == "review" else base.tier) is None:
        problems.append(f"the old version cannot be read: {base.error}")
    rules = matching_rules(policy, changed)
    required = required_roles(policy, changed, rules)
    eligible: dict[str, list[str]] = {}
    reasons: dict[str, list[str]] = {}
    for key in approvals:
        for role in required:
            ok, why = holds(policy, role, key, changed, memberships)
            if ok:
                eligible.setdefault(key, []).append(role)
            else:
                reasons.setdefault(key, []).append(why)
    filled = _assign(required, eligible, approvals, policy.one_role_per_person)
    counted = {a.login.lower() for approvals_ in filled.values() for a in approvals_}
    not_counted = []
    for key, approval in approvals.items():
        if key in counted or not required:
            continue
        if key in eligible:
            held = ", ".join(eligible[key])
            reason = f"already counted once on this document; one person fills one role ({held})"
        else:
            reason = "; ".join(dict.fromkeys(reasons.get(key, []))) or "holds no required role"
        not_counted.append(UncountedApproval(approval.login, reason))
    blocked_by = tuple(
        review.login
        for key, review in latest.items()
        if review.state.upper() == CHANGES_REQUESTED
        and any(holds(policy, role, key, changed, memberships, assigned=False)[0] for role in required)
    )
    return DocumentVerdict(
        path=changed.path,
        previous_path=changed.previous_path,
        change=changed.change,
        rules=tuple(rule.name for rule in rules),
        roles=tuple(RoleVerdict(role, tuple(filled.get(role, ()))) for role in required),
        blocked_by=blocked_by,
        problems=tuple(problems),
        not_counted=tuple(not_counted),
        first_feedback=first_feedback(policy, changed, required, pull, memberships, excluded or {}),
    )


def first_feedback(
    policy: Policy,
    changed: ChangedFile,
    required: Sequence[str],
    pull: PullRequest | None,
    memberships: Memberships,
    excluded: Mapping[str, str],
) -> tuple[FirstReview, ...]:
    """Per required role, the earliest review by someone who can fill it (as approvals are judged:
    never the author, a committer, the pusher or a bot): when the team answered, whatever it said."""
    if pull is None:
        return ()
    timed = sorted(
        (r for r in pull.reviews if r.submitted_at is not None and r.state.upper() in _FEEDBACK),
        key=lambda r: r.submitted_at or _EPOCH,
    )
    found = []
    for role in required:
        for review in timed:
            key = review.login.lower()
            if key in excluded or is_bot(review) or not review.login:
                continue
            if holds(policy, role, key, changed, memberships)[0]:
                assert review.submitted_at is not None
                found.append(FirstReview(role, review.login, review.submitted_at, review.state.upper()))
                break
    return tuple(found)


def _assign(
    roles: Sequence[str],
    eligible: Mapping[str, Sequence[str]],
    approvals: Mapping[str, Approval],
    one_role_per_person: bool,
) -> dict[str, list[Approval]]:
    """Approvers to roles; with one role per person, a maximum matching (augmenting paths)."""
    if not one_role_per_person:
        return {
            role: [approvals[key] for key in sorted(eligible) if role in eligible[key]]
            for role in roles
            if any(role in held for held in eligible.values())
        }
    owner: dict[str, str] = {}

    def place(key: str, seen: set[str]) -> bool:
        for role in eligible.get(key, ()):
            if role in seen:
                continue
            seen.add(role)
            if role not in owner or place(owner[role], seen):
                owner[role] = key
                return True
        return False

    for key in sorted(eligible, key=lambda k: (len(eligible[k]), k)):
        place(key, set())
    return {role: [approvals[key]] for role, key in owner.items()}
