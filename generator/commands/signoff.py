"""`handbook signoff check|collect|policy`: argument parsing and exit codes only."""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import os
import sys
from pathlib import Path

from generator.commands import UsageError
from generator.signoff.check import (
    EXIT_GITHUB,
    EXIT_NOT_SATISFIED,
    EXIT_SATISFIED,
    SettingsError,
    api_address,
    repository_name,
    target_from,
)


def register(subcommands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    signoff = subcommands.add_parser("signoff", help="sign-offs from pull-request approvals")
    actions = signoff.add_subparsers(dest="signoff_command", metavar="ACTION", required=True)

    check = actions.add_parser(
        "check",
        help="judge a pull request's sign-offs; post the status and the comment",
        description="Exit 0 signed off, 1 not signed off, 2 usage error, 3 GitHub unreachable or erroring. "
        "The token is read from GITHUB_TOKEN.",
    )
    _where(check)
    check.add_argument("--pr", type=int, metavar="N", help="pull request number (default: from the event)")
    check.add_argument("--dry-run", action="store_true", help="print the verdict; write nothing to GitHub")
    check.add_argument("--format", choices=["text", "json"], default="text")
    check.add_argument(
        "--bot", metavar="LOGIN", default=os.environ.get("HANDBOOK_SIGNOFF_BOT"),
        help="login that owns the sign-off comment (default: any bot account)",
    )  # fmt: skip
    check.set_defaults(run=_check)

    collect = actions.add_parser("collect", help="write the sign-off ledger (JSON) the site reads")
    _where(collect)
    collect.add_argument(
        "--out", required=True, metavar="FILE", help="the ledger; updated in place if present"
    )
    collect.add_argument("--branch", help="the published branch (default: the repository's default branch)")
    collect.set_defaults(run=_collect)

    policy = actions.add_parser("policy", help="check a sign-off policy file")
    policy.add_argument("path", nargs="?", default=".github/signoff-policy.yml")
    policy.set_defaults(run=_policy)


def _where(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--repo", metavar="OWNER/NAME", help="default: GITHUB_REPOSITORY")
    parser.add_argument("--api-url", metavar="URL", help="default: GITHUB_API_URL or https://api.github.com")


def github_token(can: str = "read the pull request and the teams") -> str:
    """The token from GITHUB_TOKEN, or a usage error saying what it must be able to do."""
    token = os.environ.get("GITHUB_TOKEN", "").strip()
    if not token:
        raise UsageError(f"set GITHUB_TOKEN to a token that can {can}")
    return token


def github_target(args: argparse.Namespace) -> tuple[str, str]:
    """The repository and API address: flags first, then the Actions environment."""
    try:
        repository = repository_name(args.repo or os.environ.get("GITHUB_REPOSITORY", ""))
        api_url = api_address(args.api_url or os.environ.get("GITHUB_API_URL") or "https://api.github.com")
    except SettingsError as exc:
        raise UsageError(f"{exc}; pass --repo OWNER/NAME") from exc
    return repository, api_url


def _check(args: argparse.Namespace) -> int:
    from generator.github.client import GitHubFault, connect
    from generator.signoff.check import check

    try:
        target = target_from(args.repo, args.pr, args.api_url, os.environ)
        token = github_token()
        gh = connect(target.api_url, token)
    except SettingsError as exc:
        raise UsageError(str(exc)) from exc
    except GitHubFault as exc:
        print(f"handbook: signoff: {exc}", file=sys.stderr)
        return EXIT_GITHUB
    outcome = check(gh, target, dry_run=args.dry_run, output=args.format, bot=args.bot)
    sys.stdout.write(outcome.output)
    if outcome.error:
        print(f"handbook: signoff: {outcome.error}", file=sys.stderr)
    return outcome.code


def _collect(args: argparse.Namespace) -> int:
    from generator.github.client import GitHubFault, connect
    from generator.signoff.collect import collect
    from generator.signoff.ledger import LedgerError, check_repository, load_ledger, save_ledger

    repository, api_url = github_target(args)
    out = Path(args.out)
    try:
        previous = load_ledger(out)
        if previous is not None:
            check_repository(previous, repository, out)
    except LedgerError as exc:
        # Never started over in silence: the file is not ours to replace.
        fault = dataclasses.replace(exc.diagnostic, hint="move it away to start a new ledger")
        raise UsageError(fault.text()) from exc
    try:
        gh = connect(api_url, github_token())
        result = collect(gh, repository, previous, now=dt.datetime.now(dt.UTC), branch=args.branch)
    except GitHubFault as exc:
        print(f"handbook: signoff: GitHub: {exc}", file=sys.stderr)
        return EXIT_GITHUB
    save_ledger(result.ledger, out)
    print(f"{out}: {len(result.fetched)} merged pull request(s) added, "
          f"{len(result.ledger.open_pull_requests)} open one(s) waiting")  # fmt: skip
    for path, number in result.bypasses:
        print(f"warning: {path}: pull request #{number} was merged without its sign-offs", file=sys.stderr)
    return EXIT_SATISFIED


def _policy(args: argparse.Namespace) -> int:
    from generator.signoff.policy import PolicyError, parse_policy

    path = Path(args.path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise UsageError(f"{args.path}: cannot read: {exc.strerror or exc}") from exc
    try:
        policy = parse_policy(raw, args.path)
    except PolicyError as exc:
        for diagnostic in exc.diagnostics:
            print(diagnostic.text())
        return EXIT_NOT_SATISFIED
    print(f"{args.path}: {len(policy.roles)} roles, {len(policy.rules)} rules, no errors")
    return EXIT_SATISFIED
