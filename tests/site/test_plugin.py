"""The site's mkdocs plugin is an object of each build's configuration: what it finds is that build's."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.site.build import BuildError, build_with, generate, mkdocs_config, site_plugin
from generator.site.plugin import HandbookPlugin
from tests.site.conftest import options_for


def _break_a_body_link(docs: Path) -> None:
    page = docs / "pages" / "reviews" / "tr-0001-air-gap.md"
    page.write_text(page.read_text(encoding="utf-8") + "\n[gone](nowhere.md)\n", encoding="utf-8")


def test_each_configuration_carries_its_own_plugin_object(sample_repo: Path) -> None:
    options = options_for(sample_repo, sample_repo / "build")
    generate(options)
    first, second = (mkdocs_config(options.docs, options.out / name) for name in ("a", "b"))
    assert isinstance(site_plugin(first), HandbookPlugin)
    assert site_plugin(first) is not site_plugin(second)
    assert not any(name.startswith("hooks/") for name in first.plugins)  # no hook module in our builds


def test_a_builds_broken_links_stay_with_its_plugin_while_another_build_runs(sample_repo: Path) -> None:
    options = options_for(sample_repo, sample_repo / "build")
    generate(options)
    good = mkdocs_config(options.docs, options.out / "good")
    _break_a_body_link(options.docs)
    broken = mkdocs_config(options.docs, options.out / "broken")
    with pytest.raises(BuildError) as failure:
        build_with(broken)
    assert failure.value.broken_links == [("reviews/tr-0001-air-gap.md", "nowhere.md", "reviews/nowhere.md")]
    (options.docs / "pages" / "reviews" / "tr-0001-air-gap.md").write_text(
        (options.docs / "pages" / "reviews" / "tr-0001-air-gap.md")
        .read_text(encoding="utf-8")
        .replace("\n[gone](nowhere.md)\n", ""),
        encoding="utf-8",
    )
    build_with(good)
    assert site_plugin(broken).problems == failure.value.broken_links
    assert site_plugin(good).problems == []


def test_the_body_check_asks_the_index_the_builds_own_link_check_used(sample_repo: Path) -> None:
    options = options_for(sample_repo, sample_repo / "build")
    tree, _ = generate(options)
    assert tree.index is not None and "reviews/tr-0001-air-gap.md" in tree.index.paths
    _break_a_body_link(options.docs)
    (options.docs / "pages" / "reviews" / "nowhere.md").write_text("# on disk, not in the site\n")
    config = mkdocs_config(options.docs, options.out)
    with pytest.raises(BuildError) as failure:
        build_with(config, links=tree.index)  # a file the build did not make is no page of the site
    assert [link[2] for link in failure.value.broken_links] == ["reviews/nowhere.html"]
