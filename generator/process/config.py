"""`handbook.yml`: the process configuration at the repository root (fiscal year, holidays, windows).

Read with the documents' strict loader (values kept as written, positions of every value), checked by
a pydantic model and its `rules()`, reported as positioned diagnostics. Absent, the process is
generator/process/facts.py's: calendar quarters, no holidays, its feedback and renewal windows.
"""

from __future__ import annotations

import datetime as dt
import os
import stat
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import AliasChoices, BeforeValidator, Field, ValidationError
from pydantic_core import PydanticCustomError

from generator.documents.diagnostics import ConfigError, Diagnostic, DocumentError
from generator.documents.load import (
    MAX_FILE_BYTES,
    FieldPath,
    Position,
    Positioned,
    display_path,
    parse_front_matter,
)
from generator.documents.models.account import Currency
from generator.documents.models.common import Fault, Faults, Line, Quarter, Strict
from generator.notify.settings import SECTION as NOTIFICATIONS
from generator.notify.settings import Notifications, SettingsError, read_notifications
from generator.process import facts
from generator.process.calendar import (
    PLAUSIBLE_DATES,
    Calendar,
    DateProblem,
    DateWindow,
    check_plausible,
    parse_date,
)

FILE_NAME = "handbook.yml"
# What may build the site from the docs tree: MkDocs, or ProperDocs (its maintainers' fork of MkDocs 1.6).
SiteEngine = Literal["mkdocs", "properdocs"]
SHORT_FISCAL_START = "fiscal_year_start"


# The widest window handbook.yml may set: calendar arithmetic stays far from year 1 and year 9999.
WIDEST_WINDOW = DateWindow(dt.date(1900, 1, 1), dt.date(2999, 12, 31))


def _config_date(value: Any) -> Any:
    """handbook.yml's dates are written YYYY-MM-DD, like the documents' (never a timestamp)."""
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return check_plausible(value, WIDEST_WINDOW)
    try:
        return parse_date(value if isinstance(value, str) else repr(value), WIDEST_WINDOW)
    except DateProblem as exc:
        raise PydanticCustomError(exc.kind, str(exc)) from None


ConfigDate = Annotated[dt.date, BeforeValidator(_config_date)]


class NamedBy(StrEnum):
    END = "end"
    START = "start"


class Holiday(Strict):
    date: ConfigDate
    name: Line | None = None


def _holiday(value: Any) -> Any:
    """`- 2026-12-25` is short for `- {date: 2026-12-25}`."""
    return value if isinstance(value, dict) else {"date": value}


HolidayEntry = Annotated[Holiday, BeforeValidator(_holiday, json_schema_input_type=Holiday | ConfigDate)]


class PlausibleDates(Strict):
    """The dates documents may hold (generator/process/calendar.py's window unless handbook.yml sets one)."""

    earliest: ConfigDate = PLAUSIBLE_DATES.first
    latest: ConfigDate = PLAUSIBLE_DATES.last

    @property
    def window(self) -> DateWindow:
        return DateWindow(self.earliest, self.latest)


@dataclass(frozen=True)
class PlanDeadline:
    """A quarter's deadline for revisiting a plan: revisited on or after `start` and before `due`."""

    start: dt.date
    due: dt.date
    rule: str


