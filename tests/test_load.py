"""The loader: front matter split, values kept as written, positions as file lines, and refusals
with one positioned message for everything a document file can get wrong."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from generator.documents.diagnostics import Diagnostic, DocumentError
from generator.documents.load import (
    MAX_FILE_BYTES,
    Position,
    dotted,
    iter_document_files,
    parse_document,
    parse_front_matter,
    read_document,
)

REVIEW = "reviews/tr-0001-x.md"


def parse(text: str | bytes, path: str = REVIEW):
    raw = text.encode("utf-8") if isinstance(text, str) else text
    return parse_document(raw, path, "review")


def fault(text: str | bytes) -> Diagnostic:
    with pytest.raises(DocumentError) as caught:
        parse(text)
    return caught.value.diagnostic


# --- values as written ----------------------------------------------------------------------------


def test_a_date_like_title_stays_the_text_written() -> None:
    assert parse("---\ntitle: 2024-01-01\n---\n").data["title"] == "2024-01-01"


@pytest.mark.parametrize("word", ["no", "yes", "off", "on", "y", "n", "true", "False"])
def test_yaml_1_1_boolean_words_stay_text(word: str) -> None:
    assert parse(f"---\ncustomer: {word}\n---\n").data["customer"] == word


@pytest.mark.parametrize("number", ["3", "1.50", "0o17", "0x1F", "1_000", "1e3", ".inf", "012"])
def test_numbers_stay_the_digits_written(number: str) -> None:
    assert parse(f"---\ntier: {number}\n---\n").data["tier"] == number


@pytest.mark.parametrize("empty", ["", " ~", " null", " Null", " NULL"])
def test_an_empty_value_tilde_or_null_is_none(empty: str) -> None:
    assert parse(f"---\nta:{empty}\n---\n").data["ta"] is None


@pytest.mark.parametrize("quoted", ['"null"', "'~'", '""'])
def test_a_quoted_null_word_is_text(quoted: str) -> None:
    assert parse(f"---\nta: {quoted}\n---\n").data["ta"] == quoted[1:-1]


def test_an_explicit_str_tag_is_allowed_and_kept_as_text() -> None:
    assert parse("---\ntitle: !!str 2024-01-01\n---\n").data["title"] == "2024-01-01"


def test_a_field_name_with_dots_is_one_field() -> None:
    assert parse("---\nlinks.tdd: https://x.example\n---\n").data == {"links.tdd": "https://x.example"}


def test_a_value_of_500_kilobytes_is_kept_whole() -> None:
    value = "word " * 100_000
    assert parse(f"---\ntitle: '{value}'\n---\n").data["title"] == value


def test_the_body_and_its_first_line_follow_the_front_matter() -> None:
    document = parse("---\nid: TR-0001\ntitle: x\n---\n\n## Misalignment\n")
    assert document.body == "\n## Misalignment\n"
    assert document.body_line == 5


# --- positions ------------------------------------------------------------------------------------

NESTED = (
    "---\nid: TR-0001\naccount_team:\n  ae: alice\n  ce: carol\ntriggers:\n  - air-gapped\n  - other\n---\n"
)


def test_positions_are_file_lines_and_columns_of_values_and_keys() -> None:
    document = parse(NESTED)
    assert document.position(("id",)) == Position(2, 5)
    assert document.key_position(("account_team", "ce")) == Position(5, 3)
    assert document.position(("account_team", "ce")) == Position(5, 7)
    assert document.position(("triggers", 1)) == Position(8, 5)


def test_a_missing_field_is_placed_at_the_nearest_enclosing_value() -> None:
    assert parse(NESTED).position(("account_team", "ta")) == Position(4, 3)


def test_positions_are_the_same_with_a_bom_and_crlf_line_ends() -> None:
    plain = parse(NESTED)
    windows = parse(b"\xef\xbb\xbf" + NESTED.replace("\n", "\r\n").encode("utf-8"))
    assert windows.data == plain.data
    assert windows.values == plain.values
    assert windows.keys == plain.keys


def test_positions_are_the_same_with_old_mac_line_ends() -> None:
    assert parse(NESTED.replace("\n", "\r")).values == parse(NESTED).values


def test_a_yaml_error_is_placed_on_the_files_line_not_the_front_matters() -> None:
    diagnostic = fault("---\nid: TR-0001\ntitle: x\nstatus: draft: again\n---\n")
    assert (diagnostic.line, diagnostic.column) == (4, 14)
    assert "not valid YAML" in diagnostic.message


def test_an_unclosed_bracket_is_placed_where_it_opens() -> None:
    diagnostic = fault("---\nid: TR-0001\ntriggers: [air-gapped, other\n---\n")
    assert (diagnostic.line, diagnostic.column) == (3, 11)
    assert diagnostic.message == "the front matter is not valid YAML: a '[' list opened here is never closed"


def test_a_tab_used_for_indentation_is_named() -> None:
    diagnostic = fault("---\nhealth:\n\tstatus: red\n---\n")
    assert (diagnostic.line, diagnostic.column, diagnostic.message) == (
        3,
        1,
        "a tab is used here; YAML indents with spaces",
    )


def test_a_non_utf8_byte_is_placed_by_character_column() -> None:
    diagnostic = fault("---\ntitle: Ünïcödé ".encode() + b"caf\xe9\n---\n")
    assert (diagnostic.line, diagnostic.column) == (2, 19)
    assert diagnostic.message == "the file is not UTF-8 text: byte 0xe9 is not valid here"


def test_a_control_character_in_the_front_matter_is_placed_and_named() -> None:
    diagnostic = fault("---\nid: TR-0001\ntitle: a\x1bb\n---\n")
    assert (diagnostic.line, diagnostic.column) == (3, 9)
    assert diagnostic.message == "the front matter contains the control character U+001B"


def test_a_duplicate_field_names_the_line_of_the_first() -> None:
    diagnostic = fault("---\nid: TR-0001\nteam:\n  ce: a\n  ce: b\n---\n")
    assert (diagnostic.line, diagnostic.field) == (5, "team.ce")
    assert diagnostic.message == "duplicate field 'ce', first given on line 4"


# --- refusals -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("front", "message"),
    [
        ("title: &t x\nid: *t\n", "YAML anchors (&t) are not allowed"),
        ("a: {b: {c: &deep x}}\n", "YAML anchors (&deep) are not allowed"),
        ("title: !custom x\n", "YAML tag !custom is not allowed"),
        ("title: !!python/name:os.system x\n", "YAML tag !!python/name:os.system is not allowed"),
        ("a: !!set {x}\n", "YAML tag !!set is not allowed"),
        ("<<: {a: b}\n", "YAML merge keys (<<) are not allowed"),
        ("2024-01-01: x\n", "field name '2024-01-01' is read by YAML as a date, not text"),
        ("null: x\n", "field name 'null' is read by YAML as an empty value, not text"),
        ("? {a: b}\n: x\n", "a field name must be plain text, not a list or mapping"),
    ],
)
def test_yaml_features_a_document_does_not_need_are_refused(front: str, message: str) -> None:
    assert fault(f"---\n{front}---\n").message == message


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("title: x\n", "the document does not start with front matter"),
        ("", "the document does not start with front matter"),
        ("---\ntitle: x\n", "the front matter opened on line 1 is never closed"),
        ("---\n---\n", "the front matter is empty"),
        ("---\n# only a comment\n---\n", "the front matter is empty"),
        ("---\njust text\n---\n", "the front matter must be a mapping of fields (name: value)"),
        ("---\n- a\n---\n", "the front matter must be a mapping of fields (name: value)"),
    ],
)
def test_a_document_without_a_mapping_of_fields_is_refused(text: str, message: str) -> None:
    assert fault(text).message == message


def test_a_nul_byte_is_refused_on_its_line() -> None:
    diagnostic = fault("---\nid: x\n---\n\nbody\x00\n")
    assert (diagnostic.line, diagnostic.message) == (5, "the file contains a NUL byte; it looks binary")


def test_nesting_deeper_than_the_limit_is_refused_in_block_style() -> None:
    front = "".join("  " * depth + f"k{depth}:\n" for depth in range(30)) + "  " * 30 + "end: x\n"
    assert "nests deeper than" in fault(f"---\n{front}---\n").message


def test_flow_nesting_far_beyond_the_c_parsers_stack_is_refused_not_crashed() -> None:
    assert "nests deeper than" in fault("---\na: " + "[" * 100_000 + "]" * 100_000 + "\n---\n").message


@pytest.mark.parametrize(
    ("front", "message"),
    [
        ('a: {"b":&x 1}\n', "YAML anchors (&x) are not allowed"),
        ("a: [b,&x c]\n", "YAML anchors (&x) are not allowed"),
        ("a: [b,*x]\n", "YAML aliases (*x) are not allowed"),
        ("a:\t&x b\n", "YAML anchors (&x) are not allowed"),
        ("a:\n- &x b\n", "YAML anchors (&x) are not allowed"),
        ("&x a: b\n", "YAML anchors (&x) are not allowed"),
    ],
)
def test_an_anchor_or_alias_is_found_wherever_yaml_starts_a_node(front: str, message: str) -> None:
    assert fault(f"---\n{front}---\n").message == message


def test_an_ampersand_or_star_inside_words_is_text() -> None:
    document = parse("---\ntitle: R&D for AT&T, 4*5 seats\nname: 'Q&A'\n---\n")
    assert document.data == {"title": "R&D for AT&T, 4*5 seats", "name": "Q&A"}


def test_broken_yaml_beside_an_anchor_is_told_as_the_parser_tells_it() -> None:
    diagnostic = fault('---\na: "&x\n---\n')
    assert (
        diagnostic.message == "the front matter is not valid YAML: a quoted text opened here is never closed"
    )


def test_a_billion_laughs_alias_bomb_stops_at_the_first_anchor() -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 10)]
    diagnostic = fault("---\n" + "\n".join(lines) + "\n---\n")
    assert (diagnostic.line, diagnostic.message) == (2, "YAML anchors (&a0) are not allowed")


@pytest.mark.parametrize(
    ("front", "message"),
    [
        ("triggers:\n" + "- a\n" * 1001, "a list of 1,001 entries, over the limit of 1,000"),
        ("".join(f"k{i}: v\n" for i in range(1001)), "a mapping of 1,001 entries, over the limit of 1,000"),
    ],
)
def test_a_list_or_mapping_too_long_for_any_field_is_refused_once(front: str, message: str) -> None:
    assert fault(f"---\n{front}---\n").message == message


def test_a_list_at_the_limit_is_read() -> None:
    assert len(parse("---\ntriggers:\n" + "- a\n" * 1000 + "---\n").data["triggers"]) == 1000


def test_raw_bytes_over_the_limit_are_refused() -> None:
    raw = b"---\ntitle: " + b"x" * MAX_FILE_BYTES + b"\n---\n"
    assert fault(raw).message == f"file is {len(raw):,} bytes, over the {MAX_FILE_BYTES:,}-byte limit"


# --- files ----------------------------------------------------------------------------------------


def write(root: Path, relative: str, text: str) -> Path:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_a_file_outside_the_document_folders_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "notes/acme.md", "---\nid: acme\n---\n")
    with pytest.raises(DocumentError, match="not a document folder"):
        read_document(path)


def test_a_path_with_spaces_and_unicode_is_read_and_shown_as_given(tmp_path: Path) -> None:
    path = write(tmp_path, "my repo/reviews/tr-0001 café.md", "---\nid: TR-0001\n---\n")
    document = read_document(path, shown_as="reviews/tr-0001 café.md")
    assert (document.path, document.data) == ("reviews/tr-0001 café.md", {"id": "TR-0001"})


def test_a_file_over_the_limit_is_refused_by_its_size(tmp_path: Path) -> None:
    path = write(tmp_path, "reviews/tr-0001-big.md", "---\ntitle: " + "x" * MAX_FILE_BYTES + "\n---\n")
    with pytest.raises(DocumentError, match="over the 1,048,576-byte limit"):
        read_document(path)


def test_a_symlink_to_dev_zero_is_refused_without_reading_it(tmp_path: Path) -> None:
    if not Path("/dev/zero").exists():
        pytest.skip("no /dev/zero on this system")
    (tmp_path / "reviews").mkdir()
    (tmp_path / "reviews" / "tr-0001-zero.md").symlink_to("/dev/zero")
    with pytest.raises(DocumentError, match="this is a symbolic link; documents and the files beside them"):
        read_document(tmp_path / "reviews" / "tr-0001-zero.md")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes on this system")
def test_a_named_pipe_is_refused_without_waiting_for_a_writer(tmp_path: Path) -> None:
    (tmp_path / "reviews").mkdir()
    os.mkfifo(tmp_path / "reviews" / "tr-0001-pipe.md")
    with pytest.raises(DocumentError, match="this is a pipe, not a document file"):
        read_document(tmp_path / "reviews" / "tr-0001-pipe.md")


def test_a_folder_named_like_a_document_is_refused(tmp_path: Path) -> None:
    (tmp_path / "reviews" / "tr-0001-notes.md").mkdir(parents=True)
    with pytest.raises(DocumentError, match="this is a folder, not a document file"):
        read_document(tmp_path / "reviews" / "tr-0001-notes.md")


def test_a_symlink_to_a_file_in_the_repository_is_refused_too(tmp_path: Path) -> None:
    write(tmp_path, "reviews/tr-0001-real.md", "---\nid: TR-0001\n---\n")
    (tmp_path / "reviews" / "tr-0002-link.md").symlink_to("tr-0001-real.md")
    with pytest.raises(DocumentError, match="this is a symbolic link; documents and the files beside them"):
        read_document(tmp_path / "reviews" / "tr-0002-link.md")


def test_a_broken_symlink_is_refused_as_a_link(tmp_path: Path) -> None:
    (tmp_path / "reviews").mkdir()
    (tmp_path / "reviews" / "tr-0001-gone.md").symlink_to(tmp_path / "nowhere.md")
    with pytest.raises(DocumentError, match="this is a symbolic link"):
        read_document(tmp_path / "reviews" / "tr-0001-gone.md")


def test_every_md_entry_of_the_document_folders_is_listed_so_none_is_skipped(tmp_path: Path) -> None:
    write(tmp_path, "accounts/acme.md", "")
    write(tmp_path, "reviews/tr-0001-a.md", "")
    write(tmp_path, "reviews/notes.txt", "")
    (tmp_path / "reviews" / "tr-0002-folder.md").mkdir()
    listed = [p.relative_to(tmp_path).as_posix() for p in iter_document_files(tmp_path)]
    assert listed == ["reviews/tr-0001-a.md", "reviews/tr-0002-folder.md", "accounts/acme.md"]


def test_dotted_shows_a_field_path_as_written_in_messages() -> None:
    assert dotted(("decision", "deciders", 0, "ce_vp")) == "decision.deciders[0].ce_vp"
    assert dotted(()) == ""


@pytest.mark.parametrize(
    "name", ["con.md", "CON.md", "Nul.tar.gz", "aux .png", "conin$.md", "com1.png", "lpt9", "com².md"]
)
def test_names_windows_reserves_for_devices_are_reported(name: str) -> None:
    from generator.documents.files import windows_name_problem

    assert "Windows reserves for a device" in windows_name_problem(name)


@pytest.mark.parametrize("name", ["console.md", "icon.png", "com10.md", "tr-0001-con.md", "nullable.md"])
def test_names_that_only_look_like_devices_are_fine(name: str) -> None:
    from generator.documents.files import windows_name_problem

    assert windows_name_problem(name) == ""


CORPUS = Path(__file__).parent / "corpus"
CORPUS_DOCUMENTS = sorted(p for p in CORPUS.glob("*/*/*.md") if p.is_file() and not p.is_symlink())


@pytest.mark.parametrize("path", CORPUS_DOCUMENTS, ids=lambda p: p.relative_to(CORPUS).as_posix())
def test_a_document_read_without_positions_is_read_the_same(path: Path) -> None:
    try:
        fast = parse_document(path.read_bytes(), "x.md", "review")
    except DocumentError:
        return  # its message is pinned by the corpus case (test_corpus.py)
    data, values, keys = parse_front_matter(fast.front, "x.md", fast.front_line)
    assert (fast.data, fast.values, fast.keys) == (data, values, keys)


def test_positions_are_found_when_first_asked_for() -> None:
    document = parse("---\nid: TR-0001\nasks:\n  product: [a]\n---\nbody\n")
    assert document.position(("asks", "product", 0)) == Position(4, 13)
    assert document.key_position(("asks",)) == Position(3, 1)
