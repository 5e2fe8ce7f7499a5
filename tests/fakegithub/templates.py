"""Upstream example bodies (tests/fakegithub/fixtures/rest), loaded once and handed out as deep copies.

The examples are GitHub's own documented responses; the fake overrides ids, urls and logins but keeps
every other field, so PyGithub sees realistic shapes. Seven examples miss fields their own schema
requires (fixtures/PROVENANCE.md); `_SCHEMA_FIXES` fills those in when a template is loaded.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).resolve().parent / "fixtures"
REST = FIXTURES / "rest"
WEBHOOKS = FIXTURES / "webhooks"

# Canonical hosts used while building bodies; the server rewrites API to its own base URL when serving.
API = "https://api.github.com"
WEB = "https://github.com"

Json = Any


def _add_team_type(team: dict[str, Json]) -> None:
    team.setdefault("type", "organization")


def _fix_pull(pull: dict[str, Json]) -> None:
    for team in pull.get("requested_teams") or []:
        _add_team_type(team)


def _fix_team(team: dict[str, Json]) -> None:
    _add_team_type(team)
    team["organization"].setdefault("archived_at", None)


def _fix_repo(repo: dict[str, Json]) -> None:
    repo.setdefault("language", None)
    if isinstance(repo.get("source"), dict):
        repo["source"].setdefault("language", None)


def _fix_commit(commit: dict[str, Json]) -> None:
    for entry in commit.get("files") or []:
        entry.setdefault("sha", "0" * 40)
        entry.setdefault("contents_url", f"{API}/repos/octocat/Hello-World/contents/{entry['filename']}")


def _fix_org(org: dict[str, Json]) -> None:
    org.setdefault("archived_at", None)


def _fix_activity(entry: dict[str, Json]) -> None:
    # The example predates the schema: pusher, pushed_at, push_type became actor, timestamp, activity_type.
    entry.setdefault("actor", entry.get("pusher"))
    entry.setdefault("timestamp", entry.get("pushed_at"))
    entry.setdefault("activity_type", "force_push" if entry.get("push_type") == "force" else "push")


def _each(fix: Callable[[dict[str, Json]], None]) -> Callable[[Json], None]:
    def apply(items: Json) -> None:
        for item in items:
            fix(item)

    return apply


# The 8 upstream examples that violate their own schema (PROVENANCE.md), and the fields added to each.
_SCHEMA_FIXES: dict[str, Callable[[Json], None]] = {
    "GET_repos_owner_repo_pulls_pull_number.json": _fix_pull,
    "GET_repos_owner_repo_commits_commit_sha_pulls.json": _each(_fix_pull),
    "GET_repos_owner_repo_pulls.json": _each(_fix_pull),
    "GET_orgs_org_teams_team_slug.json": _fix_team,
    "GET_repos_owner_repo.json": _fix_repo,
    "GET_repos_owner_repo_commits_ref.json": _fix_commit,
    "GET_orgs_org.json": _fix_org,
    "GET_repos_owner_repo_activity.json": _each(_fix_activity),
}


@cache
def _load(name: str) -> Json:
    data = json.loads((REST / name).read_text(encoding="utf-8"))
    fix = _SCHEMA_FIXES.get(name)
    if fix is not None:
        fix(data)
    return data


def template(name: str) -> Json:
    """A fresh deep copy of one REST example (file name under fixtures/rest), schema gaps filled."""
    return copy.deepcopy(_load(name))


def part(name: str, *path: str | int) -> Json:
    """A fresh copy of one nested piece of an example, e.g. part(PULL, "head", "repo")."""
    value = _load(name)
    for key in path:
        value = value[key]
    return copy.deepcopy(value)


def item(name: str) -> dict[str, Json]:
    """The first element of a list example."""
    body = template(name)
    assert isinstance(body, list) and body, name
    first: dict[str, Json] = body[0]
    return first


@cache
def schemas() -> dict[str, Json]:
    data: dict[str, Json] = json.loads((REST / "schemas.json").read_text(encoding="utf-8"))
    return data


def webhook(name: str) -> dict[str, Json]:
    """A fresh copy of a webhook example, e.g. webhook("pull_request.opened")."""
    data: dict[str, Json] = json.loads((WEBHOOKS / f"{name}.json").read_text(encoding="utf-8"))
    return data


def retarget(value: Json, replacements: list[tuple[str, str]]) -> Json:
    """Apply substring replacements to every string inside `value` (in place for containers)."""
    if isinstance(value, str):
        for old, new in replacements:
            value = value.replace(old, new)
        return value
    if isinstance(value, dict):
        for key, inner in value.items():
            value[key] = retarget(inner, replacements)
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            value[index] = retarget(inner, replacements)
    return value


def rebase_urls(value: Json, base_url: str) -> Json:
    """Point every API url at `base_url` (strings starting with the API host only: bodies stay as sent)."""
    if isinstance(value, str):
        for host in (API, "http://api.github.com"):
            if value.startswith(host):
                return base_url + value[len(host) :]
        return value
    if isinstance(value, dict):
        return {key: rebase_urls(inner, base_url) for key, inner in value.items()}
    if isinstance(value, list):
        return [rebase_urls(inner, base_url) for inner in value]
    return value
