"""Site fixtures: built sites (the bundled content, and a small repository written here), served over
local HTTP, and headless Chromium (Debian's package) driven by Playwright."""

from __future__ import annotations

import datetime as dt
import functools
import http.server
import os
import re
import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from generator.site.build import BuildOptions, BuildResult, build_site
from tests.site import content

REPOSITORY = Path(__file__).resolve().parents[2]
TODAY = dt.date(2026, 11, 23)  # a Monday
ARTIFACTS = REPOSITORY / "test-artifacts"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
HOSTILE_BODY = """
<script>window.__pwned = "script"</script>

<img src="https://images.example.invalid/x.png" onerror="window.__pwned = 'onerror'">

[click me](javascript:window.__pwned='javascript-link')

<iframe src="https://evil.example.invalid/"></iframe>

<a href="#" onclick="window.__pwned='onclick'">harmless anchor</a>

| kept | table |
| --- | --- |
| cell | `code` |
"""
HOSTILE_TITLE = '</title><script>window.__pwned="title"</script> & *stars*'


def options_for(root: Path, base: Path, today: dt.date = TODAY, ledger: Path | None = None) -> BuildOptions:
    return BuildOptions(
        root=root,
        out=base / "site",
        docs=base / "docs",
        ledger=ledger or base / "no-ledger.json",
        today=today,
        repo_url="https://github.com/handbook-org/handbook",
    )


@dataclass(frozen=True)
class BuiltSite:
    root: Path
    options: BuildOptions
    result: BuildResult

    @property
    def out(self) -> Path:
        return self.options.out

    def html(self, page: str) -> str:
        return (self.out / page).read_text(encoding="utf-8")


def write_sample(root: Path) -> None:
    """A red account renewing soon, an overdue review, a fresh one, and a decided hostile one."""
    content.write_account(
        root,
        content.account(
            "northwind-test",
            "Northwind Test",
            segment="strategic",
            renewal_date="2026-12-20",
            last_revisited="2026-09-01",
            health={"status": "red", "reason": "The champion left in October."},
            red_account={
                "since": "2026-10-20",
                "current_status": "No sponsor since the champion left.",
                "asks": ["An executive sponsor call"],
                "action_plan": [{"action": "Meet the new champion", "owner": "ada-ae", "due": "2026-11-30"}],
            },
        ),
    )
    content.write_account(root, content.account("quiet-co", "Quiet Co", ae="bea-ae", ce="dan-ce"))
    content.write_review(
        root, content.review(1, "northwind-test", "Air-gapped trial in the plant network"), "air-gap"
    )
    content.write_review(
        root,
        content.review(
            2, "northwind-test", "Support in Korean", opened="2026-11-20", triggers=["support-risk"]
        ),
        "korean",
    )
    content.write_review(
        root,
        content.review(
            3,
            "quiet-co",
            HOSTILE_TITLE,
            author="dan-ce",
            account_team={"ae": "bea-ae", "ce": "dan-ce"},
            opened="2026-10-01",
            status="approved",
            decision={
                "outcome": "yes",
                "recommended_by": "vera-vp",
                "decided_on": "2026-10-09",
                "customer_messaging": "They run outside normal guidelines: upgrades take longer.",
            },
        ),
        "hostile",
        HOSTILE_BODY,
    )


def sample_ledger(path: Path) -> Path:
    waiting = [{"role": "product", "people": ["rita-reviewer", "sam-product"]}]
    pull = {"head_sha": "0" * 40, "author": "carl-ce", "documents": ["reviews/tr-0001-air-gap.md"]}
    return content.write_ledger(
        path,
        {
            "version": 1,
            "repository": "handbook-org/handbook",
            "documents": {
                "reviews/tr-0001-air-gap.md": [
                    {
                        "pull_request": 3,
                        "title": "TR-0001: submit for review",
                        "url": "https://github.com/handbook-org/handbook/pull/3",
                        "author": "carl-ce",
                        "merged_at": "2026-10-01T16:00:00Z",
                        "required": ["peer-ce"],
                        "signoffs": [
                            {"role": "peer-ce", "login": "pia-peer", "approved_at": "2026-10-01T09:00:00Z"}
                        ],
                    },
                    {
                        "pull_request": 5,
                        "title": "TR-0001: asks answered",
                        "url": "https://github.com/handbook-org/handbook/pull/5",
                        "author": "carl-ce",
                        "merged_at": "2026-10-20T16:00:00Z",
                        "required": ["product", "support"],
                        "signoffs": [
                            {
                                "role": "product",
                                "login": "rita-reviewer",
                                "approved_at": "2026-10-20T09:00:00Z",
                            }
                        ],
                        "missing": ["support"],
                    },
                ],
                "reviews/tr-0099-gone.md": [
                    {
                        "pull_request": 4,
                        "title": "TR-0099: removed",
                        "url": "https://github.com/handbook-org/handbook/pull/4",
                        "author": "carl-ce",
                        "merged_at": "2026-10-10T16:00:00Z",
                        "required": ["ce-vp"],
                        "blocked_by": ["vic-vp"],
                    }
                ],
            },
            "open_pull_requests": [
                {
                    **pull,
                    "pull_request": 12,
                    "title": "TR-0001: <b>answer</b> the asks",
                    "url": "https://github.com/handbook-org/handbook/pull/12",
                    "opened_at": "2026-11-18T09:00:00Z",
                    "waiting": waiting,
                },
                {
                    **pull,
                    "pull_request": 7,
                    "title": "TR-0001: first draft",
                    "url": "https://github.com/handbook-org/handbook/pull/7",
                    "opened_at": "2026-11-03T09:00:00Z",
                    "waiting": waiting,
                },
            ],
        },
    )


