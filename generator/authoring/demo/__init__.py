"""`handbook demo`: a complete, valid handbook repository of any size, made up from a seed.

Pipeline: a cast of people → account plans → tech reviews (each for an existing account) →
opportunities linking those reviews → front matter and bodies as text → plain file writes.
Every choice comes from one seeded `random.Random`, so a seed and a `--today` give the same files.

The parts: `words` (the word lists), `plan` (the organisation), `front` (front matter as data),
`text` (the bodies) and `ledger` (the sign-offs); generator/frontmatter.py writes the front matter.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from pathlib import Path

import yaml

from generator.authoring.demo.front import account_front_matter, review_front_matter
from generator.authoring.demo.ledger import LEDGER_FILE, demo_ledger
from generator.authoring.demo.plan import (
    HISTORY_DAYS,
    DemoReview,
    day,
    make_accounts,
    make_cast,
    make_reviews,
)
from generator.authoring.demo.text import account_record, body, fill_values, review_record
from generator.authoring.demo.words import (
    ACCOUNT_SENTENCES,
    ORIGIN_EXISTING,
    ORIGIN_NEW,
    RED_SENTENCES,
    REVIEW_LEADS,
    REVIEW_SENTENCES,
)
from generator.documents.load import display_path
from generator.documents.models.account import Health
from generator.errors import HandbookError, UsageError
from generator.frontmatter import Data, document
from generator.process.calendar import PLAUSIBLE_DATES, Calendar, DateWindow
from generator.process.calendar import today as process_today
from generator.process.config import FILE_NAME as CONFIG_FILE
from generator.process.config import HandbookConfig, require_config

MAX_REVIEWS = 999_999  # review ids have at most six digits
MAX_ACCOUNTS = 100_000


@dataclass
class DemoRepository:
    """The generated files: relative path -> text."""

    files: dict[str, str]
    reviews: int
    accounts: int


def generate(
    reviews: int, accounts: int, seed: int, today: dt.date, config: HandbookConfig | None = None
) -> DemoRepository:
    """The files of a made-up handbook; with `config` (a handbook.yml), under that process, which is
    written too; without it, a handbook.yml of the demo's own (holidays, QBRs, exchange rates)."""
    if reviews and not accounts:
        raise ValueError("every review belongs to an account: ask for at least one account")
    rng = random.Random(seed)
    config = config or demo_config(today)
    calendar = config.calendar
    cast = make_cast(rng, reviews, accounts)
    planned_accounts = make_accounts(rng, accounts, cast, today)
    planned_reviews = make_reviews(rng, reviews, planned_accounts, today)
    files: dict[str, str] = {CONFIG_FILE: config_text(config)}
    fronts: list[tuple[DemoReview, Data]] = []
    for review in planned_reviews:
        review.slots = fill_values(rng, review.account, review.opened)
        front = review_front_matter(rng, review, cast, today)
        fronts.append((review, front))
        origin = ORIGIN_NEW if rng.random() < 0.45 else ORIGIN_EXISTING
        sections = REVIEW_SENTENCES | {"Requirement origin": origin}
        text = body(rng, sections, review.slots, REVIEW_LEADS) + review_record(front)
        files[f"reviews/{review.file_name}"] = document(front, text)
    for account in planned_accounts:
        slots = fill_values(rng, account, today)
        slots["renewal_window_days"] = str(config.renewal_window_days)  # the process it is made under
        front = account_front_matter(rng, account, slots, today, cast.ces, calendar)
        sections = dict(ACCOUNT_SENTENCES)
        if account.health is Health.RED:
            sections = {"Summary": ACCOUNT_SENTENCES["Summary"], "Red account": RED_SENTENCES} | sections
        files[f"accounts/{account.id}.md"] = document(
            front, body(rng, sections, slots) + account_record(front)
        )
    if fronts:
        # Its own random stream: the documents of a seed stay the same with or without a ledger.
        files[LEDGER_FILE] = demo_ledger(random.Random(seed * 7919 + 1), fronts, cast, today)
    return DemoRepository(files, reviews, accounts)


