"""The product-gap registry, the review clock and the timelines, in headless Chromium (bundled content)."""

from __future__ import annotations

from urllib.parse import urljoin

import pytest

from tests.site.conftest import Tab

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
