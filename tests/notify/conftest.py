"""A handbook repository wired to the fake Slack: handbook.yml routes, webhook secrets in the environment."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from generator.commands import main
from tests.fakeslack.server import FakeSlack
from tests.notify.documents import ACCOUNT, ACCOUNT_PATH, REVIEW_PATH, review, write_repo

SITE = "https://handbook-org.github.io/handbook/"
REPO_URL = "https://github.com/acme/handbook"
CONFIG = """\
# The process configuration; notify reads only its own section.
fiscal_year_start: 2
notifications:
  enabled: true
  timeout_seconds: 0.5
  retry_budget_seconds: 30
  channels:
    tech-reviews:
      webhook_env: SLACK_WEBHOOK_TECH_REVIEWS
    red-accounts:
      webhook_env: SLACK_WEBHOOK_RED_ACCOUNTS
  routes:
    review-in-review: [tech-reviews]
    review-decided: [tech-reviews]
    account-red: [red-accounts]
    account-left-red: [red-accounts]
    renewal-window: [red-accounts]
    overdue-digest: [tech-reviews]
"""


class Handbook:
    """The repository under test, and `notify` run on it as the command line runs it."""

    def __init__(self, root: Path, capsys: pytest.CaptureFixture[str]) -> None:
        self.root = root
        self.capsys = capsys
        self.out = ""
        self.err = ""

    @property
    def state_path(self) -> Path:
        return self.root / "build" / "notify-state.json"

    def write(self, files: dict[str, str | None]) -> None:
        write_repo(self.root, files)

    def notify(self, *args: str, today: str = "2026-01-21") -> int:
        self.capsys.readouterr()
        code = main(
            [
                "notify",
                "--root",
                str(self.root),
                "--site-url",
                SITE,
                "--repo-url",
                REPO_URL,
                "--today",
                today,
                *args,
            ]
        )
        captured = self.capsys.readouterr()
        self.out, self.err = captured.out, captured.err
        return code

    def state(self) -> dict[str, object]:
        loaded: dict[str, object] = json.loads(self.state_path.read_text(encoding="utf-8"))
        return loaded


@pytest.fixture
def handbook(
    tmp_path: Path, fake_slack: FakeSlack, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Handbook:
    """A repository with an account and a review in review, already announced once (the baseline)."""
    root = write_repo(tmp_path / "repo", {ACCOUNT_PATH: ACCOUNT, REVIEW_PATH: review("in-review")})
    (root / "handbook.yml").write_text(CONFIG, encoding="utf-8")
    monkeypatch.setenv("SLACK_WEBHOOK_TECH_REVIEWS", fake_slack.webhook("tech-reviews"))
    monkeypatch.setenv("SLACK_WEBHOOK_RED_ACCOUNTS", fake_slack.webhook("red-accounts"))
    monkeypatch.setenv("HANDBOOK_SLACK_BACKOFF", "0")
    hb = Handbook(root, capsys)
    assert hb.notify() == 0 and "first run" in hb.out
    assert fake_slack.posts == []
    return hb


Today = Callable[[int], str]


def day(offset: int) -> str:
    return (dt.date(2026, 1, 21) + dt.timedelta(days=offset)).isoformat()
