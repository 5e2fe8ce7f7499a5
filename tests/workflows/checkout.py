"""Checkouts for local workflow runs: real git repositories in tmp_path, and events from webhook examples."""

from __future__ import annotations

import copy
import json
import subprocess
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from tests.fakegithub.templates import WEBHOOKS as FAKE_WEBHOOKS

WEBHOOKS = Path(__file__).parent / "fixtures" / "webhooks"


def git(cwd: Path, *args: str) -> str:
    done = subprocess.run(
        [
            "git",
            "-c",
            "user.name=Test",
            "-c",
            "user.email=test@example.com",
            "-c",
            "commit.gpgsign=false",
            *args,
        ],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip()


def write(root: Path, files: Mapping[str, str | None]) -> None:
    for path, text in files.items():
        target = root / path
        if text is None:
            target.unlink()
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")


def merge_checkout(root: Path, base: Mapping[str, str], change: Mapping[str, str | None]) -> tuple[str, str]:
    """What actions/checkout gives a pull_request run: the merge commit, whose first parent is the base.

    Returns (base sha, merge sha)."""
    root.mkdir(parents=True)
    git(root, "init", "-q", "-b", "main")
    write(root, base)
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "base")
    base_sha = git(root, "rev-parse", "HEAD")
    write(root, change)
    git(root, "add", "-A")
    git(root, "commit", "-q", "--allow-empty", "-m", "Merge the pull request into main")
    return base_sha, git(root, "rev-parse", "HEAD")


def webhook(name: str, **changes: Any) -> dict[str, Any]:
    """An upstream example payload with the fields a run reads changed (`a__b=1` sets payload[a][b])."""
    folder = WEBHOOKS if (WEBHOOKS / name).exists() else FAKE_WEBHOOKS
    payload: dict[str, Any] = json.loads((folder / name).read_text(encoding="utf-8"))
    payload = copy.deepcopy(payload)
    for dotted, value in changes.items():
        target = payload
        *parents, last = dotted.split("__")
        for part in parents:
            target = target[part]
        target[last] = value
    return payload
