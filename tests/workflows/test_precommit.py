"""The pre-commit hooks, run as pre-commit runs them: the hook's entry with the staged files it matches."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
from pathlib import Path
from typing import Any

import yaml

from tests.workflows.checkout import git, write
from tests.workflows.documents import ACCOUNT, ACCOUNT_PATH, REVIEW_PATH, review
from tests.workflows.runner import ROOT, VENV_BIN

CONFIG = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
HOOKS = {hook["id"]: hook for repo in CONFIG["repos"] for hook in repo["hooks"]}


def run_hook(hook: dict[str, Any], repo: Path) -> tuple[int, str, list[str]]:
    """pre-commit's contract: staged files matching `files` are appended to `entry`; no match, no run."""
    staged = git(repo, "diff", "--cached", "--name-only", "-z").split("\0")
    chosen = [path for path in staged if path and re.search(hook["files"], path)]
    if not chosen:
        return 0, "", []
    done = subprocess.run(
        [*shlex.split(hook["entry"]), *chosen],
        cwd=repo,
        env={"PATH": f"{VENV_BIN}:/usr/bin:/bin", "HOME": str(repo), "LANG": "C.UTF-8"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    return done.returncode, done.stdout + done.stderr, chosen


def repository(tmp_path: Path) -> Path:
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    write(repo, {ACCOUNT_PATH: ACCOUNT, REVIEW_PATH: review()})
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "start")
    return repo


def test_a_staged_broken_review_is_refused_at_its_line(tmp_path):
    repo = repository(tmp_path)
    broken = review().replace("opened: 2026-01-05", "opened: last monday")
    write(repo, {REVIEW_PATH: broken})
    git(repo, "add", REVIEW_PATH)
    code, out, chosen = run_hook(HOOKS["handbook-validate"], repo)
    line = next(n for n, text in enumerate(broken.splitlines(), 1) if text.startswith("opened:"))
    assert code == 1
    assert chosen == [REVIEW_PATH]
    assert f"{REVIEW_PATH}:{line}:" in out and "is not a date" in out


def test_a_staged_valid_review_passes(tmp_path):
    repo = repository(tmp_path)
    write(repo, {REVIEW_PATH: review().replace("Acme's enclave", "The enclave")})
    git(repo, "add", REVIEW_PATH)
    code, out, _ = run_hook(HOOKS["handbook-validate"], repo)
    assert code == 0, out


def test_unstaged_edits_and_other_files_are_not_checked(tmp_path):
    repo = repository(tmp_path)
    write(repo, {ACCOUNT_PATH: "---\nid: broken\n---\n", "notes.md": "# notes\n"})
    git(repo, "add", "notes.md")
    assert run_hook(HOOKS["handbook-validate"], repo) == (0, "", [])


def test_the_workflow_hooks_lint_staged_workflows(tmp_path):
    repo = repository(tmp_path)
    write(repo, {".github/workflows/bad.yml": "on: push\njobs:\n  x:\n    run-on: linux\n"})
    git(repo, "add", "-A")
    for hook_id in ("zizmor", "workflow-schema"):
        code, out, chosen = run_hook(HOOKS[hook_id], repo)
        assert chosen == [".github/workflows/bad.yml"]
        assert code != 0, f"{hook_id} let a broken workflow through: {out}"


def test_the_published_hook_matches_the_local_one():
    [published] = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    local = HOOKS["handbook-validate"]
    assert (published["id"], published["entry"], published["files"]) == (
        local["id"],
        local["entry"],
        local["files"],
    )
    assert os.path.basename(published["entry"].split()[0]) == "handbook"
