"""`handbook serve`: a rebuild re-reads, re-renders and rewrites only what a change touched."""

from __future__ import annotations

import dataclasses
import json
import socket
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from generator.documents.validate import validate_repository
from generator.site.build import InvalidDocuments
from generator.site.serve import DocumentCache, Preview, serve
from tests.site import content
from tests.site.conftest import options_for

AIR_GAP = "reviews/tr-0001-air-gap"
KOREAN = "reviews/tr-0002-korean"
HOSTILE = "reviews/tr-0003-hostile"


def _stamps(folder: Path) -> dict[str, int]:
    return {p.relative_to(folder).as_posix(): p.stat().st_mtime_ns for p in folder.rglob("*") if p.is_file()}


def _changed(before: dict[str, int], after: dict[str, int]) -> set[str]:
    return {path for path, stamp in after.items() if before.get(path) != stamp}


def _append(path: Path, text: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


@pytest.fixture
def preview(sample_repo: Path) -> Preview:
    built = Preview(options_for(sample_repo, sample_repo / "build"))
    built.full()
    return built


def test_a_body_edit_rebuilds_only_that_page(preview: Preview, sample_repo: Path) -> None:
    docs, site = _stamps(preview.options.docs), _stamps(preview.options.out)
    _append(sample_repo / f"{KOREAN}.md", "\nThe customer replied on Friday.\n")
    result = preview.update()
    assert (result.read, result.rendered, result.written) == (1, 1, 1)
    assert _changed(docs, _stamps(preview.options.docs)) == {f"pages/{KOREAN}.md"}
    rebuilt = _changed(site, _stamps(preview.options.out))
    assert f"{KOREAN}.html" in rebuilt
    assert not {f"{AIR_GAP}.html", f"{HOSTILE}.html", "accounts/northwind-test.html", "index.html"} & rebuilt
    assert "The customer replied on Friday." in (preview.options.out / f"{KOREAN}.html").read_text()


def test_a_title_edit_reaches_its_account_and_the_lists_but_not_other_reviews(
    preview: Preview, sample_repo: Path
) -> None:
    site = _stamps(preview.options.out)
    _replace(
        sample_repo / f"{KOREAN}.md", "title: Support in Korean", "title: Support in Korean and Japanese"
    )
    result = preview.update()
    assert result.read == 1
    assert result.rendered == 2  # the review's page and its account's page; other documents are reused
    rebuilt = _changed(site, _stamps(preview.options.out))
    assert {f"{KOREAN}.html", "accounts/northwind-test.html", "reviews/index.html"} <= rebuilt
    assert f"{AIR_GAP}.html" not in rebuilt and "accounts/quiet-co.html" not in rebuilt
    for page in (f"{KOREAN}.html", "accounts/northwind-test.html", "reviews/index.html"):
        assert "Support in Korean and Japanese" in (preview.options.out / page).read_text(encoding="utf-8")


def test_an_unchanged_repository_rebuilds_nothing(preview: Preview) -> None:
    site = _stamps(preview.options.out)
    result = preview.update()
    assert (result.read, result.rendered, result.written) == (0, 0, 0)
    assert _changed(site, _stamps(preview.options.out)) == set()


def test_search_still_finds_every_page_after_a_rebuild(preview: Preview, sample_repo: Path) -> None:
    # A document's search entry carries its opening paragraph (the snippet), so edit that one.
    _replace(sample_repo / f"{KOREAN}.md", "Written for misalignment.", "Quokka migration.")
    preview.update()
    index = json.loads((preview.options.out / "search" / "search_index.json").read_text(encoding="utf-8"))
    locations = {entry["location"].split("#")[0] for entry in index["docs"]}
    assert {f"{AIR_GAP}.html", f"{KOREAN}.html", "accounts/quiet-co.html"} <= locations
    assert any("Quokka migration." in entry["text"] for entry in index["docs"])


def test_a_new_review_is_published_and_a_removed_one_unpublished(preview: Preview, sample_repo: Path) -> None:
    added = content.write_review(sample_repo, content.review(4, "northwind-test", "Proxy only"), "proxy")
    preview.update()
    assert (preview.options.out / "reviews" / "tr-0004-proxy.html").is_file()
    assert "TR-0004" in (preview.options.out / "reviews" / "index.html").read_text(encoding="utf-8")
    added.unlink()
    preview.update()
    assert not (preview.options.out / "reviews" / "tr-0004-proxy.html").exists()
    assert not (preview.options.docs / "pages" / "reviews" / "tr-0004-proxy.md").exists()
    assert "TR-0004" not in (preview.options.out / "reviews" / "index.html").read_text(encoding="utf-8")


def test_an_invalid_edit_keeps_the_last_good_site_until_it_is_fixed(
    preview: Preview, sample_repo: Path
) -> None:
    page = preview.options.out / f"{KOREAN}.html"
    before = page.read_text(encoding="utf-8")
    _replace(sample_repo / f"{KOREAN}.md", "status: in-review", "status: sideways")
    with pytest.raises(InvalidDocuments) as failure:
        preview.update()
    assert any("'sideways'" in problem and KOREAN in problem for problem in failure.value.problems)
    assert page.read_text(encoding="utf-8") == before
    _replace(sample_repo / f"{KOREAN}.md", "status: sideways", "status: draft")
    preview.update()
    assert "hb-status-draft" in page.read_text(encoding="utf-8")


def test_the_document_cache_reports_what_the_validator_reports(sample_repo: Path) -> None:
    content.write_review(sample_repo, content.review(5, "no-such-customer", "Dangling"), "dangling")
    content.write_review(sample_repo, content.review(6, "quiet-co", "Bad", status="sideways"), "bad")
    (sample_repo / "reviews" / "tr-0007-broken.md").write_text("---\nid: [unclosed\n---\n", encoding="utf-8")
    cache = DocumentCache()
    first = cache.report(sample_repo)
    assert first.diagnostics == validate_repository(sample_repo).diagnostics
    assert len(first.diagnostics) >= 3 and cache.read == first.documents
    _replace(sample_repo / "reviews" / "tr-0005-dangling.md", "no-such-customer", "quiet-co")
    again = cache.report(sample_repo)
    assert cache.read == 1
    assert again.diagnostics == validate_repository(sample_repo).diagnostics


def test_the_document_cache_checks_body_links_as_the_validator_does(sample_repo: Path) -> None:
    _append(sample_repo / f"{KOREAN}.md", "\nSee [the plan](../accounts/no-such-plan.md).\n")
    report = DocumentCache().report(sample_repo)
    assert [d.message for d in report.diagnostics] == [
        "link '../accounts/no-such-plan.md' goes nowhere: the site has no 'accounts/no-such-plan.md'"
    ]
    assert report.diagnostics == validate_repository(sample_repo).diagnostics


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture
def served(sample_repo: Path) -> Iterator[tuple[str, list[str]]]:
    """`serve` running in a thread: its address and the lines it reported."""
    lines: list[str] = []
    stop = threading.Event()
    port = _free_port()
    options = options_for(sample_repo, sample_repo / "build")
    thread = threading.Thread(target=serve, args=(options, "127.0.0.1", port, lines.append, stop))
    thread.start()
    try:
        _wait_for(lambda: any("serving" in line for line in lines), lines)
        yield f"http://127.0.0.1:{port}/", lines
    finally:
        stop.set()
        thread.join(timeout=30)


def _wait_for(condition: object, lines: list[str], seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if callable(condition) and condition():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out; serve said: {lines}")


def test_serve_rebuilds_an_edited_review_and_serves_the_new_page(
    served: tuple[str, list[str]], sample_repo: Path
) -> None:
    url, lines = served
    with urllib.request.urlopen(f"{url}{KOREAN}.html") as response:
        assert "Support in Korean" in response.read().decode()
    _append(sample_repo / f"{KOREAN}.md", "\nEdited while serving.\n")
    _wait_for(lambda: any(line.startswith("rebuilt") for line in lines), lines)
    with urllib.request.urlopen(f"{url}{KOREAN}.html") as response:
        assert "Edited while serving." in response.read().decode()


def _status(url: str) -> dict[str, object]:
    with urllib.request.urlopen(f"{url}__handbook/status") as response:
        assert response.headers["Cache-Control"] == "no-store"
        loaded = json.loads(response.read().decode())
        assert isinstance(loaded, dict)
        return loaded


def test_served_pages_reload_themselves_after_a_rebuild(
    served: tuple[str, list[str]], sample_repo: Path
) -> None:
    url, lines = served
    with urllib.request.urlopen(f"{url}{KOREAN}.html") as response:
        assert '<script src="/__handbook/live.js"></script></body>' in response.read().decode()
    with urllib.request.urlopen(f"{url}__handbook/live.js") as response:
        assert "location.reload" in response.read().decode()
    first = _status(url)["build"]
    _append(sample_repo / f"{KOREAN}.md", "\nEdited while serving.\n")
    _wait_for(lambda: _status(url)["build"] != first, lines)
    assert _status(url)["problems"] == []


def test_a_document_error_shows_in_the_page_until_it_is_fixed(
    served: tuple[str, list[str]], sample_repo: Path
) -> None:
    url, lines = served
    _replace(sample_repo / f"{KOREAN}.md", "status: in-review", "status: sideways")
    _wait_for(lambda: bool(_status(url)["problems"]), lines)
    problems = _status(url)["problems"]
    assert isinstance(problems, list) and any(
        "tr-0002-korean.md" in str(p) and "status" in str(p) for p in problems
    )
    _replace(sample_repo / f"{KOREAN}.md", "status: sideways", "status: in-review")
    _wait_for(lambda: _status(url)["problems"] == [], lines)


def test_serve_says_nothing_per_request(
    served: tuple[str, list[str]], capfd: pytest.CaptureFixture[str]
) -> None:
    url, lines = served
    before = list(lines)
    for _ in range(3):
        with urllib.request.urlopen(f"{url}index.html") as response:
            response.read()
    assert lines == before
    assert "GET /index.html" not in capfd.readouterr().err


def test_serve_watches_the_handbook_pages(sample_repo: Path, tmp_path: Path) -> None:
    import shutil as copying

    from tests.site.conftest import REPOSITORY

    source = tmp_path / "site"
    copying.copytree(REPOSITORY / "site", source)
    lines: list[str] = []
    stop = threading.Event()
    port = _free_port()
    options = dataclasses.replace(options_for(sample_repo, sample_repo / "build"), source=source)
    thread = threading.Thread(target=serve, args=(options, "127.0.0.1", port, lines.append, stop))
    thread.start()
    try:
        _wait_for(lambda: any("serving" in line for line in lines), lines)
        assert any(line.startswith("building") for line in lines)  # the first build says it has begun
        _append(source / "handbook" / "index.md", "\nA sentence added while serving.\n")
        page = sample_repo / "build" / "site" / "handbook" / "index.html"
        _wait_for(lambda: "A sentence added while serving." in page.read_text(encoding="utf-8"), lines)
    finally:
        stop.set()
        thread.join(timeout=30)


def test_a_handbook_yml_edit_reaches_the_pages_that_count_business_days(
    preview: Preview, sample_repo: Path
) -> None:
    # A holiday inside TR-0002's feedback window moves its deadline on its page and the open reviews.
    before = (preview.options.out / f"{KOREAN}.html").read_text(encoding="utf-8")
    (sample_repo / "handbook.yml").write_text("holidays: [2026-11-24]\n", encoding="utf-8")
    preview.update()
    after = (preview.options.out / f"{KOREAN}.html").read_text(encoding="utf-8")
    assert "2026-11-25" in before and "2026-11-26" not in before
    assert "2026-11-26" in after


def test_a_broken_handbook_yml_keeps_the_last_good_site(preview: Preview, sample_repo: Path) -> None:
    from generator.site.build import BuildError

    (sample_repo / "handbook.yml").write_text("renewal_window_days: soon\n", encoding="utf-8")
    with pytest.raises(BuildError) as raised:
        preview.update()
    assert any("renewal_window_days: 'soon' is not a whole number" in p for p in raised.value.problems)
    assert (preview.options.out / f"{KOREAN}.html").is_file()


def test_serve_rebuilds_when_handbook_yml_changes(served: tuple[str, list[str]], sample_repo: Path) -> None:
    _, lines = served
    (sample_repo / "handbook.yml").write_text("fiscal_year_start_month: 2\n", encoding="utf-8")
    _wait_for(lambda: any(line.startswith("rebuilt") for line in lines), lines)


def test_a_wider_plausible_window_in_handbook_yml_reaches_documents_already_read(
    preview: Preview, sample_repo: Path
) -> None:
    _replace(sample_repo / f"{KOREAN}.md", "opened: '2026-11-20'", "opened: '1999-11-19'")
    with pytest.raises(InvalidDocuments):
        preview.update()
    (sample_repo / "handbook.yml").write_text("plausible_dates:\n  earliest: 1990-01-01\n", encoding="utf-8")
    preview.update()
    assert "1999-11-19" in (preview.options.out / f"{KOREAN}.html").read_text(encoding="utf-8")
