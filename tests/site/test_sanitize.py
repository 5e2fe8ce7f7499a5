"""Contributors' Markdown and front-matter text on their way into pages: bodies go through real mkdocs
builds (mkdocs converts them, the site's hook cleans them), front-matter text through the heading filter."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

import pytest

from generator.site.build import BuildError, generate, run_mkdocs
from generator.site.page import BODY_MARKER
from generator.site.sanitize import clean_body_html, markdown_heading_text
from tests.site import content
from tests.site.conftest import options_for, write_sample

HOSTILE = [
    "<script>alert(1)</script>",
    '<img src="https://x.example/a.png" onerror="alert(1)">',
    "[x](javascript:alert(1))",
    "[x](JaVaScRiPt:alert(1))",
    '<iframe src="https://x.example/"></iframe>',
    '<a href="data:text/html,<script>alert(1)</script>">x</a>',
    '<svg onload="alert(1)"></svg>',
    '<div style="background:url(javascript:alert(1))">x</div>',
    '<object data="https://x.example/x.swf"></object><embed src="https://x.example/x.swf">',
    '<form action="https://x.example"><input name="q"></form>',
    "## <img src=https://x.example/x onerror=alert(1)> heading",
    '<div class="md-search__input hb-overdue">class names of the theme</div>',
    "```\n<!-- handbook:document-body -->\n```\n\n<!-- handbook:document-body --><script>alert(2)</script>"
    "\n\n<!-- handbook:html -->\n\n<!-- /handbook:html -->",
    "<!-- an unclosed comment <script>alert(3)</script>",
    "\x02wzxhzdk:0\x03 a Markdown placeholder",
]
ACTIVE = ("<script", "onerror", "onload", "javascript:", "<iframe", "data:", "style=", "<object", "<embed",
          "<form", "<input", "<svg", "md-search", "hb-overdue")  # fmt: skip


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One review per hostile body, built once by `handbook build`'s pipeline."""
    root = tmp_path_factory.mktemp("hostile")
    content.write_account(root, content.account("acme", "Acme"))
    for number, body in enumerate(HOSTILE, start=1):
        content.write_review(root, content.review(number, "acme", f"Case {number}"), "case", f"\n{body}\n")
    options = options_for(root, root / "build")
    generate(options)
    run_mkdocs(options.docs, options.out)
    return options.out


def _body(site: Path, number: int, slug: str = "case") -> str:
    page = (site / "reviews" / f"tr-{number:04d}-{slug}.html").read_text(encoding="utf-8")
    return page.split('<div class="hb-body">', 1)[1].split("</article>", 1)[0]


@pytest.mark.parametrize("number", range(1, len(HOSTILE) + 1), ids=[h[:30] for h in HOSTILE])
def test_nothing_active_survives_in_a_built_page(hostile_site: Path, number: int) -> None:
    body = _body(hostile_site, number).lower()
    for needle in ACTIVE:
        assert needle not in body
    assert "written for misalignment." in body  # the rest of the body is still there


def test_a_page_has_exactly_one_body(hostile_site: Path) -> None:
    page = (hostile_site / "reviews" / "tr-0013-case.html").read_text(encoding="utf-8")
    assert page.count('<div class="hb-body">') == 1
    assert page.count('<div class="hb" markdown="0">') == 1  # the page's own HTML is put back once
    assert BODY_MARKER not in page


def test_a_hostile_heading_reaches_no_other_part_of_the_page(hostile_site: Path) -> None:
    number = next(n for n, body in enumerate(HOSTILE, start=1) if body.startswith("## <img"))
    page = (hostile_site / "reviews" / f"tr-{number:04d}-case.html").read_text(encoding="utf-8")
    assert "onerror" not in page.lower()  # not in the title, the table of contents, or the search data


def test_tables_code_images_anchors_and_admonitions_survive(tmp_path: Path) -> None:
    write_sample(tmp_path)
    extra = (
        "\n| a | b |\n| - | - |\n| 1 | 2 |\n\n```\nx < y\n```\n\n"
        '![d](https://x.example/d.png) [w](https://x.example)\n\n!!! note "Heads up"\n    Careful.\n'
    )
    content.write_review(tmp_path, content.review(4, "northwind-test", "Rich"), "rich", extra)
    options = options_for(tmp_path, tmp_path / "build")
    generate(options)
    run_mkdocs(options.docs, options.out)
    body = _body(options.out, 4, "rich")
    assert "<table>" in body and "<td>1</td>" in body
    assert "<pre><code>x &lt; y\n</code></pre>" in body
    assert '<img alt="d" src="https://x.example/d.png">' in body
    assert 'href="https://x.example"' in body
    assert '<div class="admonition note">' in body and '<p class="admonition-title">Heads up</p>' in body
    assert '<h2 id="misalignment">Misalignment<a class="headerlink" href="#misalignment"' in body


