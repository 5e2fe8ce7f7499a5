"""The validator over a real repository in tmp_path (a copy of tests/corpus/base): which faults are
reported for which targets, references resolved against the whole repository, review sections."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from generator.documents.load import parse_document
from generator.documents.validate import (
    REVIEW_SECTIONS,
    check_document,
    headings,
    implied_id,
    review_section_rules,
    validate_repository,
)

BASE = Path(__file__).parent / "corpus" / "base"
ACME = "accounts/acme-corp.md"
GLOBEX = "accounts/globex.md"
TR1 = "reviews/tr-0001-acme-air-gapped.md"
TR2 = "reviews/tr-0002-globex-support-risk.md"
DECISION = """decision:
  outcome: "yes"
  recommended_by: vera-vp
  decided_on: 2026-09-18
  customer_messaging: Acme runs outside normal guidelines and upgrades by hand.
"""


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "repo"
    shutil.copytree(BASE, root)
    monkeypatch.chdir(root)  # paths in messages are relative to the working directory
    return root


def edit(repo: Path, relative: str, old: str, new: str) -> None:
    path = repo / relative
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def texts(report) -> list[str]:
    return [d.text() for d in report.diagnostics]


# --- the whole repository -------------------------------------------------------------------------


def test_a_valid_repository_gives_its_models_and_no_diagnostics(repo: Path) -> None:
    report = validate_repository(repo)
    assert report.ok
    assert (report.documents, len(report.reviews), len(report.accounts)) == (4, 2, 2)
    assert {r.id for r in report.reviews} == {"TR-0001", "TR-0002"}


def test_an_empty_repository_checks_nothing_and_is_valid(tmp_path: Path) -> None:
    report = validate_repository(tmp_path)
    assert (report.documents, report.diagnostics, report.ok) == (0, [], True)


def test_diagnostics_are_sorted_by_file_then_line(repo: Path) -> None:
    edit(repo, TR2, "status: draft", "status: nope")
    edit(repo, TR2, "moment: pre-sales", "moment: later")
    edit(repo, GLOBEX, "tier: 3", "tier: 9")
    edit(repo, TR1, "author: carol-ce", "author: -x")
    places = [(d.path, d.line) for d in validate_repository(repo).diagnostics]
    assert places == [(GLOBEX, 4), (TR1, 7), (TR2, 5), (TR2, 13)]


# --- targets --------------------------------------------------------------------------------------


def test_validating_one_file_reports_only_that_files_faults(repo: Path) -> None:
    edit(repo, GLOBEX, "tier: 3", "tier: 9")
    edit(repo, TR2, "moment: pre-sales", "moment: later")
    report = validate_repository(repo, [repo / TR2])
    assert [d.path for d in report.diagnostics] == [TR2]
    assert report.documents == 1


def test_validating_one_file_resolves_its_references_against_the_whole_repository(repo: Path) -> None:
    report = validate_repository(repo, [repo / TR2])
    assert report.ok  # its customer 'globex' is found though accounts/globex.md is not a target


def test_a_changed_review_that_breaks_an_accounts_gate_reports_the_account_and_the_review(repo: Path) -> None:
    edit(repo, TR1, "status: approved", "status: in-review")
    edit(repo, TR1, DECISION, "")
    report = validate_repository(repo, [repo / TR1])
    assert [(d.path, d.field) for d in report.diagnostics] == [
        (ACME, "opportunities[0].tech_review"),
        (TR1, "status"),
    ]
    assert "TR-0001 is in-review" in report.diagnostics[0].message
    assert report.diagnostics[1].message.startswith(f"{ACME}:25:18 links this review")


def test_an_account_that_drops_its_review_link_is_reported_when_the_account_is_the_target(
    repo: Path,
) -> None:
    edit(repo, ACME, "    tech_review: TR-0001\n", "")
    assert [d.path for d in validate_repository(repo, [repo / ACME]).diagnostics] == [ACME]
    assert validate_repository(repo, [repo / TR2]).ok


def test_a_review_moved_to_another_customer_is_reported_on_the_account_linking_it(repo: Path) -> None:
    edit(repo, TR1, "customer: acme-corp", "customer: globex")
    report = validate_repository(repo, [repo / TR1])
    assert texts(report) == [
        f"{ACME}:25:18: opportunities[0].tech_review: TR-0001 belongs to 'globex', not to this account "
        "(link a review of this customer)",
        f"{TR1}:4:11: customer: {ACME}:25:18 links this review from opportunity 'acme-platform', but the "
        "review is of 'globex' (link it from that customer's plan instead, or fix the customer)",
    ]


# --- references to files that cannot be read ------------------------------------------------------


def test_a_review_of_an_unreadable_account_gets_no_dangling_reference_error(repo: Path) -> None:
    (repo / GLOBEX).write_bytes((repo / GLOBEX).read_bytes().replace(b"Globex\n", b"Globex \xe9\n", 1))
    assert [d.path for d in validate_repository(repo).diagnostics] == [GLOBEX]
    assert validate_repository(repo, [repo / TR2]).ok


def test_an_opportunity_linking_an_unreadable_review_gets_no_dangling_reference_error(repo: Path) -> None:
    edit(repo, TR1, "title: Air-gapped trial for Acme", "title: [unclosed")
    report = validate_repository(repo)
    assert [d.path for d in report.diagnostics] == [TR1]
    assert validate_repository(repo, [repo / ACME]).ok


def test_a_link_to_a_review_that_does_not_exist_is_still_dangling(repo: Path) -> None:
    edit(repo, TR1, "title: Air-gapped trial for Acme", "title: [unclosed")
    edit(repo, ACME, "tech_review: TR-0001", "tech_review: TR-0003")
    assert [d.path for d in validate_repository(repo).diagnostics] == [ACME, TR1]


@pytest.mark.parametrize(
    ("path", "implied"),
    [
        ("accounts/acme-corp.md", ("account", "acme-corp")),
        ("reviews/tr-0042-some-thing.md", ("review", "TR-0042")),
        ("reviews/tr-004211.md", ("review", "TR-004211")),
        ("x/reviews/tr-0042-nested.md", None),
        ("reviews/notes.md", None),
        ("reviews/tr-42-short.md", None),
        ("docs/acme.md", None),
    ],
)
def test_the_id_a_file_name_promises(path: str, implied: tuple[str, str] | None) -> None:
    assert implied_id(path) == implied


# --- one document ---------------------------------------------------------------------------------


def test_a_withdrawn_draft_needs_no_peer_review_tdd_video_or_asks(repo: Path) -> None:
    edit(repo, TR2, "status: draft\n", "status: withdrawn\nwithdrawal: {date: 2026-10-09, reason: Lost}\n")
    assert validate_repository(repo).ok


@pytest.mark.parametrize(
    "front",
    [
        "id: [1]\ncustomer: {a: b}\n",
        "id: TR-0001\nrelated_reviews: [[TR-0002]]\n",
        "id: TR-0001\ndecision: [yes]\nstatus: approved\n",
        "id: TR-0001\ntriggers: [{other: x}]\nmeetings: text\n",
        "id: TR-0001\nopened: 2026-02-30\ndecision_needed_by: 0000-00-00\n",
    ],
)
def test_odd_shapes_become_diagnostics_not_exceptions(front: str) -> None:
    document = parse_document(f"---\n{front}---\n".encode(), "reviews/tr-0001-x.md", "review")
    checked = check_document(document)
    assert checked.model is None
    assert checked.diagnostics


def test_a_pydantic_message_for_an_unknown_field_lists_the_known_ones_when_none_is_close() -> None:
    document = parse_document(b"---\nzzzz: 1\n---\n", "accounts/acme.md", "account")
    unknown = [d for d in check_document(document).diagnostics if d.field == "zzzz"]
    assert unknown[0].message == "unknown field 'zzzz'"
    assert unknown[0].hint.startswith("known fields: id, name, tier")


# --- review sections ------------------------------------------------------------------------------


def review_with_body(body: str):
    text = "---\nid: TR-0001\n---\n" + body
    return parse_document(text.encode("utf-8"), "reviews/tr-0001-x.md", "review")


def all_sections(skip: str = "") -> str:
    return "".join(f"## {name}\n\nText.\n\n" for name in REVIEW_SECTIONS if name != skip)


def test_a_body_with_every_section_written_has_no_section_faults() -> None:
    assert list(review_section_rules(review_with_body(all_sections()))) == []


def test_section_names_match_whatever_the_case_punctuation_or_level() -> None:
    body = all_sections().replace("## Requirement origin", "### REQUIREMENT-ORIGIN ###")
    assert list(review_section_rules(review_with_body(body))) == []


def test_a_missing_section_is_placed_on_the_line_closing_the_front_matter() -> None:
    faults = list(review_section_rules(review_with_body(all_sections(skip="Timeline"))))
    assert [(d.line, d.message) for d in faults] == [(3, "missing section '## Timeline'")]


def test_an_empty_section_is_placed_on_its_heading() -> None:
    body = all_sections().replace("## Asks\n\nText.\n", "## Asks\n\n   \n")
    faults = list(review_section_rules(review_with_body(body)))
    assert [(d.line, d.message) for d in faults] == [(20, "section '## Asks' is empty")]


def test_a_section_holding_only_subsections_is_not_empty() -> None:
    body = all_sections().replace("## Asks\n\nText.\n", "## Asks\n### Product\n\nA thing.\n")
    assert list(review_section_rules(review_with_body(body))) == []


@pytest.mark.parametrize("fence", ["```", "~~~", "````"])
def test_a_heading_inside_fenced_code_is_not_a_section(fence: str) -> None:
    body = all_sections(skip="Timeline") + f"{fence}markdown\n## Timeline\n{fence}\n"
    assert [d.message for d in review_section_rules(review_with_body(body))] == [
        "missing section '## Timeline'"
    ]


def test_a_shorter_or_other_fence_does_not_close_a_code_block() -> None:
    body = "````\n```\n~~~\n## Misalignment\n````\n## Timeline\n\nText.\n"
    assert [(level, text) for _, level, text in headings(body)] == [(2, "Timeline")]


def test_a_body_of_a_hundred_thousand_headings_is_checked() -> None:
    body = all_sections(skip="Asks") + "## h\n" * 100_000
    faults = list(review_section_rules(review_with_body(body)))
    assert [d.message for d in faults] == ["missing section '## Asks'"]


@pytest.mark.parametrize("underline", ["--------", "========", "-", "  ---   "])
def test_an_underlined_heading_is_a_section(underline: str) -> None:
    body = all_sections().replace("## Timeline\n", f"Timeline\n{underline}\n")
    assert list(review_section_rules(review_with_body(body))) == []


def test_an_underlined_heading_with_nothing_under_it_is_empty() -> None:
    body = all_sections(skip="Timeline") + "Timeline\n--------\n\n"
    assert [d.message for d in review_section_rules(review_with_body(body))] == [
        "section '## Timeline' is empty"
    ]


@pytest.mark.parametrize(
    "before", ["- a list item", "> a quote", "", "    indented code", "***", "<div>"], ids=repr
)
def test_a_rule_under_what_cannot_be_heading_text_makes_no_heading(before: str) -> None:
    body = f"{before}\n---\n"
    assert list(headings(body)) == []


@pytest.mark.parametrize(
    "hidden",
    [
        "<!--\n## Asks\n\nText.\n-->\n",
        "<!-- the asks, for later\n## Asks\n\nText.\n-->\n",
        "Some text <!-- hidden\n## Asks\n\nText.\n-->\n",
        "<!--\nAsks\n----\n\nText.\n-->\n",
        "<!-- never closed\n## Asks\n\nText.\n",
    ],
    ids=["block", "block-with-words", "opened-in-a-paragraph", "underlined", "unclosed"],
)
def test_a_section_inside_an_html_comment_is_missing(hidden: str) -> None:
    body = all_sections(skip="Asks") + hidden
    assert [d.message for d in review_section_rules(review_with_body(body))] == ["missing section '## Asks'"]


def test_a_comment_that_closes_on_its_line_hides_nothing_after_it() -> None:
    body = all_sections(skip="Asks") + "<!-- a note --> and more\n\n## Asks\n\nText.\n"
    assert list(review_section_rules(review_with_body(body))) == []


def test_a_comment_marker_in_inline_code_opens_no_comment() -> None:
    body = all_sections(skip="Asks") + "Write `<!--` to start a comment.\n\n## Asks\n\nText.\n"
    assert list(review_section_rules(review_with_body(body))) == []


def test_a_section_holding_only_a_comment_is_empty() -> None:
    body = all_sections().replace("## Asks\n\nText.\n", "## Asks\n\n<!-- to do:\nask Support -->\n")
    assert [d.message for d in review_section_rules(review_with_body(body))] == ["section '## Asks' is empty"]
