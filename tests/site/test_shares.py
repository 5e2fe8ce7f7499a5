"""A large site's pages are built by two processes; the site is the one a single process builds."""

from __future__ import annotations

import gzip
import json
import os
import posixpath
import subprocess
import sys
from pathlib import Path

import jinja2
import pytest

from generator.site import engine as engines
from generator.site import rebuild, shares
from generator.site.build import (
    MARKER,
    BuildError,
    BuildOptions,
    build_site,
    generate,
    mkdocs_config,
    rebuild_in_place,
    run_mkdocs,
    warm_templates,
)
from generator.site.build import _early_children as early_children_of
from generator.site.render import Tree
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
    assert second and all(page.startswith(("reviews/", "accounts/", "people/")) for page in second)
    assert first | second == set(pages) and not first & second


@pytest.mark.parametrize("documents", [500, 1_000, 10_000])
def test_the_first_process_takes_fewer_pages_by_the_work_it_does_besides(documents: int) -> None:
    nav_pages = ["index.md", "handbook/index.md", "dashboards/index.md", "dashboards/open-reviews.md"]
    pages = nav_pages + [f"reviews/tr-{n:05d}-x.md" for n in range(documents)]
    first, second = shares_of(pages, 2)
    assert first | second == set(pages) and not first & second
    assert abs(len(first) + shares.first_process_work(len(pages)) - len(second)) <= 1
    assert set(nav_pages) <= first


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


def _children() -> set[str]:
    """This process's child processes (Linux: /proc lists each task's children)."""
    tasks = Path("/proc/self/task").iterdir()
    return {pid for task in tasks for pid in (task / "children").read_text().split()}


def _differences_with(
    child: engines.Child, sample_repo: Path, options: BuildOptions, tree: Tree
) -> list[str]:
    """The pages that differ between the site one process builds and the one it builds with `child`
    building half the documents' pages (the child is taken, not started anew)."""
    pages = [path for path in tree.files if path.endswith(".md")]
    run_mkdocs(options.docs, sample_repo / "one", links=tree.index, pages=pages, parts=1)
    spawned: list[engines.Child] = [child]
    run_mkdocs(
        options.docs,
        sample_repo / "two",
        links=tree.index,
        pages=pages,
        parts=2,
        share_from=0,
        spawned=spawned,
    )
    assert spawned == []
    one, two = _files(sample_repo / "one"), _files(sample_repo / "two")
    return [path for path in one if one.get(path) != two.get(path)]


def test_a_child_spawned_before_the_build_builds_the_same_site_as_one(sample_repo: Path) -> None:
    options = options_for(sample_repo, sample_repo / "build")
    tree, _ = generate(options)
    assert _differences_with(engines.spawn(engines.DEFAULT), sample_repo, options, tree) == []


# Set in the fresh process that runs the forked-child tests again (see the test after them).
_FRESH = "HANDBOOK_TEST_FRESH_PROCESS"


def _forked() -> engines.Forked:
    """A fork of this test process as a build makes it."""
    forked = engines.fork()
    assert forked is not None, "a fresh process runs no other thread, and is forked"
    return forked


def _child_forked_before_the_build_builds_the_same_site_as_one(sample_repo: Path) -> None:
    options = options_for(sample_repo, sample_repo / "build")
    forked = _forked()  # before the documents are read, as a build makes it
    tree, _ = generate(options)
    assert _differences_with(forked, sample_repo, options, tree) == []


def _forked_child_reports_a_broken_body_link_as_a_spawned_one_does(sample_repo: Path) -> None:
    options = options_for(sample_repo, sample_repo / "build")
    tree, _ = generate(options)
    pages = [path for path in tree.files if path.endswith(".md")]
    share = shares.shares_of(pages)[1]
    assert tree.index is not None
    broken = next(page for page in sorted(share) if page.startswith("reviews/tr-"))
    page = options.docs / "pages" / broken
    page.write_text(page.read_text(encoding="utf-8") + "\n[gone](nowhere.md)\n", encoding="utf-8")
    target = posixpath.join(posixpath.dirname(broken), "nowhere.md")
    for child in (_forked(), engines.spawn(engines.DEFAULT)):
        found = engines.finish_child(
            engines.start_child(
                engines.DEFAULT,
                options.docs,
                sample_repo / "part",
                sorted(tree.index.paths),
                (1, share),
                child,
            )
        )
        assert [tuple(link) for link in found["broken"]] == [(broken, "nowhere.md", target)]


def _edited_review(repo: Path, added: str) -> None:
    review = repo / "reviews" / "tr-0001-air-gap.md"
    review.write_text(review.read_text(encoding="utf-8") + added, encoding="utf-8")


def _rebuild_in_place_by_the_forked_child_is_the_site_a_fresh_build_makes(
    sample_repo: Path, tmp_path: Path
) -> None:
    options = options_for(sample_repo, tmp_path / "kept")
    build_site(options)
    _edited_review(sample_repo, "\nA line added since.\n")
    spawned = early_children_of(options, engines.DEFAULT)
    assert [type(child) for child in spawned] == [engines.Forked]  # the fork that rebuilds in place
    engines.dismiss(spawned[0])
    build_site(options)
    fresh = options_for(sample_repo, tmp_path / "fresh")
    build_site(fresh)
    assert _files(options.out) == _files(fresh.out)