def demo_config(today: dt.date) -> HandbookConfig:
    """The demo's own process: fiscal years from February, year-end holidays, a QBR every quarter."""
    years = range(today.year - 2, today.year + 2)
    named = ((1, 1, "New Year's Day"), (12, 24, "Christmas Eve"), (12, 25, "Christmas Day"))
    days = [(dt.date(year, month, day), name) for year in years for month, day, name in named]
    holidays = [{"date": day, "name": name} for day, name in days]
    calendar = Calendar.of(fiscal_year_start_month=2, holidays=[day for day, _ in days])
    qbr: dict[str, dt.date] = {}
    start = calendar.quarter_start(day(today, -HISTORY_DAYS))
    while start < day(today, 365):
        month_start = _first_of_last_month(calendar, start)
        fortnight = (month_start + dt.timedelta(days=offset) for offset in range(14))
        thursdays = [day for day in fortnight if day.weekday() == 3]
        qbr[calendar.quarter_label(start)] = thursdays[1]  # the second Thursday of the quarter's last month
        start = calendar.next_quarter_start(start)
    return HandbookConfig.model_validate(
        {
            "fiscal_year_start_month": 2,
            "holidays": holidays,
            "internal_qbr": qbr,
            "exchange_rates": {"EUR": 1.08, "GBP": 1.27},
        }
    )


def _first_of_last_month(calendar: Calendar, quarter_start: dt.date) -> dt.date:
    end = calendar.quarter_end(quarter_start)
    return dt.date(end.year, end.month, 1)


def config_text(config: HandbookConfig) -> str:
    """handbook.yml for the demo: every field written out, so it shows what can be configured."""
    data = config.model_dump(mode="python")
    data["fiscal_year_named_by"] = config.fiscal_year_named_by.value
    data["holidays"] = [{k: v for k, v in h.items() if v is not None} for h in data["holidays"]]
    head = "# The process of this made-up handbook (`handbook schema config` describes every field).\n"
    return head + yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=110)


def write(made: DemoRepository, root: Path) -> None:
    for folder in ("reviews", "accounts"):
        (root / folder).mkdir(parents=True, exist_ok=True)
    for relative, text in made.files.items():
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        # "x": never overwrite what the demo did not make (the folder was checked to be empty).
        with open(root / relative, "x", encoding="utf-8") as handle:
            handle.write(text)


def _refuse_non_empty(root: Path) -> None:
    for folder in ("reviews", "accounts"):
        target = root / folder
        if target.exists() and not target.is_dir():
            raise UsageError(f"{display_path(target)} exists and is not a folder; pick another DIR")
        if target.is_dir() and any(target.iterdir()):
            raise UsageError(f"{display_path(target)} is not empty; pick an empty or new DIR")
    if root.exists() and not root.is_dir():
        raise UsageError(f"{display_path(root)} is not a folder")
    if (root / LEDGER_FILE).exists():
        raise UsageError(f"{display_path(root / LEDGER_FILE)} exists; pick an empty or new DIR")
    if (root / CONFIG_FILE).exists() or (root / CONFIG_FILE).is_symlink():
        raise UsageError(f"{display_path(root / CONFIG_FILE)} exists; pick an empty or new DIR")


def make_demo(
    root: Path,
    reviews: int,
    accounts: int,
    seed: int,
    today: dt.date | None = None,
    config_from: Path | None = None,
) -> DemoRepository:
    """Write a made-up handbook into `root`, which must hold no handbook yet; what was written. Its
    dates spread around `today` (default: the process's today) inside the plausible dates of the
    handbook.yml it is made under."""
    if reviews and not accounts:
        raise UsageError(
            "--reviews needs at least one account: every review belongs to one (--accounts 1 or more)"
        )
    config = require_config(config_from) if config_from else None
    today = today or process_today()
    window = demo_today(config.plausible_dates.window if config else PLAUSIBLE_DATES)
    if today not in window:
        raise UsageError(
            f"--today: '{today}' is outside the dates a demo can be made for, {window.text()} "
            "(its dates spread around that day and stay plausible)"
        )
    try:
        _refuse_non_empty(root)
    except OSError as exc:
        raise UsageError(f"{display_path(root)}: {exc.strerror or exc}") from None
    made = generate(reviews, accounts, seed, today, config)
    try:
        write(made, root)
    except OSError as exc:
        raise HandbookError(f"cannot write {exc.filename or root}: {exc.strerror or exc}") from None
    return made


def demo_today(plausible: DateWindow) -> DateWindow:
    """The days a demo can be made for: its dates spread from HISTORY_DAYS before that day to a year
    after it, and all of them stay inside the plausible dates."""
    return DateWindow(
        plausible.first + dt.timedelta(days=HISTORY_DAYS + 366), plausible.last - dt.timedelta(days=366)
    )


__all__ = [
    "LEDGER_FILE",
    "MAX_ACCOUNTS",
    "MAX_REVIEWS",
    "DemoRepository",
    "config_text",
    "demo_config",
    "demo_today",
    "generate",
    "make_demo",
    "write",
]
