"""`handbook demo DIR`: the flags of the made-up handbook writer (generator.authoring.demo)."""

from __future__ import annotations

import argparse
import datetime as dt
from collections.abc import Callable
from pathlib import Path

from generator.authoring.demo import LEDGER_FILE, MAX_ACCOUNTS, MAX_REVIEWS, make_demo
from generator.documents.load import display_path
from generator.errors import Exit
from generator.process.calendar import ANY_DATE, DateProblem, parse_date


def _count(limit: int) -> Callable[[str], int]:
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
        if not 0 <= value <= limit:
            raise argparse.ArgumentTypeError(f"{value} is not between 0 and {limit:,}")
        return value

    return parse


def _date_arg(text: str) -> dt.date:
    # Only the form here: the window is that of the handbook.yml the demo is made under (make_demo).
    try:
        return parse_date(text, ANY_DATE)
    except DateProblem as exc:
        raise argparse.ArgumentTypeError(f"{exc} (write it as YYYY-MM-DD)") from None


def _seed(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None


def register(subcommands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    demo = subcommands.add_parser(
        "demo", help="write a made-up but valid handbook (reviews/ and accounts/) of any size into DIR"
    )
    demo.add_argument("dir", metavar="DIR", help="where to create reviews/ and accounts/ (must be empty)")
    demo.add_argument("--reviews", type=_count(MAX_REVIEWS), default=100, metavar="N", help="default: 100")
    demo.add_argument("--accounts", type=_count(MAX_ACCOUNTS), default=25, metavar="M", help="default: 25")
    demo.add_argument("--seed", type=_seed, default=1, metavar="S", help="same seed, same files (default: 1)")
    demo.add_argument(
        "--today", type=_date_arg, metavar="YYYY-MM-DD", help="default: today (the process's, a UTC date)"
    )
    demo.add_argument(
        "--config-from",
        metavar="ROOT",
        help="use the handbook.yml of this repository (fiscal year, holidays...) and copy it into DIR; "
        "default: the demo writes its own",
    )
    demo.set_defaults(run=_run)


def _run(args: argparse.Namespace) -> int:
    root = Path(args.dir)
    config_from = Path(args.config_from) if args.config_from else None
    made = make_demo(root, args.reviews, args.accounts, args.seed, args.today, config_from)
    ledger = f" and a sign-off ledger ({LEDGER_FILE})" if LEDGER_FILE in made.files else ""
    print(
        f"wrote {made.reviews} tech reviews and {made.accounts} account plans{ledger} to {display_path(root)}"
    )
    return Exit.OK
