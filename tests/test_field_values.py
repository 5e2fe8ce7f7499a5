"""Every field value is matched whole and as it will be shown: a trailing line break, a control character
that came in through a YAML escape, an invisible or bidi-reordered text, or a huge one is refused at its
field, whichever field it is."""

from __future__ import annotations

import copy
import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

from generator.documents.load import Document, FieldPath, dotted, read_document
from generator.documents.model_faults import _submodel
from generator.documents.models import AccountPlan, TechReview
from generator.documents.validate import check_document

BASE = Path(__file__).parent / "corpus" / "base"
REVIEW = "reviews/tr-0001-acme-air-gapped.md"
ACCOUNT = "accounts/acme-corp.md"

# Every optional text-bearing field, so that the sweeps below reach it.
REVIEW_EXTRA: dict[str, Any] = {
    "links": {
        "tdd": "https://docs.example.com/tdd/acme",
        "video": "https://video.example.com/v/tr-0001",
        "crm_opportunity": "https://crm.example.com/o/1",
        "chat_thread": "https://chat.example.com/t/1",
    },
    "product_gaps": [
        {
            "key": "GAP-1",
            "title": "Offline upgrades",
            "area": "deployment",
            "impact": "high",
            "status": "open",
            "url": "https://gaps.example.com/1",
        }
    ],
    "related_reviews": ["TR-0002"],
    "meetings": [
        {"date": "2026-09-10", "requested_by": "vera-vp", "attendees": ["dan-ce"], "outcome": "Agreed."}
    ],
}
ACCOUNT_EXTRA: dict[str, Any] = {
    "ta": "tina-ta",
    "renewal_date": "2027-03-01",
    "contacts": [
        {"name": "Pat Doe", "role": "champion", "title": "CTO", "email": "pat@acme.example", "notes": "Kind."}
    ],
    "use_cases": ["Search"],
    "product_usage": "Daily",
    "initiatives": ["Cloud move"],
    "value_perception": "High",
    "expansion": ["More seats"],
    "risks": ["Budget"],
    "feedback_themes": [
        {
            "theme": "Speed",
            "gaps": [
                {
                    "key": "GAP-2",
                    "title": "Slow",
                    "area": "search",
                    "impact": "low",
                    "status": "open",
                    "url": "https://gaps.example.com/2",
                }
            ],
        }
    ],
    "objectives": ["Grow"],
    "next_steps": [{"action": "Call", "owner": "carol-ce", "due": "2026-12-20"}],
    "onboarding": {
        "kickoff": "2026-02-02",
        "plan": "https://docs.example.com/onboarding/acme",
        "trainings": {"admin": "2026-02-09", "user": "2026-02-16", "advanced": "2026-03-02"},
        "completed": "2026-03-20",
    },
    "red_account": {
        "since": "2026-06-01",
        "current_status": "Escalated",
        "asks": ["An engineer on site"],
        "action_plan": [{"action": "Daily call", "owner": "carol-ce", "due": "2026-06-05", "done": True}],
        "resolved": {"date": "2026-07-01", "how": "The fix shipped."},
    },
    "value_realization": {"owner": "alice-ae", "status": "in-progress", "started": "2026-12-01"},
    "renewal_health": [
        {"date": "2026-12-01", "relationship_risks": ["Budget"], "technical_risks": ["Old host"]}
    ],
    "security_questionnaires": [
        {
            "name": "Vendor review",
            "status": "submitted",
            "due": "2026-11-30",
            "security_ce": "sam-ce",
            "received": "2026-11-02",
            "submitted": "2026-11-25",
        }
    ],
    "qbrs": [{"date": "2026-10-20", "status": "held"}],
}


def _document(relative: str, extra: dict[str, Any]) -> Document:
    document = read_document(BASE / relative, shown_as=relative)
    document.data.update(copy.deepcopy(extra))
    assert check_document(document, with_body=False).diagnostics == []
    return document


WITHDRAWN_REVIEW: dict[str, Any] = {
    "status": "withdrawn",
    "decision": None,
    "withdrawal": {"date": "2026-09-15", "reason": "The customer went another way."},
}
RED_ACCOUNT: dict[str, Any] = {
    "health": {"status": "red", "reason": "Outages", "score": "20"},
    "red_account": {
        "since": "2026-10-01",
        "current_status": "Escalated",
        "asks": ["An engineer on site"],
        "action_plan": [{"action": "Daily call", "owner": "carol-ce", "due": "2026-10-05"}],
    },
}


