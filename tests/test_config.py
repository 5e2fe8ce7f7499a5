"""handbook.yml: the process configuration, read with the strict loader and checked with positions."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from generator.commands import main
from generator.process import calendar as dates
from generator.process import facts
from generator.process.config import DEFAULT, load_config

CORPUS_BASE = Path(__file__).parent / "corpus" / "base"

FULL = """\
# The process of this company.
fiscal_year_start_month: 2
holidays:
  - 2026-11-26
  - date: 2026-12-25
    name: Christmas Day
feedback_business_days: 3
renewal_window_days: 120
plausible_dates:
  earliest: 2010-01-01
  latest: 2060-12-31
internal_qbr:
  2027-Q4: 2026-12-08
"""


@pytest.fixture(autouse=True)
def _inside(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # paths in messages are relative to the working directory


def write(root: Path, text: str) -> Path:
    path = root / "handbook.yml"
    path.write_text(text, encoding="utf-8")
    return path


def messages(root: Path) -> list[str]:
    return [d.text() for d in load_config(root).diagnostics]


def test_without_handbook_yml_the_process_is_todays(tmp_path: Path) -> None:
    loaded = load_config(tmp_path)
    assert (loaded.present, loaded.diagnostics) == (False, [])
    assert loaded.config.calendar == dates.DEFAULT
    assert loaded.config.renewal_window_days == 90
    assert loaded.config.feedback_business_days == facts.FEEDBACK_BUSINESS_DAYS
    assert loaded.config.plausible_dates.earliest == dt.date(2000, 1, 1)
    assert loaded.config.plausible_dates.latest == dt.date(2100, 12, 31)


def test_an_empty_or_comment_only_file_is_the_defaults(tmp_path: Path) -> None:
    write(tmp_path, "# nothing changed yet\n\n")
    loaded = load_config(tmp_path)
    assert loaded.present and loaded.diagnostics == [] and loaded.config == DEFAULT


def test_a_full_file_sets_the_calendar(tmp_path: Path) -> None:
    write(tmp_path, FULL)
    loaded = load_config(tmp_path)
    assert loaded.diagnostics == []
    calendar = loaded.config.calendar
    assert calendar.quarter_label(dt.date(2026, 11, 23)) == "2027-Q4"
    assert calendar.holidays == {dt.date(2026, 11, 26), dt.date(2026, 12, 25)}
    assert calendar.feedback_due(dt.date(2026, 11, 23)) == dt.date(2026, 11, 27)
    assert loaded.config.renewal_window_days == 120
    assert loaded.config.qbr(dt.date(2026, 11, 23)) == dt.date(2026, 12, 8)
    assert loaded.config.qbr(dt.date(2027, 3, 1)) is None


def test_a_value_out_of_range_is_reported_at_its_line_and_column(tmp_path: Path) -> None:
    write(tmp_path, "feedback_business_days: 3\nfiscal_year_start_month: 13\n")
    assert messages(tmp_path) == [
        "handbook.yml:2:26: fiscal_year_start_month: '13' is above the maximum 12",
    ]


def test_an_unknown_field_suggests_the_known_one(tmp_path: Path) -> None:
    write(tmp_path, "renewal_window: 90\n")
    assert messages(tmp_path) == [
        "handbook.yml:1:1: renewal_window: unknown field 'renewal_window' "
        "(did you mean 'renewal_window_days'?)",
    ]


def test_a_holiday_that_is_not_a_date_is_reported_at_its_item(tmp_path: Path) -> None:
    write(tmp_path, "holidays:\n  - 2026-12-25\n  - Boxing Day\n")
    assert messages(tmp_path) == [
        "handbook.yml:3:5: holidays[1].date: 'Boxing Day' is not a date "
        "(write it as YYYY-MM-DD, e.g. 2026-11-23)",
    ]


def test_a_holiday_listed_twice_is_reported_at_the_second(tmp_path: Path) -> None:
    write(tmp_path, "holidays:\n  - 2026-12-25\n  - date: 2026-12-25\n    name: Christmas\n")
    assert messages(tmp_path) == [
        "handbook.yml:3:5: holidays[1]: 2026-12-25 is listed twice (first at holidays[0]; keep one)",
    ]


def test_a_qbr_outside_its_fiscal_quarter_names_the_quarters_days(tmp_path: Path) -> None:
    write(tmp_path, "fiscal_year_start_month: 2\ninternal_qbr:\n  2027-Q1: 2027-03-10\n")
    assert messages(tmp_path) == [
        "handbook.yml:3:12: internal_qbr.2027-Q1: 2027-03-10 is not in fiscal quarter 2027-Q1 "
        "(2026-02-01 to 2026-04-30) (check the date, the quarter, or fiscal_year_start_month)",
    ]


def test_a_qbr_on_a_holiday_is_reported(tmp_path: Path) -> None:
    write(tmp_path, "holidays: [2026-12-08]\ninternal_qbr:\n  2026-Q4: 2026-12-08\n")
    assert messages(tmp_path) == [
        "handbook.yml:3:12: internal_qbr.2026-Q4: 2026-12-08 is a holiday "
        "(hold the review on a business day)",
    ]


def test_a_plausible_window_upside_down_is_reported(tmp_path: Path) -> None:
    write(tmp_path, "plausible_dates:\n  earliest: 2050-01-01\n  latest: 2040-01-01\n")
    assert messages(tmp_path) == [
        "handbook.yml:3:11: plausible_dates.latest: is not after earliest (2050-01-01)",
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("fiscal_year_start_month: [2\n", "handbook.yml:1:26: handbook.yml is not valid YAML"),
        ("- 2\n", "handbook.yml:1:1: handbook.yml must be a mapping of fields"),
        ("a: &x 1\nb: *x\n", "YAML anchors (&x) are not allowed"),
        ("holidays: !!python/object:os.system x\n", "YAML tag !!python/object:os.system is not allowed"),
    ],
    ids=["unclosed-bracket", "a-list", "alias", "python-tag"],
)
def test_broken_yaml_is_one_positioned_message(tmp_path: Path, text: str, expected: str) -> None:
    write(tmp_path, text)
    found = messages(tmp_path)
    assert len(found) == 1 and expected in found[0], found


def test_a_binary_or_special_file_is_refused_without_a_traceback(tmp_path: Path) -> None:
    (tmp_path / "handbook.yml").write_bytes(b"fiscal_year_start_month: 2\n\xff\xfe\n")
    assert messages(tmp_path) == [
        "handbook.yml:2:1: the file is not UTF-8 text: byte 0xff (save it as UTF-8)",
    ]
    (tmp_path / "handbook.yml").unlink()
    (tmp_path / "handbook.yml").mkdir()
    assert messages(tmp_path) == [
        "handbook.yml:1:1: not a regular file (make handbook.yml a plain text file)"
    ]


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "repo"
    shutil.copytree(CORPUS_BASE, root)
    monkeypatch.chdir(root)
    return root


def test_validate_reports_a_broken_handbook_yml_and_exits_1(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(repo, "feedback_business_days: 0\n")
    assert main(["validate"]) == 1
    assert capsys.readouterr().out == (
        "handbook.yml:1:25: feedback_business_days: '0' is below the minimum 1\n"
        "4 documents checked, 1 error in 1 file\n"
    )


def test_validate_accepts_a_good_handbook_yml(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(repo, FULL)
    assert main(["validate"]) == 0
    assert capsys.readouterr().out == "4 documents checked, no errors\n"


def test_other_commands_stop_on_a_broken_handbook_yml(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(repo, "fiscal_year_start_month: thirteen\n")
    assert main(["new", "account", "--today", "2026-11-23"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("handbook: handbook.yml is invalid\n")
    assert "handbook.yml:1:26: fiscal_year_start_month: 'thirteen' is not a whole number" in err
    assert "Traceback" not in err


def test_handbook_schema_emits_the_config_schema(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema", "config"]) == 0
    schema = json.loads(capsys.readouterr().out)
    Draft202012Validator.check_schema(schema)
    assert schema["additionalProperties"] is False
    assert {"fiscal_year_start_month", "holidays", "feedback_business_days", "renewal_window_days",
            "plausible_dates", "internal_qbr"} <= set(schema["properties"])  # fmt: skip
    validator = Draft202012Validator(schema)
    assert list(validator.iter_errors({"fiscal_year_start_month": 2, "holidays": ["2026-12-25"]})) == []
    assert list(validator.iter_errors({"fiscal_year_start_month": 13}))
    assert list(validator.iter_errors({"renewal_window": 90}))


def test_a_narrower_plausible_window_in_handbook_yml_reports_dates_outside_it(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(repo, "plausible_dates:\n  earliest: 2026-10-01\n  latest: 2030-12-31\n")
    assert main(["validate"]) == 1
    out = capsys.readouterr().out.splitlines()
    expected = (
        "reviews/tr-0001-acme-air-gapped.md:12:9: opened: '2026-09-01' is outside the plausible dates "
        "2026-10-01 to 2030-12-31 (check the year)"
    )
    assert expected in out


def test_a_wider_plausible_window_in_handbook_yml_accepts_older_dates(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plan = repo / "accounts" / "globex.md"
    plan.write_text(
        plan.read_text(encoding="utf-8").replace("last_revisited: 2026-10-02", "last_revisited: 1998-10-02")
    )
    assert main(["validate"]) == 1
    assert "'1998-10-02' is outside the plausible dates 2000-01-01 to 2100-12-31" in capsys.readouterr().out
    write(repo, "plausible_dates:\n  earliest: 1990-01-01\n")
    assert main(["validate"]) == 0, capsys.readouterr().out


def test_the_default_window_is_the_loaders_own(tmp_path: Path) -> None:
    window = load_config(tmp_path).config.plausible_dates.window
    assert window == dates.PLAUSIBLE_DATES


def test_handbook_yml_named_on_the_command_line_is_checked_not_read_as_a_document(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(repo, "fiscal_year_start_month: 0\n")
    assert main(["validate", "handbook.yml"]) == 1
    assert capsys.readouterr().out == (
        "handbook.yml:1:26: fiscal_year_start_month: '0' is below the minimum 1\n"
        "0 documents checked, 1 error in 1 file\n"
    )


def test_a_qbr_quarter_outside_the_plausible_years_is_one_message_not_a_crash(tmp_path: Path) -> None:
    write(
        tmp_path, "fiscal_year_start_month: 2\ninternal_qbr:\n  0000-Q1: 2026-12-10\n  9999-Q4: 2026-12-10\n"
    )
    assert messages(tmp_path) == [
        "handbook.yml:3:12: internal_qbr.0000-Q1: quarter 0000-Q1 is outside the plausible dates "
        "(between 2000-01-01 and 2100-12-31; check the year)",
        "handbook.yml:4:12: internal_qbr.9999-Q4: quarter 9999-Q4 is outside the plausible dates "
        "(between 2000-01-01 and 2100-12-31; check the year)",
    ]


def test_the_plausible_window_cannot_reach_the_ends_of_the_calendar(tmp_path: Path) -> None:
    write(tmp_path, "plausible_dates:\n  earliest: 0001-01-01\n")
    assert messages(tmp_path) == [
        "handbook.yml:2:13: plausible_dates.earliest: '0001-01-01' is outside the plausible dates "
        "1900-01-01 to 2999-12-31 (check the year)",
    ]


@pytest.mark.parametrize("written", ["2026-12-25T00:00", "1766620800", "25/12/2026", "2026-12-25\n"])
def test_a_holiday_is_written_year_month_day_and_nothing_else(tmp_path: Path, written: str) -> None:
    write(tmp_path, f"holidays:\n  - {json.dumps(written)}\n")
    [message] = messages(tmp_path)
    assert message.startswith("handbook.yml:2:5: holidays[0]") and "is not a date" in message


NOTIFICATIONS = """\
fiscal_year_start_month: 2
notifications:
  enabled: true
  channels:
    tech-reviews:
      webhook_env: SLACK_WEBHOOK_TECH_REVIEWS
  routes:
    review-decided: [tech-reviews]
