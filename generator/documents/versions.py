"""From a document's bytes at one commit to what the sign-off rules read (status, tier, asks, people)."""

from __future__ import annotations

from typing import Any

from generator.documents.diagnostics import DocumentError
from generator.documents.load import parse_document
from generator.documents.models import AccountPlan, TechReview
from generator.documents.models.review import ASKED_TEAMS
from generator.documents.paths import Kind
from generator.documents.validate import check_document
from generator.signoff.engine import Version
from generator.signoff.policy import DOCUMENT_PEOPLE


def read_version(raw: bytes, path: str, kind: Kind) -> Version:
    """Parse and check one version (`path` in the repository); a version that does not validate
    carries its first fault."""
    try:
        checked = check_document(parse_document(raw, path, kind, source=path), with_body=False)
    except DocumentError as exc:
        return Version(error=exc.diagnostic.text())
    model = checked.model
    if model is None:
        first = checked.diagnostics[0].text() if checked.diagnostics else "the front matter is not valid"
        # What can still be read is kept: an old base version need not pass today's rules.
        data = checked.document.data
        tier = _text(data.get("tier"))
        return Version(
            status=_text(data.get("status")),
            tier=int(tier) if tier and tier.isdigit() else None,
            assigned=_assigned_as_written(data.get("assigned_reviewers")),
            error=first,
        )
    people = {name: value for name in DOCUMENT_PEOPLE[kind] if (value := _person(model, name))}
    if isinstance(model, TechReview):
        assigned = model.assigned_reviewers.teams() if model.assigned_reviewers else {}
        return Version(
            status=model.status.value,
            asked=frozenset(model.asks.teams()),
            people=people,
            assigned={team: frozenset(p.lower() for p in names) for team, names in assigned.items()},
        )
    assert isinstance(model, AccountPlan)
    return Version(tier=model.tier, people=people)


def _assigned_as_written(value: Any) -> dict[str, frozenset[str]]:
    """The assignment of a version that does not validate, as far as it can be read: it still binds
    (an unreadable assignment must not widen who may sign). A team whose list cannot be read is
    assigned to nobody, so that nobody fills it."""
    if not isinstance(value, dict):
        return {}
    found: dict[str, frozenset[str]] = {}
    for team in ASKED_TEAMS:
        people = value.get(team)
        if people is None:
            continue
        names = people if isinstance(people, list) else [people]
        listed = frozenset(p.removeprefix("@").lower() for p in names if isinstance(p, str))
        found[team] = listed or frozenset({""})  # "" is nobody's login
    return found


def _person(model: TechReview | AccountPlan, dotted: str) -> str | None:
    value: Any = model
    for part in dotted.split("."):
        value = getattr(value, part, None)
        if value is None:
            return None
    return value if isinstance(value, str) else None


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None
