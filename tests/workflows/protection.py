"""Branch protection on the fake GitHub: GET and PUT /repos/{owner}/{repo}/branches/{branch}/protection.

Added to the fake's route table from here (the fake serves no branch protection of its own); the
answers follow GitHub's "Get branch protection" shape: toggles as {"enabled": bool}, people as objects.
"""

from __future__ import annotations

from typing import Any

from tests.fakegithub.handlers import ROUTES, Call, HttpError, Reply, invalid, route
from tests.fakegithub.scenario import Scenario

_PATH = "/repos/{owner}/{repo}/branches/{branch}/protection"


def protections(world: Scenario) -> dict[tuple[str, str], dict[str, Any]]:
    """(repository, branch) -> the protection as GitHub reports it; tests may set entries directly."""
    store: dict[tuple[str, str], dict[str, Any]] = world.__dict__.setdefault("protections", {})
    return store


def reported(body: dict[str, Any]) -> dict[str, Any]:
    """A PUT body as GET reports it afterwards."""
    checks = body.get("required_status_checks")
    reviews = body.get("required_pull_request_reviews")
    out: dict[str, Any] = {
        "url": "https://api.github.com/repos/o/r/branches/main/protection",
        "enforce_admins": {"enabled": bool(body.get("enforce_admins"))},
        "allow_force_pushes": {"enabled": bool(body.get("allow_force_pushes"))},
        "allow_deletions": {"enabled": bool(body.get("allow_deletions"))},
        "required_linear_history": {"enabled": bool(body.get("required_linear_history"))},
        "required_conversation_resolution": {"enabled": bool(body.get("required_conversation_resolution"))},
    }
    if checks is not None:
        listed = checks.get("checks") or [{"context": c, "app_id": None} for c in checks.get("contexts", [])]
        out["required_status_checks"] = {
            "strict": bool(checks.get("strict")),
            "contexts": [c["context"] for c in listed],
            "checks": [{"context": c["context"], "app_id": c.get("app_id")} for c in listed],
        }
    if reviews is not None:
        allowances = reviews.get("bypass_pull_request_allowances") or {}
        out["required_pull_request_reviews"] = {
            "dismiss_stale_reviews": bool(reviews.get("dismiss_stale_reviews")),
            "require_code_owner_reviews": bool(reviews.get("require_code_owner_reviews")),
            "require_last_push_approval": bool(reviews.get("require_last_push_approval")),
            "required_approving_review_count": int(reviews.get("required_approving_review_count", 0)),
            "bypass_pull_request_allowances": {
                "users": [{"login": login} for login in allowances.get("users", [])],
                "teams": [{"slug": slug} for slug in allowances.get("teams", [])],
                "apps": [{"slug": slug} for slug in allowances.get("apps", [])],
            },
        }
    return out


def _key(world: Scenario, call: Call) -> tuple[str, str]:
    repo = world.find_repo(call.params["owner"], call.params["repo"])
    if repo is None or call.params["branch"] not in repo.branches:
        raise HttpError(404, "Branch not found")
    return repo.full_name.lower(), call.params["branch"]


def _get(world: Scenario, call: Call) -> Reply:
    found = protections(world).get(_key(world, call))
    if found is None:
        raise HttpError(404, "Branch not protected")
    return Reply(found)


def _put(world: Scenario, call: Call) -> Reply:
    body = call.json
    if not isinstance(body, dict):
        raise HttpError(400, "Problems parsing JSON")
    for name in ("required_status_checks", "enforce_admins", "required_pull_request_reviews", "restrictions"):
        if name not in body:
            raise invalid(
                "BranchProtection", name, f"{name} is required (null to turn it off)", "missing_field"
            )
    protections(world)[_key(world, call)] = reported(body)
    return Reply(protections(world)[_key(world, call)])


if not any(r.template == _PATH for r in ROUTES):
    route("GET", _PATH, schema=None)(_get)
    route("PUT", _PATH, schema=None)(_put)


# --- the sign-off environment: GET/PUT .../environments/{name}, its deployment branch policies ---------

_ENV = "/repos/{owner}/{repo}/environments/{environment_name}"
_POLICIES = _ENV + "/deployment-branch-policies"


def environments(world: Scenario) -> dict[tuple[str, str], dict[str, Any]]:
    """(repository, name) -> {"rule": deployment_branch_policy or None, "policies": [{id, name, type}]}."""
    store: dict[tuple[str, str], dict[str, Any]] = world.__dict__.setdefault("environments", {})
    return store


def _env_key(world: Scenario, call: Call) -> tuple[str, str]:
    repo = world.find_repo(call.params["owner"], call.params["repo"])
    if repo is None:
        raise HttpError(404, "Not Found")
    return repo.full_name.lower(), call.params["environment_name"]


def _environment_body(name: str, entry: dict[str, Any]) -> dict[str, Any]:
    # The shape of GitHub's "Get an environment" example (github/rest-api-description).
    return {
        "id": 161088068, "node_id": "MDExOkVudmlyb25tZW50MTYxMDg4MDY4", "name": name,
        "url": f"https://api.github.com/repos/o/r/environments/{name}",
        "html_url": f"https://github.com/o/r/deployments/activity_log?environments_filter={name}",
        "created_at": "2020-11-23T22:00:40Z", "updated_at": "2020-11-23T22:00:40Z",
        "protection_rules": [], "deployment_branch_policy": entry["rule"],
    }  # fmt: skip


def _get_env(world: Scenario, call: Call) -> Reply:
    entry = environments(world).get(_env_key(world, call))
    if entry is None:
        raise HttpError(404, "Not Found")
    return Reply(_environment_body(call.params["environment_name"], entry))


def _put_env(world: Scenario, call: Call) -> Reply:
    entry = environments(world).setdefault(_env_key(world, call), {"rule": None, "policies": []})
    body = call.json if isinstance(call.json, dict) else {}
    entry["rule"] = body.get("deployment_branch_policy")
    return Reply(_environment_body(call.params["environment_name"], entry))


def _policies(world: Scenario, call: Call) -> Reply:
    entry = environments(world).get(_env_key(world, call))
    if entry is None:
        raise HttpError(404, "Not Found")
    listed = entry["policies"]
    return Reply({"total_count": len(listed), "branch_policies": listed})


def _add_policy(world: Scenario, call: Call) -> Reply:
    entry = environments(world).get(_env_key(world, call))
    if entry is None:
        raise HttpError(404, "Not Found")
    body = call.json if isinstance(call.json, dict) else {}
    policy = {"id": world.next_id(), "node_id": "MDE2OkdhdGVCcmFuY2hQb2xpY3kzNjE0NzE=",
              "name": body.get("name"), "type": body.get("type", "branch")}  # fmt: skip
    entry["policies"].append(policy)
    return Reply(policy)


def _delete_policy(world: Scenario, call: Call) -> Reply:
    entry = environments(world).get(_env_key(world, call))
    if entry is None:
        raise HttpError(404, "Not Found")
    entry["policies"] = [p for p in entry["policies"] if str(p["id"]) != call.params["branch_policy_id"]]
    return Reply(None, 204)


if not any(r.template == _ENV for r in ROUTES):
    route("GET", _ENV, schema=None)(_get_env)
    route("PUT", _ENV, schema=None)(_put_env)
    route("GET", _POLICIES, schema=None)(_policies)
    route("POST", _POLICIES, schema=None)(_add_policy)
    route("DELETE", _POLICIES + "/{branch_policy_id}", schema=None)(_delete_policy)
