"""`handbook protect`: the guardrails that make a sign-off mean something, applied and audited.

* `apply` / `audit`: the branch protection of main, through the API. The settings are data (`desired`),
  the audit is a pure comparison (`audit`), and only `read_protection` / `apply` talk to GitHub.
* `merges`: the post-merge audit: merges recorded in the sign-off ledger that went in without their
  sign-offs (an admin bypass), as warnings, annotations and a job summary.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.commands import UsageError, append_step_summary

SIGNOFF_CHECK = "handbook/sign-off"
VALIDATE_CHECK = "validate documents"  # the job name in .github/workflows/validate.yml
GITHUB_ACTIONS_APP_ID = 15368  # the app that reports checks of Actions jobs
EXIT_OK, EXIT_DRIFT, EXIT_USAGE, EXIT_GITHUB = 0, 1, 2, 3
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


# --- merges that bypassed sign-off (pure over the ledger) -------------------------------------------------


@dataclass(frozen=True)
class Bypass:
    path: str
    pull_request: int
    title: str
    url: str
    merged_at: str
    missing: tuple[str, ...]
    blocked_by: tuple[str, ...]

    def text(self) -> str:
        what = []
        if self.missing:
            what.append("without " + ", ".join(self.missing))
        if self.blocked_by:
            what.append("over the concerns of " + ", ".join(self.blocked_by))
        return (
            f"{self.path}: pull request #{self.pull_request} was merged on {self.merged_at} "
            + " and ".join(what)
        )


def bypasses(ledger: Any) -> list[Bypass]:
    return [
        Bypass(
            path,
            change.pull_request,
            change.title,
            change.url,
            change.merged_at.date().isoformat(),
            tuple(change.missing),
            tuple(change.blocked_by),
        )
        for path, change in ledger.bypasses()
    ]


def merges_summary(found: Sequence[Bypass]) -> str:
    from generator.signoff.report import cell, code

    if not found:
        return "## ✅ Sign-off audit\n\nEvery merge in the ledger carried its sign-offs.\n"
    lines = [
        "## ⚠️ Sign-off audit: merges that bypassed sign-off",
        "",
        "| document | pull request | merged | missing |",
        "| --- | --- | --- | --- |",
    ]
    for entry in found:
        missing = ", ".join([*entry.missing, *(f"concern of {who}" for who in entry.blocked_by)])
        pull = f"#{entry.pull_request} {cell(entry.title)}"
        lines.append(f"| {code(entry.path)} | {pull} | {entry.merged_at} | {cell(missing)} |")
    return "\n".join([*lines, ""]) + "\n"


# --- GitHub (the edge) -------------------------------------------------------------------------------


def _protection_url(repository: str, branch: str) -> str:
    from urllib.parse import quote

    return f"/repos/{repository}/branches/{quote(branch, safe='')}/protection"


def read_protection(gh: Any, repository: str, branch: str) -> dict[str, Any] | None:
    """The branch's protection as GitHub reports it, or None when the branch is not protected."""
    from github import GithubException

    from generator.github.client import GitHubFault, cause

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

    from generator.github.client import GitHubFault, cause, guard

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


# --- the command -------------------------------------------------------------------------------------


