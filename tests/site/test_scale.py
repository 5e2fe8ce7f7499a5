"""The site at `handbook demo --reviews 2000 --accounts 500`: what CE leadership runs its meetings from.

The site is built once per session (see `large_site`); it takes about a minute, so these are marked slow.
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import parse_qs, urljoin, urlsplit

import pytest

from tests.site.conftest import BuiltSite, Tab

pytestmark = pytest.mark.slow

HOME_BYTES = 120 * 1024
HOME_ROWS = 40
SEARCH_INDEX_BYTES = 3 * 1024 * 1024
PHONE = {"width": 390, "height": 844}


def _body_rows(html: str) -> int:
    return sum(len(re.findall(r"<tr[\s>]", body)) for body in re.findall(r"<tbody>(.*?)</tbody>", html, re.S))


def _reviews(site: BuiltSite) -> list[dict[str, Any]]:
    loaded = json.loads((site.out / "exports" / "reviews.json").read_text(encoding="utf-8"))
    assert isinstance(loaded, list)
    return loaded


def _page_of(source: str) -> str:
    return source.removesuffix(".md") + ".html"


# --- sizes --------------------------------------------------------------------------------------------


def test_the_home_page_is_small_and_short(large_site: BuiltSite) -> None:
    home = large_site.out / "index.html"
    assert home.stat().st_size < HOME_BYTES
    assert _body_rows(home.read_text(encoding="utf-8")) <= HOME_ROWS


def test_the_search_index_stays_under_three_megabytes(large_site: BuiltSite) -> None:
    assert (large_site.out / "search" / "search_index.json").stat().st_size < SEARCH_INDEX_BYTES


def test_every_document_and_person_is_in_the_search_index_once(large_site: BuiltSite) -> None:
    index = json.loads((large_site.out / "search" / "search_index.json").read_text(encoding="utf-8"))
    locations = [doc["location"] for doc in index["docs"]]
    reviews = [loc for loc in locations if loc.startswith("reviews/tr-")]
    assert len(reviews) == len(set(reviews)) == len(_reviews(large_site))


# --- in the browser -------------------------------------------------------------------------------


def _search(tab: Tab, url: str, query: str) -> list[str]:
    """The pages of the first results Material's search shows for `query`, best first."""
    tab.page.goto(url)
    tab.page.locator("label.md-search__icon, .md-search__input").first.click()
    tab.page.get_by_text("Type to start searching").wait_for(timeout=30_000)
    tab.page.locator(".md-search__input").press_sequentially(query, delay=10)
    tab.page.locator(".md-search-result__item").first.wait_for(timeout=15_000)
    links = tab.page.locator(".md-search-result__item > a.md-search-result__link")
    # The worker answers every keystroke in turn: wait for the answer to the whole query, the one whose
    # results highlight (`?h=`) the query's last word.
    last = re.split(r"[\s\-@]+", query.strip().lower())[-1]
    seen: list[str] = []
    for _ in range(75):
        seen = [str(h) for h in links.evaluate_all("els => els.slice(0, 5).map(e => e.getAttribute('href'))")]
        terms = parse_qs(urlsplit(seen[0]).query).get("h", [""])[0].split() if seen else []
        if any(term.startswith(last) for term in terms):
            break
        tab.page.wait_for_timeout(400)
    return [urlsplit(href).path for href in seen]


@pytest.mark.browser
@pytest.mark.parametrize("form", ["TR-{n}", "tr-{n}", "{n}"])
def test_searching_a_review_id_finds_that_review_first(
    tab: Tab, large_url: str, large_site: BuiltSite, form: str
) -> None:
    review = next(r for r in _reviews(large_site) if r["id"] == "TR-1258")
    results = _search(tab, large_url, form.format(n="1258"))
    assert results and results[0].endswith(_page_of(review["source"])), results[:3]
    assert tab.page.locator(".md-search-result .md-tags").first.is_hidden()  # the index's words, not text
    assert tab.errors == []


