"""A large site's pages are built by two processes; the site is the one a single process builds."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from generator.site.build import BuildError, generate, run_mkdocs
from generator.site.shares import part_folder, shares_of
from tests.site.conftest import options_for


def _files(site: Path) -> dict[str, bytes]:
    found = {p.relative_to(site).as_posix(): p.read_bytes() for p in site.rglob("*") if p.is_file()}
    found["sitemap.xml.gz"] = gzip.decompress(found["sitemap.xml.gz"])
    # The search entries as a set and the config's keys sorted: the test pins what is found, not the
    # order Material lists it in (a full parallel run saw the config's keys in another order).
    index = json.loads(found["search/search_index.json"])
    found["search/search_index.json"] = json.dumps(
        [index["config"], sorted(json.dumps(doc, sort_keys=True) for doc in index["docs"])], sort_keys=True
    ).encode()
    return found


def test_two_processes_build_the_same_site_as_one(sample_repo: Path) -> None:
    options = options_for(sample_repo, sample_repo / "build")
    tree, _ = generate(options)
    pages = [path for path in tree.files if path.endswith(".md")]
    run_mkdocs(options.docs, sample_repo / "one", links=tree.index, pages=pages, parts=1)
    run_mkdocs(options.docs, sample_repo / "two", links=tree.index, pages=pages, parts=2, share_from=0)
    one, two = _files(sample_repo / "one"), _files(sample_repo / "two")
    assert sorted(two) == sorted(one)
    assert [path for path in one if one[path] != two[path]] == []
    assert not part_folder(sample_repo / "two", 1).exists()


def test_the_second_process_builds_document_pages_only() -> None:
    pages = ["index.md", "handbook/index.md", "assets/vendor/x/README.md", "dashboards/index.md",
             "reviews/tr-0001-a.md", "reviews/tr-0002-b.md", "accounts/acme.md", "people/ada.md"]  # fmt: skip
    first, second = shares_of(pages, 2)
    assert second == {"reviews/tr-0002-b.md", "people/ada.md"}
    assert first | second == set(pages) and not first & second


def test_a_broken_link_in_the_second_processes_pages_is_reported(sample_repo: Path) -> None:
    options = options_for(sample_repo, sample_repo / "build")
    tree, _ = generate(options)
    pages = [path for path in tree.files if path.endswith(".md")]
    _, second = shares_of(pages, 2)
    page = sorted(p for p in second if p.startswith("reviews/"))[0]
    target = options.docs / "pages" / page
    target.write_text(target.read_text(encoding="utf-8") + "\n[gone](nowhere.md)\n", encoding="utf-8")
    with pytest.raises(BuildError) as failure:
        run_mkdocs(options.docs, sample_repo / "two", links=tree.index, pages=pages, parts=2, share_from=0)
    assert failure.value.broken_links == [(page, "nowhere.md", "reviews/nowhere.md")]
    assert not part_folder(sample_repo / "two", 1).exists()
