"""`handbook build --out/--docs/--root/--ledger` can never replace, delete or write into what the build
did not make: the repository, its documents, `.git`, or a folder of someone else's. Two builds into
one folder at once each end with a complete site or a clear error."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.commands import main
from generator.site.build import MARKER
from tests.site.conftest import TODAY

BASE = Path(__file__).parents[1] / "corpus" / "base"
SOURCE = Path(__file__).resolve().parents[2]


def _build(root: Path | None, *flags: str) -> int:
    words = ["build", "--quiet", "--today", TODAY.isoformat()]
    return main([*words, *(["--root", str(root)] if root else []), *flags])


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    shutil.copytree(BASE, root)
    (root / "README.md").write_text("# Our handbook\n")
    (root / ".git").mkdir()
    (root / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    return root


def _snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.mark.parametrize(
    ("flags", "says"),
    [
        (["--out", "reviews"], "--out reviews: it would replace reviews/, which the build reads"),
        (
            ["--out", "reviews/site"],
            "--out reviews/site: it would sit inside reviews/, which the build reads",
        ),
        (["--out", "accounts"], "--out accounts: it would replace accounts/, which the build reads"),
        (["--out", ".git/site"], "--out .git/site: it would sit inside .git/, which the build reads"),
        (["--out", ".", "--docs", "/elsewhere"], "--out .: it would replace the repository itself"),
        (["--docs", "."], "--docs .: it would replace the repository itself"),
        (["--out", ".."], "--out ..: it would replace the folder that holds the repository"),
        (["--docs", "accounts"], "--docs accounts: it would replace accounts/, which the build reads"),
    ],
)
def test_an_output_folder_over_or_inside_what_the_build_reads_is_a_usage_error(
    repo: Path,
    flags: list[str],
    says: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(repo)
    before = _snapshot(repo)
    assert _build(None, *flags) == 2
    assert (
        capsys.readouterr().err == f"handbook: error: {says} (choose a folder of its own, like build/site)\n"
    )
    assert _snapshot(repo) == before


def test_a_folder_the_build_did_not_make_is_never_replaced(
    repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    mine = tmp_path / "photos"
    mine.mkdir()
    (mine / "holiday.jpg").write_bytes(b"\xff\xd8\xff")
    assert _build(repo, "--out", str(mine)) == 2
    assert capsys.readouterr().err == (
        f"handbook: error: --out {mine}: this folder was not made by handbook build, so it is never replaced "
        "(choose a new or empty folder, or remove this one yourself)\n"
    )
    assert [p.name for p in mine.iterdir()] == ["holiday.jpg"]


def test_a_file_is_not_an_output_folder(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _build(repo, "--docs", str(repo / "README.md")) == 2
    assert "--docs" in capsys.readouterr().err
    assert (repo / "README.md").read_text() == "# Our handbook\n"


def test_a_folder_the_build_made_is_replaced_and_an_empty_one_is_used(repo: Path, tmp_path: Path) -> None:
    out, docs = tmp_path / "empty", tmp_path / "docs"
    out.mkdir()
    assert _build(repo, "--out", str(out), "--docs", str(docs)) == 0
    assert (out / MARKER).is_file() and (docs / MARKER).is_file()
    (out / "stale.html").write_text("old")
    assert _build(repo, "--out", str(out), "--docs", str(docs)) == 0
    assert (out / "index.html").is_file() and not (out / "stale.html").exists()


def test_a_link_planted_in_the_docs_tree_is_removed_not_followed(repo: Path, tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    assert _build(repo, "--out", str(tmp_path / "site"), "--docs", str(docs)) == 0
    (docs / "pages" / "planted").symlink_to(repo / "reviews", target_is_directory=True)
    before = _snapshot(repo)
    assert _build(repo, "--out", str(tmp_path / "site"), "--docs", str(docs)) == 0
    assert _snapshot(repo) == before
    assert not (docs / "pages" / "planted").is_symlink()


# Paths inside the scratch repository, spelled as a user might: folders that exist, new ones, '.', '..'.
_PARTS = st.sampled_from(
    ["reviews", "accounts", ".git", "site", "build", "out", ".", "..", "README.md", "ledger.json", "x"]
)
_PATHS = st.lists(_PARTS, min_size=1, max_size=3).map(lambda parts: "/".join(parts))


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(out=st.none() | _PATHS, docs=st.none() | _PATHS, root=st.none() | _PATHS, ledger=st.none() | _PATHS)
def test_no_build_flags_ever_change_a_file_of_the_repository(
    tmp_path_factory: pytest.TempPathFactory,
    out: str | None,
    docs: str | None,
    root: str | None,
    ledger: str | None,
) -> None:
    scratch = tmp_path_factory.mktemp("scratch")
    repo = scratch / "repo"
    shutil.copytree(BASE, repo)
    (repo / "site").mkdir()
    (repo / "site" / "mkdocs.yml").write_text("site_name: ours\n")
    (repo / "README.md").write_text("# Our handbook\n")
    (repo / "build").mkdir()
    (repo / "build" / "notes.txt").write_text("kept\n")
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    subprocess.run(["git", "-C", str(repo), "add", "-A"], check=True)
    subprocess.run(["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@example.com",
                    "commit", "-qm", "scratch"], check=True)  # fmt: skip
    flags = [f"--{name}={value}" for name, value in (("out", out), ("docs", docs), ("root", root),
             ("ledger", ledger)) if value is not None]  # fmt: skip
    cwd = os.getcwd()
    os.chdir(repo)
    try:
        code = main(["build", "--quiet", "--today", TODAY.isoformat(), *flags])
    finally:
        os.chdir(cwd)
    assert code in (0, 1, 2)
    status = subprocess.run(
        ["git", "-C", str(repo), "status", "--porcelain", "--untracked-files=no"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    assert status == "", (flags, status)
    assert (repo / "build" / "notes.txt").read_text() == "kept\n"
    shutil.rmtree(scratch)


def _child_build(repo: Path, out: Path, results: list[tuple[int, str]]) -> None:
    env = {**os.environ, "PYTHONPATH": str(SOURCE)}
    done = subprocess.run(
        [sys.executable, "-m", "generator", "build", "--quiet", "--today", TODAY.isoformat(),
         "--root", str(repo), "--out", str(out), "--docs", str(out.parent / "docs")],
        capture_output=True, text=True, env=env, timeout=300, check=False,
    )  # fmt: skip
    assert "Traceback" not in done.stderr
    results.append((done.returncode, done.stderr))


@pytest.mark.slow
def test_two_builds_into_one_folder_at_once_leave_a_complete_site(repo: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    assert _build(repo, "--out", str(out), "--docs", str(tmp_path / "docs")) == 0
    complete = _snapshot(out)
    for _ in range(3):
        results: list[tuple[int, str]] = []
        runs = [threading.Thread(target=_child_build, args=(repo, out, results)) for _ in range(2)]
        for run in runs:
            run.start()
        for run in runs:
            run.join()
        assert len(results) == 2
        for code, err in results:
            assert code == 0 or "handbook: " in err, err
        assert any(code == 0 for code, _ in results)
        assert _snapshot(out).keys() == complete.keys()


def test_a_loop_of_links_as_output_folder_is_a_usage_error(
    repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    loop = tmp_path / "loop"
    loop.symlink_to(loop)
    assert _build(repo, "--out", str(loop)) == 2
    assert f"--out {loop}: " in capsys.readouterr().err


def test_a_build_waits_for_the_one_holding_its_folders_and_then_says_so(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from generator.site import build

    monkeypatch.setattr(build, "LOCK_TIMEOUT_SECONDS", 0.3)
    out, docs = tmp_path / "site", tmp_path / "docs"
    with build.locked(docs, out):  # as `handbook serve` or another build holds them
        assert _build(repo, "--out", str(out), "--docs", str(docs)) == 1
    assert f"another build into {docs.resolve()} has been running" in capsys.readouterr().err
    assert not out.exists()
    assert _build(repo, "--out", str(out), "--docs", str(docs)) == 0


def test_a_folder_named_through_a_missing_one_and_dot_dot_is_the_folder_it_names(
    repo: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # 'build/reviews/..' is 'build' (Hypothesis found it): never replaced when the build did not make it.
    (repo / "build").mkdir()
    (repo / "build" / "notes.txt").write_text("kept\n")
    monkeypatch.chdir(repo)
    assert _build(repo, "--out", "site/reviews", "--docs", "build/reviews/..") == 2
    assert "was not made by handbook build" in capsys.readouterr().err
    assert (repo / "build" / "notes.txt").read_text() == "kept\n"