@pytest.mark.browser
def test_searching_a_customer_name_finds_its_account_first(
    tab: Tab, large_url: str, large_site: BuiltSite
) -> None:
    accounts = json.loads((large_site.out / "exports" / "accounts.json").read_text(encoding="utf-8"))
    account = accounts[len(accounts) // 2]
    results = _search(tab, large_url, str(account["name"]))
    assert results and results[0].endswith(f"accounts/{account['id']}.html"), results[:3]
    assert tab.errors == []


@pytest.mark.browser
def test_searching_a_handle_finds_that_person_first(tab: Tab, large_url: str, large_site: BuiltSite) -> None:
    handle = str(_reviews(large_site)[100]["author"])
    results = _search(tab, large_url, handle)
    assert results and results[0].endswith(f"people/{handle.lower()}.html"), results[:3]


@pytest.mark.browser
def test_the_filter_finds_a_review_on_another_page(tab: Tab, large_url: str, large_site: BuiltSite) -> None:
    oldest = min(_reviews(large_site), key=lambda r: (r["opened"], r["id"]))  # on the last page
    tab.page.goto(urljoin(large_url, "reviews/index.html"))
    assert tab.page.locator(f"#review-list tr[data-review='{oldest['id']}']").count() == 0
    tab.page.locator("input.hb-filter").fill(str(oldest["id"]))
    row = tab.page.locator(f"#review-list tr[data-review='{oldest['id']}']")
    row.wait_for(timeout=10_000)
    assert "every page" in tab.page.locator(".hb-filter-status").inner_text()
    row.locator("a.hb-review-link").click()
    tab.page.wait_for_load_state()
    assert tab.page.url.endswith(_page_of(oldest["source"]))
    assert tab.errors == []


@pytest.mark.browser
def test_a_list_sorts_by_any_column(tab: Tab, large_url: str) -> None:
    tab.page.goto(urljoin(large_url, "dashboards/open-reviews.html"))
    table = tab.page.locator("#open-reviews")

    def column(index: int) -> list[str]:
        cells = table.locator(f"tbody tr td:nth-child({index})")
        return [str(v) for v in cells.evaluate_all("els => els.map(e => e.dataset.sort ?? e.innerText)")]

    heading = table.locator("thead th", has_text="Days waiting")
    heading.click()
    days = [int(v) for v in column(5)]
    assert days == sorted(days) and days[0] != days[-1]
    heading.click()
    assert [int(v) for v in column(5)] == sorted(days, reverse=True)
    table.locator("thead th", has_text="Customer").click()
    customers = [c.casefold() for c in column(2)]
    assert customers == sorted(customers)
    assert tab.errors == []


@pytest.mark.browser
def test_the_big_pages_show_no_console_errors(tab: Tab, large_url: str) -> None:
    for page in ("index.html", "dashboards/index.html", "dashboards/open-reviews.html",
                 "dashboards/decisions.html", "dashboards/tech-win.html", "reviews/index.html",
                 "accounts/index.html", "people/index.html", "dashboards/waiting.html",
                 "dashboards/waiting/support.html", "dashboards/charts.html"):  # fmt: skip
        response = tab.page.goto(urljoin(large_url, page))
        assert response is not None and response.ok, page
        tab.page.wait_for_load_state("networkidle")
    assert tab.errors == []


@pytest.mark.browser
@pytest.mark.parametrize("kind", ["review", "account"])
def test_cards_fit_a_phone(chromium: Any, large_url: str, large_site: BuiltSite, kind: str) -> None:
    context = chromium.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)
    page = context.new_page()
    try:
        if kind == "review":
            target = _page_of(str(max(_reviews(large_site), key=lambda r: len(str(r["title"])))["source"]))
        else:
            target = "accounts/" + sorted(p.name for p in (large_site.out / "accounts").glob("*-*.html"))[0]
        page.goto(urljoin(large_url, target))
        card = page.locator(".hb-card").first
        overflow = card.evaluate(
            "card => [...card.querySelectorAll('*')].filter(e => e.getBoundingClientRect().right >"
            " card.getBoundingClientRect().right + 1).map(e => e.outerHTML.slice(0, 80))"
        )
        assert overflow == []
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    finally:
        from tests.site.conftest import ARTIFACTS

        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"test_cards_fit_a_phone-{kind}.png"), full_page=False)
        context.close()


