"""The sign-off policy: roles (GitHub teams, users, people a document names) and the rules that require them.

The policy lives in `.github/signoff-policy.yml` and is always read from the pull request's base
branch, so a pull request cannot loosen the rules it is judged by. It is read with the same strict
YAML reader as documents, and every fault is reported at its line and column.
"""

from __future__ import annotations

import difflib
import re
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, ValidationError
from pydantic_core import PydanticCustomError

from generator.documents.diagnostics import Diagnostic, DocumentError
from generator.documents.load import FieldPath, Parsed, Position, dotted, parse_front_matter
from generator.documents.model_faults import from_pydantic
from generator.documents.models.common import Handle, Strict, Text
from generator.documents.models.review import ReviewStatus

POLICY_PATH = ".github/signoff-policy.yml"
MAX_POLICY_BYTES = 256 * 1024

_ROLE_NAME = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_TEAM = re.compile(r"^(?:[A-Za-z0-9][A-Za-z0-9-]{0,38}/)?[a-z0-9][a-z0-9._-]{0,99}$")

# Fields of a document that name one person; a role may be filled only by the person named there.
DOCUMENT_PEOPLE: dict[str, tuple[str, ...]] = {
    "review": (
        "author",
        "peer_reviewer",
        "account_team.ae",
        "account_team.ce",
        "account_team.ta",
        "decision.recommended_by",
        "decision.deciders.ce_vp",
        "decision.deciders.vp_engineering",
        "decision.deciders.sales_vp",
    ),
    "account": ("ae", "ce", "ta"),
}
Change = Literal["added", "modified", "renamed", "removed"]


def _role_name(value: str) -> str:
    if not _ROLE_NAME.fullmatch(value):
        raise PydanticCustomError(
            "role_name", "{value!r} is not a role name (lower case, digits and hyphens)", {"value": value}
        )
    return value


def _team(value: str) -> str:
    if not _TEAM.fullmatch(value):
        raise PydanticCustomError(
            "team", "{value!r} is not a GitHub team (expected org/team-slug or team-slug)", {"value": value}
        )
    return value


def _glob(value: str) -> str:
    if value.startswith("/") or "\\" in value or not value.strip():
        raise PydanticCustomError(
            "glob",
            "{value!r} is not a path pattern (relative, with '/', like reviews/*.md)",
            {"value": value},
        )
    return value


RoleName = Annotated[str, AfterValidator(_role_name)]
TeamRef = Annotated[str, AfterValidator(_team)]
Glob = Annotated[str, AfterValidator(_glob)]


class Role(Strict):
    """Who can fill a role: members of teams, listed users, or the person a document names."""

    description: Text | None = None
    teams: list[TeamRef] = Field(default_factory=list)
    users: list[Handle] = Field(default_factory=list)
    from_document: str | None = Field(
        None,
        description="A field naming one person (e.g. peer_reviewer); only that person can fill the role, "
        "and only while also in `teams`/`users` when those are given",
    )


class Rule(Strict):
    """When a change matches every condition given, the roles in `require` must sign off."""

    name: Text
    kind: Literal["review", "account"] | None = None
    paths: list[Glob] = Field(default_factory=list, description="Files the rule applies to (globs)")
    change: list[Change] = Field(default_factory=list, description="Only these kinds of file change")
    to: list[ReviewStatus] = Field(
        default_factory=list, description="Review moves into one of these statuses"
    )
    status: list[ReviewStatus] = Field(default_factory=list, description="Review is in one of these (head)")
    from_: list[ReviewStatus] = Field(
        default_factory=list, alias="from", description="Review was in one of these (base): any change"
    )
    tier: list[Annotated[int, Field(ge=1, le=3)]] = Field(
        default_factory=list, description="Account plan tier, before or after the change"
    )
    require: list[RoleName] = Field(default_factory=list)
    require_if_asked: list[Literal["product", "engineering", "support"]] = Field(
        default_factory=list,
        description="Roles of the same name, required only when the review asks something of that team",
    )


class Policy(Strict):
    version: Annotated[int, Field(ge=1, le=1, description="The policy format; 1")] = 1
    organization: str | None = Field(None, description="Organization of team names written without one")
    one_role_per_person: bool = Field(True, description="One person fills one role per document")
    identities: dict[Handle, list[str]] = Field(
        default_factory=dict,
        description="Extra e-mail addresses per login, to recognise Co-authored-by trailers",
    )
    roles: dict[RoleName, Role] = Field(min_length=1)
    rules: list[Rule] = Field(min_length=1)

    def team(self, ref: str) -> str:
        """A team as 'org/slug', lower case."""
        if "/" in ref:
            return ref.lower()
        return f"{(self.organization or '').lower()}/{ref.lower()}"

    def teams(self) -> list[str]:
        return sorted({self.team(t) for role in self.roles.values() for t in role.teams})


