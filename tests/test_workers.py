"""Reading in two processes gives what one process gives: the same messages in the same order."""

from __future__ import annotations

import fcntl
import os
import subprocess
import sys
from pathlib import Path

import pytest

from generator.documents.workers import DOCUMENTS_HERE, PIPE_BYTES, parts_of, widen
from tests.test_demo import TODAY

HANDBOOK = [sys.executable, "-m", "generator"]
IN_PARALLEL = """
import os, sys
from generator.documents.workers import in_parallel

parent = os.getpid()

def work(start, end):
    if os.getpid() != parent and sys.argv[1] == "fail":
        raise RuntimeError("a child that fails")
    if os.getpid() != parent and sys.argv[1] == "die":
        os._exit(9)
    return [(i, os.getpid() == parent) for i in range(start, end)]

found = in_parallel(work, 1200, 2)
print([i for i, _ in found] == list(range(1200)), sum(here for _, here in found))
"""


def _run(command: list[str], cwd: Path, workers: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "HANDBOOK_WORKERS": workers}
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, check=False)


@pytest.mark.slow
def test_two_workers_report_exactly_what_one_process_reports(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    made = subprocess.run(
        [
            *HANDBOOK,
            "demo",
            "--reviews",
            "900",
            "--accounts",
            "200",
            "--seed",
            "2",
            "--today",
            TODAY,
            str(root),
        ],
        capture_output=True,
        check=False,
    )
    assert made.returncode == 0, made.stderr
    reviews = sorted((root / "reviews").glob("*.md"))
    for broken in (reviews[3], reviews[700]):  # one in each half
        broken.write_text(
            broken.read_text(encoding="utf-8").replace("status:", "statis:", 1), encoding="utf-8"
        )
    (root / "accounts" / "zz-unreadable.md").write_bytes(b"---\ntitle: [unclosed\n---\n")
    one = _run([*HANDBOOK, "validate", "--format", "json"], root, "1")
    two = _run([*HANDBOOK, "validate", "--format", "json"], root, "2")
    assert one.returncode == two.returncode == 1
    assert two.stdout == one.stdout
    assert '"files_with_errors": 3' in one.stdout


@pytest.mark.parametrize("child", ["works", "fail", "die"])
def test_a_part_a_child_could_not_do_is_done_again_here(child: str) -> None:
    done = subprocess.run(
        [sys.executable, "-c", IN_PARALLEL, child], capture_output=True, text=True, check=True
    )
    in_order, here = done.stdout.split()
    assert in_order == "True"
    assert int(here) == (600 if child == "works" else 1200)


def test_the_part_done_here_is_the_larger_one_when_children_send_documents_back() -> None:
    """A child also sends the documents it read back (pickled, then read here): it is given less to
    read, so that both parts are ready at about the same time."""
    here, child = parts_of(1200, 2, DOCUMENTS_HERE)
    assert here == (0, child[0]) and child[1] == 1200
    assert 1.1 < (here[1] - here[0]) / (child[1] - child[0]) < 1.6


def test_the_parts_cover_every_item_once_in_order() -> None:
    for count, workers in [(1000, 2), (1001, 3), (10_000, 2), (3, 2)]:
        parts = parts_of(count, workers, DOCUMENTS_HERE)
        assert len(parts) == workers
        assert [i for start, end in parts for i in range(start, end)] == list(range(count))


SENT_WITHOUT_WAITING = """
import sys, time
from pathlib import Path
from generator.documents.workers import apart

def state(pid):
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]

payload = b"x" * 900_000
begun = apart(lambda: payload)
deadline = time.monotonic() + 10
while state(begun.pid) != "Z" and time.monotonic() < deadline:
    time.sleep(0.01)
exited = state(begun.pid) == "Z"  # it has written everything and exited, nothing read yet
print(exited, begun.result() == payload)
"""


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads a process's state from /proc")
def test_a_childs_result_of_most_of_a_megabyte_is_sent_without_waiting_for_this_process() -> None:
    """The pipe holds it whole: sent in pieces of 64 KB, each a switch between the two processes, a
    40 MB result took half a second to arrive. (In a process of its own: a fork is made only where no
    other thread runs.)"""
    done = subprocess.run(
        [sys.executable, "-c", SENT_WITHOUT_WAITING], capture_output=True, text=True, check=True
    )
    assert done.stdout.split() == ["True", "True"]


def test_pipes_are_widened_to_a_megabyte() -> None:
    reading, writing = os.pipe()
    try:
        widen(writing)
        assert fcntl.fcntl(writing, fcntl.F_GETPIPE_SZ) >= PIPE_BYTES
    finally:
        os.close(reading)
        os.close(writing)
