"""One definition of each fact of the process: pages, messages and commands say what handbook.yml says,
and every command's today is the same UTC day."""

from __future__ import annotations

import ast
import datetime as dt
import re
from pathlib import Path

from generator.notify.events import RenewalWindow, ReviewInReview, document_events
from generator.notify.messages import SiteLinks, preview, render
from generator.process import facts
from generator.process.calendar import day_of, today
from generator.site import index
from generator.site.build import load_handbook
from generator.site.render import Settings, render_tree
from tests.notify.documents import (
    ACCOUNT,
    ACCOUNT_PATH,
    REVIEW_PATH,
    handbook,
    review,
    with_renewal,
    write_repo,
)
from tests.site.conftest import TODAY, sample_ledger, write_sample

ROOT = Path(__file__).resolve().parents[1]
TEMPLATES = ROOT / "site" / "templates"


# --- the site's templates read the process from globals ------------------------------------------


def test_no_template_writes_a_window_or_the_business_week_of_the_process() -> None:
    written = {
        f"{facts.FEEDBACK_BUSINESS_DAYS}-business-day",
        f"{facts.FEEDBACK_BUSINESS_DAYS} business days",
        f"{facts.RENEWAL_WINDOW_DAYS} days",
        f"{facts.RENEWAL_WINDOW_DAYS}-day",
        facts.BUSINESS_WEEK,
        *(
            f"stage {r.start}–{r.stop - 1}"
            for r in (facts.TECH_WIN_THIS_QUARTER_STAGES, facts.TECH_WIN_NEXT_QUARTER_STAGES)
        ),
    }
    found = [
        f"{path.name}: {text!r}"
        for path in sorted(TEMPLATES.glob("*.j2"))
        for text in written
        if text in path.read_text(encoding="utf-8")
    ]
    assert found == []


def test_pages_give_handbook_yml_s_feedback_window(tmp_path: Path) -> None:
    write_sample(tmp_path)
    (tmp_path / "handbook.yml").write_text("feedback_business_days: 5\n", encoding="utf-8")
    site = load_handbook(tmp_path, sample_ledger(tmp_path / "ledger.json"), TODAY)
    pages = render_tree(site, Settings()).files
    person = str(pages["people/rita-reviewer.md"])
    assert "past its 5-business-day deadline" in person
    assert "within 5 business days of the opening date (Monday to Friday," in str(
        pages["dashboards/open-reviews.md"]
    )


def test_the_renewals_chart_describes_handbook_yml_s_window(tmp_path: Path) -> None:
    write_sample(tmp_path)
    (tmp_path / "handbook.yml").write_text("renewal_window_days: 45\n", encoding="utf-8")
    pages = render_tree(load_handbook(tmp_path, tmp_path / "no-ledger.json", TODAY), Settings()).files
    charts = str(pages["dashboards/charts.md"])
    assert 'alt="Stacked bar chart of renewals per week over the next 45 days,' in charts
    assert "{{" not in charts


# --- Slack messages say the window the event was counted with ------------------------------------


def test_the_in_review_message_gives_handbook_yml_s_feedback_window(tmp_path: Path) -> None:
    root = write_repo(tmp_path, {ACCOUNT_PATH: ACCOUNT, REVIEW_PATH: review("in-review")})
    (root / "handbook.yml").write_text("feedback_business_days: 5\n", encoding="utf-8")
    [event] = document_events(handbook(root), {})
    assert isinstance(event, ReviewInReview)
    shown = preview(render(event, SiteLinks()))
    assert f"{event.feedback_due.isoformat()} (5 business days)" in shown


def test_the_renewal_message_gives_handbook_yml_s_window(tmp_path: Path) -> None:
    root = write_repo(tmp_path, {ACCOUNT_PATH: with_renewal(ACCOUNT, "2026-02-20")})
    (root / "handbook.yml").write_text("renewal_window_days: 120\n", encoding="utf-8")
    [event] = document_events(handbook(root), {})
    assert isinstance(event, RenewalWindow)
    assert "starts 120 days before a renewal" in preview(render(event, SiteLinks()))


# --- one today --------------------------------------------------------------------------------------


def test_today_is_the_utc_date_wherever_the_command_runs() -> None:
    california = dt.timezone(dt.timedelta(hours=-8))
    tokyo = dt.timezone(dt.timedelta(hours=9))
    assert today(dt.datetime(2026, 11, 23, 17, 30, tzinfo=california)) == dt.date(2026, 11, 24)
    assert today(dt.datetime(2026, 11, 24, 8, 0, tzinfo=tokyo)) == dt.date(2026, 11, 23)


def test_a_moment_falls_on_its_utc_day() -> None:
    tokyo = dt.timezone(dt.timedelta(hours=9))
    assert day_of(dt.datetime(2026, 11, 24, 8, 0, tzinfo=tokyo)) == dt.date(2026, 11, 23)
    assert day_of(dt.datetime(2026, 11, 24, 23, 59)) == dt.date(2026, 11, 24)  # no zone: already UTC


def test_only_the_process_calendar_reads_the_clock_for_a_date() -> None:
    """`date.today()` is the machine's local date: every command asks the process calendar instead."""
    readers = []
    for path in sorted((ROOT / "generator").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Attribute)
                and node.attr == "today"
                and ast.unparse(node.value)
                in (
                    "dt.date",
                    "date",
                    "datetime.date",
                )
            ):
                readers.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert readers == []


def test_a_waiting_pull_request_opened_late_in_tokyo_counts_from_its_utc_day(tmp_path: Path) -> None:
    write_sample(tmp_path)
    ledger = sample_ledger(tmp_path / "ledger.json")
    text = ledger.read_text(encoding="utf-8")
    # Monday 2026-11-16 08:00 in Tokyo is Sunday 2026-11-15 23:00 UTC: the wait starts on Sunday.
    moved, count = re.subn(r'"opened_at": "[^"]+"', '"opened_at": "2026-11-16T08:00:00+09:00"', text, count=1)
    assert count == 1
    ledger.write_text(moved, encoding="utf-8")
    site = load_handbook(tmp_path, ledger, TODAY)
    waited = [b.business_days for person in index.people(site).values() for b in person.waiting]
    assert 6 in waited  # Monday 16 to Monday 23 November: six business days after Sunday 15
