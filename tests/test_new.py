"""`handbook new review|account`: skeletons that validate, from flags or from answers in a terminal."""

from __future__ import annotations

import datetime as dt
import io
import os
import pty
import select
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from generator.authoring.new import slug_of
from generator.commands import main
from generator.documents import skeleton
from generator.documents.load import read_document
from generator.documents.models.common import _INVISIBLE as INVISIBLE_TEXT
from generator.documents.validate import validate_repository
from generator.process.calendar import add_business_days
from generator.process.facts import DECISION_BUSINESS_DAYS
from tests.test_skeleton import fill_in_account

TODAY = "2026-11-23"  # a Monday
ACCOUNT_FLAGS = [
    "--name",
    "Northwind Logistics",
    "--tier",
    "1",
    "--segment",
    "strategic",
    "--ae",
    "ben-whitaker",
    "--ce",
    "jordan-reyes",
    "--health-reason",
    "Adoption grew 19% since Q2",
    "--champion",
    "Mia Lund",
]
REVIEW_FLAGS = [
    "--title",
    "Air-gapped upgrade from 5.2 to 6.4",
    "--customer",
    "northwind-logistics",
    "--moment",
    "pre-sales",
    "--trigger",
    "air-gapped",
    "--author",
    "jordan-reyes",
]


class Terminal(io.StringIO):
    """Answers typed at a terminal: input() reads them from sys.stdin, which says it is a TTY."""

    def isatty(self) -> bool:
        return True


@pytest.fixture
def no_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))