def test_open_reviews_say_who_is_blocking_them(large_site: BuiltSite) -> None:
    html = large_site.html("dashboards/open-reviews.html")
    rows = re.findall(r'<tr class="hb-open-review[^"]*" data-review="[^"]+">.*?</tr>', html, re.S)
    assert rows and all("business day" in row and "/pull/" in row for row in rows)
    assert all(re.search(r'class="hb-role">(product|engineering|support|ce-vp):', row) for row in rows)


def test_each_team_page_lists_what_it_owes(large_site: BuiltSite) -> None:
    for role in ("product", "engineering", "support", "ce-vp"):
        page = large_site.html(f"dashboards/waiting/{role}.html")
        assert _body_rows(page) > 0, role


@pytest.mark.browser
def test_a_link_can_open_a_list_already_filtered(tab: Tab, large_url: str, large_site: BuiltSite) -> None:
    drafts = [r for r in _reviews(large_site) if r["status"] == "draft"]
    tab.page.goto(urljoin(large_url, "dashboards/open-reviews.html"))
    tab.page.get_by_role("link", name="all of them in the list of tech reviews").click()
    status = tab.page.locator(".hb-filter-status")
    status.filter(has_text="every page").wait_for(timeout=10_000)
    rows = tab.page.locator("#review-list tbody tr")
    assert rows.count() == len(drafts) > 100  # more than one page of them
    assert rows.locator(".hb-status-draft").count() == len(drafts)
    assert tab.errors == []


@pytest.mark.browser
def test_the_vps_page_stays_small_and_filters_everything(
    tab: Tab, large_url: str, large_site: BuiltSite
) -> None:
    reviews = _reviews(large_site)
    vp = max({str(r["decision"]["recommended_by"]) for r in reviews if r.get("decision")})
    page = large_site.out / "people" / f"{vp}.html"
    assert page.stat().st_size < 300 * 1024
    oldest_decided = min((r for r in reviews if r.get("decision")), key=lambda r: (r["opened"], r["id"]))
    tab.page.goto(urljoin(large_url, f"people/{vp}.html"))
    table = tab.page.locator("#person-reviews")
    assert table.locator(f"tr[data-review='{oldest_decided['id']}']").count() == 0
    tab.page.locator("input.hb-filter[data-table='person-reviews']").fill(str(oldest_decided["id"]))
    table.locator(f"tr[data-review='{oldest_decided['id']}']").wait_for(timeout=10_000)
    assert tab.errors == []


@pytest.mark.browser
def test_each_chart_renders(tab: Tab, large_url: str) -> None:
    tab.page.goto(urljoin(large_url, "dashboards/charts.html"))
    tab.page.wait_for_load_state("networkidle")
    images = tab.page.locator("img.hb-chart")
    assert images.count() == 7
    sizes = images.evaluate_all("els => els.map(e => [e.getAttribute('src'), e.complete && e.naturalWidth])")
    assert all(width for _, width in sizes), sizes
    for table in tab.page.locator("table.hb-chart-data").all():
        assert table.locator("caption").count() == 1 and table.locator("tbody tr").count() > 0
    assert tab.errors == []


@pytest.mark.browser
def test_dashboards_fit_a_phone_with_wide_tables_scrolling_inside(chromium: Any, large_url: str) -> None:
    context = chromium.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)
    page = context.new_page()
    try:
        for target in ("index.html", "dashboards/open-reviews.html", "dashboards/tech-win.html",
                       "reviews/index.html", "dashboards/charts.html"):  # fmt: skip
            page.goto(urljoin(large_url, target))
            assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], target
        sticky = page.locator("table.hb-tech-win td").first
        page.goto(urljoin(large_url, "dashboards/tech-win.html"))
        assert sticky.evaluate("td => getComputedStyle(td).position") == "sticky"
    finally:
        context.close()
