"""Folders and files the command cannot read are named as such: never a traceback, never bogus
"no account plan has the id" errors for the documents that refer to them.

Root reads everything, so as root the command runs with every capability dropped (setpriv), where
file permissions hold for it as for anyone.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

BASE = Path(__file__).parent / "corpus" / "base"
SOURCE = Path(__file__).resolve().parents[1]


def _unprivileged(*words: str) -> list[str]:
    command = [sys.executable, "-m", "generator", *words]
    if os.geteuid() != 0:
        return command
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root without setpriv: permissions cannot be taken away")
    return [setpriv, "--bounding-set=-all", "--inh-caps=-all", *command]


def _run(repo: Path, *words: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(SOURCE)}
    result = subprocess.run(
        _unprivileged(*words), cwd=repo, env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert "Traceback" not in result.stdout + result.stderr
    return result


@pytest.fixture
def repo(tmp_path: Path):
    root = tmp_path / "repo"
    shutil.copytree(BASE, root)
    yield root
    for path in [root, *root.rglob("*")]:  # so that tmp_path can be cleaned up
        if not path.is_symlink():
            path.chmod(0o755)


def test_an_unreadable_account_folder_is_named_and_causes_no_bogus_errors(repo: Path) -> None:
    (repo / "accounts").chmod(0)
    result = _run(repo, "validate")
    assert (result.returncode, result.stdout) == (
        1,
        "accounts/:1:1: cannot read this folder: Permission denied (make it readable: chmod a+rx accounts)\n"
        "2 documents checked, 1 error in 1 file\n",
    )


def test_an_unreadable_account_plan_is_named_and_causes_no_bogus_errors(repo: Path) -> None:
    (repo / "accounts" / "globex.md").chmod(0)
    result = _run(repo, "validate")
    assert (result.returncode, result.stdout) == (
        1,
        "accounts/globex.md:1:1: cannot read the file: Permission denied "
        "(make it readable: chmod a+r accounts/globex.md)\n"
        "4 documents checked, 1 error in 1 file\n",
    )


def test_an_unreadable_image_folder_and_image_are_named(repo: Path) -> None:
    (repo / "reviews" / "img").mkdir()
    (repo / "reviews" / "img" / "a.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    (repo / "reviews" / "shots").mkdir()
    (repo / "reviews" / "img" / "a.png").chmod(0)
    (repo / "reviews" / "shots").chmod(0)
    result = _run(repo, "validate")
    assert (result.returncode, result.stdout) == (
        1,
        "reviews/img/a.png:1:1: cannot read the file: Permission denied "
        "(make it readable: chmod a+r reviews/img/a.png)\n"
        "reviews/shots/:1:1: cannot read this folder: Permission denied "
        "(make it readable: chmod a+rx reviews/shots)\n"
        "4 documents checked, 2 errors in 2 files\n",
    )


def test_the_build_says_what_it_cannot_read(repo: Path, tmp_path: Path) -> None:
    (repo / "accounts").chmod(0)
    result = _run(repo, "build", "--quiet", "--today", "2026-11-23", "--out", str(tmp_path / "site"))
    assert result.returncode == 1
    assert "accounts/:1:1: cannot read this folder: Permission denied" in result.stdout
    assert "no account plan" not in result.stdout


def test_an_output_folder_that_cannot_be_read_is_a_usage_error(repo: Path, tmp_path: Path) -> None:
    out = tmp_path / "locked-site"
    out.mkdir()
    (out / "page.html").write_text("x")
    out.chmod(0)
    try:
        result = _run(repo, "build", "--quiet", "--out", str(out))
    finally:
        out.chmod(0o755)
    assert result.returncode == 2
    assert result.stderr == (
        f"handbook: error: --out {out}: cannot read it: Permission denied "
        "(choose a folder of its own, like build/site)\n"
    )
