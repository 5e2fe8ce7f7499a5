"""When git last changed each document: the "last updated" date of document pages.

One `git log` over reviews/ and accounts/ (not one per file), read-only. Outside a git repository, in a
shallow clone (where the oldest commit seems to add every file, so every date would be wrong), or when
git is missing or fails, there are no dates: the pages then say nothing rather than something false.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
from pathlib import Path

_MARK = "@@handbook@@"
_TIMEOUT = 30


def _git(root: Path, *args: str) -> str | None:
    command = ["git", "-C", str(root), "-c", "core.quotepath=off", "-c", "core.fsmonitor=false", *args]
    env = os.environ | {"GIT_OPTIONAL_LOCKS": "0", "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"}
    try:
        done = subprocess.run(command, capture_output=True, timeout=_TIMEOUT, env=env, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    if done.returncode != 0:
        return None
    return done.stdout.decode("utf-8", errors="replace")


def last_changed(root: Path) -> dict[str, dt.date]:
    """Document path as the repository spells it below `root` (reviews/x.md) -> the day of the last
    commit that changed it."""
    if _git(root, "rev-parse", "--is-shallow-repository") != "false\n":
        return {}
    out = _git(root, "log", "--relative", "--name-only", f"--format={_MARK}%cs", "--", "reviews", "accounts")
    if out is None:
        return {}
    found: dict[str, dt.date] = {}
    day: dt.date | None = None
    for line in out.splitlines():
        if line.startswith(_MARK):
            try:
                day = dt.date.fromisoformat(line.removeprefix(_MARK))
            except ValueError:
                day = None
        elif line and day is not None:
            found.setdefault(line, day)  # newest first: the first date seen is the last change
    return found
