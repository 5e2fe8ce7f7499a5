"""`handbook remind`: the flags of the feedback reminders (generator.signoff.remind)."""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

from generator.actions import append_step_summary
from generator.commands.options import bot_flag, github_flags, github_target, github_token, root_flag
from generator.errors import Exit
from generator.process.calendar import DateProblem, parse_date
from generator.process.calendar import today as process_today
from generator.process.facts import FEEDBACK_BUSINESS_DAYS


def _date(value: str) -> dt.date:
    try:
        return parse_date(value)
    except DateProblem as exc:
        expected = " (expected YYYY-MM-DD)" if exc.kind == "date_from_text" else ""
        raise argparse.ArgumentTypeError(f"{exc}{expected}") from exc


def register(subcommands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subcommands.add_parser(
        "remind",
        help="remind reviewers of tech reviews past their feedback deadline "
        f"({FEEDBACK_BUSINESS_DAYS} business days by default)",
        description="One comment per overdue pull request naming the roles and people who have not "
        "approved; edited in place, at most once a day. The token is read from GITHUB_TOKEN. "
        "Exit 0 done, 2 usage error, 3 GitHub unreachable or erroring.",
    )
    github_flags(parser)
    parser.add_argument("--branch", help="pull requests into this branch (default: the default branch)")
    parser.add_argument("--today", type=_date, metavar="YYYY-MM-DD", help="default: today (UTC)")
    root_flag(parser, ", for handbook.yml")
    parser.add_argument("--dry-run", action="store_true", help="print the reminders; post nothing")
    bot_flag(parser, "the reminder comments", "HANDBOOK_SIGNOFF_BOT, else any bot")
    parser.set_defaults(run=_run)


def _run(args: argparse.Namespace) -> int:
    from generator.github.client import connect
    from generator.process.config import require_config
    from generator.signoff.remind import remind, step_summary

    calendar = require_config(Path(args.root)).calendar  # holidays and the feedback window
    repository, api_url = github_target(args)
    token = github_token("read pull requests and teams and write comments")
    today: dt.date = args.today or process_today()
    gh = connect(api_url, token)
    outcomes = remind(
        gh, repository, today, dry_run=args.dry_run, bot=args.bot, branch=args.branch, calendar=calendar
    )
    append_step_summary(step_summary(outcomes, today))
    return Exit.OK
