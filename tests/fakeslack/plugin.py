"""pytest plugin: the `fake_slack` fixture (registered from tests/conftest.py via pytest_plugins)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.fakeslack.server import FakeSlack


@pytest.fixture
def fake_slack() -> Iterator[FakeSlack]:
    """A started FakeSlack; at teardown it stops and fails the test on any payload Slack would refuse."""
    fake = FakeSlack().start()
    try:
        yield fake
    finally:
        fake.stop()
    fake.assert_clean()