def register(subcommands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    protect = subcommands.add_parser(
        "protect", help="apply and audit the branch protection and audit merges for bypassed sign-offs"
    )
    actions = protect.add_subparsers(dest="protect_command", metavar="ACTION", required=True)
    for name, helptext in (
        ("apply", "set main's branch protection (needs a token with Administration: write)"),
        ("audit", "compare main's branch protection with what sign-offs need; exit 1 on any gap"),
    ):
        parser = actions.add_parser(name, help=helptext, description=helptext + ". Token from GITHUB_TOKEN.")
        parser.add_argument("--repo", metavar="OWNER/NAME", help="default: GITHUB_REPOSITORY")
        parser.add_argument(
            "--api-url", metavar="URL", help="default: GITHUB_API_URL or https://api.github.com"
        )
        parser.add_argument("--branch", default="main", help="the published branch (default: main)")
        parser.add_argument(
            "--app-id",
            type=int,
            default=_env_int("HANDBOOK_SIGNOFF_APP_ID"),
            metavar="N",
            help="the sign-off App's id, the only source allowed to set handbook/sign-off "
            "(default: HANDBOOK_SIGNOFF_APP_ID)",
        )
        if name == "apply":
            parser.add_argument("--dry-run", action="store_true", help="print the settings; change nothing")
        parser.set_defaults(run=_apply if name == "apply" else _audit)

    merges = actions.add_parser("merges", help="list merges in the sign-off ledger that bypassed sign-off")
    merges.add_argument("--ledger", default="build/ledger.json", help="default: build/ledger.json")
    merges.add_argument("--format", choices=["text", "github"], default="text")
    merges.set_defaults(run=_merges)


def _env_int(name: str) -> int | None:
    value = os.environ.get(name, "").strip()
    return int(value) if value.isdigit() else None


def _connect(args: argparse.Namespace) -> tuple[Any, str]:
    from generator.commands.signoff import github_target, github_token
    from generator.github.client import connect

    repository, api_url = github_target(args)
    if not args.branch.strip() or any(ord(c) < 32 for c in args.branch):
        raise UsageError(f"--branch {args.branch!r} is not a branch name")
    token = github_token("administer the repository (the Administration permission)")
    return connect(api_url, token), repository


def _findings(gh: Any, repository: str, branch: str, app_id: int | None) -> list[Finding]:
    environment, policies = read_environment(gh, repository)
    return audit(read_protection(gh, repository, branch), app_id) + audit_environment(
        environment, policies, branch
    )


def _apply(args: argparse.Namespace) -> int:
    from generator.github.client import GitHubFault

    if args.app_id is None:
        raise UsageError("pass --app-id N (or set HANDBOOK_SIGNOFF_APP_ID): the sign-off App's id")
    settings = desired(args.app_id)
    if args.dry_run:
        print(json.dumps(settings, indent=2))
        return EXIT_OK
    try:
        gh, repository = _connect(args)
        apply(gh, repository, args.branch, settings)
        findings = _findings(gh, repository, args.branch, args.app_id)
    except GitHubFault as exc:
        print(f"handbook: protect: GitHub: {exc}", file=sys.stderr)
        return EXIT_GITHUB
    for finding in findings:
        print(finding.text())
    return EXIT_OK if all(f.ok for f in findings) else EXIT_DRIFT


def _audit(args: argparse.Namespace) -> int:
    from generator.github.client import GitHubFault

    try:
        gh, repository = _connect(args)
        findings = _findings(gh, repository, args.branch, args.app_id)
    except GitHubFault as exc:
        print(f"handbook: protect: GitHub: {exc}", file=sys.stderr)
        return EXIT_GITHUB
    for finding in findings:
        print(finding.text())
    gaps = [f for f in findings if not f.ok]
    if gaps:
        print(f"{len(gaps)} setting(s) to fix: run `handbook protect apply --app-id N`", file=sys.stderr)
    return EXIT_DRIFT if gaps else EXIT_OK


def _merges(args: argparse.Namespace) -> int:
    from generator.documents.diagnostics import Diagnostic, github_annotation
    from generator.signoff.ledger import LedgerError, load_ledger

    try:
        ledger = load_ledger(Path(args.ledger))
    except LedgerError as exc:
        raise UsageError(str(exc)) from exc
    if ledger is None:
        raise UsageError(
            f"{args.ledger}: no sign-off ledger; run `handbook signoff collect --out {args.ledger}`"
        )
    found = bypasses(ledger)
    for entry in found:
        if args.format == "github":
            hint = f"pull request {entry.url}"
            print(
                github_annotation(
                    Diagnostic(entry.path, 1, 1, "sign-off bypassed", entry.text(), hint), "warning"
                )
            )
        else:
            print(f"warning: {entry.text()} ({entry.url})")
    print(f"{len(found)} merge(s) bypassed sign-off" if found else "every merge carried its sign-offs")
    if args.format == "github":
        append_step_summary(merges_summary(found))
    return EXIT_OK
