"""`handbook signoff check`: one pull request, from facts to a published verdict.

Order matters for failing closed: a pending status first, then the reading, the comment and the
summary, and the final status last; any fault on the way ends in an error status (when GitHub still
answers) and exit 3, never in success.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from github import Github

from generator.actions import append_step_summary
from generator.errors import Exit, GitHubFault, UsageError
from generator.github.client import NotJudged, api_address, guard, post_status, repository_name
from generator.github.comments import pushed_record, upsert_comment
from generator.github.facts import read_pull
from generator.signoff import report
from generator.signoff.engine import Verdict, verdict
from generator.signoff.policy import PolicyError


@dataclass(frozen=True)
class Relayed:
    """A review relayed by `workflow_run`: the reviewed head, to find its pull request into the default
    branch from GitHub's own list (never from anything the relay run could write)."""

    head_sha: str
    head_owner: str
    head_branch: str


@dataclass(frozen=True)
class Target:
    """Which pull request, where, and what the triggering event tells us about it."""

    repository: str
    number: int | None
    api_url: str
    head_sha: str | None = None
    pushers: frozenset[str] = frozenset()
    relayed: Relayed | None = None


def read_event(path: str) -> dict[str, Any]:
    try:
        payload = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise UsageError(f"GITHUB_EVENT_PATH {path}: cannot read the event: {exc}") from exc
    if not isinstance(payload, dict):
        raise UsageError(f"GITHUB_EVENT_PATH {path}: the event is not a JSON object")
    return payload


def target_from(repo: str | None, number: int | None, api_url: str | None, env: Mapping[str, str]) -> Target:
    """Flags win; otherwise the Actions environment (GITHUB_EVENT_PATH, GITHUB_REPOSITORY, GITHUB_API_URL)."""
    event: dict[str, Any] = {}
    if env.get("GITHUB_EVENT_PATH"):
        event = read_event(env["GITHUB_EVENT_PATH"])
    pull = event.get("pull_request") if isinstance(event.get("pull_request"), dict) else {}
    assert isinstance(pull, dict)
    event_repo = (
        (event.get("repository") or {}).get("full_name")
        if isinstance(event.get("repository"), dict)
        else None
    )
    repository = repo or env.get("GITHUB_REPOSITORY") or event_repo
    if not repository:
        raise UsageError("which repository? pass --repo OWNER/NAME or set GITHUB_REPOSITORY")
    if number is None:
        number = pull.get("number") if isinstance(pull.get("number"), int) else None
    relayed = _relayed(event) if number is None else None
    if number is None and relayed is None:
        raise UsageError(
            "which pull request? pass --pr N or run on a pull_request, pull_request_review or "
            "workflow_run event"
        )
    if number is not None and number < 1:
        raise UsageError(f"--pr {number}: a pull request number is 1 or more")
    head = pull.get("head") if isinstance(pull.get("head"), dict) else {}
    head_sha = head.get("sha") if isinstance(head, dict) and isinstance(head.get("sha"), str) else None
    pushers: set[str] = set()
    sender = event.get("sender")
    if (
        event.get("action") == "synchronize"
        and isinstance(sender, dict)
        and isinstance(sender.get("login"), str)
    ):
        pushers.add(sender["login"])  # whoever pushed the new head cannot also approve it
    return Target(
        repository_name(repository),
        number,
        api_address(api_url or env.get("GITHUB_API_URL") or "https://api.github.com"),
        head_sha if (pull.get("number") == number) else None,
        frozenset(pushers),
        relayed,
    )


def _relayed(event: Mapping[str, Any]) -> Relayed | None:
    run = event.get("workflow_run")
    if not isinstance(run, dict):
        return None
    sha, branch = run.get("head_sha"), run.get("head_branch")
    repository = run.get("head_repository")
    owner = repository.get("owner") if isinstance(repository, dict) else None
    login = owner.get("login") if isinstance(owner, dict) else None
    if not all(isinstance(v, str) and v for v in (sha, branch, login)):
        raise UsageError("the workflow_run event names no head commit, branch and owner")
    assert isinstance(sha, str) and isinstance(branch, str) and isinstance(login, str)
    if not re.fullmatch(r"[0-9a-f]{40}", sha):
        raise UsageError(f"the workflow_run event's head {sha!r} is not a commit id")
    return Relayed(sha, login, branch)


@dataclass(frozen=True)
class CheckResult:
    """What one check of a pull request ends with: the exit code, the verdict if one was reached,
    what to print, and why it failed when it did."""

    code: Exit
    verdict: Verdict | None
    output: str
    error: str = ""


def run_url(env: Mapping[str, str]) -> str | None:
    """The Actions run, so the status links to its log and summary."""
    keys = ("GITHUB_SERVER_URL", "GITHUB_REPOSITORY", "GITHUB_RUN_ID")
    if all(env.get(k) for k in keys):
        return f"{env['GITHUB_SERVER_URL']}/{env['GITHUB_REPOSITORY']}/actions/runs/{env['GITHUB_RUN_ID']}"
    return None


