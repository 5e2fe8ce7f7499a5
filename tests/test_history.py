"""History from git: each review's status and each account's health over time, read from real
repositories made in tmp_path (one log pass, read-only; shallow clones and folders outside git have none)."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
from pathlib import Path

import pytest

from generator.documents.history import followed_value, read_history
from generator.documents.load import Kind
from generator.site import index
from generator.site.build import generate, load_handbook
from tests.site import content
from tests.site.conftest import options_for

REVIEW = "reviews/tr-0001-case.md"
ACCOUNT = "accounts/quiet-co.md"


def _git(root: Path, *args: str, when: str = "2026-11-02T09:00:00+00:00") -> str:
    env = os.environ | {"GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when, "GIT_AUTHOR_NAME": "t",
                        "GIT_AUTHOR_EMAIL": "t@example.com", "GIT_COMMITTER_NAME": "t",
                        "GIT_COMMITTER_EMAIL": "t@example.com"}  # fmt: skip
    done = subprocess.run(
        ["git", "-C", str(root), *args], check=True, capture_output=True, env=env, text=True
    )
    return done.stdout


def _commit(root: Path, day: str, message: str = "change") -> None:
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", message, when=f"{day}T09:00:00+00:00")


def _review(root: Path, status: str, title: str = "Offline install", **fields: object) -> None:
    data = content.review(1, "quiet-co", title, status=status, **fields)
    if status == "draft":
        data.pop("peer_reviewer")
    content.write_review(root, data)


def _account(root: Path, health: str, **fields: object) -> None:
    extra: dict[str, object] = {"health": {"status": health, "reason": "As the account team sees it."}}
    if health == "red":
        extra["red_account"] = {
            "since": "2026-11-04",
            "current_status": "The champion left.",
            "asks": ["An executive sponsor"],
            "action_plan": [{"action": "Meet the new champion", "owner": "ada-ae", "due": "2026-11-30"}],
        }
    content.write_account(root, content.account("quiet-co", "Quiet Co", **extra, **fields))


def history_repository(root: Path) -> Path:
    """A review drafted, submitted and edited in review; its account green, then red."""
    root.mkdir(parents=True, exist_ok=True)
    _git(root, "init", "-q", "-b", "main")
    _account(root, "green")
    _review(root, "draft")
    _commit(root, "2026-11-02")
    _review(root, "in-review")
    _commit(root, "2026-11-03")
    _review(root, "in-review", title="Offline install, reworded")
    _account(root, "red")
    _commit(root, "2026-11-05")
    return root


def _values(root: Path, path: str) -> list[tuple[str, str | None]]:
    changes = read_history(root).of(path)
    assert changes is not None
    return [(c.day.isoformat(), c.value) for c in changes]


def test_a_reviews_status_changes_are_read_from_its_commits(tmp_path: Path) -> None:
    assert _values(history_repository(tmp_path), REVIEW) == [
        ("2026-11-02", "draft"),
        ("2026-11-03", "in-review"),
    ]


def test_an_accounts_health_changes_are_read_from_its_commits(tmp_path: Path) -> None:
    assert _values(history_repository(tmp_path), ACCOUNT) == [("2026-11-02", "green"), ("2026-11-05", "red")]


def test_a_renamed_review_keeps_its_history(tmp_path: Path) -> None:
    root = history_repository(tmp_path)
    _git(root, "mv", REVIEW, "reviews/tr-0001-renamed.md")
    _commit(root, "2026-11-06")
    assert _values(root, "reviews/tr-0001-renamed.md") == [
        ("2026-11-02", "draft"),
        ("2026-11-03", "in-review"),
    ]


def test_a_change_merged_from_a_branch_dates_from_the_merge(tmp_path: Path) -> None:
    root = history_repository(tmp_path)
    _git(root, "checkout", "-q", "-b", "decide")
    _review(root, "withdrawn", withdrawal={"date": "2026-11-06", "reason": "The customer went elsewhere."})
    _commit(root, "2026-11-06")
    _git(root, "checkout", "-q", "main")
    _git(root, "merge", "-q", "--no-ff", "-m", "merge", "decide", when="2026-11-09T09:00:00+00:00")
    assert _values(root, REVIEW)[-1] == ("2026-11-09", "withdrawn")


def test_a_version_that_cannot_be_read_is_said_so(tmp_path: Path) -> None:
    root = history_repository(tmp_path)
    (root / REVIEW).write_text("---\nid: [unclosed\n---\n", encoding="utf-8")
    _commit(root, "2026-11-06")
    assert _values(root, REVIEW)[-1] == ("2026-11-06", None)


def test_a_shallow_clone_has_no_history(tmp_path: Path) -> None:
    origin = history_repository(tmp_path / "origin")
    _git(tmp_path, "clone", "-q", "--depth", "1", f"file://{origin}", "shallow")
    history = read_history(tmp_path / "shallow")
    assert not history.available and history.of(REVIEW) is None and history.updated == {}


def test_a_folder_outside_git_has_no_history(tmp_path: Path) -> None:
    _review(tmp_path, "draft")
    assert read_history(tmp_path).of(REVIEW) is None


def test_reading_the_history_changes_nothing_in_the_repository(tmp_path: Path) -> None:
    root = history_repository(tmp_path)
    before = (
        _git(root, "status", "--porcelain", "--ignored"),
        sorted(p.name for p in (root / ".git").iterdir()),
    )
    read_history(root)
    after = (
        _git(root, "status", "--porcelain", "--ignored"),
        sorted(p.name for p in (root / ".git").iterdir()),
    )
    assert before == after


def test_days_red_count_from_the_commit_that_made_the_account_red(tmp_path: Path) -> None:
    root = history_repository(tmp_path)
    handbook = load_handbook(root, root / "no-ledger.json", dt.date(2026, 11, 23))
    (entry,) = index.red_accounts(handbook)
    spell = index.days_red(handbook, entry)
    assert (spell.since, spell.days) == (dt.date(2026, 11, 5), 18)


def test_an_uncommitted_red_is_not_given_a_number_of_days(tmp_path: Path) -> None:
    root = history_repository(tmp_path)
    _account(root, "green")
    _commit(root, "2026-11-10")
    _account(root, "red")  # in the working copy only
    handbook = load_handbook(root, root / "no-ledger.json", dt.date(2026, 11, 23))
    (entry,) = index.red_accounts(handbook)
    assert index.days_red(handbook, entry).days is None


def test_the_pages_show_the_timeline_and_the_red_dashboard_the_days(tmp_path: Path) -> None:
    root = history_repository(tmp_path / "repo")
    tree, _ = generate(options_for(root, tmp_path / "out", today=dt.date(2026, 11, 23)))
    review = str(tree.files[REVIEW])
    assert '<ol class="hb-timeline"' in review and "status draft → in review" in review
    assert 'data-days-red="18"' in str(tree.files["dashboards/red-accounts.md"])


def test_without_history_the_pages_say_so(tmp_path: Path) -> None:
    _review(tmp_path / "repo", "draft")
    _account(tmp_path / "repo", "red")
    tree, _ = generate(options_for(tmp_path / "repo", tmp_path / "out", today=dt.date(2026, 11, 23)))
    assert "History unavailable" in str(tree.files[REVIEW])
    assert "days red: history unavailable" in str(tree.files["dashboards/red-accounts.md"])


def _strict(raw: bytes, path: str, kind: str) -> str | None:
    from generator.documents.diagnostics import DocumentError
    from generator.documents.load import parse_document

    try:
        data = parse_document(raw, path, kind)  # type: ignore[arg-type]
    except DocumentError:
        return None
    value = data.data.get("status") if kind == "review" else (data.data.get("health") or {}).get("status")
    return value if isinstance(value, str) else None


BUNDLED = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize(
    "path",
    sorted(
        p.relative_to(BUNDLED).as_posix()
        for p in BUNDLED.glob("*/*.md")
        if p.parent.name in ("reviews", "accounts")
    ),
)
def test_the_quick_read_of_a_version_agrees_with_the_strict_reader_on_the_bundled_documents(
    path: str,
) -> None:
    kind: Kind = "review" if path.startswith("reviews/") else "account"
    raw = (BUNDLED / path).read_bytes()
    assert followed_value(raw, path, kind) == _strict(raw, path, kind) is not None


@pytest.mark.parametrize(
    ("front", "expected"),
    [
        ('status: "approved"\n', "approved"),
        ("status: approved # decided\n", "approved"),
        ("status: approved\nstatus: denied\n", None),  # a key twice: the strict reader refuses it
        ("title: >-\n  status: denied\nstatus: approved\n", "approved"),
    ],
)
def test_the_quick_read_of_a_review_version_agrees_with_the_strict_reader(
    front: str, expected: str | None
) -> None:
    raw = f"---\nid: TR-0001\n{front}---\n\nBody.\n".encode()
    assert followed_value(raw, REVIEW, "review") == _strict(raw, REVIEW, "review") == expected


@pytest.mark.parametrize("cached", [False, True])
def test_the_history_read_beside_the_documents_is_the_history_read_after_them(
    tmp_path: Path, cached: bool
) -> None:
    # With two workers, git's history is read in a process of its own while the documents are read.
    root = history_repository(tmp_path / "repo")
    out = tmp_path / "site" if cached else None
    one = load_handbook(root, root / "no-ledger.json", dt.date(2026, 11, 23), workers=1, cache_for=out)
    two = load_handbook(root, root / "no-ledger.json", dt.date(2026, 11, 23), workers=2, cache_for=out)
    assert two.history == one.history and two.history.of(REVIEW) is not None
    assert two.updated == one.updated
