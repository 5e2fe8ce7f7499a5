"""`handbook signoff check|collect|audit|policy`: argument parsing and exit codes only."""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import os
import sys
from pathlib import Path

from generator.actions import append_step_summary
from generator.commands.options import bot_flag, github_flags, github_target, github_token
from generator.errors import Exit, UsageError


def register(subcommands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    signoff = subcommands.add_parser("signoff", help="sign-offs from pull-request approvals")
    actions = signoff.add_subparsers(dest="signoff_command", metavar="ACTION", required=True)

    check = actions.add_parser(
        "check",
        help="judge a pull request's sign-offs; post the status and the comment",
        description="Exit 0 signed off, 1 not signed off, 2 usage error, 3 GitHub unreachable or erroring. "
        "The token is read from GITHUB_TOKEN.",
    )
    github_flags(check)
    check.add_argument("--pr", type=int, metavar="N", help="pull request number (default: from the event)")
    check.add_argument("--dry-run", action="store_true", help="print the verdict; write nothing to GitHub")
    check.add_argument("--format", choices=["text", "json"], default="text")
    bot_flag(check, "the sign-off comment", "any bot account")
    check.set_defaults(run=_check)

    collect = actions.add_parser("collect", help="write the sign-off ledger (JSON) the site reads")
    github_flags(collect)
    collect.add_argument(
        "--out", required=True, metavar="FILE", help="the ledger; updated in place if present"
    )
    collect.add_argument("--branch", help="the published branch (default: the repository's default branch)")
    collect.set_defaults(run=_collect)

    audit = actions.add_parser(
        "audit", help="list merges in the sign-off ledger that bypassed sign-off (warnings; exit 0)"
    )
    ledger_audit_flags(audit)
    audit.set_defaults(run=run_ledger_audit)

    policy = actions.add_parser("policy", help="check a sign-off policy file")
    policy.add_argument("path", nargs="?", default=".github/signoff-policy.yml")
    policy.set_defaults(run=_policy)


def _check(args: argparse.Namespace) -> int:
    from generator.github.client import connect
    from generator.signoff.check import check, target_from

    target = target_from(args.repo, args.pr, args.api_url, os.environ)
    gh = connect(target.api_url, github_token())
    outcome = check(gh, target, dry_run=args.dry_run, output=args.format, bot=args.bot)
    sys.stdout.write(outcome.output)
    if outcome.error:
        print(f"handbook: signoff: {outcome.error}", file=sys.stderr)
    return outcome.code


def _collect(args: argparse.Namespace) -> int:
    from generator.github.client import connect
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
    gh = connect(api_url, github_token())
    result = collect(gh, repository, previous, now=dt.datetime.now(dt.UTC), branch=args.branch)
    save_ledger(result.ledger, out)
    print(f"{out}: {len(result.fetched)} merged pull request(s) added, "
          f"{len(result.ledger.open_pull_requests)} open one(s) waiting")  # fmt: skip
    for path, number in result.bypasses:
        print(f"warning: {path}: pull request #{number} was merged without its sign-offs", file=sys.stderr)
    return Exit.OK


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
        return Exit.FAILED
    print(f"{args.path}: {len(policy.roles)} roles, {len(policy.rules)} rules, no errors")
    return Exit.OK


def ledger_audit_flags(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--ledger", default="build/ledger.json", help="default: build/ledger.json")
    parser.add_argument("--format", choices=["text", "github"], default="text")


def run_ledger_audit(args: argparse.Namespace) -> int:
    """The post-merge audit: each merge that bypassed sign-off as a warning (an annotation in Actions)."""
    from generator.signoff.audit import audit_summary, bypassed_merges
    from generator.signoff.ledger import LedgerError, load_ledger

    try:
        ledger = load_ledger(Path(args.ledger))
    except LedgerError as exc:
        raise UsageError(str(exc)) from exc
    if ledger is None:
        raise UsageError(
            f"{args.ledger}: no sign-off ledger; run `handbook signoff collect --out {args.ledger}`"
        )
    found = bypassed_merges(ledger)
    for entry in found:
        print(entry.annotation() if args.format == "github" else f"warning: {entry.text()} ({entry.url})")
    print(f"{len(found)} merge(s) bypassed sign-off" if found else "every merge carried its sign-offs")
    if args.format == "github":
        append_step_summary(audit_summary(found))
    return Exit.OK
