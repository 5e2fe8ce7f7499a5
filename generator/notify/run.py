"""One notify run: the events read from the documents (or the ledger for the digest), queued in the
state, then posted to each routed channel, the state saved after every message so that nothing is
posted twice or lost."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from generator.notify.events import Event, document_events, kind_of, overdue_digest
from generator.notify.messages import SiteLinks, preview, render
from generator.notify.settings import CONFIG_FILE, Notifications
from generator.notify.slack import Sent, SlackBudget, Webhook, channel_urls
from generator.notify.state import Pending, State, baseline, delivered, enqueue, save_state


class NotifyError(Exception):
    """The handbook, its configuration, the ledger or the state cannot be used: one message per line."""


@dataclass
class Delivery:
    """What one run posted, queued and kept for the next run."""

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
    links: SiteLinks
    now: dt.datetime
    dry_run: bool = False
    digest: bool = False
    env: Mapping[str, str] = field(default_factory=lambda: dict(os.environ))
    budget: SlackBudget | None = None
    say: Callable[[str], None] = print


def notify(run: Run) -> Delivery:
    outcome = Delivery()
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
    budget = run.budget or SlackBudget(settings.retry_budget_seconds, _backoff_scale(run.env))
    env_names = {name: channel.webhook_env for name, channel in settings.channels.items()}
    wanted = sorted({c for p in state.pending for c in p.channels if c in env_names})
    targets = channel_urls(wanted, run.env, env_names)
    clients: dict[str, Webhook | Sent] = {
        name: Webhook(target, budget, settings.timeout_seconds) if isinstance(target, str) else target
        for name, target in targets.items()
    }
    for pending in list(state.pending):
        message = render(pending.event, run.links)
        for channel in list(pending.channels):
            client = clients.get(channel) or Sent(False, f"channel {channel} is no longer in {CONFIG_FILE}")
            sent = client.send(message) if isinstance(client, Webhook) else client
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


def read_events(
    root: Path, ledger_path: Path, today: dt.date, state: State | None, digest: bool
) -> list[Event]:
    """The events to announce: the documents' (against what was announced red), or the digest's."""
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