def _documents() -> list[Document]:
    account = _document(ACCOUNT, {**ACCOUNT_EXTRA, **RED_ACCOUNT})
    account.data["opportunities"][0]["tech_win_due"] = "2026-12-01"
    account.data["opportunities"][0]["next_step"] = "Trial readout"
    account.data["opportunities"][0]["next_step_since"] = "2026-11-02"
    return [
        _document(REVIEW, REVIEW_EXTRA),
        account,
        _document(REVIEW, {**REVIEW_EXTRA, **WITHDRAWN_REVIEW}),
        _document(ACCOUNT, ACCOUNT_EXTRA),
    ]


def _leaves(value: Any, path: FieldPath = ()) -> Iterator[tuple[FieldPath, str]]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _leaves(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _leaves(item, (*path, index))
    elif isinstance(value, str):
        yield path, value


def _with(document: Document, path: FieldPath, value: str) -> Document:
    changed = copy.deepcopy(document)
    target: Any = changed.data
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = value
    return changed


def _faulted_fields(document: Document) -> set[str]:
    return {d.field for d in check_document(document, with_body=False).diagnostics}


SWEEP = [(d, path, value) for d in _documents() for path, value in _leaves(d.data)]
IDS = [f"{d.kind}:{dotted(path)}" for d, path, _ in SWEEP]


@pytest.mark.parametrize(("document", "path", "value"), SWEEP, ids=IDS)
def test_a_trailing_line_break_is_refused_or_stripped_never_kept(
    document: Document, path: FieldPath, value: str
):
    checked = check_document(_with(document, path, value + "\n"), with_body=False)
    if dotted(path) in {d.field for d in checked.diagnostics}:
        return
    assert checked.model is not None, checked.diagnostics
    kept: Any = checked.model.model_dump(mode="json")
    for part in path:
        kept = kept[part]
    assert kept == value  # free text is stripped: the line break does not reach the value


@pytest.mark.parametrize("control", ["\x00", "\x1b", "\x07", "\r", "\x7f", "\x9b", "\u202e", "\u2066"])
@pytest.mark.parametrize(("document", "path", "value"), SWEEP, ids=IDS)
def test_a_control_character_from_an_escape_is_refused_in_every_field(
    document: Document, path: FieldPath, value: str, control: str
):
    assert dotted(path) in _faulted_fields(_with(document, path, value[:1] + control + value[1:]))


def _review_title(title: str) -> list[str]:
    document = _with(_documents()[0], ("title",), title)
    return [d.text() for d in check_document(document, with_body=False).diagnostics]


def test_escaped_controls_are_named_in_the_message() -> None:
    assert _review_title("a\0b\x1b[31m") == [
        "reviews/tr-0001-acme-air-gapped.md:3:8: title: contains the control character U+0000"
        " (remove it: control characters cannot be shown or published)"
    ]


@pytest.mark.parametrize("invisible", ["\u200b", "\u200b\u200c\u2060", "\ufeff", "\u00ad", "\u3000\u200b"])
def test_a_title_of_only_invisible_characters_is_empty(invisible: str) -> None:
    assert _review_title(invisible) == [
        "reviews/tr-0001-acme-air-gapped.md:3:8: title: has no visible text (write the text it stands for)"
    ]


def test_a_bidi_override_in_a_title_is_refused() -> None:
    assert _review_title("Acme \u202egnp.exe") == [
        "reviews/tr-0001-acme-air-gapped.md:3:8: title: contains the bidirectional control character U+202E"
        " (remove it: it makes text read differently from how it is stored)"
    ]


def test_a_huge_title_is_refused_with_its_length() -> None:
    assert _review_title("x" * 900_000) == [
        "reviews/tr-0001-acme-air-gapped.md:3:8: title: is 900,000 characters long, over the limit of 200"
        " (shorten it; long material belongs in the body)"
    ]


def test_a_title_is_one_line() -> None:
    assert _review_title("Air gap\nfor Acme") == [
        "reviews/tr-0001-acme-air-gapped.md:3:8: title: must be one line (remove the line break)"
    ]


def test_long_free_text_is_refused_over_its_limit() -> None:
    document = _with(_documents()[0], ("decision", "customer_messaging"), "y" * 20_001)
    assert [d.text() for d in check_document(document, with_body=False).diagnostics] == [
        "reviews/tr-0001-acme-air-gapped.md:25:23: decision.customer_messaging: is 20,001 characters long,"
        " over the limit of 20,000 (shorten it; long material belongs in the body)"
    ]


@pytest.mark.parametrize("tier", ["0_3", "3.0", "+3", " 3", "３", "0x3", "3e0", "03_"])
def test_a_whole_number_is_written_in_digits_only(tier: str) -> None:
    document = _with(_documents()[1], ("tier",), tier)
    diagnostics = check_document(document, with_body=False).diagnostics
    assert [(d.field, d.message) for d in diagnostics] == [("tier", f"{tier!r} is not a whole number")]


@pytest.mark.parametrize(("field", "value"), [(("sales_stage",), "0_3"), (("score",), "5.0")])
def test_every_whole_number_field_is_digits_only(field: tuple[str, ...], value: str) -> None:
    account = _documents()[1]
    path: FieldPath = ("opportunities", 0, *field) if field[0] == "sales_stage" else ("health", *field)
    diagnostics = check_document(_with(account, path, value), with_body=False).diagnostics
    assert [(d.field, d.message) for d in diagnostics] == [(dotted(path), f"{value!r} is not a whole number")]


DATES = [(d, path, value) for d, path, value in SWEEP if re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value)]