class HandbookConfig(Strict):
    """The process configuration (handbook.yml at the repository root); every field is optional."""

    fiscal_year_start_month: Annotated[int, Field(ge=1, le=12)] = Field(
        facts.FISCAL_YEAR_START_MONTH,
        description="The month the fiscal year starts (1 = January); `fiscal_year_start` for short",
        validation_alias=AliasChoices("fiscal_year_start_month", SHORT_FISCAL_START),
    )
    fiscal_year_named_by: NamedBy = Field(
        NamedBy.END, description="A fiscal year is named after the calendar year it ends in, or starts in"
    )
    holidays: list[HolidayEntry] = Field(
        default_factory=list, description="Company holidays: business days skip them"
    )
    feedback_business_days: Annotated[int, Field(ge=1, le=30)] = Field(
        facts.FEEDBACK_BUSINESS_DAYS,
        description="Reviewers give initial feedback within this many business days",
    )
    renewal_window_days: Annotated[int, Field(ge=1, le=366)] = Field(
        facts.RENEWAL_WINDOW_DAYS, description="Value realization starts this many days before a renewal"
    )
    plan_weeks: Annotated[int, Field(ge=1, le=13)] = Field(
        facts.PLAN_WEEKS,
        description="Tier 2 and 3 account plans are revisited within this many weeks of the quarter's start",
    )
    plausible_dates: PlausibleDates = Field(
        default_factory=PlausibleDates, description="Dates outside this window are typing mistakes"
    )
    internal_qbr: dict[Quarter, ConfigDate] = Field(
        default_factory=dict, description="The internal quarterly business review, per fiscal quarter"
    )
    notifications: Notifications | None = Field(
        None, description="Slack notifications (read and checked by handbook notify's own settings)"
    )
    reporting_currency: Currency = Field("USD", description="Dashboards rank and total revenue in it")
    exchange_rates: dict[Currency, Annotated[float, Field(gt=0)]] = Field(
        default_factory=dict, description="What one unit of a currency is worth in the reporting currency"
    )
    site_engine: SiteEngine = Field(
        "mkdocs",
        description="What builds the site from the docs tree: mkdocs, or properdocs (the fork of MkDocs 1.6 "
        "by its maintainers); `handbook build --engine` overrides it",
    )

    @property
    def calendar(self) -> Calendar:
        return Calendar.of(
            self.fiscal_year_start_month,
            (h.date for h in self.holidays),
            self.feedback_business_days,
            self.fiscal_year_named_by.value,
        )

    def qbr(self, day: dt.date) -> dt.date | None:
        """The internal QBR of the fiscal quarter `day` is in, when one is set."""
        return self.internal_qbr.get(self.calendar.quarter_label(day))

    def plan_deadline(self, tier: int, day: dt.date) -> PlanDeadline:
        """By when a plan of this tier is revisited in the fiscal quarter of `day`: tier 1 before the
        internal QBR (when handbook.yml sets one for the quarter), tiers 2-3 (and a tier-1 plan of a
        quarter without a QBR date) within the first `plan_weeks` weeks."""
        calendar = self.calendar
        quarter = calendar.quarter_label(day)
        start = calendar.quarter_start(day)
        qbr = self.internal_qbr.get(quarter)
        if tier == 1 and qbr is not None:
            return PlanDeadline(start, qbr, f"before the internal QBR of {quarter} ({qbr.isoformat()})")
        weeks = f"{self.plan_weeks} week{'s' if self.plan_weeks != 1 else ''}"
        end = start + dt.timedelta(weeks=self.plan_weeks)
        why = f"within the first {weeks} of {quarter} (by {(end - dt.timedelta(days=1)).isoformat()})"
        if tier == 1:
            why += f"; handbook.yml sets no internal QBR date for {quarter}"
        return PlanDeadline(start, end, why)

    def rules(self) -> Faults:
        window = self.plausible_dates
        if window.latest <= window.earliest:
            yield Fault(("plausible_dates", "latest"), f"is not after earliest ({window.earliest})")
        seen: dict[dt.date, int] = {}
        for index, holiday in enumerate(self.holidays):
            if holiday.date in seen:
                yield Fault(
                    ("holidays", index),
                    f"{holiday.date} is listed twice",
                    f"first at holidays[{seen[holiday.date]}]; keep one",
                )
            seen.setdefault(holiday.date, index)
            if not window.earliest <= holiday.date <= window.latest:
                yield Fault(
                    ("holidays", index), f"{holiday.date} is outside the plausible dates", _window(window)
                )
        calendar = self.calendar
        for label, day in self.internal_qbr.items():
            if not window.earliest.year <= int(label[:4]) <= window.latest.year:
                yield Fault(
                    ("internal_qbr", label),
                    f"quarter {label} is outside the plausible dates",
                    _window(window),
                )
                continue  # and no calendar arithmetic on year 0 or 9999
            first, last = calendar.quarter_of_label(label)
            if not first <= day <= last:
                yield Fault(
                    ("internal_qbr", label),
                    f"{day} is not in fiscal quarter {label} ({first} to {last})",
                    "check the date, the quarter, or fiscal_year_start_month",
                )
            elif not calendar.is_business_day(day):
                why = "a holiday" if day in calendar.holidays else day.strftime("a %A")
                yield Fault(("internal_qbr", label), f"{day} is {why}", "hold the review on a business day")


def _window(window: PlausibleDates) -> str:
    return f"between {window.earliest} and {window.latest}; check the year"


DEFAULT = HandbookConfig()


# --- reading ----------------------------------------------------------------------------------------


@dataclass
class _Parsed(Positioned):
    """handbook.yml as read: plain data and the position of every value and key."""

    path: str
    values: dict[FieldPath, Position] = field(default_factory=dict)
    keys: dict[FieldPath, Position] = field(default_factory=dict)


@dataclass(frozen=True)
class Loaded:
    config: HandbookConfig
    diagnostics: list[Diagnostic]
    present: bool