"""


def test_the_notifications_section_belongs_to_handbook_yml(tmp_path: Path) -> None:
    write(tmp_path, NOTIFICATIONS)
    loaded = load_config(tmp_path)
    assert loaded.diagnostics == []
    assert loaded.config.fiscal_year_start_month == 2
    assert loaded.config.notifications is not None and loaded.config.notifications.enabled


def test_validate_reports_a_broken_notifications_section_as_notify_reads_it(tmp_path: Path) -> None:
    from generator.notify.settings import SettingsError, read_notifications

    write(tmp_path, NOTIFICATIONS.replace("review-decided: [tech-reviews]", "review-decided: [nowhere]"))
    with pytest.raises(SettingsError) as notify_says:
        read_notifications(tmp_path / "handbook.yml")
    assert messages(tmp_path) == [d.text() for d in notify_says.value.diagnostics]
    assert messages(tmp_path)[0].startswith("handbook.yml:8:")


def test_the_config_schema_describes_the_notifications_section(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema", "config"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert "notifications" in schema["properties"]
    validator = Draft202012Validator(schema)
    assert list(validator.iter_errors({"notifications": {"enabled": True, "channels": {}}})) == []
    assert list(validator.iter_errors({"notifications": {"enabeld": True}}))


def test_fiscal_year_start_is_the_short_spelling_of_the_start_month(tmp_path: Path) -> None:
    write(tmp_path, "fiscal_year_start: 2\n")
    assert load_config(tmp_path).config.fiscal_year_start_month == 2
    write(tmp_path, "fiscal_year_start: 14\n")
    assert messages(tmp_path) == ["handbook.yml:1:20: fiscal_year_start: '14' is above the maximum 12"]


def test_the_weeks_of_the_early_quarter_plan_deadline_are_one_to_thirteen(tmp_path: Path) -> None:
    write(tmp_path, "plan_weeks: 14\n")
    assert messages(tmp_path) == ["handbook.yml:1:13: plan_weeks: '14' is above the maximum 13"]
    write(tmp_path, "plan_weeks: 0\n")
    assert messages(tmp_path) == ["handbook.yml:1:13: plan_weeks: '0' is below the minimum 1"]
