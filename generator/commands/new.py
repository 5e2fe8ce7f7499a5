"""`handbook new review|account`: the flags of the skeleton writer (generator.authoring.new)."""

from __future__ import annotations

import argparse
import datetime as dt

from generator.authoring.new import Invalid, date_check, new_account, new_review
from generator.documents.load import display_path
from generator.documents.models.account import Segment
from generator.documents.models.review import Moment, Trigger
from generator.errors import Exit
from generator.process.calendar import ANY_DATE
from generator.process.facts import DECISION_BUSINESS_DAYS


def _date_arg(text: str) -> dt.date:
    # Only the form here: the window is handbook.yml's, checked once the repository is read.
    try:
        return date_check(text, ANY_DATE)
    except Invalid as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--root", default=".", help="the handbook repository (default: .)")
    parser.add_argument("--today", type=_date_arg, metavar="YYYY-MM-DD", help="the date to write as today")


def register(subcommands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    new = subcommands.add_parser("new", help="write a valid skeleton of a tech review or an account plan")
    kinds = new.add_subparsers(dest="kind", metavar="KIND", required=True)

    review = kinds.add_parser("review", help="a draft tech review in reviews/ (next free id)")
    review.add_argument("--title")
    review.add_argument("--customer", metavar="ACCOUNT_ID", help="id of an existing account plan")
    review.add_argument("--moment", help=" or ".join(m.value for m in Moment))
    review.add_argument(
        "--trigger", action="append", help="repeatable: " + ", ".join(t.value for t in Trigger)
    )
    review.add_argument("--trigger-description", help="what makes it non-standard (with --trigger other)")
    review.add_argument("--author", metavar="HANDLE", help="the CE or TA writing the review")
    review.add_argument("--ae", metavar="HANDLE", help="default: the account plan's AE")
    review.add_argument("--ce", metavar="HANDLE", help="default: the account plan's CE")
    review.add_argument("--ta", metavar="HANDLE", help="default: the account plan's TA")
    review.add_argument("--peer-reviewer", metavar="HANDLE", help="the peer CE who reviews the TDD")
    review.add_argument(
        "--decision-needed-by",
        type=_date_arg,
        metavar="YYYY-MM-DD",
        help=f"default: {DECISION_BUSINESS_DAYS} business days after today",
    )
    _common(review)
    review.set_defaults(run=_review)

    account = kinds.add_parser("account", help="an account plan in accounts/<id>.md")
    account.add_argument("--name", help="the customer's name")
    account.add_argument("--id", help="default: a slug of the name")
    account.add_argument("--tier", help="1, 2 or 3")
    account.add_argument("--segment", help=", ".join(s.value for s in Segment))
    account.add_argument("--ae", metavar="HANDLE")
    account.add_argument("--ce", metavar="HANDLE")
    account.add_argument("--ta", metavar="HANDLE")
    account.add_argument(
        "--quarter", metavar="YYYY-QN", help="default: the fiscal quarter of today (handbook.yml)"
    )
    account.add_argument("--health", help="green (default), yellow or red")
    account.add_argument("--health-reason", help="why the account has that health")
    account.add_argument("--champion", metavar="NAME", help="the customer's champion")
    account.add_argument("--renewal", type=_date_arg, metavar="YYYY-MM-DD", help="the renewal date")
    account.add_argument(
        "--onboarding-plan",
        metavar="URL",
        help="a newly signed customer's onboarding plan: writes the onboarding block, no quarterly plan yet",
    )
    account.add_argument(
        "--kickoff", type=_date_arg, metavar="YYYY-MM-DD", help="the onboarding kickoff (default: today)"
    )
    _common(account)
    account.set_defaults(run=_account)


def _review(args: argparse.Namespace) -> int:
    print(display_path(new_review(args)))
    return Exit.OK


def _account(args: argparse.Namespace) -> int:
    print(display_path(new_account(args)))
    return Exit.OK
