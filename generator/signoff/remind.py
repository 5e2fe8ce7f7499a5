"""`handbook remind`: nudge the reviewers of tech reviews whose feedback is overdue.

Pipeline: open pull requests (GitHub) → the overdue ones (pure calendar arithmetic) → who has not
approved yet (the sign-off engine, exactly as `handbook signoff check` judges it) → the reminder
(pure text) → one comment per pull request, edited in place and touched at most once a day.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from generator.process.calendar import DEFAULT, Calendar, day_of
from generator.signoff.report import cell

MARKER = "<!-- handbook/remind -->"


# --- what a reminder says (pure) -------------------------------------------------------------------


@dataclass(frozen=True)
class Missing:
    """A role that has not approved, and the people who could fill it."""

    role: str
    people: tuple[str, ...]


@dataclass(frozen=True)
class Overdue:
    """An open pull request changing a tech review whose feedback deadline has passed."""

    number: int
    url: str
    asked_on: dt.date
    due: dt.date
    reviews: tuple[str, ...]
    missing: tuple[Missing, ...]


def _mention(login: str) -> str:
    # Logins are [A-Za-z0-9-] (plus "[bot]" for Apps); anything else is shown, not mentioned.
    plain = login.replace("-", "")
    return f"@{login}" if plain.isascii() and plain.isalnum() else cell(login)


def reminder(overdue: Overdue, today: dt.date, calendar: Calendar = DEFAULT) -> str:
    """The comment body: which roles have not approved, and who can fill each."""
    late = calendar.business_days_between(overdue.due, today)
    days = f"{late} business day{'s' if late != 1 else ''}"
    lines = [
        MARKER,
        f"### ⏰ Feedback is overdue by {days}",
        "",
        f"This pull request asked for feedback on {overdue.asked_on.isoformat()}; initial feedback was due "
        f"within {calendar.feedback_business_days} business days, by {overdue.due.isoformat()}.",
        "Tech review: " + ", ".join(cell(path) for path in overdue.reviews),
        "",
        "| role | not approved yet — any of |",
        "| --- | --- |",
    ]
    for entry in overdue.missing:
        people = (
            ", ".join(_mention(login) for login in entry.people) or "nobody can fill this role: ask an admin"
        )
        lines.append(f"| {cell(entry.role)} | {people} |")
    lines += [
        "",
        "Approve the pull request's latest commit to sign off, request changes to raise a concern, "
        "or ask the author for a meeting.",
        f"<sub>Reminder of {today.isoformat()}; updated at most once a business day.</sub>",
    ]
    return "\n".join(lines) + "\n"


# --- GitHub (the edge) -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Reminded:
    """What was done about one overdue pull request's reminder."""

    number: int
    action: str  # "created" | "edited" | "already reminded today" | "would post"
    body: str


def find_overdue(
    gh: Any, repository: str, today: dt.date, branch: str | None = None, calendar: Calendar = DEFAULT
) -> list[Overdue]:
    """Open, ready pull requests into the default branch that change a tech review, are past the
    feedback deadline, and still miss required approvals."""
    from generator.github.client import guard
    from generator.github.facts import TeamMembers, read_pull
    from generator.signoff.collect import open_pull_request_waiting
    from generator.signoff.policy import PolicyError

    with guard("listing open pull requests"):
        repo = gh.get_repo(repository)
        branch = branch or repo.default_branch
        candidates = [
            (p.number, day_of(p.created_at))
            for p in repo.get_pulls(state="open", base=branch, sort="created", direction="asc")
            if not p.draft
        ]
    members = TeamMembers(gh)

    found = []
    for number, asked_on in candidates:
        due = calendar.feedback_due(asked_on)
        if today <= due:
            continue
        try:
            facts = read_pull(gh, repository, number, teams=members)
        except PolicyError as exc:
            # The sign-off check reports the broken policy on the pull request itself.
            print(f"#{number}: skipped, the sign-off policy cannot be read: {exc}", file=sys.stderr)
            continue
        reviews = tuple(f.path for f in facts.pull.files if f.kind == "review" and f.head is not None)
        waiting = open_pull_request_waiting(facts, members)
        if not reviews or waiting is None or waiting.satisfied or not waiting.waiting:
            continue
        missing = tuple(Missing(w.role, tuple(w.people)) for w in waiting.waiting)
        found.append(Overdue(number, facts.url, asked_on, due, reviews, missing))
    return found


def post(gh: Any, repository: str, overdue: Overdue, body: str, today: dt.date, bot: str | None) -> str:
    """Create or edit our one reminder; leave it alone when it was already touched today."""
    from generator.github.client import guard
    from generator.github.comments import ours

    with guard(f"updating the reminder on pull request #{overdue.number}"):
        issue = gh.get_repo(repository).get_issue(overdue.number)
        found = ours(issue.get_comments(), MARKER, bot)
        if not found:
            issue.create_comment(body)
            return "created"
        comment = found[0]
        touched = comment.updated_at or comment.created_at
        if touched is not None and day_of(touched) >= today:
            return "already reminded today"
        comment.edit(body)
        return "edited"


def remind(
    gh: Any,
    repository: str,
    today: dt.date,
    *,
    dry_run: bool = False,
    bot: str | None = None,
    branch: str | None = None,
    say: Callable[[str], None] = print,
    calendar: Calendar = DEFAULT,
) -> list[Reminded]:
    outcomes = []
    for overdue in find_overdue(gh, repository, today, branch, calendar):
        body = reminder(overdue, today, calendar)
        if dry_run:
            say(f"#{overdue.number}: would post\n{body}")
            outcomes.append(Reminded(overdue.number, "would post", body))
            continue
        action = post(gh, repository, overdue, body, today, bot)
        say(f"#{overdue.number}: {action} ({', '.join(m.role for m in overdue.missing)} missing)")
        outcomes.append(Reminded(overdue.number, action, body))
    if not outcomes:
        say("no pull request is past its feedback deadline")
    return outcomes


def step_summary(outcomes: Sequence[Reminded], today: dt.date) -> str:
    lines = [f"## ⏰ Feedback reminders, {today.isoformat()}", ""]
    if not outcomes:
        return "\n".join([*lines, "No pull request is past its feedback deadline.", ""])
    lines += ["| pull request | reminder |", "| --- | --- |"]
    lines += [f"| #{o.number} | {o.action} |" for o in outcomes]
    return "\n".join([*lines, ""])
