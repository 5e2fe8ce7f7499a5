"""Checked documents kept between builds (documents/cache.py): unchanged files are taken as the last build
checked them, and the report is the report a fresh read gives, whatever is in the cache file."""

from __future__ import annotations

import datetime as dt
import pickle
import shutil
import subprocess
from pathlib import Path

import pytest

from generator.documents import cache as documents_cache
from generator.documents.cache import DocumentStore
from generator.documents.history import read_history
from generator.documents.validate import Report, validate_repository
from generator.userkey import write_signed

BASE = Path(__file__).parent / "corpus" / "base"
TR1 = "reviews/tr-0001-acme-air-gapped.md"
DAY = dt.date(2026, 11, 23)


@pytest.fixture(autouse=True)
def user_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A cache key of the test's own, never the user's."""
    folder = tmp_path / "user-cache"
    monkeypatch.setenv("XDG_CACHE_HOME", str(folder))
    return folder


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    shutil.copytree(BASE, root)
    return root


def _out(repo: Path) -> Path:
    return repo / "build" / "site"


def _read(repo: Path, today: dt.date = DAY) -> tuple[Report, int]:
    """One build's read through the cache (saved after it), and how many documents it took from it."""
    cache = DocumentStore.open(_out(repo), repo)
    assert cache is not None
    report = validate_repository(repo, today=today, read=cache)
    cache.save(report.checked)
    return report, cache.taken


def _fresh(repo: Path, today: dt.date = DAY) -> list[str]:
    return [d.text() for d in validate_repository(repo, today=today).diagnostics]


def _documents(repo: Path) -> int:
    return len(list(repo.glob("reviews/*.md"))) + len(list(repo.glob("accounts/*.md")))


def test_a_second_read_takes_every_unchanged_document_from_the_cache(repo: Path) -> None:
    first, taken = _read(repo)
    assert taken == 0
    second, taken = _read(repo)
    assert taken == _documents(repo)
    assert second.diagnostics == first.diagnostics
    assert [c.model for c in second.checked] == [c.model for c in first.checked]


def test_an_edited_document_is_read_again_and_judged_with_the_others(repo: Path) -> None:
    _read(repo)
    review = repo / TR1
    text = review.read_text(encoding="utf-8")
    review.write_text(text.replace("acme-corp", "acme-crop", 1), encoding="utf-8")
    report, taken = _read(repo)
    assert taken == _documents(repo) - 1
    assert [d.text() for d in report.diagnostics] == _fresh(repo)
    assert any("no account plan has the id 'acme-crop'" in d.message for d in report.diagnostics)


def test_another_day_reads_every_document_again(repo: Path) -> None:
    _read(repo)
    report, taken = _read(repo, DAY + dt.timedelta(days=400))
    assert taken == 0
    assert [d.text() for d in report.diagnostics] == _fresh(repo, DAY + dt.timedelta(days=400))


def test_a_changed_handbook_yml_reads_every_document_again(repo: Path) -> None:
    _read(repo)
    (repo / "handbook.yml").write_text("plan_weeks: 4\n", encoding="utf-8")
    _, taken = _read(repo)
    assert taken == 0


def _forged(repo: Path, body: bytes, key: bytes | None = None) -> None:
    """A cache file with `body`, signed with `key` (default: not the user's)."""
    path = documents_cache.cache_file(_out(repo))
    write_signed(path, documents_cache.MAGIC, key or b"x" * 32, body, documents_cache.MAX_CACHE_BYTES)


@pytest.mark.parametrize(
    "written",
    [
        b"",
        b"not a cache at all",
        documents_cache.MAGIC + b"0" * 64 + b"\n" + pickle.dumps(("x", {})),
        documents_cache.MAGIC + b"\n",
    ],
    ids=["empty", "garbage", "bad-mac", "no-body"],
)
def test_a_cache_file_that_is_not_this_users_builds_is_never_used(repo: Path, written: bytes) -> None:
    _read(repo)
    documents_cache.cache_file(_out(repo)).write_bytes(written)
    report, taken = _read(repo)
    assert taken == 0
    assert [d.text() for d in report.diagnostics] == _fresh(repo)


def test_a_cache_signed_with_another_key_is_never_unpickled(repo: Path, tmp_path: Path) -> None:
    planted = tmp_path / "unpickled"

    class Plant:
        def __reduce__(self) -> tuple[object, ...]:
            return (planted.write_text, ("ran",))

    _forged(repo, pickle.dumps(Plant()))
    _, taken = _read(repo)
    assert taken == 0
    assert not planted.exists()


def test_a_truncated_cache_is_no_cache(repo: Path) -> None:
    _read(repo)
    path = documents_cache.cache_file(_out(repo))
    path.write_bytes(path.read_bytes()[:-100])
    _, taken = _read(repo)
    assert taken == 0


def test_an_authenticated_cache_of_another_shape_is_no_cache(repo: Path) -> None:
    cache = DocumentStore.open(_out(repo), repo)
    assert cache is not None
    for body in (pickle.dumps([1, 2]), pickle.dumps((cache.base, {"k": "not checked"})), b"\x80\x05garbage"):
        _forged(repo, body, cache.key)
        report, taken = _read(repo)
        assert taken == 0
        assert [d.text() for d in report.diagnostics] == _fresh(repo)


def test_a_cache_file_that_is_a_link_is_not_followed(repo: Path, tmp_path: Path) -> None:
    _read(repo)
    path = documents_cache.cache_file(_out(repo))
    elsewhere = tmp_path / "elsewhere"
    path.replace(elsewhere)
    path.symlink_to(elsewhere)
    _, taken = _read(repo)
    assert taken == 0


def _git(repo: Path, *args: str) -> None:
    command = ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args]
    subprocess.run(command, cwd=repo, check=True, capture_output=True)


def test_gits_history_is_read_again_only_after_another_commit(repo: Path) -> None:
    _git(repo, "init", "-q", "-b", "main")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "first")
    first = DocumentStore.open(_out(repo), repo)
    assert first is not None
    read = first.history(repo)
    first.save([])
    again = DocumentStore.open(_out(repo), repo)
    assert again is not None and again.history(repo) == read
    review = repo / TR1
    text = review.read_text(encoding="utf-8")
    review.write_text(text.replace("\nstatus: approved\n", "\nstatus: in-review\n", 1), encoding="utf-8")
    _git(repo, "commit", "-q", "-am", "second")  # the review's status changes in git's history
    later = DocumentStore.open(_out(repo), repo)
    assert later is not None
    assert later.history(repo) == read_history(repo) != read
