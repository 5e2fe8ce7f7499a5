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
import os
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from generator.actions import append_step_summary, workflow_command
from generator.commands.options import check_web_addresses, root_flag, root_of
from generator.documents.diagnostics import github_annotation
from generator.documents.load import display_path
from generator.errors import Exit, UsageError
from generator.notify.events import Event, document_events, kind_of, overdue_digest
from generator.notify.messages import Links, preview, render
from generator.notify.settings import CONFIG_FILE, Notifications, SettingsError, read_notifications
from generator.notify.slack import Budget, Channel, Sent, channel_urls
from generator.notify.state import (
    Pending,
    State,
    StateError,
    baseline,
    delivered,
    enqueue,
    load_state,
    save_state,
)
from generator.process.calendar import today as process_today
from generator.signoff.report import cell


class NotifyError(Exception):
    """The handbook, its configuration, the ledger or the state cannot be used: one message per line."""


@dataclass
class Outcome:
    posted: list[tuple[str, str]] = field(default_factory=list)  # (event key, channel)
    queued: list[str] = field(default_factory=list)  # keys newly queued this run
    waiting: list[tuple[str, str, str]] = field(default_factory=list)  # (key, channel, why) still queued
    baseline: int = 0  # events counted as announced by a first run
    previews: list[str] = field(default_factory=list)

    @property
    def warnings(self) -> list[str]:
        by_channel: dict[str, list[str]] = {}
        for key, channel, why in self.waiting:
            by_channel.setdefault(f"{channel}: {why}", []).append(key)
        return [
            f"#{where.split(': ', 1)[0]}: {len(keys)} message{'s' if len(keys) != 1 else ''} not posted "
            f"({where.split(': ', 1)[1]}); kept for the next run"
            for where, keys in by_channel.items()
        ]


@dataclass
class Run:
    """Everything one notify run needs, gathered at the edge."""

    settings: Notifications
    events: list[Event]
    state: State | None
    state_path: Path
    links: Links
    now: dt.datetime
    dry_run: bool = False
    digest: bool = False
    env: Mapping[str, str] = field(default_factory=lambda: dict(os.environ))
    budget: Budget | None = None
    say: Callable[[str], None] = print


def notify(run: Run) -> Outcome:
    outcome = Outcome()
    settings = run.settings
    first = run.state is None and not run.digest
    if run.dry_run or not settings.enabled:
        outcome.baseline = len(run.events) if first else 0
        outcome.previews = _previews(run)
        return outcome
    if first:
        # The first run: what the handbook already shows was announced by people, before notify existed.
        outcome.baseline = len(run.events)
        save_state(baseline(run.events, run.now), run.state_path, run.now)
        return outcome
    state = (run.state or State()).model_copy(deep=True)
    new = enqueue(state, run.events, settings, run.now)
    outcome.queued = [p.key for p in new]
    save_state(state, run.state_path, run.now)  # queued before posting: a crash loses nothing
    budget = run.budget or Budget(settings.retry_budget_seconds, _backoff_scale(run.env))
    env_names = {name: channel.webhook_env for name, channel in settings.channels.items()}
    wanted = sorted({c for p in state.pending for c in p.channels if c in env_names})
    targets = channel_urls(wanted, run.env, env_names)
    clients: dict[str, Channel | Sent] = {
        name: Channel(target, budget, settings.timeout_seconds) if isinstance(target, str) else target
        for name, target in targets.items()
    }
    for pending in list(state.pending):
        message = render(pending.event, run.links)
        for channel in list(pending.channels):
            client = clients.get(channel) or Sent(False, f"channel {channel} is no longer in {CONFIG_FILE}")
            sent = client.send(message) if isinstance(client, Channel) else client
            if sent.ok:
                delivered(state, pending, channel)
                outcome.posted.append((pending.key, channel))
                save_state(state, run.state_path, run.now)
            else:
                _failed(pending, sent.problem)
                outcome.waiting.append((pending.key, channel, sent.problem))
    save_state(state, run.state_path, run.now)
    return outcome


def _previews(run: Run) -> list[str]:
    """What a real run would post: the queued messages, then every event not announced yet."""
    state = run.state or State()
    shown = [(p.event, p.channels) for p in state.pending]
    shown += [
        (event, [c.name for c in run.settings.channels_for(kind_of(event))])
        for event in run.events
        if not state.known(event.key)
    ]
    out = []
    for event, channels in shown:
        where = "#" + ", #".join(channels) if channels else "no channel (not routed in handbook.yml)"
        out.append(f"── to {where} · {event.key}\n{preview(render(event, run.links))}\n")
    return out


def _failed(pending: Pending, problem: str) -> None:
    pending.attempts += 1
    pending.last_error = problem[:2000]


def _backoff_scale(env: Mapping[str, str]) -> float:
    try:
        return max(0.0, float(env.get("HANDBOOK_SLACK_BACKOFF", "1")))
    except ValueError:
        return 1.0


# --- the command -----------------------------------------------------------------------------------


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
    try:
        today = dt.date.fromisoformat(args.today) if args.today else process_today(now)
    except ValueError:
        raise UsageError(f"--today {args.today!r} is not a date (expected YYYY-MM-DD)") from None
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
        events = _events(root, ledger_path, today, state, args.digest)
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
            Links(args.site_url, args.repo_url),
            now,
            args.dry_run,
            args.digest,
        )
    )
    _report(outcome, settings, args, state is None, state_path, github)
    return Exit.OK


def _events(root: Path, ledger_path: Path, today: dt.date, state: State | None, digest: bool) -> list[Event]:
    from generator.signoff.ledger import LedgerError, load_ledger

    if digest:
        from generator.process.config import require_config

        calendar = require_config(root).calendar  # holidays and the feedback window
        try:
            found = overdue_digest(load_ledger(ledger_path), today, calendar)
        except LedgerError as exc:
            raise NotifyError(str(exc)) from exc
        return [found] if found else []
    from generator.site.build import BuildError, InvalidDocuments, load_handbook

    try:
        handbook = load_handbook(root, ledger_path, today)
    except InvalidDocuments as exc:
        summary = "the documents do not validate (see handbook validate); nothing was posted"
        raise NotifyError("\n".join([summary, *exc.problems])) from exc
    except BuildError as exc:
        raise NotifyError("\n".join([f"{exc.summary}; nothing was posted", *exc.problems])) from exc
    return document_events(handbook, state.red if state else {})


def _report(
    outcome: Outcome,
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


def _summary(outcome: Outcome) -> str:
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
