"""Contributors' Markdown and front-matter text on their way into pages."""

from __future__ import annotations

import pytest

from generator.site.sanitize import markdown_heading_text, markdown_to_safe_html


@pytest.mark.parametrize(
    "hostile",
    [
        "<script>alert(1)</script>",
        '<img src="https://x.example/a.png" onerror="alert(1)">',
        "[x](javascript:alert(1))",
        "[x](JaVaScRiPt:alert(1))",
        '<iframe src="https://x.example/"></iframe>',
        '<a href="data:text/html,<script>alert(1)</script>">x</a>',
        '<svg onload="alert(1)"></svg>',
        '<div style="background:url(javascript:alert(1))">x</div>',
        '<object data="x.swf"></object><embed src="x.swf">',
        '<form action="https://x.example"><input name="q"></form>',
    ],
)
def test_nothing_active_survives(hostile: str) -> None:
    html = markdown_to_safe_html(hostile, "reviews/tr-0001-x.md").html.lower()
    for needle in ("<script", "onerror", "onload", "javascript:", "<iframe", "data:", "style=", "<object",
                   "<embed", "<form", "<input", "<svg"):  # fmt: skip
        assert needle not in html


def test_tables_code_images_and_anchors_survive() -> None:
    body = "| a | b |\n| - | - |\n| 1 | 2 |\n\n```\nx < y\n```\n\n![d](https://x.example/d.png) [w](https://x.example)\n"
    html = markdown_to_safe_html(body, "reviews/tr-0001-x.md").html
    assert "<table>" in html and "<td>1</td>" in html
    assert "<pre><code>x &lt; y\n</code></pre>" in html
    assert '<img alt="d" src="https://x.example/d.png">' in html
    assert 'href="https://x.example"' in html


def test_relative_links_are_rewritten_to_pages_and_recorded() -> None:
    fragment = markdown_to_safe_html("[p](../accounts/acme.md#risks) [m](mailto:a@b.example)", "reviews/t.md")
    assert 'href="../accounts/acme.html#risks"' in fragment.html
    assert fragment.links == [("../accounts/acme.md#risks", "accounts/acme.md")]


def test_a_heading_from_front_matter_carries_no_markup() -> None:
    text = markdown_heading_text("<b>x</b> *y* [z](u) & `c`\n# h")
    assert "<" not in text and "*y*" not in text and "[z](u)" not in text
    assert "\n" not in text
