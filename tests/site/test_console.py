"""The site as a console for a large organisation: bounded home, lists newest first with a whole-list
filter, sortable tables, wide dashboards, and search that finds ids, customers and handles first."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from generator.documents.models.account import TechWinPhase
from generator.site.build import generate
from generator.site.render import PAGE_SIZE, PERSON_LIMIT
from tests.site import content
from tests.site.conftest import HOSTILE_TITLE, REPOSITORY, TODAY, BuiltSite, options_for
from tests.site.test_index import passed_gates

HOME_ROW_LIMIT = 40


def _many_open_reviews(root: Path, count: int) -> None:
    """`count` reviews in review for Quiet Co, opened one day apart going back from 2026-11-20."""
    for number in range(10, 10 + count):
        opened = dt.date(2026, 11, 20) - dt.timedelta(days=number - 10)
        data = content.review(number, "quiet-co", f"Case {number}", author="dan-ce",
                              account_team={"ae": "bea-ae", "ce": "dan-ce"},
                              opened=opened.isoformat(), decision_needed_by="2027-01-15")  # fmt: skip
        content.write_review(root, data, f"case-{number}")


def _front_matter(page: str | bytes) -> dict[str, object]:
    text = page.decode() if isinstance(page, bytes) else page
    _, front, _ = text.split("---\n", 2)
    loaded = yaml.safe_load(front)
    assert isinstance(loaded, dict)
    return loaded


def _rows(html: str | bytes) -> int:
    text = html.decode() if isinstance(html, bytes) else html
    return len(re.findall(r"<tr[\s>]", text)) - len(re.findall(r"<thead><tr[\s>]", text))


# --- the home page --------------------------------------------------------------------------------


def test_the_home_page_shows_the_most_urgent_few_and_links_to_the_rest(
    sample_repo: Path, tmp_path: Path
) -> None:
    _many_open_reviews(sample_repo, 80)
    tree, _ = generate(options_for(sample_repo, tmp_path / "out"))
    home = str(tree.files["index.md"])
    assert _rows(home) <= HOME_ROW_LIMIT
    # The longest-overdue review (opened first) is among the few; a fresh one is not.
    assert "TR-0089" in home and "TR-0010" not in home
    assert "All 82 open reviews" in home


def test_the_dashboards_overview_is_bounded_too(sample_repo: Path, tmp_path: Path) -> None:
    _many_open_reviews(sample_repo, 80)
    tree, _ = generate(options_for(sample_repo, tmp_path / "out"))
    overview = str(tree.files["dashboards/index.md"])
    assert _rows(overview) <= HOME_ROW_LIMIT
    assert "All 82 open reviews" in overview


# --- lists ----------------------------------------------------------------------------------------


def test_the_review_list_is_newest_first(sample_site: BuiltSite) -> None:
    listing = (sample_site.options.docs / "pages" / "reviews" / "index.md").read_text(encoding="utf-8")
    order = [listing.index(rid) for rid in ("TR-0002", "TR-0001", "TR-0003")]
    assert order == sorted(order)


def test_open_reviews_paginate(sample_repo: Path, tmp_path: Path) -> None:
    _many_open_reviews(sample_repo, PAGE_SIZE + 5)
    tree, _ = generate(options_for(sample_repo, tmp_path / "out"))
    assert _rows(tree.files["dashboards/open-reviews.md"]) == PAGE_SIZE
    assert "dashboards/open-reviews-page-2.md" in tree.files


def test_every_list_writes_its_whole_content_as_json_for_the_filter(
    sample_repo: Path, tmp_path: Path
) -> None:
    _many_open_reviews(sample_repo, PAGE_SIZE + 5)
    tree, _ = generate(options_for(sample_repo, tmp_path / "out"))
    data = json.loads(tree.files["reviews/index.json"])
    assert len(data["rows"]) == PAGE_SIZE + 8
    assert [c["name"] for c in data["columns"]][:3] == ["Review", "Title", "Customer"]
    last_page = str(tree.files["reviews/index-page-2.md"])
    assert 'data-src="index.json"' in last_page
    texts = json.dumps(data)
    assert "TR-0003" in texts and "reviews/tr-0003-hostile.html" in texts
    for listing in ("accounts/index.json", "people/index.json", "dashboards/open-reviews.json",
                    "dashboards/decisions.json", "tags/trigger-air-gapped.json"):  # fmt: skip
        assert json.loads(tree.files[listing])["rows"], listing


def test_the_list_json_keeps_front_matter_text_as_written(sample_site: BuiltSite) -> None:
    """Cells are text, not HTML: the filter puts them on the page as text (textContent)."""
    data = json.loads((sample_site.out / "reviews" / "index.json").read_text(encoding="utf-8"))
    hostile = next(row for row in data["rows"] if "TR-0003" in json.dumps(row))
    assert HOSTILE_TITLE in hostile["d"]


def test_list_tables_are_sortable_with_numbers_sorted_as_numbers(sample_site: BuiltSite) -> None:
    people = (sample_site.options.docs / "pages" / "people" / "index.md").read_text(encoding="utf-8")
    assert 'class="hb-table hb-sortable' in people
    assert '<th data-sort-method="number">Reviews</th>' in people


# --- the theme --------------------------------------------------------------------------------------


def test_dashboards_and_lists_use_the_full_width(sample_site: BuiltSite) -> None:
    pages = sample_site.options.docs / "pages"
    for page in ("index.md", "dashboards/index.md", "dashboards/open-reviews.md", "dashboards/tech-win.md",
                 "reviews/index.md", "accounts/index.md", "people/index.md"):  # fmt: skip
        hidden = _front_matter((pages / page).read_text(encoding="utf-8"))["hide"]
        assert isinstance(hidden, list) and "navigation" in hidden, page


def test_tablesort_is_vendored_with_its_licence_and_nothing_loads_from_elsewhere(
    sample_site: BuiltSite,
) -> None:
    vendored = sample_site.out / "assets" / "vendor" / "tablesort"
    assert (vendored / "tablesort.min.js").is_file()
    assert "Tristen Brown" in (vendored / "LICENCE.txt").read_text(encoding="utf-8")
    source = (REPOSITORY / "site" / "assets" / "vendor" / "tablesort" / "README.md").read_text(
        encoding="utf-8"
    )
    assert "registry.npmjs.org/tablesort" in source and "sha512-" in source
    html = sample_site.html("reviews/index.html")
    assert "vendor/tablesort/tablesort.min.js" in html
    for page in ("index.html", "reviews/index.html", "dashboards/open-reviews.html"):
        text = sample_site.html(page)
        assert not re.search(r"<script[^>]+src=\"(https?:)?//", text), page
        assert not re.search(r"<link[^>]+href=\"(https?:)?//[^\"]+\.css", text), page


# --- search -------------------------------------------------------------------------------------------


def _search_docs(site: BuiltSite) -> list[dict[str, Any]]:
    index = json.loads((site.out / "search" / "search_index.json").read_text(encoding="utf-8"))
    docs = index["docs"]
    assert isinstance(docs, list)
    return docs


def test_search_has_one_entry_per_document_with_its_id_as_a_tag(sample_site: BuiltSite) -> None:
    docs = _search_docs(sample_site)
    review = [d for d in docs if str(d["location"]).startswith("reviews/tr-0001-air-gap.html")]
    assert len(review) == 1
    assert {"TR-0001", "0001", "1"} <= set(review[0]["tags"])
    account = next(d for d in docs if d["location"] == "accounts/northwind-test.html")
    assert {"Northwind Test", "northwind-test"} <= set(account["tags"])
    person = next(d for d in docs if d["location"] == "people/carl-ce.html")
    assert "carl-ce" in person["tags"]


def test_the_search_entries_reach_the_index_but_are_not_published(sample_site: BuiltSite) -> None:
    from generator.site.search import ENTRIES_FILE

    assert (sample_site.options.docs / "pages" / ENTRIES_FILE).is_file()
    assert not (sample_site.out / ENTRIES_FILE).exists()


def test_search_leaves_out_boilerplate(sample_site: BuiltSite) -> None:
    flat = json.dumps(_search_docs(sample_site))
    for boilerplate in ("Edit this page", "Account team", "Sign-offs: not yet collected", "Peer reviewer"):
        assert boilerplate not in flat, boilerplate


def test_a_search_snippet_is_escaped_text(sample_site: BuiltSite) -> None:
    docs = _search_docs(sample_site)
    hostile = next(d for d in docs if str(d["location"]).startswith("reviews/tr-0003"))
    assert "<script>" not in str(hostile["title"]) + str(hostile["text"])
    assert "&lt;script&gt;" in str(hostile["title"])


@pytest.mark.parametrize("field", ["title", "text"])
def test_search_entries_of_documents_say_what_they_are(sample_site: BuiltSite, field: str) -> None:
    docs = _search_docs(sample_site)
    review = next(d for d in docs if str(d["location"]).startswith("reviews/tr-0001"))
    assert str(review[field])
    assert "Northwind Test" in str(review["text"])


# --- who is blocking ----------------------------------------------------------------------------------


def _docs_page(site: BuiltSite, page: str) -> str:
    return (site.options.docs / "pages" / page).read_text(encoding="utf-8")


def _row(page: str, review_id: str) -> str:
    found = re.search(rf'<tr[^>]*data-review="{review_id}"[^>]*>.*?</tr>', page, re.S)
    assert found, review_id
    return found.group(0)


@pytest.mark.parametrize("page", ["dashboards/open-reviews.md", "index.md", "dashboards/index.md"])
def test_an_open_review_shows_who_can_sign_and_for_how_long_it_has_waited(
    sample_site: BuiltSite, page: str
) -> None:
    row = _row(_docs_page(sample_site, page), "TR-0001")
    assert "product" in row
    assert "@rita-reviewer" in row and "@sam-product" in row
    assert 'href="https://github.com/handbook-org/handbook/pull/7"' in row
    # Opened Tuesday 2026-11-03; built for Monday 2026-11-23: 14 business days.
    assert "14 business days" in row


def test_an_open_review_without_an_open_pull_request_says_so(sample_site: BuiltSite) -> None:
    assert "no open pull request" in _row(_docs_page(sample_site, "dashboards/open-reviews.md"), "TR-0002")


def test_each_team_has_a_page_of_what_it_owes_oldest_first(sample_site: BuiltSite) -> None:
    page = _docs_page(sample_site, "dashboards/waiting/product.md")
    assert page.index("/pull/7") < page.index("/pull/12")
    assert "tr-0001-air-gap" in page and "hb-overdue" in page
    overview = _docs_page(sample_site, "dashboards/waiting.md")
    assert 'href="waiting/product.html"' in overview


def test_a_role_name_from_the_ledger_that_is_not_a_role_gets_no_page(
    sample_repo: Path, tmp_path: Path
) -> None:
    ledger = tmp_path / "ledger.json"
    content.write_ledger(ledger, {
        "version": 1,
        "open_pull_requests": [{
            "pull_request": 9, "title": "x", "url": "https://github.com/o/r/pull/9", "author": "carl-ce",
            "opened_at": "2026-11-18T09:00:00Z", "head_sha": "0" * 40,
            "documents": ["reviews/tr-0001-air-gap.md"],
            "waiting": [{"role": "../../etc", "people": ["rita-reviewer"]},
                        {"role": "support", "people": []}, {"role": "index", "people": ["rita-reviewer"]}],
        }],
    })  # fmt: skip
    tree, _ = generate(options_for(sample_repo, tmp_path / "out", ledger=ledger))
    waiting = sorted(p for p in tree.files if p.startswith("dashboards/waiting/") and p.endswith(".md"))
    assert waiting == ["dashboards/waiting/index.md", "dashboards/waiting/support.md"]
    # A role may be called anything a policy allows, "index" too: it never takes the overview's place.
    assert "Who is blocking" in str(tree.files["dashboards/waiting.md"])


def test_a_person_page_has_a_queue_linking_the_review_and_the_pull_request(sample_site: BuiltSite) -> None:
    page = _docs_page(sample_site, "people/rita-reviewer.md")
    queue = page[page.index('id="my-queue"') :]
    assert 'href="../reviews/tr-0001-air-gap.html"' in queue
    assert 'href="https://github.com/handbook-org/handbook/pull/7"' in queue
    assert "hb-overdue" in queue and "14 business days" in queue


def test_a_busy_persons_page_shows_the_newest_few_and_filters_them_all(
    sample_repo: Path, tmp_path: Path
) -> None:
    _many_open_reviews(sample_repo, 80)
    tree, _ = generate(options_for(sample_repo, tmp_path / "out"))
    page = str(tree.files["people/dan-ce.md"])
    reviews = page[page.index('id="reviews"') : page.index('id="accounts"')]
    assert _rows(reviews) == PERSON_LIMIT
    assert reviews.index("TR-0010") < reviews.index("TR-0011")  # newest first
    assert 'data-src="dan-ce.reviews.json"' in reviews
    assert len(json.loads(tree.files["people/dan-ce.reviews.json"])["rows"]) == 81


# --- pictures -----------------------------------------------------------------------------------------

CHARTS = ("open-by-age", "open-by-role", "health-by-segment", "health-by-tier", "renewals-timeline",
          "pipeline-by-phase")  # fmt: skip


def test_open_reviews_by_age_count_every_open_review_once(sample_site: BuiltSite) -> None:
    from generator.site import index
    from generator.site.build import load_handbook

    handbook = load_handbook(sample_site.root, sample_site.options.ledger, sample_site.options.today)
    buckets = index.open_by_age(index.open_reviews(handbook))
    assert sum(b.on_time + b.overdue for b in buckets) == 2
    # TR-0001: 15 business days old and overdue; TR-0002: 1 business day old, on time.
    assert [(b.label, b.on_time, b.overdue) for b in buckets if b.on_time or b.overdue] == [
        ("0–3 business days", 1, 0),
        ("11–20 business days", 0, 1),
    ]


def test_open_reviews_by_the_role_they_wait_on(sample_site: BuiltSite) -> None:
    from generator.site import index
    from generator.site.build import load_handbook

    handbook = load_handbook(sample_site.root, sample_site.options.ledger, sample_site.options.today)
    assert index.open_by_role(index.open_reviews(handbook)) == {"product": 1, "no open pull request": 1}


@pytest.mark.parametrize("chart", CHARTS)
def test_each_chart_is_static_svg_with_its_data_table(sample_site: BuiltSite, chart: str) -> None:
    svg = (sample_site.out / "dashboards" / f"{chart}.svg").read_text(encoding="utf-8")
    assert "<svg" in svg and "<script" not in svg
    page = sample_site.html("dashboards/charts.html")
    assert f'src="{chart}.svg"' in page
    assert f'<table class="hb-table hb-chart-data" id="{chart}-data"' in page


# --- details a Material site is expected to have -------------------------------------------------------


def test_a_review_shows_its_asks_once(sample_site: BuiltSite) -> None:
    html = sample_site.html("reviews/tr-0001-air-gap.html")
    assert len(re.findall(r"<h2 id=\"[^\"]*\">Asks", html)) == 1
    assert html.count("Confirm the offline install procedure") == 1


def test_document_pages_have_a_table_of_contents(sample_site: BuiltSite) -> None:
    html = sample_site.html("reviews/tr-0001-air-gap.html")
    toc = html[html.index('class="md-nav md-nav--secondary"') :]
    assert 'href="#sign-offs"' in toc[: toc.index("</nav>")]


def test_the_theme_offers_a_dark_mode(sample_site: BuiltSite) -> None:
    html = sample_site.html("index.html")
    assert 'data-md-color-scheme="slate"' in html and 'data-md-component="palette"' in html


@pytest.mark.parametrize(("days", "says"), [(1, "in 1 day<"), (2, "in 2 days<"), (-1, "1 day ago")])
def test_renewal_countdowns_say_day_or_days(sample_repo: Path, tmp_path: Path, days: int, says: str) -> None:
    when = (TODAY + dt.timedelta(days=days)).isoformat()
    content.write_account(sample_repo, content.account("soon-co", "Soon Co", renewal_date=when))
    tree, _ = generate(options_for(sample_repo, tmp_path / "out"))
    assert says in str(tree.files["accounts/soon-co.md"])


def test_a_decision_needed_today_is_flagged(sample_repo: Path, tmp_path: Path) -> None:
    data = content.review(
        7, "quiet-co", "Due today", decision_needed_by=TODAY.isoformat(), opened="2026-11-20"
    )
    content.write_review(sample_repo, data, "today")
    tree, _ = generate(options_for(sample_repo, tmp_path / "out"))
    assert "needed today" in str(tree.files["reviews/tr-0007-today.md"])
    row = _row(str(tree.files["dashboards/open-reviews.md"]), "TR-0007")
    assert 'class="hb-flag">today<' in row


def test_the_tech_win_table_shows_each_reviews_status_beside_its_id(
    sample_repo: Path, tmp_path: Path
) -> None:
    opportunity = {
        "id": "nw-expansion", "name": "Northwind expansion", "ce": "carl-ce", "ae": "ada-ae",
        "sales_stage": 3, "close_date": "2026-12-15", "tech_win_phase": "tech-design-trial-planning",
        "tech_review": "TR-0008", "non_standard": True, "tdd": "https://docs.example.com/tdd/nw",
        "gates": passed_gates(TechWinPhase.TECH_DESIGN_TRIAL_PLANNING),
    }  # fmt: skip
    content.write_account(sample_repo, content.account("acme", "Acme", opportunities=[opportunity]))
    content.write_review(sample_repo, content.review(8, "acme", "Acme on one node"), "acme")
    tree, _ = generate(options_for(sample_repo, tmp_path / "out"))
    page = str(tree.files["dashboards/tech-win.md"])
    assert re.search(r'TR-0008</a> <span class="hb-badge hb-status-in-review">', page)


def test_a_review_page_names_who_can_give_each_missing_sign_off(sample_site: BuiltSite) -> None:
    html = sample_site.html("reviews/tr-0001-air-gap.html")
    line = html[html.index("pull request #7") :].split("</p>")[0]
    assert "waits on: <strong>product</strong>" in line
    assert 'href="../people/rita-reviewer.html"' in line and 'href="../people/sam-product.html"' in line
    assert "open 14 business days" in line


def test_who_is_blocking_ranks_the_people_most_waited_on(sample_site: BuiltSite) -> None:
    page = _docs_page(sample_site, "dashboards/waiting.md")
    people = page[page.index('id="people"') :]
    assert 'href="../people/rita-reviewer.html"' in people and 'href="../people/sam-product.html"' in people
    rita = re.search(r'<tr data-person="rita-reviewer">.*?</tr>', people, re.S)
    assert rita and '<td data-sort="2">2</td>' in rita.group(0)  # pull requests #7 and #12


def _git(root: Path, *args: str, when: str = "2026-11-10T12:00:00+00:00") -> None:
    import os
    import subprocess

    env = os.environ | {"GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when, "GIT_AUTHOR_NAME": "t",
                        "GIT_AUTHOR_EMAIL": "t@example.com", "GIT_COMMITTER_NAME": "t",
                        "GIT_COMMITTER_EMAIL": "t@example.com"}  # fmt: skip
    subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True, env=env)


def test_document_pages_say_when_git_last_changed_them(sample_repo: Path, tmp_path: Path) -> None:
    _git(sample_repo, "init", "-q")
    _git(sample_repo, "add", "reviews", "accounts")
    _git(sample_repo, "commit", "-q", "-m", "first")
    (sample_repo / "reviews" / "tr-0002-korean.md").write_text(
        (sample_repo / "reviews" / "tr-0002-korean.md").read_text(encoding="utf-8") + "\nMore.\n",
        encoding="utf-8",
    )
    _git(sample_repo, "commit", "-q", "-am", "second", when="2026-11-20T09:00:00+00:00")
    tree, _ = generate(options_for(sample_repo, tmp_path / "out"))
    assert 'Last updated <time datetime="2026-11-20">' in str(tree.files["reviews/tr-0002-korean.md"])
    assert 'Last updated <time datetime="2026-11-10">' in str(tree.files["reviews/tr-0001-air-gap.md"])
    assert 'Last updated <time datetime="2026-11-10">' in str(tree.files["accounts/quiet-co.md"])


def test_outside_git_no_date_is_made_up(sample_site: BuiltSite) -> None:
    assert "Last updated" not in _docs_page(sample_site, "reviews/tr-0001-air-gap.md")


def test_the_pipeline_counts_opportunities_by_phase_and_window(sample_repo: Path, tmp_path: Path) -> None:
    from generator.site import index
    from generator.site.build import load_handbook

    tdd = "https://docs.example.com/tdd/acme"
    deals = [
        {"id": "a", "name": "A", "ce": "carl-ce", "ae": "ada-ae", "sales_stage": 2,
         "close_date": "2026-12-15", "tech_win_phase": "initial-conversations", "tdd": tdd},
        {"id": "b", "name": "B", "ce": "carl-ce", "ae": "ada-ae", "sales_stage": 4,
         "close_date": "2027-02-01", "tech_win_phase": "trial-execution", "tdd": tdd,
         "gates": passed_gates(TechWinPhase.TRIAL_EXECUTION)},
    ]  # fmt: skip
    content.write_account(sample_repo, content.account("acme", "Acme", opportunities=deals))
    handbook = load_handbook(sample_repo, tmp_path / "no-ledger.json", TODAY)
    pipeline = index.pipeline_by_phase(index.tech_win(handbook))
    assert pipeline["Initial Conversations"] == {"this quarter": 1, "next quarter": 0, "slipped": 0}
    assert pipeline["Trial Execution"] == {"this quarter": 0, "next quarter": 1, "slipped": 0}
    assert len(pipeline) == 5  # every phase, in order, even when empty
    tree, _ = generate(options_for(sample_repo, tmp_path / "out"))
    assert "<svg" in str(tree.files["dashboards/pipeline-by-phase.svg"])
    assert 'id="pipeline-by-phase-data"' in str(tree.files["dashboards/charts.md"])
