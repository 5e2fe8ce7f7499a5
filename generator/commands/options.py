"""The flags several commands share, defined once: the repository folder, web addresses, GitHub."""

from __future__ import annotations

import argparse
import datetime as dt
import os
from pathlib import Path

from generator.errors import UsageError
from generator.process.calendar import DateProblem, parse_date
from generator.process.calendar import today as process_today

DEFAULT_API_URL = "https://api.github.com"


def root_flag(parser: argparse.ArgumentParser, purpose: str = "") -> None:
    parser.add_argument("--root", default=".", help=f"the handbook repository{purpose} (default: .)")


def root_of(args: argparse.Namespace) -> Path:
    """The --root folder, which must exist."""
    root = Path(args.root)
    if not root.is_dir():
        raise UsageError(f"--root {args.root}: no such folder")
    return root


def today_of(args: argparse.Namespace, now: dt.datetime | None = None) -> dt.date:
    """--today (a plausible YYYY-MM-DD), else the process's today (the UTC date)."""
    if not args.today:
        return process_today(now)
    try:
        return parse_date(args.today)
    except DateProblem as exc:
        expected = " (expected YYYY-MM-DD)" if exc.kind == "date_from_text" else ""
        raise UsageError(f"--today {exc}{expected}") from None


def check_web_addresses(args: argparse.Namespace) -> None:
    """--repo-url and --site-url, when given, are web addresses."""
    for url, flag in ((args.repo_url, "--repo-url"), (args.site_url, "--site-url")):
        if url is not None and not url.startswith(("https://", "http://")):
            raise UsageError(f"{flag} {url!r} is not a web address (expected https://...)")


def github_flags(parser: argparse.ArgumentParser) -> None:
    """--repo and --api-url, each defaulting to what GitHub Actions sets."""
    parser.add_argument("--repo", metavar="OWNER/NAME", help="default: GITHUB_REPOSITORY")
    parser.add_argument("--api-url", metavar="URL", help=f"default: GITHUB_API_URL or {DEFAULT_API_URL}")


def bot_flag(parser: argparse.ArgumentParser, owns: str, default_help: str) -> None:
    """--bot: the only login whose comment of ours is edited (HANDBOOK_SIGNOFF_BOT by default)."""
    parser.add_argument(
        "--bot",
        metavar="LOGIN",
        default=os.environ.get("HANDBOOK_SIGNOFF_BOT"),
        help=f"login that owns {owns} (default: {default_help})",
    )


def github_token(can: str = "read the pull request and the teams") -> str:
    """The token from GITHUB_TOKEN, or a usage error saying what it must be able to do."""
    token = os.environ.get("GITHUB_TOKEN", "").strip()
    if not token:
        raise UsageError(f"set GITHUB_TOKEN to a token that can {can}")
    return token


def github_target(args: argparse.Namespace) -> tuple[str, str]:
    """The repository and API address: flags first, then the Actions environment."""
    from generator.github.client import api_address, repository_name

    try:
        repository = repository_name(args.repo or os.environ.get("GITHUB_REPOSITORY", ""))
        api_url = api_address(args.api_url or os.environ.get("GITHUB_API_URL") or DEFAULT_API_URL)
    except UsageError as exc:
        raise UsageError(f"{exc}; pass --repo OWNER/NAME") from exc
    return repository, api_url
