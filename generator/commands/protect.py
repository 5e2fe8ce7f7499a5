"""`handbook protect apply|audit`: the flags of the branch protection (generator.github.protection);
`protect merges` is the old spelling of `handbook signoff audit`."""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Any

from generator.commands.options import github_flags, github_target, github_token
from generator.commands.signoff import ledger_audit_flags, run_ledger_audit
from generator.errors import Exit, UsageError
from generator.github.protection import (
    Finding,
    apply,
    audit,
    audit_environment,
    desired,
    read_environment,
    read_protection,
)


def register(subcommands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    protect = subcommands.add_parser(
        "protect", help="apply and audit the branch protection that makes sign-offs binding"
    )
    actions = protect.add_subparsers(dest="protect_command", metavar="ACTION", required=True)
    for name, helptext in (
        ("apply", "set main's branch protection (needs a token with Administration: write)"),
        ("audit", "compare main's branch protection with what sign-offs need; exit 1 on any gap"),
    ):
        parser = actions.add_parser(name, help=helptext, description=helptext + ". Token from GITHUB_TOKEN.")
        github_flags(parser)
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

    merges = actions.add_parser("merges", help="the old spelling of `handbook signoff audit`")
    ledger_audit_flags(merges)
    merges.set_defaults(run=run_ledger_audit)


def _env_int(name: str) -> int | None:
    value = os.environ.get(name, "").strip()
    return int(value) if value.isdigit() else None


def _connect(args: argparse.Namespace) -> tuple[Any, str]:
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
    if args.app_id is None:
        raise UsageError("pass --app-id N (or set HANDBOOK_SIGNOFF_APP_ID): the sign-off App's id")
    settings = desired(args.app_id)
    if args.dry_run:
        print(json.dumps(settings, indent=2))
        return Exit.OK
    gh, repository = _connect(args)
    apply(gh, repository, args.branch, settings)
    findings = _findings(gh, repository, args.branch, args.app_id)
    for finding in findings:
        print(finding.text())
    return Exit.OK if all(f.ok for f in findings) else Exit.FAILED


def _audit(args: argparse.Namespace) -> int:
    gh, repository = _connect(args)
    findings = _findings(gh, repository, args.branch, args.app_id)
    for finding in findings:
        print(finding.text())
    gaps = [f for f in findings if not f.ok]
    if gaps:
        print(f"{len(gaps)} setting(s) to fix: run `handbook protect apply --app-id N`", file=sys.stderr)
    return Exit.FAILED if gaps else Exit.OK
