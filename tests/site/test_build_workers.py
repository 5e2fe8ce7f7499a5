"""The build reads the documents and renders the site in two processes: exactly what one process makes."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from generator.site.build import MIN_FILES_APART, load_handbook, write_tree
from generator.site.render import Settings, render_tree
from tests.test_demo import demo

TODAY = dt.date(2026, 11, 23)


@pytest.mark.slow
def test_two_workers_render_the_pages_one_process_renders(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    assert demo(root, reviews=900, accounts=200, seed=2) == 0
    ledger = tmp_path / "no-ledger.json"
    one = render_tree(load_handbook(root, ledger, TODAY, workers=1), Settings()).files
    two = render_tree(load_handbook(root, ledger, TODAY, workers=2), Settings()).files
    assert list(two) == list(one)
    assert [path for path in one if one[path] != two[path]] == []


@pytest.mark.slow
def test_lists_rendered_apart_make_the_tree_one_process_makes(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    assert demo(root, reviews=900, accounts=200, seed=3) == 0
    handbook = load_handbook(root, tmp_path / "no-ledger.json", TODAY)
    one = render_tree(handbook, Settings(), workers=1)
    two = render_tree(handbook, Settings(), workers=2)
    assert list(two.files) == list(one.files)
    assert [path for path in one.files if one.files[path] != two.files[path]] == []
    assert two.links == one.links


def _tree(count: int) -> dict[str, str | bytes]:
    files: dict[str, str | bytes] = {
        f"pages/reviews/tr-{i:04d}.md": f"# TR-{i:04d}\n" * 20 for i in range(count)
    }
    files["pages/assets/logo.png"] = b"\x89PNG\r\n"
    files["mkdocs.yml"] = "site_name: x\n"
    return files


def _written(docs: Path) -> dict[str, bytes]:
    return {p.relative_to(docs).as_posix(): p.read_bytes() for p in docs.rglob("*") if p.is_file()}


# Set in the fresh process that runs the two-process writes again (see the test after them): a fork is
# made only where no other thread runs, and a test session's servers and browser leave some running.
_FRESH = "HANDBOOK_TEST_FRESH_PROCESS"


def _a_large_docs_tree_written_by_two_processes_is_the_tree_one_process_writes(tmp_path: Path) -> None:
    assert threading.active_count() == 1  # so the second half is written by a forked process
    files = _tree(MIN_FILES_APART)
    assert write_tree(files, tmp_path / "one", workers=1) == write_tree(files, tmp_path / "two", workers=2)
    assert _written(tmp_path / "two") == _written(tmp_path / "one")
    assert len(_written(tmp_path / "two")) == len(files)


def _a_half_the_second_process_cannot_write_fails_here_as_one_process_fails(tmp_path: Path) -> None:
    assert threading.active_count() == 1
    files = _tree(MIN_FILES_APART)
    docs = tmp_path / "docs"
    (docs / "pages").mkdir(parents=True)
    (docs / "pages" / "assets").write_text("a file where a folder must go")  # the last files: the child's
    with pytest.raises(OSError):
        write_tree(files, docs, workers=2)
    assert (docs / "pages" / "reviews" / "tr-0000.md").is_file()


if os.environ.get(_FRESH):
    test_a_large_docs_tree_written_by_two_processes_is_the_tree_one_process_writes = (
        _a_large_docs_tree_written_by_two_processes_is_the_tree_one_process_writes
    )
    test_a_half_the_second_process_cannot_write_fails_here_as_one_process_fails = (
        _a_half_the_second_process_cannot_write_fails_here_as_one_process_fails
    )


def test_the_two_process_writes_pass_in_a_process_with_no_other_thread() -> None:
    command = [sys.executable, "-m", "pytest", "-q", "-rs", "-p", "no:randomly", "-p", "no:cacheprovider",
               __file__, "-k", "two_processes_is_the_tree or second_process_cannot_write"]  # fmt: skip
    ran = subprocess.run(
        command, env={**os.environ, _FRESH: "1"}, capture_output=True, text=True, timeout=600
    )
    assert ran.returncode == 0, ran.stdout[-3000:] + ran.stderr[-2000:]
    assert "2 passed" in ran.stdout and "skipped" not in ran.stdout, ran.stdout[-3000:]
