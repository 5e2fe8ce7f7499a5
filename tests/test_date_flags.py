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
        ["notify", "--today", "9999-12-28"],
    ],
    ids=[
        "new-review-today",
        "new-review-needed-by",
        "new-account-today",
        "new-account-renewal",
        "remind",
        "notify",
    ],
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
        f"handbook: error: --today: '{today}' is outside the dates a demo can be made for, "
        "2002-07-03 to 2099-12-30 (its dates spread around that day and stay plausible)\n"
    )
    assert not (repo / "out").exists()


# --- the window is the repository's (handbook.yml's plausible_dates), not the default --------------

NARROW = "plausible_dates:\n  earliest: 2026-01-01\n  latest: 2030-12-31\n"
WIDE = "plausible_dates:\n  earliest: 1990-01-01\n  latest: 2100-12-31\n"
ACCOUNT = ["new", "account", "--name", "Initech", "--tier", "2", "--segment", "commercial", "--ae", "ada",
           "--ce", "carl", "--champion", "Jo Doe", "--health-reason", "Usage is growing"]  # fmt: skip


def test_new_refuses_a_today_outside_handbook_yml_s_window(repo: Path) -> None:
    (repo / "handbook.yml").write_text(NARROW, encoding="utf-8")
    result = _handbook(repo, *ACCOUNT, "--today", "2031-06-02")
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == (
        "handbook: error: --today: '2031-06-02' is outside the plausible dates 2026-01-01 to 2030-12-31 "
        "(check the year)\n"
    )
    assert not (repo / "accounts" / "initech.md").exists()


def test_new_accepts_a_today_inside_a_wider_handbook_yml_window(repo: Path) -> None:
    (repo / "handbook.yml").write_text(WIDE, encoding="utf-8")
    result = _handbook(repo, *ACCOUNT, "--today", "1995-03-01", "--renewal", "1996-03-01")
    assert result.returncode == 0, result.stderr
    assert "last_revisited: 1995-03-01\n" in (repo / "accounts" / "initech.md").read_text(encoding="utf-8")


def test_the_demo_s_window_is_that_of_the_handbook_yml_it_copies(repo: Path, tmp_path: Path) -> None:
    source = tmp_path / "process"
    source.mkdir()
    (source / "handbook.yml").write_text(NARROW, encoding="utf-8")
    flags = ["demo", "--reviews", "1", "--accounts", "1", "--config-from", str(source)]
    result = _handbook(repo, *flags, "--today", "2026-11-23", "out")
    assert result.returncode == 2
    assert result.stderr == (
        "handbook: error: --today: '2026-11-23' is outside the dates a demo can be made for, "
        "2028-07-03 to 2029-12-30 (its dates spread around that day and stay plausible)\n"
    )
    assert not (repo / "out").exists()
    assert _handbook(repo, *flags, "--today", "2029-06-01", "out").returncode == 0
