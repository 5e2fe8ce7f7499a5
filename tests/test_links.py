"""Body links are found where the site finds them, each at its exact line and column."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from generator.documents.links import body_links

PAGE = "reviews/tr-0001-x.md"


def _found(body: str) -> list[tuple[int, int, str, str | None]]:
    return [(link.line, link.column, link.written, link.target) for link in body_links(body, PAGE)]


def test_markdown_links_images_references_and_html_are_found_at_their_columns() -> None:
    body = (
        'See [a](a.md) and ![b](img/b.png "B").\n'
        "[r]: <../accounts/r.md>\n"
        'Then <img alt="x"\n  src="x.png"> and <A HREF=\'y.md\'>y</A>.\n'
    )
    assert _found(body) == [
        (0, 9, "a.md", "reviews/a.md"),
        (0, 24, "img/b.png", "reviews/img/b.png"),
        (1, 7, "../accounts/r.md", "accounts/r.md"),
        (3, 8, "x.png", "reviews/x.png"),
        (3, 29, "y.md", "reviews/y.md"),
    ]


def test_links_in_code_are_not_links() -> None:
    body = '```\n[a](a.md)\n```\n\n    [b](b.md)\n\nInline `[c](c.md)` too, ``<a href="d">``.\n'
    assert _found(body) == []


def test_a_list_items_indented_continuation_is_not_code() -> None:
    body = "- item\n\n    continued with [a](a.md)\n"
    assert _found(body) == [(2, 24, "a.md", "reviews/a.md")]


def test_web_addresses_anchors_and_mail_are_not_internal() -> None:
    assert _found("[w](https://x/y.md) [t](#top) [m](mailto:a@b.c) [p](//cdn/x.png)\n") == []


def test_a_link_climbing_out_of_the_site_has_no_target() -> None:
    assert _found("[p](../../etc/passwd) [q](/etc/passwd)\n") == [
        (0, 5, "../../etc/passwd", None),
        (0, 27, "/etc/passwd", None),
    ]


@given(st.text(alphabet="[]()<>!`\"'= \n#:abcimgsrchref.-/", max_size=200))
def test_every_link_found_is_written_where_it_is_said_to_be(body: str) -> None:
    lines = body.split("\n")
    for link in body_links(body, PAGE):
        rest = lines[link.line][link.column - 1 :]
        assert rest.startswith(link.written)


def test_links_in_an_html_comment_are_not_links() -> None:
    assert _found("Before <!-- [old](gone.md)\n<img src='gone.png'> --> after [a](a.md)\n") == [
        (1, 36, "a.md", "reviews/a.md")
    ]