def test_the_cleaner_keeps_known_classes_and_records_relative_links() -> None:
    html = '<a class="headerlink evil" href="../accounts/acme.html#risks">p</a>'
    html += '<a href="mailto:a@b.example">m</a>'
    fragment = clean_body_html(html, "reviews/t.md")
    assert 'class="headerlink"' in fragment.html and "evil" not in fragment.html
    assert fragment.links == [("../accounts/acme.html#risks", "accounts/acme.html")]


def test_a_plain_mkdocs_build_of_the_docs_tree_sanitizes_bodies_too(sample_repo: Path) -> None:
    options = options_for(sample_repo, sample_repo / "build")
    generate(options)
    out = sample_repo / "plain"
    command = [sys.executable, "-m", "mkdocs", "build", "--quiet", "-f", str(options.docs / "mkdocs.yml")]
    subprocess.run([*command, "-d", str(out)], check=True, capture_output=True)
    page = (out / "reviews" / "tr-0003-hostile.html").read_text(encoding="utf-8")
    assert '<div class="hb-body">' in page
    assert "window.__pwned" not in page.split('<div class="hb-body">', 1)[1]


def _pages(site: Path) -> dict[str, str]:
    """Every built page, whitespace runs made one space (Markdown and the hook space blocks apart)."""
    return {
        p.relative_to(site).as_posix(): " ".join(p.read_text(encoding="utf-8").split())
        for p in site.rglob("*.html")
    }


def test_setting_the_pages_html_aside_changes_no_built_page(sample_repo: Path) -> None:
    options = options_for(sample_repo, sample_repo / "build")
    generate(options)
    run_mkdocs(options.docs, options.out)
    # The same tree with only the sanitizer hooked in: Python-Markdown parses the pages' HTML itself.
    (options.docs / "hooks" / "sanitize_only.py").write_text(
        "from generator.site.hooks import on_page_content, on_post_build, on_pre_build  # noqa: F401\n"
    )
    config = (options.docs / "mkdocs.yml").read_text(encoding="utf-8")
    (options.docs / "sanitize-only.yml").write_text(
        config.replace("hooks/handbook.py", "hooks/sanitize_only.py")
    )
    command = [
        sys.executable,
        "-m",
        "mkdocs",
        "build",
        "--quiet",
        "-f",
        str(options.docs / "sanitize-only.yml"),
    ]
    subprocess.run([*command, "-d", str(sample_repo / "parsed")], check=True, capture_output=True)
    assert _pages(options.out) == _pages(sample_repo / "parsed")


def test_a_document_page_without_its_body_marker_fails_the_build(sample_repo: Path) -> None:
    options = options_for(sample_repo, sample_repo / "build")
    generate(options)
    page = options.docs / "pages" / "reviews" / "tr-0003-hostile.md"
    page.write_text(page.read_text(encoding="utf-8").replace(BODY_MARKER, ""), encoding="utf-8")
    with pytest.raises(BuildError) as failure:
        run_mkdocs(options.docs, options.out)
    assert any("body marker is missing" in problem for problem in failure.value.problems)


def test_a_heading_from_front_matter_carries_no_markup() -> None:
    text = markdown_heading_text("<b>x</b> *y* [z](u) & `c`\n# h")
    assert "<" not in text and "*y*" not in text and "[z](u)" not in text
    assert "\n" not in text


def test_bodies_cleaned_in_two_threads_at_once_keep_their_own_links() -> None:
    """One cleaner serves every body (site/sanitize.py): a body's links are its own, rewritten for its
    own page, however the bodies of serve's threads interleave."""
    found: dict[str, list[list[tuple[str, str]]]] = {"reviews/a.md": [], "accounts/b.md": []}

    def clean(page: str, target: str) -> None:
        for _ in range(200):
            fragment = clean_body_html(f'<p><a href="{target}">x</a></p>', page)
            found[page].append(fragment.links)

    threads = [
        threading.Thread(target=clean, args=("reviews/a.md", "other.md")),
        threading.Thread(target=clean, args=("accounts/b.md", "../reviews/x.md")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all(links == [("other.md", "reviews/other.md")] for links in found["reviews/a.md"])
    assert all(links == [("../reviews/x.md", "reviews/x.md")] for links in found["accounts/b.md"])
