"""The broken-document corpus: each case is one fault laid over a valid repository, and
`handbook validate` must print exactly the expected lines, exit 1 (0 for the cases that pin a
valid document) and never show a traceback. See tests/corpus/README.md.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from generator.commands import main

CORPUS = Path(__file__).parent / "corpus"
BASE = CORPUS / "base"
CASES = sorted(p.name for p in CORPUS.iterdir() if p.is_dir() and p.name != "base")


def _oversize_review(repo: Path) -> None:
    """A review pushed over the 1 MiB limit by one huge title (too big to commit)."""
    text = (BASE / "reviews" / "tr-0002-globex-support-risk.md").read_text(encoding="utf-8")
    text = text.replace("TR-0002", "TR-0003").replace(
        "title: Support", "title: " + "x" * 1024 * 1024 + " Support"
    )
    (repo / "reviews" / "tr-0003-globex-huge.md").write_text(text, encoding="utf-8")


def _huge_title(repo: Path) -> None:
    """A 900 KB title: under the file limit, far over what a title can be."""
    path = repo / "reviews" / "tr-0001-acme-air-gapped.md"
    text = path.read_text(encoding="utf-8")
    huge = text.replace("title: Air-gapped trial for Acme", "title: " + "x" * 900_000)
    path.write_text(huge, encoding="utf-8")


def _link_to_dev_zero(repo: Path) -> None:
    """Reading it would never end: the loader must refuse it without reading."""
    if not Path("/dev/zero").exists():
        pytest.skip("no /dev/zero on this system")
    (repo / "reviews" / "tr-0003-zero.md").symlink_to("/dev/zero")


def _assets_linked_outside(repo: Path) -> None:
    """Files outside the repository dressed as images: neither may reach the site."""
    (repo / "reviews" / "img").mkdir()
    (repo / "reviews" / "img" / "p.png").symlink_to("/etc/passwd")
    (repo / "reviews" / "img" / "env.png").symlink_to("/proc/self/environ")


def _document_linked(repo: Path) -> None:
    """A link to a file inside the repository is refused too: a document is a regular file."""
    (repo / "reviews" / "tr-0003-link.md").symlink_to("tr-0002-globex-support-risk.md")


def _folder_linked_outside(repo: Path) -> None:
    (repo / "reviews" / "img").symlink_to("/etc", target_is_directory=True)


def _oversize_asset(repo: Path) -> None:
    (repo / "reviews" / "img").mkdir()
    (repo / "reviews" / "img" / "big.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * (5 * 1024 * 1024 - 7))


def _names_differing_only_in_case(repo: Path) -> None:
    """Not committed: this repository itself must check out on Windows and macOS."""
    (repo / "reviews" / "img").mkdir()
    png = (CORPUS / "assets-valid" / "reviews" / "img" / "diagram.png").read_bytes()
    (repo / "reviews" / "img" / "plan.png").write_bytes(png)
    (repo / "reviews" / "img" / "Plan.png").write_bytes(png)


GENERATED: dict[str, Callable[[Path], None]] = {
    "names-differing-only-in-case": _names_differing_only_in_case,
    "oversize-file": _oversize_review,
    "title-900-kb": _huge_title,
    "symlink-to-dev-zero": _link_to_dev_zero,
    "symlink-asset-outside": _assets_linked_outside,
    "symlink-document": _document_linked,
    "symlink-folder": _folder_linked_outside,
    "oversize-asset": _oversize_asset,
}
# The cases most likely to crash the interpreter run in a real child process.
IN_SUBPROCESS = {
    "alias-bomb",
    "deep-nesting-flow",
    "deep-nesting-block",
    "nul-byte",
    "not-utf8-front-matter",
    "python-tag",
    "oversize-file",
    "symlink-to-dev-zero",
}


def _repository(case: str, tmp_path: Path) -> Path:
    repo = tmp_path / "repo"
    shutil.copytree(BASE, repo)
    shutil.copytree(CORPUS / case, repo, dirs_exist_ok=True, ignore=shutil.ignore_patterns("expected.txt"))
    if case in GENERATED:
        GENERATED[case](repo)
    return repo


def _expected(case: str) -> tuple[str, int]:
    expected = (CORPUS / case / "expected.txt").read_text(encoding="utf-8")
    summary = expected.splitlines()[-1]
    return expected, 0 if summary.endswith("no errors") else 1


def test_the_corpus_has_at_least_forty_broken_documents() -> None:
    broken = [case for case in CASES if _expected(case)[1] == 1]
    assert len(broken) >= 40


def test_every_case_lays_files_over_the_base_or_is_generated() -> None:
    for case in CASES:
        documents = [p for p in (CORPUS / case).rglob("*") if p.name != "expected.txt"]
        assert documents or case in GENERATED, case


def test_the_base_repository_is_valid(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(BASE, repo)
    monkeypatch.chdir(repo)
    assert main(["validate"]) == 0
    assert capsys.readouterr().out == "4 documents checked, no errors\n"


@pytest.mark.parametrize("case", sorted(set(CASES) - IN_SUBPROCESS))
def test_case(case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    repo = _repository(case, tmp_path)
    expected, code = _expected(case)
    monkeypatch.chdir(repo)
    assert main(["validate"]) == code
    out, err = capsys.readouterr()
    assert out == expected
    assert err == ""


@pytest.mark.parametrize("case", sorted(IN_SUBPROCESS))
def test_case_in_a_child_process(case: str, tmp_path: Path) -> None:
    repo = _repository(case, tmp_path)
    expected, code = _expected(case)
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    result = subprocess.run(
        [sys.executable, "-m", "generator", "validate"],
        cwd=repo,
        env=env,
        capture_output=True,
        timeout=60,
        check=False,
    )
    stdout, stderr = result.stdout.decode("utf-8"), result.stderr.decode("utf-8")
    assert "Traceback" not in stdout + stderr
    assert (result.returncode, stdout, stderr) == (code, expected, "")
