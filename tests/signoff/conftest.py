"""Sign-off tests run the real command against the fake GitHub, with no backoff or throttling."""

from __future__ import annotations

import pytest

from tests.fakegithub import FakeGitHub
from tests.signoff.world import World


@pytest.fixture(autouse=True)
def _github_environment(monkeypatch):
    for name in (
        "GITHUB_EVENT_PATH",
        "GITHUB_REPOSITORY",
        "GITHUB_API_URL",
        "GITHUB_STEP_SUMMARY",
        "GITHUB_RUN_ID",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("GITHUB_TOKEN", "t0ken")
    monkeypatch.setenv("HANDBOOK_GITHUB_BACKOFF", "0")
    monkeypatch.setenv("HANDBOOK_GITHUB_TIMEOUT", "5")


@pytest.fixture
def world(fake_github: FakeGitHub) -> World:
    return World(fake_github)
