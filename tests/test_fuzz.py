"""Fuzzing the loader and the document checks: whatever the bytes, the loader either returns a
document or raises DocumentError (one positioned message), and check_document never raises.
Hypothesis' deadline turns a hang or a runaway input into a failure."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from generator.documents.diagnostics import DocumentError, format_github, format_json, format_text, summarize
from generator.documents.load import Document, Kind, parse_document
from generator.documents.models import AccountPlan, TechReview
from generator.documents.models.account import GATES, TechWinPhase, phase_key
from generator.documents.validate import check_document
from generator.process.config import HandbookConfig, load_config

BASE = Path(__file__).parent / "corpus" / "base"
fuzz = settings(
    max_examples=150,
    # Far above a document's real cost (milliseconds) yet below a quadratic blow-up's; 2 s was missed by a
    # 20,000-level example on a machine whose two cores ran other work.
    deadline=dt.timedelta(seconds=10),
    suppress_health_check=[HealthCheck.too_slow],
    derandomize=True,  # `make test` stays reproducible; run with --hypothesis-seed to explore
)


def load_or_refuse(raw: bytes, kind: Kind = "review") -> Document | None:
    """The contract: a document, or DocumentError; any other exception fails the test."""
    path = "reviews/tr-0001-x.md" if kind == "review" else "accounts/acme.md"
    try:
        document = parse_document(raw, path, kind)
    except DocumentError as refused:
        assert refused.diagnostic.message
        assert refused.diagnostic.line >= 1 and refused.diagnostic.column >= 1
        event("refused: " + refused.diagnostic.message[:30])
        return None
    event("loaded")
    return document


def check_and_report(document: Document | None) -> None:
    if document is None:
        return
    diagnostics = check_document(document).diagnostics
    summary = summarize(1, diagnostics)
    for formatter in (format_text, format_github, format_json):
        formatter(diagnostics, summary)
    for diagnostic in diagnostics:
        assert "\n" not in diagnostic.text()


def front_matter(text: str, body: str = "\n## Misalignment\n\nx\n") -> bytes:
    return f"---\n{text}\n---\n{body}".encode("utf-8", "surrogatepass")


@fuzz
@given(st.binary(max_size=2000))
def test_random_bytes(raw: bytes) -> None:
    check_and_report(load_or_refuse(raw))


@fuzz
@given(st.binary(max_size=2000))
def test_random_bytes_after_a_front_matter_fence(raw: bytes) -> None:
    check_and_report(load_or_refuse(b"---\n" + raw + b"\n---\n"))


@fuzz
@given(st.text(max_size=2000), st.sampled_from(["review", "account"]))
def test_random_text_as_front_matter(text: str, kind: Kind) -> None:
    check_and_report(load_or_refuse(front_matter(text), kind))


YAML_TOKENS = [
    *[
        "[",
        "]",
        "{",
        "}",
        ",",
        ": ",
        ":",
        "- ",
        "? ",
        "&a ",
        "*a",
        "&b ",
        "*b",
        "|",
        ">-",
        "'",
        '"',
        "\\",
        "#",
    ],
    *["!!", "!!str ", "!!python/name:os.system ", "!x ", "<<: ", "%YAML 1.1", "---", "...", "\t", " "],
    *["\n", "\n  ", "\n    ", "\n- ", "\n  - "],
    *[
        "id",
        "title",
        "status",
        "decision",
        "outcome",
        "TR-0001",
        "acme",
        "yes",
        "no",
        "~",
        "null",
        "2026-13-01",
    ],
    *["1e9", "0x1F", "é", "Ω", "\u202e", "\x85", "\ufeff", "😀"],
]


@fuzz
@given(st.lists(st.sampled_from(YAML_TOKENS), max_size=120), st.sampled_from(["review", "account"]))
def test_yaml_ish_text_built_from_yaml_tokens(tokens: list[str], kind: Kind) -> None:
    check_and_report(load_or_refuse(front_matter("".join(tokens)), kind))


def nested(style: str, depth: int) -> str:
    if style == "flow list":
        return "x: " + "[" * depth + "]" * depth
    if style == "flow mapping":
        return "x: " + "{a: " * depth + "b" + "}" * depth
    if style == "block list":
        return "x:\n" + "".join("  " * i + "-\n" for i in range(depth)) + "  " * depth + "- b"
    return "".join("  " * i + "a:\n" for i in range(depth)) + "  " * depth + "b: c"


@settings(fuzz, max_examples=60)  # each example is up to 20,000 levels
@given(
    st.sampled_from(["flow list", "flow mapping", "block list", "block mapping"]),
    st.integers(min_value=1, max_value=300) | st.integers(min_value=300, max_value=20_000),
    st.booleans(),
)
def test_deep_nesting_of_any_style_is_refused_or_read(style: str, depth: int, closed: bool) -> None:
    if style.startswith("block"):
        depth = min(depth, 400)  # the indentation alone grows with the square of the depth
    text = nested(style, depth)
    if not closed:
        text = text.rstrip("]}")
    check_and_report(load_or_refuse(front_matter(text)))


@fuzz
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["id", "title", "customer", "triggers", "decision", "health", "x"]),
            st.lists(st.sampled_from(YAML_TOKENS), max_size=12),
        ),
        max_size=8,
    ),
    st.sampled_from(["review", "account"]),
)
def test_fields_with_yaml_ish_values(fields: list[tuple[str, list[str]]], kind: Kind) -> None:
    check_and_report(
        load_or_refuse(front_matter("\n".join(f"{name}: {''.join(v)}" for name, v in fields)), kind)
    )


@fuzz
@given(st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=2000))
def test_random_printable_text_as_front_matter(text: str) -> None:
    check_and_report(load_or_refuse(front_matter(text)))


def base_front(kind: Kind) -> dict[str, Any]:
    path = BASE / ("reviews/tr-0001-acme-air-gapped.md" if kind == "review" else "accounts/acme-corp.md")
    loaded = yaml.safe_load(path.read_text(encoding="utf-8").split("---\n")[1])
    assert isinstance(loaded, dict)
    return loaded


FIELDS = sorted({*TechReview.model_fields, *AccountPlan.model_fields, "health.status", "links.tdd"})
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True),
    st.text(max_size=40),
    st.dates(),
    st.sampled_from(["TR-0001", "acme-corp", "approved", "no", "yes", "2026-09-01", "https://x.example"]),
)
names = st.sampled_from(FIELDS) | st.text(max_size=8)
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(names, inner, max_size=4),
    max_leaves=20,
)


@fuzz
@given(
    st.sampled_from(["review", "account"]),
    st.dictionaries(st.sampled_from(FIELDS) | st.text(max_size=12), values, max_size=6),
    st.booleans(),
)
def test_a_valid_document_with_fields_replaced_by_random_values(
    kind: Kind, changes: dict[str, Any], unicode: bool
) -> None:
    data = {**base_front(kind), **changes}
    dumped = yaml.safe_dump(data, allow_unicode=unicode, sort_keys=False)
    check_and_report(load_or_refuse(front_matter(dumped), kind))


@fuzz
@given(
    st.lists(
        st.sampled_from(
            ["## Misalignment", "## Timeline", "# Asks", "```", "~~~", "    ## Timeline", "text", ""]
        )
        | st.text(max_size=30),
        max_size=60,
    )
)
def test_random_review_bodies(lines: list[str]) -> None:
    front = (BASE / "reviews/tr-0001-acme-air-gapped.md").read_text(encoding="utf-8").split("---\n")[1]
    check_and_report(load_or_refuse(front_matter(front, "\n".join(lines))))


# --- the technical win's gates and handbook.yml -----------------------------------------------------

GATE_NAMES = sorted({gate for _, gate, _ in GATES} | {"answer", "evidence"})
PHASE_KEYS = [phase_key(phase) for phase in TechWinPhase]
CONFIG_FIELDS = sorted(HandbookConfig.model_fields)


@fuzz
@given(
    st.dictionaries(
        st.sampled_from(PHASE_KEYS) | st.text(max_size=8),
        st.dictionaries(st.sampled_from(GATE_NAMES) | st.text(max_size=8), values, max_size=5) | values,
        max_size=5,
    ),
    st.sampled_from([phase.value for phase in TechWinPhase]),
    st.integers(min_value=-1, max_value=8),
)
def test_random_gate_answers_on_an_opportunity(gates: dict[str, Any], phase: str, stage: int) -> None:
    data = base_front("account")
    data["opportunities"] = [
        {
            **data["opportunities"][0],
            "gates": gates,
            "tech_win_phase": phase,
            "sales_stage": stage,
        }
    ]
    dumped = yaml.safe_dump(data, sort_keys=False)
    check_and_report(load_or_refuse(front_matter(dumped), "account"))


@fuzz
@given(st.dictionaries(st.sampled_from(CONFIG_FIELDS) | st.text(max_size=8), values, max_size=8))
def test_random_handbook_yml_is_a_configuration_or_positioned_messages(fields: dict[str, Any]) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "handbook.yml").write_text(yaml.safe_dump(fields, sort_keys=False), encoding="utf-8")
        loaded = load_config(Path(folder))
    for diagnostic in loaded.diagnostics:
        assert diagnostic.line >= 1 and diagnostic.column >= 1 and diagnostic.message
        assert "\n" not in diagnostic.text()
    if not loaded.diagnostics:
        calendar = loaded.config.calendar
        calendar.feedback_due(dt.date(2026, 11, 23))
        calendar.quarter_label(dt.date(2026, 11, 23))


@fuzz
@given(st.text(max_size=600))
def test_random_text_as_handbook_yml(text: str) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "handbook.yml").write_text(text, encoding="utf-8", errors="surrogatepass")
        loaded = load_config(Path(folder))
    assert loaded.present
    assert all(d.line >= 1 and d.message for d in loaded.diagnostics)
