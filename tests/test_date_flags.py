"""Every command's date flag takes a plausible date only: 9999-12-28 would overflow the calendar."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

BASE = Path(__file__).parent / "corpus" / "base"
OUTSIDE = "'9999-12-28' is outside the plausible dates 2000-01-01 to 2100-12-31"


def _handbook(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1]), "GITHUB_TOKEN": "t"}
    return subprocess.run(
        [sys.executable, "-m", "generator", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
        check=False,
    )


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    shutil.copytree(BASE, tmp_path / "repo")
    return tmp_path / "repo"


@pytest.mark.parametrize(
    "args",
    [
        ["new", "review", "--today", "9999-12-28", "--customer", "acme-corp", "--title", "X"],
        ["new", "review", "--decision-needed-by", "9999-12-28", "--customer", "acme-corp", "--title", "X"],
        ["new", "account", "--today", "9999-12-28", "--id", "initech", "--name", "Initech"],
        ["new", "account", "--renewal", "9999-12-28", "--id", "initech", "--name", "Initech"],
        ["remind", "--repo", "o/r", "--today", "9999-12-28"],
    ],
    ids=["new-review-today", "new-review-needed-by", "new-account-today", "new-account-renewal", "remind"],
)
def test_an_implausible_date_flag_is_one_usage_line(repo: Path, args: list[str]) -> None:
    result = _handbook(repo, *args)
    assert result.returncode == 2, result.stderr
    assert result.stdout == ""
    assert OUTSIDE in result.stderr
    assert "Traceback" not in result.stderr and "Error:" not in result.stderr
    assert not (repo / "out").exists()


@pytest.mark.parametrize("command", ["build", "serve"])
def test_build_and_serve_refuse_an_implausible_today(repo: Path, command: str) -> None:
    result = _handbook(repo, command, "--today", "9999-12-28")
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == f"handbook: error: --today {OUTSIDE}\n"


@pytest.mark.parametrize("today", ["2000-03-01", "9999-12-28"])
def test_the_demo_keeps_its_spread_of_dates_inside_the_window(repo: Path, today: str) -> None:
    result = _handbook(repo, "demo", "--reviews", "1", "--accounts", "1", "--today", today, "out")
    assert result.returncode == 2
    assert result.stderr.endswith(
        f"handbook demo: error: argument --today: '{today}' is outside the dates a demo can be made for, "
        "2002-07-03 to 2099-12-30 (its dates spread around that day and stay plausible)\n"
    )
    assert not (repo / "out").exists()