def handbook(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def repo(tmp_path: Path, capsys: pytest.CaptureFixture[str], no_terminal: None) -> Path:
    """A handbook with one account plan, written by `handbook new account` itself and filled in."""
    code, _, err = handbook(
        capsys, "new", "account", *ACCOUNT_FLAGS, "--root", str(tmp_path), "--today", TODAY
    )
    assert code == 0, err
    fill_in_account(tmp_path / "accounts" / "northwind-logistics.md")
    return tmp_path


def only_file(folder: Path) -> Path:
    files = sorted(folder.glob("*.md"))
    assert len(files) == 1, files
    return files[0]


# --- from flags -----------------------------------------------------------------------------------


def test_a_review_from_flags_is_a_draft_that_validates(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = handbook(capsys, "new", "review", *REVIEW_FLAGS, "--root", str(repo), "--today", TODAY)

    assert code == 0
    written = only_file(repo / "reviews")
    assert written.name == "tr-0001-air-gapped-upgrade-from-5-2-to-6-4.md"
    assert out.strip().endswith("reviews/tr-0001-air-gapped-upgrade-from-5-2-to-6-4.md")
    assert handbook(capsys, "validate", "--root", str(repo))[0] == 0
    data = read_document(written).data
    assert (data["id"], data["status"], data["opened"]) == ("TR-0001", "draft", TODAY)


def test_a_review_takes_its_account_team_from_the_account_plan(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    handbook(capsys, "new", "review", *REVIEW_FLAGS, "--root", str(repo), "--today", TODAY)

    data = read_document(only_file(repo / "reviews")).data
    assert data["account_team"] == {"ae": "ben-whitaker", "ce": "jordan-reyes", "ta": None}


def test_the_decision_is_needed_ten_business_days_after_opening(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    handbook(capsys, "new", "review", *REVIEW_FLAGS, "--root", str(repo), "--today", TODAY)

    assert read_document(only_file(repo / "reviews")).data["decision_needed_by"] == "2026-12-07"


def test_the_skeleton_body_has_every_required_section(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    handbook(capsys, "new", "review", *REVIEW_FLAGS, "--root", str(repo), "--today", TODAY)

    body = read_document(only_file(repo / "reviews")).body
    for section in ("Misalignment", "Timeline", "Requirement origin", "Customer expectations", "Asks"):
        assert f"## {section}\n\n_" in body


def test_review_ids_continue_after_the_highest_one_even_in_a_broken_file(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (repo / "reviews").mkdir()
    (repo / "reviews" / "tr-0041-half-written.md").write_text("no front matter yet\n", encoding="utf-8")

    handbook(capsys, "new", "review", *REVIEW_FLAGS, "--root", str(repo), "--today", TODAY)

    assert (repo / "reviews" / "tr-0042-air-gapped-upgrade-from-5-2-to-6-4.md").is_file()


def test_trigger_other_writes_its_description(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    flags = [*REVIEW_FLAGS, "--trigger", "other", "--trigger-description", "FIPS 140-3 mode in production"]
    code, _, _ = handbook(capsys, "new", "review", *flags, "--root", str(repo), "--today", TODAY)

    assert code == 0
    data = read_document(only_file(repo / "reviews")).data
    assert data["triggers"] == ["air-gapped", "other"]
    assert data["trigger_description"] == "FIPS 140-3 mode in production"


def test_an_account_from_flags_validates_with_defaults(tmp_path: Path, capsys, no_terminal) -> None:
    code, out, _ = handbook(
        capsys, "new", "account", *ACCOUNT_FLAGS, "--root", str(tmp_path), "--today", TODAY
    )

    assert code == 0
    assert out.strip().endswith("accounts/northwind-logistics.md")
    data = read_document(tmp_path / "accounts" / "northwind-logistics.md").data
    assert (data["quarter"], data["health"]["status"], data["last_revisited"]) == ("2026-Q4", "green", TODAY)
    fill_in_account(tmp_path / "accounts" / "northwind-logistics.md")
    assert handbook(capsys, "validate", "--root", str(tmp_path))[0] == 0


def test_a_new_account_fails_validation_only_on_the_skeleton_text(
    tmp_path: Path, capsys, no_terminal
) -> None:
    handbook(capsys, "new", "account", *ACCOUNT_FLAGS, "--root", str(tmp_path), "--today", TODAY)

    report = validate_repository(tmp_path)
    assert len(report.diagnostics) == 7  # five section hints, the objective, the next step
    assert {d.message for d in report.diagnostics if d.field != "body"} == {skeleton.MESSAGE}
    assert all("skeleton" in d.message for d in report.diagnostics)


def test_a_new_account_is_for_the_fiscal_quarter_of_handbook_yml(tmp_path: Path, capsys, no_terminal) -> None:
    # Fiscal years from February: 2026-11-23 is in fiscal 2027's fourth quarter.
    (tmp_path / "handbook.yml").write_text("fiscal_year_start_month: 2\n", encoding="utf-8")
    code, _, err = handbook(
        capsys, "new", "account", *ACCOUNT_FLAGS, "--root", str(tmp_path), "--today", TODAY
    )

    assert code == 0, err
    assert read_document(tmp_path / "accounts" / "northwind-logistics.md").data["quarter"] == "2027-Q4"


def test_a_new_review_needs_a_decision_after_business_days_that_skip_holidays(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (repo / "handbook.yml").write_text("holidays: [2026-11-26, 2026-11-27]\n", encoding="utf-8")
    code, _, err = handbook(capsys, "new", "review", *REVIEW_FLAGS, "--root", str(repo), "--today", TODAY)

    assert code == 0, err
    [path] = (repo / "reviews").glob("*.md")
    expected = add_business_days(dt.date(2026, 11, 23), DECISION_BUSINESS_DAYS)
    written = read_document(path).data["decision_needed_by"]
    assert dt.date.fromisoformat(written) > expected


def test_a_red_account_skeleton_carries_its_action_plan(tmp_path: Path, capsys, no_terminal) -> None:
    flags = [*ACCOUNT_FLAGS, "--health", "red", "--ta", "oliver-brandt"]
    code, _, err = handbook(capsys, "new", "account", *flags, "--root", str(tmp_path), "--today", TODAY)

    assert code == 0, err
    data = read_document(tmp_path / "accounts" / "northwind-logistics.md").data
    assert data["red_account"]["action_plan"][0]["owner"] == "jordan-reyes"
    assert data["red_account"]["action_plan"][0]["action"] == skeleton.RED_FIRST_ACTION


def test_an_existing_file_is_never_overwritten(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    plan = repo / "accounts" / "northwind-logistics.md"
    plan.write_text("the team's own edits\n", encoding="utf-8")

    code, out, err = handbook(capsys, "new", "account", *ACCOUNT_FLAGS, "--root", str(repo), "--today", TODAY)

    assert code == 1
    assert "already exists" in err and "northwind-logistics.md" in err
    assert out == ""
    assert plan.read_text(encoding="utf-8") == "the team's own edits\n"


# --- usage errors ---------------------------------------------------------------------------------


def test_an_unknown_customer_exits_2_with_a_hint_to_create_the_plan(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    flags = [*REVIEW_FLAGS, "--customer", "contoso-health"]
    code, _, err = handbook(capsys, "new", "review", *flags, "--root", str(repo), "--today", TODAY)

    assert code == 2
    assert "--customer" in err and "'contoso-health'" in err and "handbook new account" in err
    assert not (repo / "reviews").exists()


def test_a_near_miss_customer_gets_a_suggestion(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    flags = [*REVIEW_FLAGS, "--customer", "northwind-logistic"]
    code, _, err = handbook(capsys, "new", "review", *flags, "--root", str(repo), "--today", TODAY)

    assert code == 2
    assert "did you mean 'northwind-logistics'?" in err


def test_missing_flags_without_a_terminal_are_all_named(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = handbook(
        capsys,
        "new",
        "review",
        "--customer",
        "northwind-logistics",
        "--moment",
        "pre-sales",
        "--root",
        str(repo),
    )

    assert code == 2
    assert "missing --title, --trigger, --author" in err
    assert "Traceback" not in err


def test_a_post_sales_review_without_a_ta_names_the_missing_flag(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    flags = [*REVIEW_FLAGS, "--moment", "post-sales"]
    code, _, err = handbook(capsys, "new", "review", *flags, "--root", str(repo))

    assert code == 2
    assert "missing --ta" in err


@pytest.mark.parametrize(
    ("flag", "value", "expected"),
    [
        ("--moment", "during-sales", "'pre-production' or 'post-sales'"),
        ("--trigger", "kubernetes", "'air-gapped'"),
        ("--author", "not a handle", "is not a GitHub handle"),
        ("--title", "   ", "must not be empty"),
        ("--title", "two\nlines", "one line"),
        ("--title", "two\u2028lines", "one line"),
    ],
)
def test_a_bad_flag_value_is_one_clear_usage_error(
    repo: Path, capsys: pytest.CaptureFixture[str], flag: str, value: str, expected: str
) -> None:
    code, _, err = handbook(capsys, "new", "review", *REVIEW_FLAGS, flag, value, "--root", str(repo))

    assert code == 2
    assert err.startswith(f"handbook: error: {flag}:") and expected in err
    assert not (repo / "reviews").exists()


def test_flags_that_break_a_rule_together_name_the_flag(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    flags = [*REVIEW_FLAGS, "--author", "ravi-menon"]
    code, _, err = handbook(capsys, "new", "review", *flags, "--root", str(repo))

    assert code == 2
    assert "--author: the author must be the account team's CE or TA" in err


def test_a_description_without_trigger_other_is_refused(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    flags = [*REVIEW_FLAGS, "--trigger-description", "something"]
    code, _, err = handbook(capsys, "new", "review", *flags, "--root", str(repo))

    assert code == 2
    assert "--trigger-description" in err


def test_a_name_without_latin_letters_needs_an_explicit_id(tmp_path: Path, capsys, no_terminal) -> None:
    flags = [*ACCOUNT_FLAGS, "--name", "日本語"]
    code, _, err = handbook(capsys, "new", "account", *flags, "--root", str(tmp_path))

    assert code == 2
    assert "--id" in err


def test_a_missing_root_folder_is_a_usage_error(tmp_path: Path, capsys, no_terminal) -> None:
    code, _, err = handbook(capsys, "new", "account", *ACCOUNT_FLAGS, "--root", str(tmp_path / "nope"))

    assert code == 2
    assert "no such folder" in err


# --- prompts in a terminal ------------------------------------------------------------------------


def test_a_terminal_is_asked_for_each_missing_value(
    repo: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # customer, title, moment, triggers, then AE and CE defaults from the plan (Enter), then author
    answers = "northwind-logistics\nSingle-node k3s\npre-sales\nother\nk3s on one VM\n\n\njordan-reyes\n"
    monkeypatch.setattr(sys, "stdin", Terminal(answers))

    code, out, err = handbook(capsys, "new", "review", "--root", str(repo), "--today", TODAY)

    assert code == 0, err
    assert "Title: " in out and "AE [ben-whitaker]: " in out
    data = read_document(only_file(repo / "reviews")).data
    assert (data["title"], data["trigger_description"]) == ("Single-node k3s", "k3s on one VM")
    assert handbook(capsys, "validate", "--root", str(repo))[0] == 0


def test_a_bad_answer_is_asked_again_with_the_reason(
    repo: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    flags = [f for f in REVIEW_FLAGS if f not in ("--moment", "pre-sales")]
    monkeypatch.setattr(sys, "stdin", Terminal("during-sales\npost-sales\n\n\noliver-brandt\n"))

    code, out, err = handbook(capsys, "new", "review", *flags, "--root", str(repo), "--today", TODAY)

    assert code == 0, err
    assert "'pre-production' or 'post-sales'" in err
    assert out.count("Moment (pre-sales / pre-production / post-sales): ") == 2
    data = read_document(only_file(repo / "reviews")).data
    assert (data["moment"], data["account_team"]["ta"]) == ("post-sales", "oliver-brandt")


def test_an_unknown_customer_typed_in_a_terminal_is_asked_again(
    repo: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    flags = [f for f in REVIEW_FLAGS if f not in ("--customer", "northwind-logistics")]
    monkeypatch.setattr(sys, "stdin", Terminal("contoso-health\nnorthwind-logistics\n\n\n"))

    code, _, err = handbook(capsys, "new", "review", *flags, "--root", str(repo), "--today", TODAY)

    assert code == 0
    assert "handbook new account" in err


def test_end_of_input_while_asking_writes_nothing(
    repo: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "stdin", Terminal("northwind-logistics\n"))

    code, _, err = handbook(capsys, "new", "review", "--root", str(repo))

    assert code == 2
    assert "no answer for --title" in err
    assert not (repo / "reviews").exists()


def test_a_real_pseudo_terminal_answers_the_account_prompts(tmp_path: Path) -> None:
    controller, terminal = pty.openpty()
    command = [sys.executable, "-m", "generator", "new", "account", "--root", str(tmp_path), "--today", TODAY]
    child = subprocess.Popen(command, stdin=terminal, stdout=terminal, stderr=terminal, close_fds=True)
    os.close(terminal)
    # name, id (Enter: from the name), tier (bad, then good), segment, AE, CE,
    # quarter and health (Enter: defaults), reason, champion
    answers = "Contoso Health\n\n7\n1\nlarge-enterprise\nnina-petrova\namelia-hart\n\n\nNew plan\nRaj Patel\n"
    os.write(controller, answers.encode())
    transcript = _read_until_exit(controller, child)

    assert child.returncode == 0, transcript
    assert "less than or equal to 3" in transcript
    data = read_document(tmp_path / "accounts" / "contoso-health.md").data
    assert (data["id"], data["tier"], data["contacts"][0]["name"]) == ("contoso-health", "1", "Raj Patel")


def _read_until_exit(controller: int, child: subprocess.Popen[bytes]) -> str:
    chunks: list[bytes] = []
    while True:
        ready, _, _ = select.select([controller], [], [], 30)
        if not ready:
            child.kill()
            break
        try:
            chunk = os.read(controller, 4096)
        except OSError:  # the terminal closes when the child exits
            break
        if not chunk:
            break
        chunks.append(chunk)
    child.wait(timeout=30)
    os.close(controller)
    return b"".join(chunks).decode("utf-8", "replace")


# --- names, numbers and untrusted titles ----------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("Air-gapped 5.2 → 6.4 upgrade: Contoso!", "air-gapped-5-2-6-4-upgrade-contoso"),
        ("Café Zürich — permissions", "cafe-zurich-permissions"),
        ("!!!", ""),
        ("word " * 30, "-".join(["word"] * 9)),
    ],
)
def test_a_title_becomes_a_short_slug(title: str, slug: str) -> None:
    assert slug_of(title) == slug


def test_business_days_skip_the_weekend() -> None:
    assert add_business_days(dt.date(2026, 11, 20), 1) == dt.date(2026, 11, 23)


# A title must show something: one made only of invisible characters (a soft hyphen, say) is refused
# by the validator's own rule, so it is no "any one-line title" here.
_one_line = st.text(
    st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp")), min_size=1, max_size=80
).filter(lambda s: s.strip() and not INVISIBLE_TEXT.fullmatch(s))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(title=_one_line)
@example(title="--")  # argparse of Python 3.11 hands [] for `--title=--`
def test_any_one_line_title_is_written_as_a_valid_review_and_read_back_as_text(
    title: str, capsys: pytest.CaptureFixture[str], no_terminal: None
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        handbook(capsys, "new", "account", *ACCOUNT_FLAGS, "--root", folder, "--today", TODAY)
        fill_in_account(root / "accounts" / "northwind-logistics.md")
        code, _, err = handbook(
            # --title=VALUE: a title may itself start with a dash.
            capsys,
            "new",
            "review",
            *REVIEW_FLAGS,
            f"--title={title}",
            "--root",
            folder,
            "--today",
            TODAY,
        )

        assert code == 0, err
        written = only_file(root / "reviews")
        assert read_document(written).data["title"] == title.strip()
        assert validate_repository(root).ok


def test_a_newly_signed_customer_gets_an_onboarding_block_and_no_quarterly_plan(
    tmp_path: Path, capsys, no_terminal
) -> None:
    flags = [
        *ACCOUNT_FLAGS,
        "--onboarding-plan",
        "https://docs.example.com/onboarding/nw",
        "--kickoff",
        TODAY,
    ]
    code, _, err = handbook(capsys, "new", "account", *flags, "--root", str(tmp_path), "--today", TODAY)

    assert code == 0, err
    data = read_document(tmp_path / "accounts" / "northwind-logistics.md").data
    assert (data["onboarding_complete"], data["objectives"], data["next_steps"]) == ("false", [], [])
    assert data["onboarding"]["trainings"] == {
        "admin": "2026-11-30",
        "user": "2026-12-07",
        "advanced": "2026-12-14",
    }
    report = validate_repository(tmp_path)
    assert [d.message for d in report.diagnostics] == [
        "section '## Summary' still holds the skeleton's hint",
        "section '## Onboarding' still holds the skeleton's hint",
    ]


def test_a_kickoff_without_an_onboarding_plan_is_a_usage_error(tmp_path: Path, capsys, no_terminal) -> None:
    code, _, err = handbook(
        capsys,
        "new",
        "account",
        *ACCOUNT_FLAGS,
        "--kickoff",
        TODAY,
        "--root",
        str(tmp_path),
        "--today",
        TODAY,
    )
    assert code == 2
    assert "--kickoff: is only used with --onboarding-plan" in err


def test_an_onboarding_plan_that_is_not_a_link_is_a_usage_error(tmp_path: Path, capsys, no_terminal) -> None:
    flags = [*ACCOUNT_FLAGS, "--onboarding-plan", "the shared drive"]
    code, _, err = handbook(capsys, "new", "account", *flags, "--root", str(tmp_path), "--today", TODAY)
    assert code == 2
    assert err.startswith("handbook: error: --onboarding-plan: ")
    assert not (tmp_path / "accounts" / "northwind-logistics.md").exists()
