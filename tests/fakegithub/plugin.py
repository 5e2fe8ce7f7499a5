"""pytest plugin: the `fake_github` fixture (registered from tests/conftest.py via pytest_plugins)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.fakegithub.server import FakeGitHub


@pytest.fixture
def fake_github() -> Iterator[FakeGitHub]:
    """A started FakeGitHub; at teardown it stops and fails the test on schema violations or crashes."""
    fake = FakeGitHub().start()
    try:
        yield fake
    finally:
        fake.stop(check=False)
    fake.assert_clean()
