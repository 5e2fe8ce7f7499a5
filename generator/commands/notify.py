"""`handbook notify`: post what changed since the last announcement, once, to the routed channels.

Runs as: settings → state → events (documents, or the ledger for `--digest`) → queue → post each
queued message (state saved after every one, so nothing is posted twice or lost) → warnings.
Exit 0 whenever the handbook could be read, even when Slack failed (the messages stay queued and
the run shows a warning); 1 when handbook.yml, the documents, the ledger or the state cannot be
used; 2 for a usage error.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from generator.actions import append_step_summary, workflow_command
from generator.commands.options import check_web_addresses, root_flag, root_of, today_of
from generator.documents.diagnostics import github_annotation
from generator.documents.load import display_path
from generator.errors import Exit
from generator.notify.messages import SiteLinks
from generator.notify.run import Delivery, NotifyError, Run, notify, read_events
from generator.notify.settings import CONFIG_FILE, Notifications, SettingsError, read_notifications
from generator.notify.state import StateError, load_state
from generator.signoff.report import cell


def register(subcommands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subcommands.add_parser(
        "notify",
        help="post to Slack what changed in the handbook since the last announcement",
        description="One message per event (a review in review or decided, an account turned red or "
        "out of red, a renewal entering its window; with --digest the overdue reviews from the ledger), "
        f"to the channels {CONFIG_FILE} routes it to. Webhook addresses come from the SLACK_WEBHOOK_* "
        "variables the configuration names. Exit 0 done (Slack failures are warnings; the messages "
        "stay queued), 1 the configuration, documents, ledger or state cannot be used, 2 usage error.",
    )
    root_flag(parser)
    parser.add_argument("--config", metavar="PATH", help=f"default: ROOT/{CONFIG_FILE}")
    parser.add_argument("--ledger", metavar="PATH", help="sign-off ledger (default: ROOT/build/ledger.json)")
    parser.add_argument(
        "--state", metavar="PATH", help="what was announced (default: beside the ledger, notify-state.json)"
    )
    parser.add_argument("--digest", action="store_true", help="post the daily digest of overdue reviews only")
    parser.add_argument("--site-url", metavar="URL", help="public address of the site (links to pages)")
    parser.add_argument("--repo-url", metavar="URL", help="the GitHub repository (links to pull requests)")
    parser.add_argument("--today", metavar="YYYY-MM-DD", help="default: today (UTC)")
    parser.add_argument("--dry-run", action="store_true", help="print the messages; post and record nothing")
    parser.add_argument("--format", choices=["text", "github"], default="text")
    parser.set_defaults(run=_run)


def _run(args: argparse.Namespace) -> int:
    root = root_of(args)
    check_web_addresses(args)
    now = dt.datetime.now(dt.UTC)
    today = today_of(args, now)
    ledger_path = Path(args.ledger) if args.ledger else root / "build" / "ledger.json"
    state_path = (
        Path(args.state)
        if args.state
        else ledger_path.with_name("notify-digest-state.json" if args.digest else "notify-state.json")
    )
    github = args.format == "github"
    try:
        settings = read_notifications(Path(args.config) if args.config else root / CONFIG_FILE)
        state = load_state(state_path)
        events = read_events(root, ledger_path, today, state, args.digest)
    except SettingsError as exc:
        for diagnostic in exc.diagnostics:
            print(github_annotation(diagnostic) if github else diagnostic.text())
        print(f"handbook: notify: {CONFIG_FILE} cannot be used; nothing was posted", file=sys.stderr)
        return Exit.FAILED
    except (StateError, NotifyError) as exc:
        for line in str(exc).splitlines():
            print(workflow_command("error", line) if github else f"handbook: notify: {line}", file=sys.stderr)
        return Exit.FAILED
    outcome = notify(
        Run(
            settings,
            events,
            state,
            state_path,
            SiteLinks(args.site_url, args.repo_url),
            now,
            args.dry_run,
            args.digest,
        )
    )
    _report(outcome, settings, args, state is None, state_path, github)
    return Exit.OK


def _report(
    outcome: Delivery,
    settings: Notifications,
    args: argparse.Namespace,
    first: bool,
    state_path: Path,
    github: bool,
) -> None:
    shown = display_path(state_path)
    if not settings.enabled and not args.dry_run:
        print(f"notifications are off (no notifications: enabled: true in {CONFIG_FILE}): nothing posted")
    if first and not args.digest:
        if args.dry_run or not settings.enabled:
            print(
                f"first run: a real run would count {outcome.baseline} current event(s) as already announced "
                f"and post nothing; the messages they would be:"
            )
        else:
            print(
                f"first run: counted {outcome.baseline} current event(s) as already announced; state {shown}"
            )
            if github:
                append_step_summary(
                    f"## 📣 Slack notifications\n\nFirst run: {outcome.baseline} event(s) the handbook "
                    "already shows were counted as announced; nothing was posted.\n"
                )
            return
    for text in outcome.previews:
        print(text)
    for key, channel in outcome.posted:
        print(f"posted to #{channel}: {key}")
    if not outcome.posted and not outcome.previews and not outcome.waiting:
        print("nothing new to announce")
    for warning in outcome.warnings:
        print(
            workflow_command("warning", warning, title="Slack") if github else f"warning: {warning}",
            file=sys.stderr,
        )
    if github:
        append_step_summary(_summary(outcome))


def _summary(outcome: Delivery) -> str:
    lines = ["## 📣 Slack notifications", ""]
    if not outcome.posted and not outcome.waiting:
        return "\n".join([*lines, "Nothing new to announce.", ""])
    lines += ["| event | channel | result |", "| --- | --- | --- |"]
    lines += [f"| `{key}` | #{channel} | posted |" for key, channel in outcome.posted]
    lines += [
        f"| `{key}` | #{channel} | kept for the next run: {cell(why)} |"
        for key, channel, why in outcome.waiting
    ]
    return "\n".join([*lines, ""])
