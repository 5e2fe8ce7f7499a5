"""One list of the site's pages (generator/site/nav.py) makes the nav and names what the renderer writes."""

from __future__ import annotations

import yaml

from generator.site import nav
from generator.site.render import SITE_SOURCE
from tests.site.conftest import BuiltSite


def test_every_page_of_the_nav_is_a_page_the_build_wrote(sample_site: BuiltSite) -> None:
    pages = sample_site.options.docs / "pages"
    missing = [page.path for page in nav.pages() if not (pages / page.path).is_file()]
    assert missing == []


def test_the_docs_trees_nav_is_the_list(sample_site: BuiltSite) -> None:
    config = yaml.safe_load((sample_site.options.docs / "mkdocs.yml").read_text(encoding="utf-8"))
    listed = [
        path
        for entry in config["nav"]
        for value in entry.values()
        for path in ([value] if isinstance(value, str) else [p for item in value for p in item.values()])
    ]
    assert listed == [page.path for page in nav.pages()]
    assert config["not_in_nav"].split() == list(nav.NOT_IN_NAV)


def test_the_site_source_leaves_the_nav_to_the_list() -> None:
    source = yaml.safe_load((SITE_SOURCE / "mkdocs.yml").read_text(encoding="utf-8"))
    assert "nav" not in source and "not_in_nav" not in source