def load_config(root: Path) -> Loaded:
    """The configuration of the repository at `root` (the defaults when there is no handbook.yml)."""
    path = root / FILE_NAME
    shown = display_path(path)
    if not path.exists() and not path.is_symlink():
        return Loaded(DEFAULT, [], False)
    try:
        text = _read(path, shown)
        if not any(line.strip() and not line.lstrip().startswith("#") for line in text.split("\n")):
            return Loaded(DEFAULT, [], True)
        data, values, keys = parse_front_matter(text, shown, 1)
    except DocumentError as exc:
        found = exc.diagnostic
        message = found.message.replace("the front matter", FILE_NAME)
        return Loaded(
            DEFAULT,
            [Diagnostic(found.path, found.line, found.column, found.field, message, found.hint)],
            True,
        )
    return _check(_Parsed(shown, values, keys), data, path)


def _check(parsed: _Parsed, data: dict[str, Any], path: Path) -> Loaded:
    from generator.documents.model_faults import fault_at, from_pydantic

    # `notifications:` is read by notify's own settings reader, so both commands say the same about it.
    process = {key: value for key, value in data.items() if key != NOTIFICATIONS}
    try:
        notifications = read_notifications(path) if data.get(NOTIFICATIONS) is not None else None
        problems: list[Diagnostic] = []
    except SettingsError as exc:
        notifications, problems = None, list(exc.diagnostics)
    try:
        config = HandbookConfig.model_validate(process)
    except ValidationError as exc:
        found = [from_pydantic(parsed, HandbookConfig, e) for e in exc.errors()]
        return Loaded(DEFAULT, found + problems, True)
    if notifications is not None:
        config = config.model_copy(update={"notifications": notifications})
    return Loaded(config, [fault_at(parsed, fault) for fault in config.rules()] + problems, True)


def require_config(root: Path) -> HandbookConfig:
    """The configuration, or ConfigError with its messages."""
    loaded = load_config(root)
    if loaded.diagnostics:
        raise ConfigError(loaded.diagnostics)
    return loaded.config


def _fail(path: str, message: str, hint: str = "", line: int = 1, column: int = 1) -> DocumentError:
    return DocumentError(Diagnostic(path, line, column, "", message, hint))


def _read(path: Path, shown: str) -> str:
    """A regular UTF-8 file under the size limit; a device, pipe or folder is refused without reading."""
    try:
        handle = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        try:
            info = os.fstat(handle)
            if not stat.S_ISREG(info.st_mode):
                raise _fail(shown, "not a regular file", f"make {FILE_NAME} a plain text file")
            if info.st_size > MAX_FILE_BYTES:
                raise _fail(shown, f"file is {info.st_size:,} bytes, over the {MAX_FILE_BYTES:,}-byte limit")
            with os.fdopen(handle, "rb", closefd=False) as stream:
                raw = stream.read(MAX_FILE_BYTES + 1)
        finally:
            os.close(handle)
    except OSError as exc:
        raise _fail(shown, f"cannot read the file: {exc.strerror or exc}") from None
    raw = raw.removeprefix(b"\xef\xbb\xbf")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise _fail(
            shown, f"the file is not UTF-8 text: byte 0x{raw[exc.start]:02x}", "save it as UTF-8", line
        ) from None
    if "\x00" in text:
        raise _fail(
            shown,
            "the file contains a NUL byte",
            "save it as plain text",
            text.count("\n", 0, text.index("\x00")) + 1,
        )
    return text.replace("\r\n", "\n").replace("\r", "\n")


def json_schema() -> dict[str, Any]:
    schema = HandbookConfig.model_json_schema()
    # The short spelling is accepted by the loader: editors must accept it too.
    schema["properties"][SHORT_FISCAL_START] = schema["properties"]["fiscal_year_start_month"]
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://handbook.example/schema/config.schema.json"
    return schema


def process_globals(config: HandbookConfig) -> dict[str, object]:
    """The process as the site's templates read it (jinja globals): a page writes these, never a number."""
    return {
        "process": config,
        "feedback_business_days": config.feedback_business_days,
        "renewal_window_days": config.renewal_window_days,
        "plan_weeks": config.plan_weeks,
        "due_days": facts.DUE_SOON_DAYS,
        "business_week": facts.BUSINESS_WEEK,
        "tech_win_this_quarter_stages": _stages(facts.TECH_WIN_THIS_QUARTER_STAGES),
        "tech_win_next_quarter_stages": _stages(facts.TECH_WIN_NEXT_QUARTER_STAGES),
    }


def _stages(stages: range) -> str:
    """range(2, 5) -> '2–4', as pages write a span of sales stages."""
    return f"{stages.start}–{stages.stop - 1}"
