"""A build in the same checkout rebuilds only the pages whose Markdown changed; the site is the same."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from generator.site.build import BuildError, build_site
from generator.site.rebuild import state_file
from tests.site.conftest import options_for

REVIEW = "reviews/tr-0001-air-gap"


def _pages(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in site.rglob("*.html")}


def _search(site: Path) -> list[str]:
    docs = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))["docs"]
    return sorted(json.dumps(doc, sort_keys=True) for doc in docs)


def _edit(repo: Path) -> None:
    review = repo / f"{REVIEW}.md"
    review.write_text(review.read_text(encoding="utf-8") + "\nA line added since.\n", encoding="utf-8")


def test_a_rebuild_after_an_edit_is_the_site_a_full_build_makes(sample_repo: Path, tmp_path: Path) -> None:
    options = options_for(sample_repo, tmp_path / "kept")
    build_site(options)
    untouched = options.out / "accounts" / "northwind-test.html"
    stamp = untouched.stat().st_mtime_ns
    _edit(sample_repo)
    rebuilt = build_site(options)
    assert "A line added since." in (rebuilt.site / f"{REVIEW}.html").read_text(encoding="utf-8")
    assert untouched.stat().st_mtime_ns == stamp  # not rendered again
    fresh = build_site(options_for(sample_repo, tmp_path / "fresh"))
    assert _pages(rebuilt.site) == _pages(fresh.site)
    assert _search(rebuilt.site) == _search(fresh.site)


def test_a_removed_documents_page_is_gone_after_a_rebuild(sample_repo: Path, tmp_path: Path) -> None:
    options = options_for(sample_repo, tmp_path / "kept")
    build_site(options)
    (sample_repo / "reviews" / "tr-0004-fresh.md").unlink(missing_ok=True)
    victim = sorted((sample_repo / "reviews").glob("*.md"))[-1]
    victim.unlink()
    rebuilt = build_site(options)
    assert not (rebuilt.site / "reviews" / f"{victim.stem}.html").exists()
    assert _pages(rebuilt.site) == _pages(build_site(options_for(sample_repo, tmp_path / "fresh")).site)


def test_a_removed_document_leaves_the_search_index_in_a_rebuild(sample_repo: Path, tmp_path: Path) -> None:
    options = options_for(sample_repo, tmp_path / "kept")
    build_site(options)
    (sample_repo / "reviews" / "tr-0002-korean.md").unlink()
    rebuilt = build_site(options)
    assert _search(rebuilt.site) == _search(build_site(options_for(sample_repo, tmp_path / "fresh")).site)


def test_a_state_file_that_is_not_ours_means_a_full_build(sample_repo: Path, tmp_path: Path) -> None:
    options = options_for(sample_repo, tmp_path / "kept")
    build_site(options)
    state = state_file(options.out)
    for text in ("not json", '{"key": 1}', '{"key": "x", "files": ["../../etc/passwd"]}'):
        state.write_text(text, encoding="utf-8")
        _edit(sample_repo)
        rebuilt = build_site(options)
        assert "A line added since." in (rebuilt.site / f"{REVIEW}.html").read_text(encoding="utf-8")
    saved = json.loads(state.read_text(encoding="utf-8"))
    assert f"{REVIEW}.md" in saved["files"]


def test_a_rebuild_keeps_the_pages_it_does_not_render_without_copying_them(
    sample_repo: Path, tmp_path: Path
) -> None:
    options = options_for(sample_repo, tmp_path / "kept")
    build_site(options)
    untouched = options.out / "accounts" / "northwind-test.html"
    inode = untouched.stat().st_ino
    _edit(sample_repo)
    build_site(options)
    assert untouched.stat().st_ino == inode


def test_a_failed_rebuild_leaves_every_file_of_the_last_site_as_it_was(
    sample_repo: Path, tmp_path: Path
) -> None:
    options = options_for(sample_repo, tmp_path / "kept")
    build_site(options)
    before = {p: p.read_bytes() for p in options.out.rglob("*") if p.is_file()}
    review = sample_repo / f"{REVIEW}.md"
    review.write_text(
        review.read_text(encoding="utf-8") + "\nAsk [nobody](../people/nobody.md).\n", encoding="utf-8"
    )
    with pytest.raises(BuildError):
        build_site(options)
    assert {p: p.read_bytes() for p in options.out.rglob("*") if p.is_file()} == before
