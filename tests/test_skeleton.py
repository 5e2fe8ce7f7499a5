"""Content, not placeholders: the text `handbook new` writes is an error, at its line, in any document
that is not a draft; a draft may still hold it."""

from __future__ import annotations

import sys
from io import StringIO
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.commands import main
from generator.documents import skeleton
from generator.documents.diagnostics import DocumentError
from generator.documents.models.common import Fault
from generator.documents.validate import validate_repository

TODAY = "2026-11-23"
ACCOUNT = [
    "new", "account", "--name", "Northwind Logistics", "--tier", "2", "--segment", "strategic",
    "--ae", "ben-whitaker", "--ce", "jordan-reyes", "--health-reason", "Two teams stopped using it",
    "--champion", "Mia Lund", "--today", TODAY,
]  # fmt: skip
REVIEW = [
    "new", "review", "--title", "Air-gapped upgrade", "--customer", "northwind-logistics",
    "--moment", "pre-sales", "--trigger", "air-gapped", "--author", "jordan-reyes", "--today", TODAY,
]  # fmt: skip


@pytest.fixture(autouse=True)
def no_terminal(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(sys, "stdin", StringIO(""))
    monkeypatch.chdir(tmp_path)  # messages name files relative to it: reviews/..., accounts/...


def _lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").split("\n")


def _line_of(path: Path, text: str) -> int:
    return next(n for n, line in enumerate(_lines(path), 1) if text in line)


def _new(root: Path, *argv: str) -> None:
    assert main([*argv, "--root", str(root)]) == 0


def fill_in_account(path: Path) -> None:
    """Replace every skeleton text of a new plan: it is then a plan with content."""
    text = path.read_text(encoding="utf-8")
    for hint in skeleton.ACCOUNT_GUIDANCE.values():
        text = text.replace(f"_{hint}_", "Written by the account team.")
    text = text.replace(skeleton.OBJECTIVE, "Two more teams onboarded by 2026-12-18")
    text = text.replace(skeleton.NEXT_STEP, "Workshop with the platform team")
    path.write_text(text, encoding="utf-8")


def _submit(path: Path) -> None:
    """A draft made into an in-review review with everything a submission needs, its body as written."""
    text = path.read_text(encoding="utf-8")
    for old, new in (
        ("status: draft\n", "status: in-review\n"),
        ("peer_reviewer: null\n", "peer_reviewer: dan-ce\n"),
        ("  tdd: null\n", "  tdd: https://docs.example.com/tdd/n\n"),
        ("  video: null\n", "  video: https://video.example.com/v/n\n"),
        ("  engineering: []\n", "  engineering:\n  - Review the upgrade runbook\n"),
    ):
        assert old in text
        text = text.replace(old, new)
    path.write_text(text, encoding="utf-8")


def _diagnostics(root: Path) -> list[str]:
    return [d.text() for d in validate_repository(root).diagnostics]


def test_an_in_review_review_whose_sections_are_the_skeletons_hints_does_not_validate(tmp_path: Path) -> None:
    _new(tmp_path, *ACCOUNT)
    fill_in_account(tmp_path / "accounts" / "northwind-logistics.md")
    _new(tmp_path, *REVIEW)
    [review] = (tmp_path / "reviews").glob("*.md")
    _submit(review)

    expected = [
        f"{review.relative_to(tmp_path)}:{_line_of(review, '_' + hint)}:1: body: "
        f"section '## {name}' still holds the skeleton's hint (replace the hint with what it asks for)"
        for name, hint in skeleton.REVIEW_GUIDANCE.items()
    ]
    assert _diagnostics(tmp_path) == expected


def test_a_draft_review_may_still_hold_the_skeleton(tmp_path: Path) -> None:
    _new(tmp_path, *ACCOUNT)
    fill_in_account(tmp_path / "accounts" / "northwind-logistics.md")
    _new(tmp_path, *REVIEW)

    assert _diagnostics(tmp_path) == []


def test_a_red_account_whose_action_plan_is_the_templates_does_not_validate(tmp_path: Path) -> None:
    _new(tmp_path, *ACCOUNT, "--health", "red")
    plan = tmp_path / "accounts" / "northwind-logistics.md"
    fill_in_account(plan)

    found = _diagnostics(tmp_path)

    def at(text: str) -> str:
        line = _line_of(plan, text)
        start = _lines(plan)[line - 1].index(text)
        start -= _lines(plan)[line - 1][start - 1] in "'\""  # a quoted value starts at its quote
        return f"{plan.relative_to(tmp_path)}:{line}:{start + 1}:"

    assert found == [
        f"{at(skeleton.RED_STATUS)} red_account.current_status: {skeleton.MESSAGE} "
        "(write the current status: what turned the account red, and what is known now)",
        f"{at(skeleton.RED_ASK)} red_account.asks[0]: {skeleton.MESSAGE} "
        "(write what the account team needs from the business (people, product, exec sponsor))",
        f"{at(skeleton.RED_FIRST_ACTION)} red_account.action_plan[0].action: {skeleton.MESSAGE} "
        "(write the first step of the action plan back to yellow or green)",
    ]


def test_tbd_in_a_submitted_reviews_asks_is_an_error_at_its_line(tmp_path: Path) -> None:
    _new(tmp_path, *ACCOUNT)
    fill_in_account(tmp_path / "accounts" / "northwind-logistics.md")
    _new(tmp_path, *REVIEW)
    [review] = (tmp_path / "reviews").glob("*.md")
    _submit(review)
    text = review.read_text(encoding="utf-8").replace("Review the upgrade runbook", "TBD")
    for name in skeleton.REVIEW_GUIDANCE:
        text = text.replace(f"_{skeleton.REVIEW_GUIDANCE[name]}_", f"What the {name} is.")
    review.write_text(text, encoding="utf-8")

    line = _line_of(review, "- TBD")
    column = _lines(review)[line - 1].index("TBD") + 1
    assert _diagnostics(tmp_path) == [
        f"{review.relative_to(tmp_path)}:{line}:{column}: asks.engineering[0]: "
        "'TBD' is a placeholder, not content (write what it stands for, or remove it)"
    ]


def test_a_placeholder_word_alone_on_a_body_line_is_an_error(tmp_path: Path) -> None:
    _new(tmp_path, *ACCOUNT)
    plan = tmp_path / "accounts" / "northwind-logistics.md"
    fill_in_account(plan)
    text = plan.read_text(encoding="utf-8").replace(
        "## Next steps\n\nWritten", "## Next steps\n\nTODO\n\nWritten"
    )
    plan.write_text(text, encoding="utf-8")

    assert _diagnostics(tmp_path) == [
        f"{plan.relative_to(tmp_path)}:{_line_of(plan, 'TODO')}:1: body: "
        "section '## Next steps' holds the placeholder 'TODO' (write what it stands for)"
    ]


def test_real_text_that_mentions_a_placeholder_word_is_content(tmp_path: Path) -> None:
    _new(tmp_path, *ACCOUNT)
    plan = tmp_path / "accounts" / "northwind-logistics.md"
    fill_in_account(plan)
    text = plan.read_text(encoding="utf-8").replace(
        "## Next steps\n\nWritten", "## Next steps\n\nTheir TODO app team joins in January. Written"
    )
    plan.write_text(text, encoding="utf-8")

    assert _diagnostics(tmp_path) == []


def test_new_account_says_which_skeleton_lines_to_replace(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([*ACCOUNT, "--root", str(tmp_path)]) == 0

    err = capsys.readouterr().err
    assert "replace the skeleton's text before the plan is merged" in err
    assert str(len(skeleton.ACCOUNT_GUIDANCE) + 2) + " places" in err


@pytest.mark.parametrize(
    "value",
    [
        "Two teams onboarded",
        "Write-up shared with the CTO",
        "TBDx is their team's name",
        "Fix the TODO list app",
    ],
)
def test_values_that_only_look_like_placeholders_are_content(value: str) -> None:
    assert list(skeleton.rules({"objectives": [value]}, draft=False)) == []


@pytest.mark.parametrize("value", ["TBD", "  TBD: ask Support", "(TODO) the sponsor", "FIXME"])
def test_placeholder_words_are_found_however_they_open_a_value(value: str) -> None:
    [fault] = skeleton.rules({"asks": {"support": [value]}}, draft=False)
    assert fault.field == ("asks", "support", 0)


# --- the front-matter pre-check: a front matter without the rule's words has no skeleton fault ------

_CORPUS = Path(__file__).parent / "corpus"
_SPELLED = ("TBD", "TBC", "TODO", "FIXME", *sorted(skeleton.FRONT_MATTER_TEXTS), "Write", "tbd", "x")


def _faults(front: str) -> list[Fault]:
    from generator.documents.load import front_matter_data

    return list(skeleton.rules(front_matter_data(front, "x.md"), draft=False))


def test_a_front_matter_the_pre_check_passes_over_has_no_skeleton_fault_in_the_corpus() -> None:
    from generator.documents.load import parse_document

    for path in sorted(p for p in _CORPUS.glob("*/*/*.md") if p.is_file() and not p.is_symlink()):
        try:
            document = parse_document(path.read_bytes(), str(path), "review")
        except DocumentError:
            continue
        if not skeleton.front_may_hold_placeholders(document.front):
            assert list(skeleton.rules(document.data, draft=False)) == [], path


def _escaped(text: str, escape: list[bool]) -> str:
    """`text` as a double-quoted YAML scalar, each character written as a \\x or \\u escape where asked."""
    out = ""
    for char, wanted in zip(text, escape + [False] * len(text), strict=False):
        if wanted or char in '"\\' or not char.isprintable():
            out += f"\\u{ord(char):04x}" if ord(char) > 0xFF else f"\\x{ord(char):02x}"
        else:
            out += char
    return f'"{out}"'


@given(
    words=st.lists(st.sampled_from(_SPELLED), min_size=1, max_size=4),
    breaks=st.lists(st.sampled_from([" ", "\n    ", "\n\n    ", "  "]), min_size=4, max_size=4),
    style=st.sampled_from(["plain", "single", "double", "folded", "literal", "list"]),
    escape=st.lists(st.booleans(), max_size=40),
)
@settings(max_examples=400, deadline=None)
def test_a_front_matter_the_pre_check_passes_over_has_no_skeleton_fault(
    words: list[str], breaks: list[str], style: str, escape: list[bool]
) -> None:
    text = "".join(word + sep for word, sep in zip(words, breaks, strict=False)).rstrip()
    if style == "plain":
        value = text
    elif style == "single":
        value = "'" + text.replace("'", "''") + "'"
    elif style == "double":
        value = _escaped(text, escape)
    elif style == "list":
        value = "\n  - " + text.replace("\n", "\n  ")
    else:
        value = ("|" if style == "literal" else ">") + "\n    " + text.replace("\n", "\n    ")
    front = f"title: {value}\n"
    try:
        faults = _faults(front)
    except DocumentError:
        return
    if not skeleton.front_may_hold_placeholders(front):
        assert faults == []
