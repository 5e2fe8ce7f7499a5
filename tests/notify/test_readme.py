"""The README's example messages are what notify renders for the documents of the tests (never stale)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from generator.notify.events import Event, document_events, overdue_digest
from generator.notify.messages import SiteLinks, preview, render
from generator.notify.settings import read_notifications
from generator.signoff.ledger import load_ledger
from tests.notify.documents import (
    ACCOUNT_PATH,
    REVIEW_PATH,
    TODAY,
    decision_ledger,
    green_account,
    handbook,
    red_account,
    review,
    waiting_ledger,
    with_renewal,
    write_repo,
)

README = Path(__file__).resolve().parents[2] / "README.md"
LINKS = SiteLinks("https://handbook-org.github.io/handbook/", "https://github.com/acme/handbook")


def section() -> str:
    text = README.read_text(encoding="utf-8")
    return text[text.index("## Slack notifications") : text.index("## Sign-offs and why they can be trusted")]


def examples(tmp_path: Path) -> dict[str, Event]:
    root = write_repo(
        tmp_path, {ACCOUNT_PATH: with_renewal(red_account(), "2026-04-21"), REVIEW_PATH: review()}
    )
    decision_ledger(root / "build" / "ledger.json", 4)
    found: dict[str, Event] = {e.kind: e for e in document_events(handbook(root), {})}
    write_repo(root, {REVIEW_PATH: review("approved"), ACCOUNT_PATH: green_account()})
    decision_ledger(root / "build" / "ledger.json", 5)
    found |= {e.kind: e for e in document_events(handbook(root), {"acme": dt.date(2026, 1, 12)})}
    ledger = waiting_ledger(
        root / "waiting.json",
        dt.datetime(2026, 1, 12, 9, tzinfo=dt.UTC),
        title="Tech review TR-0002: SSO through Acme's own IdP",
    )
    digest = overdue_digest(load_ledger(ledger), TODAY)
    assert digest is not None
    found[digest.kind] = digest
    return found


def test_each_kind_of_message_is_shown_in_the_readme_as_notify_renders_it(tmp_path):
    shown = re.findall(r"```text\n(.*?)\n```", section(), re.S)
    rendered = {kind: preview(render(event, LINKS)) for kind, event in examples(tmp_path).items()}
    assert len(rendered) == 6
    for kind, text in rendered.items():
        assert text in shown, f"the README's example of {kind} is out of date:\n{text}"


def test_the_readme_configuration_is_a_valid_notifications_section(tmp_path):
    [config] = re.findall(r"```yaml\n(notifications:.*?)\n```", section(), re.S)
    (tmp_path / "handbook.yml").write_text(config + "\n", encoding="utf-8")
    settings = read_notifications(tmp_path / "handbook.yml")
    assert settings.enabled and len(settings.routes) == 6
