"""What git says about each document: when it last changed, and how a review's status and an account's
health changed over time (the timelines, and how long a red account has been red).

One `git log` over reviews/ and accounts/ on the branch's first-parent line (the day a change landed,
a merge compared with the branch before it), then one `git cat-file --batch` for the versions it names;
read-only. Outside a git repository, in a shallow clone (where the oldest commit seems to add every
file, so every date would be wrong), or when git is missing or fails, there is no history: the pages
then say "history unavailable" rather than something false.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from generator.documents.diagnostics import DocumentError
from generator.documents.load import MAX_FILE_BYTES, Kind, parse_document
from generator.documents.paths import kind_of

_MARK = "@@handbook@@"
_TIMEOUT = 60
_SHA = re.compile(r"[0-9a-f]{40}")
_ABSENT = "0" * 40


@dataclass(frozen=True)
class Change:
    """A version of a document in which the followed value (a review's status, an account's health)
    differs from the version before it; the first version of a document is its first change."""

    day: dt.date
    commit: str
    value: str | None  # None: that version cannot be read


@dataclass(frozen=True)
class History:
    available: bool
    # Document path (reviews/x.md, as the repository spells it below the root) -> day of its last commit.
    updated: dict[str, dt.date] = field(default_factory=dict)
    # Document path -> the changes of its followed value, oldest first.
    changes: dict[str, tuple[Change, ...]] = field(default_factory=dict)

    def of(self, path: str) -> tuple[Change, ...] | None:
        """The changes of one document; None when there is no history at all (say so, never guess)."""
        return self.changes.get(path, ()) if self.available else None


UNAVAILABLE = History(available=False)


def _git(root: Path, *args: str, stdin: bytes | None = None) -> bytes | None:
    command = ["git", "-C", str(root), "-c", "core.quotepath=off", "-c", "core.fsmonitor=false", *args]
    env = os.environ | {"GIT_OPTIONAL_LOCKS": "0", "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"}
    try:
        done = subprocess.run(
            command, input=stdin, capture_output=True, timeout=_TIMEOUT, env=env, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout if done.returncode == 0 else None


@dataclass(frozen=True)
class _Version:
    path: str  # the document's path now (renames followed)
    day: dt.date
    commit: str
    blob: str


def _versions(log: str) -> list[_Version]:
    """Every committed version of every document, newest first, under the path it has now."""
    found: list[_Version] = []
    now_called: dict[str, str] = {}  # a path in an older commit -> the path that file has now
    day: dt.date | None = None
    commit = ""
    for line in log.splitlines():
        if line.startswith(_MARK):
            commit, _, when = line.removeprefix(_MARK).partition(" ")
            try:
                day = dt.date.fromisoformat(when)
            except ValueError:
                day = None
            continue
        if not line.startswith(":") or day is None:
            continue
        meta, _, names = line.partition("\t")
        parts = meta.split()
        paths = names.split("\t")
        if len(parts) < 5 or not paths:
            continue
        blob, status = parts[3], parts[4]
        path = paths[-1]
        current = now_called.get(path, path)
        if status.startswith("R") and len(paths) == 2:
            now_called[paths[0]] = current
        if status.startswith("D") or blob == _ABSENT or not _SHA.fullmatch(blob):
            continue
        found.append(_Version(current, day, commit, blob))
    return found


def _blobs(root: Path, shas: list[str]) -> dict[str, bytes] | None:
    if not shas:
        return {}
    out = _git(root, "cat-file", "--batch", stdin="".join(f"{sha}\n" for sha in shas).encode())
    if out is None:
        return None
    found: dict[str, bytes] = {}
    at = 0
    while at < len(out):
        end = out.index(b"\n", at)
        header = out[at:end].split()
        at = end + 1
        if len(header) != 3 or header[1] != b"blob":
            continue  # "<sha> missing": nothing follows
        size = int(header[2])
        found[header[0].decode()] = out[at : at + size]
        at += size + 1
    return found


_VALUE = r"""[ \t]*(["']?)([a-z][a-z-]*)\1[ \t]*(?:#.*)?$"""
_TOP_STATUS = re.compile(r"^status:" + _VALUE, re.M)
_HEALTH_BLOCK = re.compile(r"^health:[ \t]*\n((?:[ \t]+.*\n?|[ \t]*\n)+)", re.M)
_NESTED_STATUS = re.compile(r"^[ \t]+status:" + _VALUE, re.M)


def _scanned(raw: bytes, kind: Kind) -> str | None:
    """The followed value of a plainly written front matter by a line scan (most versions); None when
    the scan cannot be sure, and the strict reader decides."""
    try:
        text = raw.removeprefix(b"\xef\xbb\xbf").decode("utf-8").replace("\r\n", "\n")
    except UnicodeDecodeError:
        return None
    if not text.startswith("---\n"):
        return None
    end = text.find("\n---", 3)
    if end < 0:
        return None
    front = text[4 : end + 1]
    if kind == "review":
        found = _TOP_STATUS.findall(front)
    else:
        blocks = _HEALTH_BLOCK.findall(front)
        found = _NESTED_STATUS.findall(blocks[0]) if len(blocks) == 1 else []
    if len(found) != 1:
        return None
    # A key written twice finds two lines (and the strict reader decides); a flow collection or a block
    # scalar cannot hold a line the pattern takes: the value must end its line.
    return str(found[0][1])


def followed_value(raw: bytes, path: str, kind: Kind) -> str | None:
    """A review's status or an account's health in one version, as the documents' own strict reader
    reads it (a plainly written version by a line scan first); None when it cannot be read."""
    if len(raw) > MAX_FILE_BYTES:
        return None
    scanned = _scanned(raw, kind)
    if scanned is not None:
        return scanned
    try:
        data = parse_document(raw, path, kind).data
    except DocumentError:
        return None
    value = data.get("status") if kind == "review" else (data.get("health") or {}).get("status")
    return value if isinstance(value, str) else None


def history_key(root: Path) -> str | None:
    """What the history of `root` is a function of: the commit checked out and where `root` sits in
    the repository (the working tree's changes are no part of it); None outside git."""
    out = _git(root, "rev-parse", "--is-shallow-repository", "HEAD", "--show-prefix")
    return out.decode("utf-8", errors="replace") if out is not None else None


def read_history(root: Path) -> History:
    """The history of every document below `root`, or UNAVAILABLE (not git, shallow, git failed)."""
    shallow = _git(root, "rev-parse", "--is-shallow-repository")
    if shallow != b"false\n":
        return UNAVAILABLE
    out = _git(
        root, "log", "--first-parent", "-m", "--relative", "--raw", "--no-abbrev", "-M",
        f"--format={_MARK}%H %cs", "--", "reviews", "accounts",
    )  # fmt: skip
    if out is None:
        return UNAVAILABLE
    versions = [v for v in _versions(out.decode("utf-8", errors="replace")) if kind_of(v.path)]
    blobs = _blobs(root, list(dict.fromkeys(v.blob for v in versions)))
    if blobs is None:
        return UNAVAILABLE
    updated: dict[str, dt.date] = {}
    oldest_first: dict[str, list[_Version]] = {}
    for version in versions:
        updated.setdefault(version.path, version.day)
        oldest_first.setdefault(version.path, []).insert(0, version)
    changes: dict[str, tuple[Change, ...]] = {}
    for path, history in oldest_first.items():
        kind = kind_of(path)
        assert kind is not None
        found: list[Change] = []
        for version in history:
            raw = blobs.get(version.blob)
            value = followed_value(raw, path, kind) if raw is not None else None
            if not found or found[-1].value != value:
                found.append(Change(version.day, version.commit, value))
        changes[path] = tuple(found)
    return History(True, updated, changes)


def last_changed(root: Path) -> dict[str, dt.date]:
    """Document path as the repository spells it below `root` (reviews/x.md) -> the day of the last
    commit that changed it (empty when there is no history)."""
    return read_history(root).updated