@pytest.fixture(scope="session")
def bundled_site(tmp_path_factory: pytest.TempPathFactory) -> BuiltSite:
    """The example content of this repository, built once per test session."""
    base = tmp_path_factory.mktemp("bundled")
    options = options_for(REPOSITORY, base)
    return BuiltSite(REPOSITORY, options, build_site(options))


@pytest.fixture(scope="session")
def sample_site(tmp_path_factory: pytest.TempPathFactory) -> BuiltSite:
    """A small repository written here (with a sign-off ledger), built once per test session."""
    root = tmp_path_factory.mktemp("sample")
    write_sample(root)
    options = options_for(root, root / "build", ledger=sample_ledger(root / "build" / "ledger.json"))
    return BuiltSite(root, options, build_site(options))


@pytest.fixture
def sample_repo(tmp_path: Path) -> Path:
    """A fresh copy of the sample repository, for tests that change documents."""
    write_sample(tmp_path)
    return tmp_path


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


def _serve(folder: Path) -> Iterator[str]:
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def bundled_url(bundled_site: BuiltSite) -> Iterator[str]:
    yield from _serve(bundled_site.out)


@pytest.fixture(scope="session")
def sample_url(sample_site: BuiltSite) -> Iterator[str]:
    yield from _serve(sample_site.out)


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    """Debian's Chromium; missing it skips locally and fails in CI (HANDBOOK_REQUIRE_BROWSER=1)."""
    required = os.environ.get("HANDBOOK_REQUIRE_BROWSER") == "1"
    if not CHROMIUM.exists() or shutil.which(str(CHROMIUM)) is None:
        if required:
            pytest.fail(f"{CHROMIUM} is missing and HANDBOOK_REQUIRE_BROWSER=1: install the chromium package")
        pytest.skip(f"{CHROMIUM} is not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@dataclass
class Tab:
    """A browser page that records console errors and uncaught exceptions."""

    page: Any
    errors: list[str]


@pytest.fixture
def tab(chromium: Any, request: pytest.FixtureRequest) -> Iterator[Tab]:
    """A fresh page per test; its screenshot goes to test-artifacts/<test>.png whatever the outcome."""
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        yield Tab(page, errors)
    finally:
        ARTIFACTS.mkdir(exist_ok=True)
        name = re.sub(r"[^A-Za-z0-9_.-]+", "-", request.node.name)
        try:
            page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
        finally:
            context.close()


LARGE_REVIEWS, LARGE_ACCOUNTS = 2000, 500


@pytest.fixture(scope="session")
def large_site(tmp_path_factory: pytest.TempPathFactory) -> BuiltSite:
    """`handbook demo --reviews 2000 --accounts 500` with its sign-off ledger, built once per session
    (25 to 60 s on a shared two-core machine: the tests using it are marked slow)."""
    from generator.authoring import demo

    root = tmp_path_factory.mktemp("large")
    demo.write(demo.generate(LARGE_REVIEWS, LARGE_ACCOUNTS, seed=1, today=TODAY), root)
    options = options_for(root, root / "build", ledger=root / demo.LEDGER_FILE)
    return BuiltSite(root, options, build_site(options))


@pytest.fixture(scope="session")
def large_url(large_site: BuiltSite) -> Iterator[str]:
    yield from _serve(large_site.out)
