"""History from git: `read_history` (one log, one cat-file batch, each version's status or health)
against its anchor, the one `git log --name-only` the "last updated" dates needed before timelines.

Each size is a `handbook demo` repository committed three times (every review edited twice more, its
status unchanged, so each review has three versions). Cold is the first read of a fresh clone, warm
the second; both are printed with their ratio to the anchor measured the same way.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from benchmarks.bench_site import git, repository
from generator.documents.history import read_history

SIZES = (1000, 5000)


def _anchor(root: Path) -> float:
    start = time.perf_counter()
    command = ["git", "-C", str(root), "log", "--relative", "--name-only", "--format=@@%cs"]
    subprocess.run([*command, "--", "reviews", "accounts"], check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def _history(root: Path) -> float:
    start = time.perf_counter()
    history = read_history(root)
    assert history.available
    return time.perf_counter() - start


def _edited(work: Path, size: int) -> Path:
    root = repository(work, size)
    for edit in (1, 2):
        for path in sorted((root / "reviews").glob("*.md")):
            with path.open("a", encoding="utf-8") as stream:
                stream.write(f"\nEdit {edit}.\n")
        git("commit", "-q", "-am", f"edit {edit}", cwd=root)
    return root


def main() -> int:
    sizes = [int(s) for s in os.environ.get("HANDBOOK_BENCH_SIZES", "").split(",") if s.strip()] or SIZES
    print(f"{'documents':>10} {'':>5} {'read_history':>13} {'anchor':>8} {'ratio':>6}")
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        for size in sizes:
            source = _edited(work, size)
            clone = work / f"clone-{size}"
            git("clone", "-q", source, clone, cwd=work)
            for label in ("cold", "warm"):
                history, anchor = _history(clone), _anchor(clone)
                print(f"{size:>10} {label:>5} {history:>12.2f}s {anchor:>7.2f}s {history / anchor:>5.0f}x")
            shutil.rmtree(clone)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
