"""Fixtures shared by the workflow tests: the local Actions runner and the default branch's checkout."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.fakegithub import FakeGitHub
from tests.signoff.world import REPO
from tests.workflows.checkout import write
from tests.workflows.documents import ACCOUNT, ACCOUNT_PATH, REVIEW_PATH, review
from tests.workflows.runner import Actions


@pytest.fixture
def actions(tmp_path: Path, fake_github: FakeGitHub) -> Actions:
    """Workflows run locally, talking to the fake GitHub."""
    return Actions(tmp_path / "actions", REPO, api_url=fake_github.base_url)


@pytest.fixture
def main_branch(tmp_path: Path) -> Path:
    """The default branch's checkout (a review in review): the only code the sign-off job ever runs."""
    root = tmp_path / "main"
    write(root, {ACCOUNT_PATH: ACCOUNT, REVIEW_PATH: review("in-review")})
    return root
