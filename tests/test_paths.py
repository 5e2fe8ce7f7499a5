"""What a document is and what it is called in its repository: one answer for validate, the site and
the sign-off."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from generator.documents.load import read_document
from generator.documents.paths import kind_of, source_path
from generator.documents.validate import validate_repository
from generator.site.build import handbook_from

BASE = Path(__file__).parent / "corpus" / "base"
TR1 = "reviews/tr-0001-acme-air-gapped.md"


@pytest.mark.parametrize(
    ("source", "kind"),
    [
        ("reviews/tr-0001-a.md", "review"),
        ("accounts/acme.md", "account"),
        ("reviews/notes.txt", None),  # an asset beside the reviews, not a review
        ("reviews/img/tr-0001.md", None),  # in a subfolder
        ("x/reviews/tr-0001-a.md", None),  # a reviews/ folder that is not the repository's
        ("notes/acme.md", None),
        ("reviews", None),
    ],
)
def test_a_document_is_a_markdown_file_directly_in_a_document_folder(source: str, kind: str | None) -> None:
    assert kind_of(source) == kind


def test_a_file_named_from_outside_its_checkout_belongs_to_the_folder_it_is_in(tmp_path: Path) -> None:
    assert source_path(tmp_path / "repo" / "reviews" / "a.md", tmp_path / "other") == "reviews/a.md"
    assert source_path(tmp_path / "repo" / "reviews" / "a.md", tmp_path / "repo") == "reviews/a.md"
    assert source_path(tmp_path / "repo" / "reviews" / "a.md") == "reviews/a.md"


def test_a_document_outside_a_repository_root_is_read_as_one_of_its_folder(tmp_path: Path) -> None:
    path = tmp_path / "x" / "reviews" / "tr-0001-a.md"
    path.parent.mkdir(parents=True)
    path.write_text("---\nid: TR-0001\n---\n", encoding="utf-8")
    document = read_document(path, shown_as="shown.md")
    assert (document.kind, document.source, document.path) == ("review", "reviews/tr-0001-a.md", "shown.md")


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    shutil.copytree(BASE, root)
    return root


def test_a_document_keeps_its_repository_path_whatever_the_working_directory(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(repo / "reviews")
    checked = {c.document.source: c.document.path for c in validate_repository(repo).checked}
    assert checked[TR1] == "tr-0001-acme-air-gapped.md"
    assert checked["accounts/acme-corp.md"] == "../accounts/acme-corp.md"


def test_the_site_built_from_a_subfolder_still_shows_every_document(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(repo / "reviews")
    handbook = handbook_from(validate_repository(repo), None, dt.date(2026, 11, 23), repo)
    assert sorted(e.source for e in handbook.reviews) == sorted(
        f"reviews/{p.name}" for p in (repo / "reviews").glob("*.md")
    )
    assert [e.source for e in handbook.accounts] == ["accounts/acme-corp.md", "accounts/globex.md"]
