"""The product-gap registry, the review clock and the timelines, in headless Chromium (bundled content)."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urljoin

import pytest

from generator.site.build import build_site
from tests.site.conftest import REPOSITORY, Tab, _serve, options_for
from tests.test_history import history_repository

pytestmark = pytest.mark.browser


def test_the_registry_lists_gaps_by_revenue_and_leads_to_a_citing_review(tab: Tab, bundled_url: str) -> None:
    tab.page.goto(urljoin(bundled_url, "dashboards/product-gaps.html"))
    amounts = [int(v) for v in tab.page.locator("table.hb-gaps td[data-arr]").evaluate_all(
        "cells => cells.map(c => c.dataset.arr)")]  # fmt: skip
    assert len(amounts) >= 5 and amounts == sorted(amounts, reverse=True)
    shared = tab.page.locator("tr[data-gap='GAP-1401']")
    assert shared.locator("a.hb-account-link").count() == 2  # Contoso and Tailspin
    shared.locator("a.hb-review-link").first.click()
    tab.page.wait_for_load_state()
    assert "/reviews/" in tab.page.url
    assert tab.page.locator("#product-gaps + ul").inner_text().startswith("GAP-1401")
    assert tab.errors == []


@pytest.fixture(scope="module")
def clocked_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The bundled content with the example sign-off ledger, as `make site` builds it."""
    base = tmp_path_factory.mktemp("clocked-browser")
    options = options_for(REPOSITORY, base, ledger=REPOSITORY / "examples" / "signoff-ledger.json")
    build_site(options)
    yield from _serve(options.out)


def test_the_review_clock_is_reached_from_the_dashboards_and_shows_each_team(
    tab: Tab, clocked_url: str
) -> None:
    tab.page.goto(urljoin(clocked_url, "dashboards/index.html"))
    tab.page.get_by_role("link", name="Review clock").first.click()
    tab.page.wait_for_load_state()
    assert tab.page.url.endswith("dashboards/review-clock.html")
    teams = tab.page.locator("#by-team + table tbody tr td:first-child").all_inner_texts()
    assert teams == ["Product", "Engineering", "Support"]
    assert tab.page.locator("tr[data-clock='support'] td").last.inner_text() == "4 of 8 (50%)"
    assert tab.page.locator("tr[data-clock='2026-11'] td").nth(3).inner_text() == "1.5"
    assert tab.errors == []


@pytest.fixture(scope="module")
def history_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A repository with real commits: a review drafted then submitted, an account green then red."""
    base = tmp_path_factory.mktemp("history")
    options = options_for(history_repository(base / "repo"), base)
    build_site(options)
    yield from _serve(options.out)


def test_a_review_page_shows_its_status_timeline_from_git(tab: Tab, history_url: str) -> None:
    tab.page.goto(urljoin(history_url, "reviews/tr-0001-case.html"))
    steps = tab.page.locator("ol.hb-timeline li")
    assert steps.count() == 2
    assert steps.nth(0).inner_text().startswith("2026-11-02: status draft")
    assert steps.nth(1).inner_text().startswith("2026-11-03: status draft → in review")
    tab.page.goto(urljoin(history_url, "dashboards/red-accounts.html"))
    assert tab.page.locator(".hb-days-red").inner_text() == "red for 18 days by git (since 2026-11-05)"
    assert tab.errors == []
