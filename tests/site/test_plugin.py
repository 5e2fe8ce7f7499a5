"""The site's mkdocs plugin is an object of each build's configuration: what it finds is that build's."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from mkdocs.config import load_config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import BasePlugin

from generator.site.build import BuildError, BuildOptions, build_with, generate, mkdocs_config, site_plugin
from generator.site.page import BODY_MARKER, HTML_END, HTML_START
from generator.site.plugin import NAME, HandbookPlugin
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


def _page_html(site: Path, page: str) -> str:
    return (site / page).read_text(encoding="utf-8")


def _site_built(options: BuildOptions, name: str, plugin: HandbookPlugin | None = None) -> Path:
    """The docs tree built into a folder `name` of its own, by the site's plugin or by `plugin` in its
    place (the tree's hook left out, as our builds leave it out)."""
    config = mkdocs_config(options.docs, options.out / name)
    if plugin is not None:
        config = load_config(
            config_file=str(options.docs / "mkdocs.yml"), site_dir=str(options.out / name), hooks=[]
        )
        config.plugins[NAME] = plugin
    build_with(config)
    return options.out / name


class _ShowsMaterialEverything(HandbookPlugin):  # type: ignore[no-untyped-call]
    on_page_context = None  # not an event: Material is shown every page's HTML


def test_a_page_kept_out_of_search_is_published_as_material_makes_it(sample_repo: Path) -> None:
    """Material's search plugin is shown no HTML of a page it does not index (plugin.hidden_from_search):
    the page comes out exactly as a build whose plugin shows it everything."""
    options = options_for(sample_repo, sample_repo / "build")
    generate(options)
    ours, shown = _site_built(options, "ours"), _site_built(options, "shown", _ShowsMaterialEverything())
    page = "reviews/tr-0001-air-gap.html"
    assert "search:" in (options.docs / "pages" / "reviews" / "tr-0001-air-gap.md").read_text(
        encoding="utf-8"
    )
    assert _page_html(ours, page) == _page_html(shown, page)


def test_material_still_strips_its_search_attributes_from_a_page_kept_out_of_search(
    sample_repo: Path,
) -> None:
    options = options_for(sample_repo, sample_repo / "build")
    generate(options)
    review = options.docs / "pages" / "reviews" / "tr-0001-air-gap.md"
    text = review.read_text(encoding="utf-8")
    review.write_text(
        text.replace('<section class="hb-card"', '<section data-search-exclude="x" class="hb-card"', 1)
    )
    config = mkdocs_config(options.docs, options.out)
    build_with(config)
    html = _page_html(options.out, "reviews/tr-0001-air-gap.html")
    assert '<section class="hb-card"' in html and "data-search-exclude" not in html


def test_every_environment_of_the_theme_keeps_its_compiled_templates(sample_repo: Path) -> None:
    # Material's search plugin makes an environment of its own for each build (its translations).
    options = options_for(sample_repo, sample_repo / "build")
    generate(options)
    env = mkdocs_config(options.docs, options.out).theme.get_env()
    assert env.bytecode_cache is not None


class _RecordsMarkdown(BasePlugin):  # type: ignore[type-arg,no-untyped-call]
    """Runs after the site's plugin: what Markdown is given for each page."""

    def __init__(self) -> None:
        self.given: dict[str, str] = {}

    def on_page_markdown(self, markdown: str, page: Any, **_: Any) -> str:
        self.given[page.file.src_uri] = markdown
        return markdown


def _recorded(options: BuildOptions) -> tuple[_RecordsMarkdown, MkDocsConfig]:
    config = mkdocs_config(options.docs, options.out)
    recorder = config.plugins["record-markdown"] = _RecordsMarkdown()
    return recorder, config


def test_markdown_is_given_only_a_documents_title_and_its_body(sample_repo: Path) -> None:
    """The page's own HTML and the markers around it never go through Markdown: it would only pass
    them through (a tenth of a document's conversion)."""
    options = options_for(sample_repo, sample_repo / "build")
    generate(options)
    recorder, config = _recorded(options)
    build_with(config)
    given = recorder.given["reviews/tr-0001-air-gap.md"]
    body = (sample_repo / "reviews" / "tr-0001-air-gap.md").read_text(encoding="utf-8").split("---\n", 2)[2]
    assert given.startswith("# TR\\-0001 ") and given.count("\n# ") == body.count("\n# ")
    assert given.rstrip().endswith(body.strip().splitlines()[-1])
    assert not any(mark in given for mark in (HTML_START, HTML_END, BODY_MARKER))


def test_markdown_is_given_only_the_title_of_a_page_without_a_body(sample_repo: Path) -> None:
    options = options_for(sample_repo, sample_repo / "build")
    generate(options)
    recorder, config = _recorded(options)
    build_with(config)
    assert recorder.given["dashboards/open-reviews.md"].strip() == "# Open tech reviews"


class _MarkdownSeesTheMarkers(HandbookPlugin):  # type: ignore[no-untyped-call]
    def title_line(self, head: str) -> str | None:
        return None  # every page as one whose head is more than a title


def test_a_page_comes_out_as_when_markdown_passed_its_own_html_through(sample_repo: Path) -> None:
    options = options_for(sample_repo, sample_repo / "build")
    generate(options)
    ours, marked = _site_built(options, "ours"), _site_built(options, "marked", _MarkdownSeesTheMarkers())
    pages = sorted(str(p.relative_to(ours)) for p in ours.rglob("*.html"))
    assert len(pages) > 20
    for page in pages:
        assert _page_html(ours, page) == _page_html(marked, page), page


def test_a_page_whose_head_is_more_than_a_title_keeps_what_it_says(sample_repo: Path) -> None:
    """A docs tree edited by hand (a paragraph above the page's own HTML) is built as written."""
    options = options_for(sample_repo, sample_repo / "build")
    generate(options)
    page = options.docs / "pages" / "reviews" / "tr-0001-air-gap.md"
    text = page.read_text(encoding="utf-8")
    page.write_text(text.replace(HTML_START, f"A *note* above.\n\n{HTML_START}", 1), encoding="utf-8")
    recorder, config = _recorded(options)
    build_with(config)
    assert HTML_START in recorder.given["reviews/tr-0001-air-gap.md"]
    html = _page_html(options.out, "reviews/tr-0001-air-gap.html")
    assert "<p>A <em>note</em> above.</p>" in html
    assert html.index("<em>note</em>") < html.index('class="hb-card"') < html.index('class="hb-body"')


def _element(html: str, start: str, tag: str) -> str:
    """The element that begins with `start`, to its own closing tag (elements of its name nest)."""
    begin = html.index(start)
    depth, at = 0, begin
    for found in re.finditer(rf"<(/?){tag}\b", html[begin:]):
        depth += -1 if found.group(1) else 1
        if depth == 0:
            at = begin + found.end()
            break
    return html[begin : html.index(">", at) + 1]


@pytest.mark.parametrize(
    ("start", "tag"),
    [
        ('<header class="md-header"', "header"),
        ('<nav class="md-nav md-nav--primary', "nav"),
        ('<nav class="md-tabs"', "nav"),
    ],
)
def test_materials_shared_parts_are_written_without_the_blank_lines_its_templates_leave(
    sample_repo: Path, start: str, tag: str
) -> None:
    """Rendered once per folder, each is compacted once: a fifth of each page's bytes (and of the
    site's writing) was the blank lines and indentation Material's templates leave between tags."""
    options = options_for(sample_repo, sample_repo / "build")
    generate(options)
    build_with(mkdocs_config(options.docs, options.out))
    for page in ("reviews/tr-0001-air-gap.html", "dashboards/open-reviews.html", "index.html"):
        lines = _element(_page_html(options.out, page), start, tag).split("\n")
        assert len(lines) > 3, start
        assert [line for line in lines if line != line.strip() or not line] == [], (start, page)
