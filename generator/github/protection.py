"""The guardrails that make a sign-off mean something: the branch protection of main and the sign-off
environment, applied and audited through the API (`handbook protect apply|audit`).

The settings are data (`desired`), the audit is a pure comparison (`audit`), and only
`read_protection` / `read_environment` / `apply` talk to GitHub.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from generator.errors import GitHubFault

SIGNOFF_CHECK = "handbook/sign-off"
VALIDATE_CHECK = "validate documents"  # the job name in .github/workflows/validate.yml
GITHUB_ACTIONS_APP_ID = 15368  # the app that reports checks of Actions jobs
# The environment that holds the App's key: only workflows running the published branch may enter it.
SIGNOFF_ENVIRONMENT = "signoff"


# --- the settings (pure) -------------------------------------------------------------------------------


def desired(app_id: int) -> dict[str, Any]:
    """The protection of the published branch, as the body of PUT .../branches/{branch}/protection."""
    return {
        "required_status_checks": {
            # Up to date with main before merging, so the checks judged what will be merged.
            "strict": True,
            "checks": [
                # Only the App may satisfy the sign-off: a status with that name from anyone else does not.
                {"context": SIGNOFF_CHECK, "app_id": app_id},
                {"context": VALIDATE_CHECK, "app_id": GITHUB_ACTIONS_APP_ID},
            ],
        },
        # Admins too: no bypass of the rules below.
        "enforce_admins": True,
        "required_pull_request_reviews": {
            "dismiss_stale_reviews": True,
            "require_code_owner_reviews": True,
            "require_last_push_approval": True,
            "required_approving_review_count": 1,
            "bypass_pull_request_allowances": {"users": [], "teams": [], "apps": []},
        },
        "restrictions": None,
        "required_linear_history": False,
        "allow_force_pushes": False,
        "allow_deletions": False,
        "required_conversation_resolution": True,
    }


@dataclass(frozen=True)
class Finding:
    setting: str
    ok: bool
    found: str
    wanted: str

    def text(self) -> str:
        mark = "✓" if self.ok else "✗"
        return f"{mark} {self.setting}: {self.found}" + ("" if self.ok else f" (want {self.wanted})")


def _enabled(value: Any) -> bool:
    """GitHub answers some settings as {"enabled": bool}, and takes them as plain booleans."""
    return bool(value.get("enabled")) if isinstance(value, Mapping) else bool(value)


def _on(value: bool) -> str:
    return "on" if value else "off"


def audit(current: Mapping[str, Any] | None, app_id: int | None) -> list[Finding]:
    """What the branch's protection does and does not enforce, setting by setting."""
    if current is None:
        return [Finding("branch protection", False, "none", "a protection rule on the branch")]
    found: list[Finding] = []
    checks = current.get("required_status_checks") or {}
    sources = {c.get("context"): c.get("app_id") for c in checks.get("checks") or []}
    for context in checks.get("contexts") or []:
        sources.setdefault(context, None)
    signoff = sources.get(SIGNOFF_CHECK, "missing")
    if signoff == "missing":
        found.append(
            Finding(f"required check {SIGNOFF_CHECK}", False, "not required", "required, from the App")
        )
    elif app_id is not None:
        found.append(
            Finding(
                f"required check {SIGNOFF_CHECK}",
                signoff == app_id,
                f"from app {signoff}" if signoff not in (None, -1) else "from any source",
                f"from the sign-off App ({app_id})",
            )
        )
    else:
        found.append(
            Finding(
                f"required check {SIGNOFF_CHECK}",
                signoff not in (None, -1),
                f"from app {signoff}" if signoff not in (None, -1) else "from any source",
                "from the sign-off App only",
            )
        )
    found.append(
        Finding(
            f"required check {VALIDATE_CHECK}",
            VALIDATE_CHECK in sources,
            "required" if VALIDATE_CHECK in sources else "not required",
            "required",
        )
    )
    reviews = current.get("required_pull_request_reviews")
    found.append(Finding("pull request before merging", reviews is not None, _on(reviews is not None), "on"))
    reviews = reviews or {}
    for key, label in (
        ("dismiss_stale_reviews", "dismiss stale approvals on push"),
        ("require_last_push_approval", "approval of the last push"),
        ("require_code_owner_reviews", "review from code owners"),
    ):
        value = bool(reviews.get(key))
        found.append(Finding(label, value, _on(value), "on"))
    allowances = reviews.get("bypass_pull_request_allowances") or {}
    bypass = sorted(
        str(who.get("login") or who.get("slug") or who.get("name") or who)
        for kind in ("users", "teams", "apps")
        for who in allowances.get(kind) or []
    )
    found.append(
        Finding("no bypass of pull requests", not bypass, ", ".join(bypass) or "nobody may bypass", "nobody")
    )
    admins = _enabled(current.get("enforce_admins"))
    found.append(Finding("rules apply to admins", admins, _on(admins), "on"))
    for key, label in (("allow_force_pushes", "force pushes"), ("allow_deletions", "branch deletion")):
        allowed = _enabled(current.get(key))
        found.append(Finding(label, not allowed, "allowed" if allowed else "blocked", "blocked"))
    return found


