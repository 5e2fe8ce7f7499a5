"""The built site in headless Chromium: what a reader does first, and what an attacker tries."""

from __future__ import annotations

import json
from urllib.parse import urljoin

import pytest

from tests.site.conftest import HOSTILE_TITLE, BuiltSite, Tab

pytestmark = pytest.mark.browser


def _customers_with_reviews(site: BuiltSite) -> list[tuple[dict[str, object], list[dict[str, object]]]]:
    """From the site's own exports: accounts and their reviews."""
    reviews = json.loads((site.out / "exports" / "reviews.json").read_text(encoding="utf-8"))
    accounts = json.loads((site.out / "exports" / "accounts.json").read_text(encoding="utf-8"))
    pairs = [(a, [r for r in reviews if r["customer"] == a["id"]]) for a in accounts]
    return [(a, rs) for a, rs in pairs if rs]


def test_the_home_page_opens_with_the_handbook_title(tab: Tab, bundled_url: str) -> None:
    tab.page.goto(bundled_url)
    assert "Customer Engineering handbook" in tab.page.title()
    assert tab.page.locator("h1").first.inner_text().startswith("Customer Engineering handbook")
    assert tab.page.locator(".md-tabs").is_visible()
    assert tab.errors == []


def test_a_review_is_reached_from_the_dashboard(tab: Tab, bundled_url: str) -> None:
    tab.page.goto(urljoin(bundled_url, "dashboards/index.html"))
    link = tab.page.locator("table a.hb-review-link").first
    review_id = link.inner_text()
    link.click()
    tab.page.wait_for_load_state()
    assert "/reviews/" in tab.page.url
    assert tab.page.locator("h1").first.inner_text().startswith(review_id)
    assert tab.page.locator("#sign-offs").is_visible()
    assert tab.errors == []


def test_searching_a_customer_name_finds_its_review(
    tab: Tab, bundled_url: str, bundled_site: BuiltSite
) -> None:
    account, reviews = _customers_with_reviews(bundled_site)[0]
    pages = [str(r["source"]).removesuffix(".md") + ".html" for r in reviews]
    tab.page.goto(bundled_url)
    tab.page.locator("label.md-search__icon, .md-search__input").first.click()
    # The theme's search index loads in a worker: type once it says it is ready.
    tab.page.get_by_text("Type to start searching").wait_for(timeout=15_000)
    tab.page.locator(".md-search__input").press_sequentially(str(account["name"]), delay=10)
    tab.page.locator(".md-search-result__item").first.wait_for(timeout=15_000)
    wanted = tab.page.locator(", ".join(f".md-search-result__item a[href*='{page}']" for page in pages))
    for _ in range(20):  # the theme renders results in batches as the list scrolls
        if wanted.count():
            break
        tab.page.locator(".md-search__scrollwrap").evaluate("el => el.scrollTo(0, el.scrollHeight)")
        tab.page.wait_for_timeout(250)
    assert wanted.count() >= 1
    wanted.first.click()
    tab.page.wait_for_load_state()
    assert tab.page.locator(".hb-customer a").inner_text() == account["name"]
    assert tab.errors == []


def test_an_overdue_review_is_flagged_on_the_open_reviews_dashboard(tab: Tab, sample_url: str) -> None:
    tab.page.goto(urljoin(sample_url, "dashboards/open-reviews.html"))
    overdue = tab.page.locator("tr[data-review='TR-0001'] .hb-overdue")
    assert overdue.is_visible()
    assert "overdue by" in overdue.inner_text()
    assert tab.page.locator("tr[data-review='TR-0002'] .hb-overdue").count() == 0
    assert tab.errors == []


def test_an_account_links_back_to_its_review(tab: Tab, bundled_url: str, bundled_site: BuiltSite) -> None:
    account, _ = _customers_with_reviews(bundled_site)[0]
    tab.page.goto(urljoin(bundled_url, "accounts/index.html"))
    tab.page.get_by_role("link", name=str(account["name"]), exact=True).first.click()
    tab.page.wait_for_load_state()
    assert tab.page.url.endswith(f"accounts/{account['id']}.html")
    review_link = tab.page.locator(".hb-account-reviews a.hb-review-link").first
    review_id = review_link.inner_text()
    review_link.click()
    tab.page.wait_for_load_state()
    assert tab.page.locator("h1").first.inner_text().startswith(review_id)
    assert tab.page.locator(".hb-customer a").inner_text() == account["name"]
    assert tab.errors == []


def test_pages_show_no_console_errors(tab: Tab, bundled_url: str) -> None:
    for page in (
        "index.html",
        "dashboards/index.html",
        "dashboards/open-reviews.html",
        "dashboards/decisions.html",
        "dashboards/red-accounts.html",
        "dashboards/tech-win.html",
        "dashboards/tech-win/ravi-menon.html",
        "dashboards/stale-plans.html",
        "dashboards/charts.html",
        "reviews/index.html",
        "accounts/index.html",
        "people/index.html",
        "handbook/index.html",
    ):
        response = tab.page.goto(urljoin(bundled_url, page))
        assert response is not None and response.ok, page
        tab.page.wait_for_load_state("networkidle")
    assert tab.errors == []