def path_matches(path: str, patterns: list[str]) -> bool:
    """Glob match where '*' stays inside one folder and '**' spans folders."""
    return any(_glob_regex(pattern).match(path) for pattern in patterns)


def _glob_regex(pattern: str) -> re.Pattern[str]:
    out = ""
    index = 0
    while index < len(pattern):
        if pattern.startswith("**/", index):
            out += "(?:.*/)?"
            index += 3
        elif pattern.startswith("**", index):
            out += ".*"
            index += 2
        elif pattern[index] == "*":
            out += "[^/]*"
            index += 1
        elif pattern[index] == "?":
            out += "[^/]"
            index += 1
        else:
            out += re.escape(pattern[index])
            index += 1
    return re.compile(out + r"\Z", re.DOTALL)


# --- reading and checking ---------------------------------------------------------------------------


class PolicyError(Exception):
    """The policy cannot be used; `diagnostics` say where and why."""

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        super().__init__("\n".join(d.text() for d in diagnostics))
        self.diagnostics = diagnostics


def parse_policy(raw: bytes, path: str = POLICY_PATH) -> Policy:
    """Read and check a policy file's bytes; raises PolicyError with positioned diagnostics."""
    if len(raw) > MAX_POLICY_BYTES:
        raise PolicyError([Diagnostic(path, 1, 1, "", f"the policy is over {MAX_POLICY_BYTES:,} bytes")])
    try:
        text = raw.removeprefix(b"\xef\xbb\xbf").decode("utf-8")
    except UnicodeDecodeError as exc:
        diagnostic = Diagnostic(path, 1, 1, "", "the policy is not UTF-8 text", "save it as UTF-8")
        raise PolicyError([diagnostic]) from exc
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    try:
        data, values, keys = parse_front_matter(text, path, first_line=1)
    except DocumentError as exc:
        message = exc.diagnostic.message.replace("front matter", "policy")
        raise PolicyError([Diagnostic(**{**exc.diagnostic.__dict__, "message": message})]) from exc
    try:
        policy = Policy.model_validate(data)
    except ValidationError as exc:
        parsed = Parsed(path, values, keys)
        raise PolicyError(sorted({from_pydantic(parsed, Policy, error) for error in exc.errors()})) from exc
    faults = list(_policy_rules(policy, path, values))
    if faults:
        raise PolicyError(sorted(set(faults)))
    return policy


def _where(values: dict[FieldPath, Position], loc: FieldPath) -> Position:
    for end in range(len(loc), 0, -1):
        if loc[:end] in values:
            return values[loc[:end]]
    return Position(1, 1)


def _policy_rules(policy: Policy, path: str, values: dict[FieldPath, Position]) -> list[Diagnostic]:
    faults: list[Diagnostic] = []

    def fault(loc: FieldPath, message: str, hint: str = "") -> None:
        pos = _where(values, loc)
        faults.append(Diagnostic(path, pos.line, pos.column, dotted(loc), message, hint))

    known_people = {f for fields in DOCUMENT_PEOPLE.values() for f in fields}
    for name, role in policy.roles.items():
        if not (role.teams or role.users or role.from_document):
            fault(("roles", name), f"role {name!r} names nobody", "give it teams, users or from_document")
        if role.from_document and role.from_document not in known_people:
            close = difflib.get_close_matches(role.from_document, sorted(known_people), n=1)
            fault(
                ("roles", name, "from_document"),
                f"{role.from_document!r} is not a document field that names a person",
                f"did you mean {close[0]!r}?" if close else "one of: " + ", ".join(sorted(known_people)),
            )
        for index, team in enumerate(role.teams):
            if "/" not in team and not policy.organization:
                fault(
                    ("roles", name, "teams", index),
                    f"team {team!r} has no organization",
                    "write it as org/team-slug, or set organization: at the top",
                )
    for index, rule in enumerate(policy.rules):
        where: FieldPath = ("rules", index)
        for field, roles in (("require", rule.require), ("require_if_asked", rule.require_if_asked)):
            for position, role_name in enumerate(roles):
                if role_name not in policy.roles:
                    close = difflib.get_close_matches(role_name, list(policy.roles), n=1)
                    fault(
                        (*where, field, position),
                        f"no role is called {role_name!r}",
                        f"did you mean {close[0]!r}?" if close else "define it under roles:",
                    )
        if not (rule.require or rule.require_if_asked):
            fault(where, f"rule {rule.name!r} requires no role", "add require: [role, ...]")
        if rule.kind is None and not rule.paths:
            fault(where, f"rule {rule.name!r} applies to nothing", "give it kind: review|account or paths:")
        if (rule.to or rule.status or rule.from_ or rule.require_if_asked) and rule.kind != "review":
            fault(where, "to, status, from and require_if_asked apply to tech reviews", "add kind: review")
        if rule.tier and rule.kind != "account":
            fault((*where, "tier"), "tier applies to account plans", "add kind: account")
    return faults