@pytest.mark.parametrize("outside", ["1999-12-31", "2101-01-01", "0001-01-01", "9999-12-29"])
@pytest.mark.parametrize(
    ("document", "path", "value"), DATES, ids=[f"{d.kind}:{dotted(p)}" for d, p, _ in DATES]
)
def test_every_date_field_refuses_a_date_outside_the_plausible_window(
    document: Document, path: FieldPath, value: str, outside: str
) -> None:
    diagnostics = check_document(_with(document, path, outside), with_body=False).diagnostics
    assert [(d.field, d.message, d.hint) for d in diagnostics] == [
        (
            dotted(path),
            f"'{outside}' is outside the plausible dates 2000-01-01 to 2100-12-31",
            "check the year",
        )
    ]


def _date_fields(model: type[BaseModel], prefix: str = "") -> Iterator[str]:
    for name, info in model.model_fields.items():
        annotation = str(info.annotation)
        inner = _submodel(info.annotation)
        if inner is not None:
            yield from _date_fields(inner, f"{prefix}{name}.")
        elif "datetime.date" in annotation:
            yield prefix + name


def test_the_sweeps_reach_every_date_field_of_both_models() -> None:
    swept = {f"{d.kind}:{dotted(tuple(p for p in path if isinstance(p, str)))}" for d, path, _ in DATES}
    declared = {f"review:{f}" for f in _date_fields(TechReview)} | {
        f"account:{f}" for f in _date_fields(AccountPlan)
    }
    assert swept == declared


def _review_with(**changes: Any) -> list[str]:
    document = _documents()[0]
    document.data.update(changes)
    return [
        d.text() for d in check_document(document, with_body=False, today=dt.date(2026, 11, 23)).diagnostics
    ]


def test_a_decision_dated_after_today_is_refused() -> None:
    decision = {**_documents()[0].data["decision"], "decided_on": "2026-11-24"}
    assert _review_with(decision=decision) == [
        "reviews/tr-0001-acme-air-gapped.md:24:15: decision.decided_on: is in the future"
        " (record the decision once it has been made)"
    ]


def test_a_decision_dated_today_is_fine() -> None:
    decision = {**_documents()[0].data["decision"], "decided_on": "2026-11-23"}
    assert _review_with(decision=decision) == []


def test_a_withdrawal_dated_after_today_is_refused() -> None:
    faults = _review_with(
        status="withdrawn", decision=None, withdrawal={"date": "2027-01-05", "reason": "Lost."}
    )
    assert [f for f in faults if "withdrawal.date" in f] == [
        "reviews/tr-0001-acme-air-gapped.md:1:1: withdrawal.date: is in the future"
        " (record the withdrawal once it has happened)"
    ]


def test_an_attendee_listed_twice_is_reported() -> None:
    meeting = {**REVIEW_EXTRA["meetings"][0], "attendees": ["dan-ce", "vera-vp", "Dan-CE"]}
    assert _review_with(meetings=[meeting]) == [
        "reviews/tr-0001-acme-air-gapped.md:1:1: meetings[0].attendees[2]: attendee 'dan-ce' is listed twice"
        " (first at attendees[0])"
    ]


def test_one_person_cannot_fill_two_decider_roles_even_on_a_yes() -> None:
    decision = {**_documents()[0].data["decision"], "deciders": {"ce_vp": "vera-vp", "sales_vp": "vera-vp"}}
    assert _review_with(decision=decision) == [
        "reviews/tr-0001-acme-air-gapped.md:22:3: decision.deciders.sales_vp: 'vera-vp' is already the CE VP:"
        " the three deciders are three different people (name the Sales VP)"
    ]


@pytest.mark.parametrize("separator", ["\n", "\r", "\x85", "\u2028", "\u2029"], ids=repr)
def test_a_title_breaks_no_line_whichever_separator(separator: str) -> None:
    faults = _review_title(f"Air gap{separator}for Acme")
    assert len(faults) == 1 and faults[0].startswith("reviews/tr-0001-acme-air-gapped.md:3:8: title: ")