def test_a_hostile_review_renders_with_nothing_active(
    tab: Tab, sample_url: str, sample_site: BuiltSite
) -> None:
    tab.page.goto(urljoin(sample_url, "reviews/tr-0003-hostile.html"))
    tab.page.wait_for_load_state("networkidle")
    page = tab.page
    assert page.evaluate("typeof window.__pwned") == "undefined"
    for link in page.locator(".hb-body a").all():
        link.click(no_wait_after=True)  # a javascript: link or onclick handler would run here
    assert page.evaluate("typeof window.__pwned") == "undefined"
    body = page.locator(".hb-body")
    assert body.locator("script, iframe, [onerror], [onclick], a[href^='javascript']").count() == 0
    assert body.locator("table td code").inner_text() == "code"
    assert body.locator("img").count() == 1
    assert page.title().startswith("TR-0003 " + HOSTILE_TITLE)  # shown as text, not parsed as HTML
    assert page.locator("h1").first.inner_text().startswith("TR-0003 " + HOSTILE_TITLE)


def test_the_needs_attention_page_leads_to_a_flagged_document(tab: Tab, tmp_path_factory) -> None:
    from dataclasses import replace

    from generator.site.build import build_site
    from tests.site import content
    from tests.site.conftest import _serve, options_for, write_sample

    root = tmp_path_factory.mktemp("attention")
    write_sample(root)
    gate = {"id": "q-trial", "name": "Quiet trial", "ce": "dan-ce", "ae": "bea-ae", "sales_stage": 3}
    gate |= {"close_date": "2026-12-15", "tech_win_phase": "trial-deployment", "non_standard": True}
    content.write_account(
        root, content.account("quiet-co", "Quiet Co", ae="bea-ae", ce="dan-ce", opportunities=[gate])
    )
    options = replace(options_for(root, root / "build"), needs_attention=True)
    build_site(options)
    for url in _serve(options.out):
        tab.page.goto(urljoin(url, "dashboards/needs-attention.html"))
        tab.page.locator("table.hb-needs-attention a", has_text="accounts/quiet-co.md").click()
        tab.page.wait_for_load_state()
        assert tab.page.url.endswith("accounts/quiet-co.html")
        flag = tab.page.get_by_role("alert")
        assert flag.is_visible() and "Needs attention" in flag.inner_text()
        assert tab.errors == []


def test_the_dark_mode_toggle_switches_the_scheme(tab: Tab, sample_url: str) -> None:
    tab.page.emulate_media(color_scheme="light")
    tab.page.goto(urljoin(sample_url, "dashboards/open-reviews.html"))
    assert tab.page.locator("body").get_attribute("data-md-color-scheme") == "default"
    tab.page.locator("label.md-header__button[title='Switch to dark mode']").click()
    assert tab.page.locator("body").get_attribute("data-md-color-scheme") == "slate"
    tab.page.goto(urljoin(sample_url, "reviews/tr-0001-air-gap.html"))  # the choice is remembered
    assert tab.page.locator("body").get_attribute("data-md-color-scheme") == "slate"
    toc = tab.page.locator(".md-sidebar--secondary .md-nav__link")
    titles = [t.strip() for t in toc.all_inner_texts()]
    assert titles[:2] == ["Sign-offs", "Decision"] and "Misalignment" in titles
    assert tab.errors == []


def test_a_page_opened_from_disk_says_how_to_serve_the_site(tab: Tab, sample_site: BuiltSite) -> None:
    tab.page.goto((sample_site.out / "reviews" / "index.html").as_uri())
    note = tab.page.locator(".hb-from-disk")
    assert note.is_visible()
    assert "handbook serve" in note.inner_text()


def test_a_ce_is_reached_from_the_tech_win_review_with_their_slipped_deal_flagged(
    tab: Tab, bundled_url: str
) -> None:
    tab.page.goto(urljoin(bundled_url, "dashboards/tech-win.html"))
    slipped = tab.page.locator("tr.hb-slipped .hb-slipped-flag").first
    assert slipped.is_visible() and slipped.inner_text() == "slipped 10 days"
    tab.page.locator(".hb-per-ce a", has_text="@ravi-menon").click()
    tab.page.wait_for_load_state()
    assert tab.page.url.endswith("dashboards/tech-win/ravi-menon.html")
    rows = tab.page.locator("table.hb-tech-win tbody tr")
    assert rows.count() == 2
    assert "Fabrikam Bank" in rows.first.inner_text()  # the larger deal first
    assert tab.errors == []