def audit_environment(
    environment: Mapping[str, Any] | None, policies: Sequence[Mapping[str, Any]] | None, branch: str
) -> list[Finding]:
    """Whether only `branch` can deploy to (so read the key of) the sign-off environment."""
    label = f"environment {SIGNOFF_ENVIRONMENT} deployment branches"
    wanted = f"{branch} only"
    if environment is None:
        return [
            Finding(f"environment {SIGNOFF_ENVIRONMENT}", False, "none", "an environment holding the key")
        ]
    rule = environment.get("deployment_branch_policy")
    if not isinstance(rule, Mapping):
        return [Finding(label, False, "any branch", wanted)]
    if rule.get("protected_branches"):
        return [Finding(label, False, "any protected branch", wanted)]
    names = sorted(str(p.get("name")) for p in policies or [] if str(p.get("type") or "branch") == "branch")
    tags = sorted(str(p.get("name")) for p in policies or [] if p.get("type") == "tag")
    found = ", ".join(names + [f"tag {t}" for t in tags]) or "no branch"
    return [Finding(label, names == [branch] and not tags, found, wanted)]


# --- GitHub (the edge) -------------------------------------------------------------------------------


def _protection_url(repository: str, branch: str) -> str:
    from urllib.parse import quote

    return f"/repos/{repository}/branches/{quote(branch, safe='')}/protection"


def read_protection(gh: Any, repository: str, branch: str) -> dict[str, Any] | None:
    """The branch's protection as GitHub reports it, or None when the branch is not protected."""
    from github import GithubException

    from generator.github.client import cause

    try:
        _, data = gh.requester.requestJsonAndCheck("GET", _protection_url(repository, branch))
    except GithubException as exc:
        if exc.status == 404 and "not protected" in str(exc.data).lower():
            return None
        if exc.status in (403, 404):
            raise GitHubFault(
                f"cannot read the protection of {branch}: {cause(exc)} "
                "(the token needs the Administration: read permission on the repository)"
            ) from exc
        raise GitHubFault(f"reading the protection of {branch}: {cause(exc)}") from exc
    except Exception as exc:
        raise GitHubFault(f"reading the protection of {branch}: {cause(exc)}") from exc
    return dict(data)


def apply(gh: Any, repository: str, branch: str, settings: Mapping[str, Any]) -> None:
    from generator.github.client import guard

    with guard(f"protecting {branch}"):
        gh.requester.requestJsonAndCheck("PUT", _protection_url(repository, branch), input=dict(settings))
    url = f"/repos/{repository}/environments/{SIGNOFF_ENVIRONMENT}"
    with guard(f"restricting the {SIGNOFF_ENVIRONMENT} environment to {branch}"):
        rule = {"deployment_branch_policy": {"protected_branches": False, "custom_branch_policies": True}}
        gh.requester.requestJsonAndCheck("PUT", url, input=rule)
        _, listed = gh.requester.requestJsonAndCheck("GET", f"{url}/deployment-branch-policies")
        for policy in listed.get("branch_policies") or []:
            if policy.get("name") != branch or policy.get("type", "branch") != "branch":
                gh.requester.requestJsonAndCheck("DELETE", f"{url}/deployment-branch-policies/{policy['id']}")
        if not any(p.get("name") == branch for p in listed.get("branch_policies") or []):
            body = {"name": branch, "type": "branch"}
            gh.requester.requestJsonAndCheck("POST", f"{url}/deployment-branch-policies", input=body)


def read_environment(gh: Any, repository: str) -> tuple[dict[str, Any] | None, list[dict[str, Any]] | None]:
    """The sign-off environment and its deployment branch policies (None when it does not exist)."""
    from github import GithubException

    from generator.github.client import cause, guard

    url = f"/repos/{repository}/environments/{SIGNOFF_ENVIRONMENT}"
    try:
        _, environment = gh.requester.requestJsonAndCheck("GET", url)
    except GithubException as exc:
        if exc.status == 404:
            return None, None
        raise GitHubFault(f"reading the {SIGNOFF_ENVIRONMENT} environment: {cause(exc)}") from exc
    except Exception as exc:
        raise GitHubFault(f"reading the {SIGNOFF_ENVIRONMENT} environment: {cause(exc)}") from exc
    rule = environment.get("deployment_branch_policy") if isinstance(environment, dict) else None
    if not (isinstance(rule, dict) and rule.get("custom_branch_policies")):
        return dict(environment), None
    with guard(f"reading the deployment branches of {SIGNOFF_ENVIRONMENT}"):
        _, listed = gh.requester.requestJsonAndCheck("GET", f"{url}/deployment-branch-policies")
    return dict(environment), list(listed.get("branch_policies") or [])