def _rebuild_in_place_by_the_forked_child_reports_a_broken_body_link(
    sample_repo: Path, tmp_path: Path
) -> None:
    """As the rebuild in this process reports it (build.rebuild_in_place): a body link only mkdocs sees."""
    options = options_for(sample_repo, tmp_path / "kept")
    build_site(options)
    tree, _ = generate(options)
    assert tree.index is not None
    before = rebuild.previous(options.out, rebuild.fingerprint(options.docs, engines.DEFAULT), MARKER)
    assert before is not None
    page = options.docs / "pages" / "reviews" / "tr-0001-air-gap.md"
    page.write_text(page.read_text(encoding="utf-8") + "\n[gone](nowhere.md)\n", encoding="utf-8")
    broken = [("reviews/tr-0001-air-gap.md", "nowhere.md", "reviews/nowhere.md")]
    with pytest.raises(BuildError) as here:
        rebuild_in_place(
            rebuild.InPlace(
                options.out, options.docs, tmp_path / "here", before, list(tree.files), tree.index
            )
        )
    assert here.value.broken_links == broken
    there = rebuild.InPlace(
        options.out, options.docs, tmp_path / "there", before, list(tree.files), tree.index
    )
    child = engines.start_rebuild(_forked(), there)
    assert [tuple(link) for link in engines.finish_child(child)["broken"]] == broken


# A build never forks while other threads run, and a test session's preview servers and browser leave
# some running: these run in a fresh process of their own (the test below), and only there.
if os.environ.get(_FRESH):
    test_a_child_forked_before_the_build_builds_the_same_site_as_one = (
        _child_forked_before_the_build_builds_the_same_site_as_one
    )
    test_a_forked_child_reports_a_broken_body_link_as_a_spawned_one_does = (
        _forked_child_reports_a_broken_body_link_as_a_spawned_one_does
    )
    test_a_rebuild_in_place_by_the_forked_child_is_the_site_a_fresh_build_makes = (
        _rebuild_in_place_by_the_forked_child_is_the_site_a_fresh_build_makes
    )
    test_a_rebuild_in_place_by_the_forked_child_reports_a_broken_body_link = (
        _rebuild_in_place_by_the_forked_child_reports_a_broken_body_link
    )


def test_the_forked_child_tests_pass_in_a_process_with_no_other_thread() -> None:
    wanted = ["child_forked_before_the_build", "forked_child_reports", "by_the_forked_child"]
    command = [sys.executable, "-m", "pytest", "-q", "-rs", "-p", "no:randomly", "-p", "no:cacheprovider",
               __file__, "-k", " or ".join(wanted)]  # fmt: skip
    env = {**os.environ, _FRESH: "1"}
    ran = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600, check=False)
    assert ran.returncode == 0, ran.stdout[-3000:] + ran.stderr[-2000:]
    assert "4 passed" in ran.stdout and "skipped" not in ran.stdout, ran.stdout[-3000:]


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="reads Linux's /proc")
def test_a_large_sites_first_build_starts_its_second_process_before_reading_documents(
    sample_repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(shares, "SHARE_FROM_PAGES", 1)  # the sample is "large"
    options = options_for(sample_repo, tmp_path / "out")
    spawned = early_children_of(options, engines.DEFAULT)
    assert len(spawned) == 1 and str(spawned[0].pid) in _children()
    engines.dismiss(spawned[0])
    assert str(spawned[0].pid) not in _children()  # dismissed: it is not left running


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="reads Linux's /proc")
def test_a_build_that_fails_on_its_documents_leaves_no_engine_process(
    sample_repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(shares, "SHARE_FROM_PAGES", 1)
    (sample_repo / "reviews" / "tr-0099-broken.md").write_text("no front matter\n", encoding="utf-8")
    before = _children()
    with pytest.raises(BuildError):
        build_site(options_for(sample_repo, tmp_path / "out"))
    assert _children() - before == set()


def test_a_rebuild_in_place_starts_no_process_but_the_fork_that_rebuilds(
    sample_repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    options = options_for(sample_repo, tmp_path / "out")
    build_site(options)
    monkeypatch.setattr(shares, "SHARE_FROM_PAGES", 1)
    spawned = early_children_of(options, engines.DEFAULT)
    # none where a fork is unsafe (this session's other threads), else one, asked to load mkdocs now
    assert all(isinstance(child, engines.Forked) and child.prepared for child in spawned)
    assert len(spawned) <= 1
    for child in spawned:
        engines.dismiss(child)


def test_the_theme_templates_a_build_renders_are_compiled_ahead_into_the_bytecode_cache(
    sample_repo: Path, tmp_path: Path
) -> None:
    # What a forked child does while the build writes the pages: no process compiles them then.
    (tmp_path / "cache").mkdir()
    cache = jinja2.FileSystemBytecodeCache(str(tmp_path / "cache"))
    options = options_for(sample_repo, sample_repo / "build")
    generate(options)
    assert warm_templates(options.docs, options.out, cache) >= 10
    env = mkdocs_config(options.docs, options.out).theme.get_env()
    for name in ("main.html", "base.html", "partials/header.html", "partials/toc.html"):
        source, filename, _ = env.loader.get_source(env, name)
        assert cache.get_bucket(env, name, filename, source).code is not None, name