def check(
    gh: Github,
    target: Target,
    *,
    dry_run: bool = False,
    output: str = "text",
    bot: str | None = None,
    env: Mapping[str, str] | None = None,
) -> CheckResult:
    env = os.environ if env is None else env
    link = run_url(env)
    # Set only once the pull request is known to be into the default branch: until then no status at
    # all is posted, not even an error (the commit may be the head of a pull request into main too).
    sha: str | None = None
    try:
        number = target.number if target.number is not None else find_relayed(gh, target)
        if number is None:
            assert target.relayed is not None
            reason = (f"no open pull request into the default branch has the head "
                      f"{target.relayed.head_sha[:12]}: nothing to judge")  # fmt: skip
            return CheckResult(Exit.FAILED, None, _not_judged(reason, output))
        # Nothing is posted before the pull request is known to be into the default branch: a status
        # belongs to the commit, and a pull request into any other branch must not speak for it.
        with guard(f"reading pull request #{number}"):
            repo = gh.get_repo(target.repository)
            pr = repo.get_pull(number)
            head, base_ref, default_branch = str(pr.head.sha), pr.base.ref, repo.default_branch
        if base_ref != default_branch:
            raise NotJudged(
                f"pull request #{number} is into {base_ref!r}, not the default branch {default_branch!r}: "
                "only pull requests into the default branch are judged; no status was posted"
            )
        sha = head
        if not dry_run:
            post_status(gh, target.repository, sha, "pending", "checking sign-offs", link)
        facts = read_pull(gh, target.repository, number, pushers=target.pushers, judging=True, bot=bot)
        # The head may have moved since: the pending status follows it.
        if not dry_run and facts.head_sha != sha:
            sha = facts.head_sha
            post_status(gh, target.repository, sha, "pending", "checking sign-offs", link)
        result = verdict(facts.policy, facts.pull, facts.memberships)
        body = report.comment(result) + pushed_record(sha, facts.pull.pushers)
        shown = json.dumps(report.as_json(result), indent=2) + "\n" if output == "json" else body
        append_step_summary(report.comment(result, limit=None), env)
        if not dry_run:
            upsert_comment(gh, target.repository, number, body, report.MARKER, bot)
            state = status_state(result)
            post_status(gh, target.repository, sha, state, report.description(result), link)
        return CheckResult(Exit.OK if result.satisfied else Exit.FAILED, result, shown)
    except NotJudged as exc:
        return CheckResult(Exit.FAILED, None, _not_judged(str(exc), output))
    except GitHubFault as fault:
        _error_status(gh, target, sha, f"GitHub fault: {fault}", link, dry_run)
        return CheckResult(Exit.GITHUB, None, "", f"GitHub: {fault}")
    except PolicyError as exc:
        # A missing or broken policy on the default branch is a setup fault, not a verdict.
        _error_status(gh, target, sha, "the sign-off policy on the default branch is invalid", link, dry_run)
        return CheckResult(Exit.GITHUB, None, "", "sign-off policy: " + str(exc))
    except OSError as exc:
        _error_status(gh, target, sha, "cannot write the job summary", link, dry_run)
        return CheckResult(Exit.GITHUB, None, "", f"cannot write the job summary: {exc}")


def _not_judged(reason: str, output: str) -> str:
    """Nothing was judged and nothing posted: said in the format asked for."""
    if output == "json":
        return json.dumps({"judged": False, "satisfied": False, "reason": reason}, indent=2) + "\n"
    return reason + "\n"


def find_relayed(gh: Github, target: Target) -> int | None:
    """The open pull request into the default branch whose head is the relayed branch and commit.

    GitHub allows one open pull request per head branch and base, so the answer is unique; pull
    requests from the same head into other branches are never taken."""
    relayed = target.relayed
    assert relayed is not None
    with guard("finding the reviewed pull request"):
        repo = gh.get_repo(target.repository)
        default_branch = repo.default_branch
        found = [
            p.number
            for p in repo.get_pulls(
                state="open", base=default_branch, head=f"{relayed.head_owner}:{relayed.head_branch}"
            )
            if p.head.sha == relayed.head_sha and p.base.ref == default_branch
        ]
    if len(found) > 1:
        raise GitHubFault(f"{len(found)} open pull requests into {default_branch} share a head")
    return found[0] if found else None


def status_state(result: Verdict) -> str:
    """success when signed off; pending while approvals are only missing (the merge waits for
    them); failure when something must change first: a blocking concern or an unreadable document."""
    if result.satisfied:
        return "success"
    if result.blocked_by or result.faults or any(d.problems for d in result.documents):
        return "failure"
    return "pending"


def _error_status(
    gh: Github, target: Target, sha: str | None, text: str, link: str | None, dry_run: bool
) -> None:
    if dry_run or sha is None:
        return
    # If GitHub is failing this fails too; the pending status (or none) still blocks the merge.
    with contextlib.suppress(GitHubFault):
        post_status(gh, target.repository, sha, "error", text, link)
