"""`handbook new review|account`: a complete, valid skeleton from flags, or from answers when in a terminal.

Pipeline: gather values (flag, default, or prompt; each checked with the model's own field rules)
→ build the model → render front matter and body → re-read and check the text → write it, never
over an existing file.
"""

from __future__ import annotations

import argparse
import datetime as dt
import difflib
import re
import sys
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Annotated, Any, TypeVar

from pydantic import BaseModel, TypeAdapter, ValidationError

from generator.documents.diagnostics import Diagnostic, DocumentError
from generator.documents.load import Kind, display_path, parse_document, read_document
from generator.documents.models import AccountPlan, TechReview
from generator.documents.models.account import ActionItem as AccountAction
from generator.documents.models.account import (
    Contact,
    ContactRole,
    CoreTrainings,
    Health,
    HealthReport,
    Onboarding,
    RedAccount,
    Segment,
)
from generator.documents.models.review import AccountTeam, Moment, ReviewStatus, Trigger
from generator.documents.skeleton import (
    ACCOUNT_GUIDANCE,
    NEXT_STEP,
    OBJECTIVE,
    ONBOARDING_GUIDANCE,
    RED_ASK,
    RED_FIRST_ACTION,
    RED_STATUS,
    REVIEW_GUIDANCE,
)
from generator.documents.validate import REVIEW_SECTIONS, check_document
from generator.errors import HandbookError, UsageError
from generator.frontmatter import document
from generator.process.calendar import (
    Calendar,
    DateProblem,
    DateWindow,
    check_plausible,
    parse_date,
    using_window,
)
from generator.process.calendar import today as process_today
from generator.process.config import require_config
from generator.process.facts import (
    DECISION_BUSINESS_DAYS,
    FIRST_STEP_BUSINESS_DAYS,
    TRAINING_SPACING_BUSINESS_DAYS,
)

SLUG_WORDS_LIMIT = 48
_REVIEW_NUMBER = re.compile(r"^tr-([0-9]{1,6})(?:-|\.md$)", re.IGNORECASE)
_REVIEW_ID_NUMBER = re.compile(r"^TR-([0-9]{1,6})$")
_MAX_REVIEW_NUMBER = 999_999
# Control characters and Unicode line/paragraph separators: an answer is one line of text.
_NOT_ONE_LINE = frozenset({"Cc", "Zl", "Zp"})

T = TypeVar("T")

# --- one answer ------------------------------------------------------------------------------------


class Invalid(ValueError):
    """An answer that breaks a field rule: the message says what was expected."""


def _message(error: ValidationError) -> str:
    first = error.errors()[0]
    where = "".join(f"[{part}]" for part in first["loc"] if isinstance(part, int))
    if first["type"] == "too_short" and isinstance(first.get("input"), str):
        text = "must not be empty"
    else:
        text = first["msg"]
    return f"item {where}: {text}" if where else text


def field_check(model: type[BaseModel], name: str) -> Callable[[Any], Any]:
    """The model's own rules for one field, as a function that raises Invalid."""
    info = model.model_fields[name]
    annotated: Any = Annotated[info.annotation, info]
    adapter: TypeAdapter[Any] = TypeAdapter(annotated)

    def check(value: Any) -> Any:
        if isinstance(value, str) and any(unicodedata.category(c) in _NOT_ONE_LINE for c in value):
            raise Invalid("must be one line of text, without control characters or line separators")
        try:
            return adapter.validate_python(value)
        except ValidationError as exc:
            raise Invalid(_message(exc)) from None

    return check


def _list_check(model: type[BaseModel], name: str) -> Callable[[str], Any]:
    """A list field answered as 'a, b' (or given as a repeated flag, joined with commas)."""
    check = field_check(model, name)
    return lambda text: check([part.strip() for part in text.split(",") if part.strip()])


def date_check(text: str, window: DateWindow | None = None) -> dt.date:
    """A date flag or answer, YYYY-MM-DD, inside `window` (default: the window in force)."""
    try:
        return parse_date(text.strip(), window)
    except DateProblem as exc:
        if exc.kind == "date_from_text":
            raise Invalid(f"{text!r} is not a date (write it as YYYY-MM-DD, e.g. 2026-11-23)") from None
        raise Invalid(f"{exc} (check the year)") from None


@dataclass
class Asker:
    """Each value from its flag, else its default, else (in a terminal) a prompt re-asked on bad answers."""

    interactive: bool

    def get(
        self,
        given: str | None,
        flag: str,
        label: str,
        check: Callable[[str], T],
        default: str | None = None,
    ) -> T:
        if given is not None:
            try:
                return check(given)
            except Invalid as exc:
                raise UsageError(f"{flag}: {exc}") from None
        if default is not None and not self.interactive:
            return check(default)
        if not self.interactive:
            raise UsageError(f"missing {flag} (give it as a flag, or run in a terminal to be asked)")
        return self.ask(flag, label, check, default)

    def one_of(
        self, given: str | None, flag: str, label: str, check: Callable[[str], T], values: type[Enum]
    ) -> T:
        """A value of a list of choices; the prompt names them."""
        return self.get(given, flag, f"{label} ({' / '.join(v.value for v in values)})", check)

    def ask(self, flag: str, label: str, check: Callable[[str], T], default: str | None) -> T:
        prompt = f"{label} [{default}]: " if default is not None else f"{label}: "
        while True:
            try:
                answer = input(prompt).strip()
            except EOFError:
                raise UsageError(f"no answer for {flag}; nothing was written") from None
            if not answer and default is not None:
                answer = default
            try:
                return check(answer)
            except Invalid as exc:
                print(f"  {exc}", file=sys.stderr)


def require_flags(interactive: bool, given: dict[str, object]) -> None:
    """Outside a terminal, name every missing required flag at once."""
    missing = [flag for flag, value in given.items() if value is None]
    if missing and not interactive:
        raise UsageError(
            "missing " + ", ".join(missing) + " (give them as flags, or run in a terminal to be asked)"
        )


# --- names and numbers -----------------------------------------------------------------------------


def slug_of(text: str, limit: int = SLUG_WORDS_LIMIT) -> str:
    """'Air-gapped 5.2 upgrade: Contoso' -> 'air-gapped-5-2-upgrade-contoso', cut at a word."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = ""
    for word in re.findall(r"[a-z0-9]+", plain.lower()):
        candidate = f"{slug}-{word}" if slug else word
        if len(candidate) > limit:
            return slug or word[:limit]
        slug = candidate
    return slug


def next_review_id(reviews: Path) -> str:
    """One past the highest number in a review's file name or id (files that do not parse still count)."""
    highest = 0
    for path in sorted(reviews.glob("*.md")) if reviews.is_dir() else []:
        found = _REVIEW_NUMBER.match(path.name)
        if found:
            highest = max(highest, int(found.group(1)))
        try:
            document = read_document(path)
        except DocumentError:
            continue
        raw_id = document.data.get("id")
        by_id = _REVIEW_ID_NUMBER.fullmatch(raw_id) if isinstance(raw_id, str) else None
        if by_id:
            highest = max(highest, int(by_id.group(1)))
    if highest >= _MAX_REVIEW_NUMBER:
        raise UsageError(f"no review id is free after TR-{highest}")
    return f"TR-{highest + 1:04d}"


# --- account plans the review can belong to ------------------------------------------------------------


@dataclass(frozen=True)
class KnownPlans:
    valid: dict[str, AccountPlan]
    invalid: dict[str, str]  # id -> path of a plan that does not validate


def known_plans(accounts: Path) -> KnownPlans:
    valid: dict[str, AccountPlan] = {}
    invalid: dict[str, str] = {}
    for path in sorted(accounts.glob("*.md")) if accounts.is_dir() else []:
        try:
            checked = check_document(read_document(path), with_body=False)
        except DocumentError:
            continue
        if isinstance(checked.model, AccountPlan):
            valid[checked.model.id] = checked.model
        elif checked.id:
            invalid[checked.id] = checked.path
    return KnownPlans(valid, invalid)


def _customer_check(plans: KnownPlans) -> Callable[[str], str]:
    slug = field_check(TechReview, "customer")

    def check(text: str) -> str:
        customer: str = slug(text)
        if customer in plans.valid:
            return customer
        if customer in plans.invalid:
            raise Invalid(
                f"the account plan {plans.invalid[customer]} does not validate; "
                f"fix it first (handbook validate {plans.invalid[customer]})"
            )
        close = difflib.get_close_matches(customer, list(plans.valid), n=1, cutoff=0.6)
        suggestion = f"did you mean {close[0]!r}? " if close else ""
        raise Invalid(
            f"no account plan has the id {customer!r}; {suggestion}"
            f"create it first with: handbook new account --name ... --id {customer}"
        )

    return check


# --- rendering and writing -------------------------------------------------------------------------------


def render(model: BaseModel, body: str, exclude: set[str] | None = None) -> str:
    """The document text of a model: its fields in order (unset ones as null), then the body."""
    return document(model.model_dump(mode="python", exclude=exclude), body)


def sections(guidance: dict[str, str]) -> str:
    return "\n".join(f"## {name}\n\n_{prompt}_\n" for name, prompt in guidance.items())


def _flag_for(field: str) -> str:
    last = field.split(".")[-1].split("[")[0]
    return "--trigger" if last == "triggers" else "--" + last.replace("_", "-")


def checked_text(text: str, path: Path, kind: Kind) -> str:
    """Re-read the text as the validator will; a fault here is a combination of flags that breaks a rule."""
    shown = display_path(path)
    try:
        document = parse_document(text.encode("utf-8"), shown, kind)
    except DocumentError as exc:
        raise UsageError(exc.diagnostic.text()) from None
    faults: list[Diagnostic] = check_document(document, skeleton_allowed=True).diagnostics
    if faults:
        lines = [
            f"{_flag_for(d.field) if d.field and d.field != 'body' else shown}: {d.message}"
            + (f" ({d.hint})" if d.hint else "")
            for d in faults
        ]
        raise UsageError("; ".join(lines))
    to_replace = len(check_document(document).diagnostics)
    if to_replace:
        # An account plan has no draft state: its skeleton text fails validation until it is replaced.
        print(
            f"handbook: {shown}: replace the skeleton's text before the plan is merged "
            f"({to_replace} places; `handbook validate {shown}` lists them)",
            file=sys.stderr,
        )
    return text


def write_new(path: Path, text: str) -> None:
    """Create the file; an existing file is never touched (HandbookError: nothing was written)."""
    if not path.parent.is_dir():
        try:
            path.parent.mkdir()
        except OSError as exc:
            raise HandbookError(f"cannot create {display_path(path.parent)}: {exc}") from None
    try:
        with open(path, "x", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
    except FileExistsError:
        raise HandbookError(
            f"{display_path(path)} already exists; nothing was written (edit that file, or choose another id)"
        ) from None
    except OSError as exc:
        raise HandbookError(f"cannot write {display_path(path)}: {exc.strerror or exc}") from None


def _root(args: argparse.Namespace) -> Path:
    root = Path(args.root)
    if not root.is_dir():
        raise UsageError(f"--root {args.root}: no such folder")
    return root


def _interactive() -> bool:
    try:
        return sys.stdin is not None and sys.stdin.isatty()
    except (AttributeError, ValueError):
        return False


@dataclass(frozen=True)
class Writing:
    """What a writer works in: the repository, its process (handbook.yml), today and who answers."""

    root: Path
    calendar: Calendar
    today: dt.date
    asker: Asker


def in_the_process(
    write: Callable[[argparse.Namespace, Writing], Path],
) -> Callable[[argparse.Namespace], Path]:
    """Run a writer under the repository's handbook.yml: its date flags, and the document written, are
    checked against its plausible dates (the window `handbook validate` uses there)."""

    def run(args: argparse.Namespace) -> Path:
        root = _root(args)
        config = require_config(root)
        window = config.plausible_dates.window
        for flag in ("--today", "--decision-needed-by", "--renewal"):
            day = getattr(args, flag[2:].replace("-", "_"), None)
            try:
                check_plausible(day, window) if day is not None else None
            except DateProblem as exc:
                raise UsageError(f"{flag}: {exc} (check the year)") from None
        writing = Writing(root, config.calendar, args.today or process_today(), Asker(_interactive()))
        with using_window(window):
            return write(args, writing)

    return run


# --- handbook new review ----------------------------------------------------------------------------------


@in_the_process
def new_review(args: argparse.Namespace, writing: Writing) -> Path:
    """Write a draft tech review from the flags (or answers); its path."""
    root, calendar, today, asker = writing.root, writing.calendar, writing.today, writing.asker
    triggers_given = ",".join(args.trigger) if args.trigger else None
    require_flags(
        asker.interactive,
        {
            "--title": args.title,
            "--customer": args.customer,
            "--moment": args.moment,
            "--trigger": triggers_given,
            "--author": args.author,
        },
    )
    plans = known_plans(root / "accounts")
    customer: str = asker.get(
        args.customer, "--customer", "Customer (account plan id)", _customer_check(plans)
    )
    plan = plans.valid[customer]
    title: str = asker.get(args.title, "--title", "Title", field_check(TechReview, "title"))
    moment: Moment = asker.one_of(
        args.moment, "--moment", "Moment", field_check(TechReview, "moment"), Moment
    )
    triggers: list[Trigger] = asker.get(
        triggers_given,
        "--trigger",
        f"Triggers, comma-separated ({', '.join(t.value for t in Trigger)})",
        _list_check(TechReview, "triggers"),
    )
    description: str | None = None
    if Trigger.OTHER in triggers:
        description = asker.get(
            args.trigger_description,
            "--trigger-description",
            "What makes it non-standard (trigger 'other')",
            field_check(TechReview, "trigger_description"),
        )
    elif args.trigger_description is not None:
        raise UsageError("--trigger-description: is only used with --trigger other")
    team = _account_team(asker, args, plan, moment)
    author: str = asker.get(
        args.author, "--author", "Author (the CE or TA writing it)", field_check(TechReview, "author")
    )
    peer = None
    if args.peer_reviewer is not None:
        peer = asker.get(args.peer_reviewer, "--peer-reviewer", "", field_check(TechReview, "peer_reviewer"))
    needed_by: dt.date = args.decision_needed_by or calendar.add_business_days(today, DECISION_BUSINESS_DAYS)

    review_id = next_review_id(root / "reviews")
    slug = slug_of(title) or "review"
    path = root / "reviews" / f"{review_id.lower()}-{slug}.md"
    review = _build(
        TechReview,
        id=review_id,
        title=title,
        customer=customer,
        moment=moment,
        triggers=triggers,
        trigger_description=description,
        author=author,
        account_team=team,
        peer_reviewer=peer,
        opened=today,
        decision_needed_by=needed_by,
        status=ReviewStatus.DRAFT,
    )
    text = render(
        review,
        sections({name: REVIEW_GUIDANCE[name] for name in REVIEW_SECTIONS}),
        {"decision", "withdrawal"},
    )
    write_new(path, checked_text(text, path, "review"))
    return path


def _account_team(asker: Asker, args: argparse.Namespace, plan: AccountPlan, moment: Moment) -> AccountTeam:
    """The account plan's team unless flags say otherwise; a post-sales review needs the TA."""
    ae: str = asker.get(args.ae, "--ae", "AE", field_check(AccountTeam, "ae"), plan.ae)
    ce: str = asker.get(args.ce, "--ce", "CE", field_check(AccountTeam, "ce"), plan.ce)
    ta: str | None = plan.ta
    if args.ta is not None or (moment is Moment.POST_SALES and ta is None):
        ta = asker.get(args.ta, "--ta", "TA (post-sales CE)", field_check(AccountTeam, "ta"))
    team: AccountTeam = _build(AccountTeam, ae=ae, ce=ce, ta=ta)
    return team


def _build(model: type[BaseModel], **values: Any) -> Any:
    try:
        return model.model_validate(values)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(part) for part in first["loc"])
        raise UsageError(f"{_flag_for(field)}: {_message(exc)}") from None


# --- handbook new account ---------------------------------------------------------------------------------


@in_the_process
def new_account(args: argparse.Namespace, writing: Writing) -> Path:
    """Write an account plan from the flags (or answers); its path."""
    root, calendar, today, asker = writing.root, writing.calendar, writing.today, writing.asker
    require_flags(
        asker.interactive,
        {
            "--name": args.name,
            "--tier": args.tier,
            "--segment": args.segment,
            "--ae": args.ae,
            "--ce": args.ce,
            "--champion": args.champion,
            "--health-reason": args.health_reason,
        },
    )
    name: str = asker.get(args.name, "--name", "Customer name", field_check(AccountPlan, "name"))
    derived = slug_of(name, 64) or None
    if derived is None and args.id is None and not asker.interactive:
        raise UsageError(f"--id: no id can be made from the name {name!r}; give one, like --id acme-corp")
    plan_id: str = asker.get(
        args.id, "--id", "Id (file name, a slug)", field_check(AccountPlan, "id"), derived
    )
    tier: int = asker.get(args.tier, "--tier", "Tier (1, 2 or 3)", field_check(AccountPlan, "tier"))
    segment: Segment = asker.one_of(
        args.segment, "--segment", "Segment", field_check(AccountPlan, "segment"), Segment
    )
    ae: str = asker.get(args.ae, "--ae", "AE (GitHub handle)", field_check(AccountPlan, "ae"))
    ce: str = asker.get(args.ce, "--ce", "CE (GitHub handle)", field_check(AccountPlan, "ce"))
    ta: str | None = None
    if args.ta is not None:
        ta = asker.get(args.ta, "--ta", "TA", field_check(AccountPlan, "ta"))
    quarter: str = asker.get(
        args.quarter,
        "--quarter",
        "Quarter",
        field_check(AccountPlan, "quarter"),
        calendar.quarter_label(today),
    )
    health: Health = asker.get(
        args.health, "--health", "Health (green / yellow / red)", field_check(HealthReport, "status"), "green"
    )
    reason: str = asker.get(
        args.health_reason, "--health-reason", "Why that health", field_check(HealthReport, "reason")
    )
    champion: str = asker.get(args.champion, "--champion", "Champion's name", field_check(Contact, "name"))

    first_step_due = calendar.add_business_days(today, FIRST_STEP_BUSINESS_DAYS)
    onboarding = _onboarding(args, calendar, today)
    plan = _build(
        AccountPlan,
        id=plan_id,
        name=name,
        tier=tier,
        segment=segment,
        quarter=quarter,
        ae=ae,
        ce=ce,
        ta=ta,
        last_revisited=today,
        renewal_date=args.renewal,
        health=HealthReport(status=health, reason=reason),
        red_account=_red_skeleton(ce, first_step_due, today) if health is Health.RED else None,
        contacts=[Contact(name=champion, role=ContactRole.CHAMPION)],
        onboarding_complete=onboarding is None,
        onboarding=onboarding,
        # A customer in onboarding gets its first quarterly plan once onboarding is complete.
        objectives=[OBJECTIVE] if onboarding is None else [],
        next_steps=[AccountAction(action=NEXT_STEP, owner=ce, due=first_step_due)]
        if onboarding is None
        else [],
    )
    path = root / "accounts" / f"{plan_id}.md"
    text = render(plan, sections(ACCOUNT_GUIDANCE if onboarding is None else ONBOARDING_GUIDANCE))
    write_new(path, checked_text(text, path, "account"))
    return path


def _onboarding(args: argparse.Namespace, calendar: Calendar, today: dt.date) -> Onboarding | None:
    """A newly signed customer (--onboarding-plan): the kickoff, and the three core trainings a week apart
    after it, to be moved to the days agreed with the customer."""
    link = getattr(args, "onboarding_plan", None)
    kickoff: dt.date = getattr(args, "kickoff", None) or today
    if link is None:
        if getattr(args, "kickoff", None) is not None:
            raise UsageError("--kickoff: is only used with --onboarding-plan (a customer in onboarding)")
        return None
    plan = field_check(Onboarding, "plan")
    try:
        url = plan(link)
    except Invalid as exc:
        raise UsageError(f"--onboarding-plan: {exc}") from None
    weeks = {
        name: calendar.add_business_days(kickoff, TRAINING_SPACING_BUSINESS_DAYS * (n + 1))
        for n, name in enumerate(CoreTrainings.model_fields)
    }
    result: Onboarding = _build(Onboarding, kickoff=kickoff, plan=url, trainings=CoreTrainings(**weeks))
    return result


def _red_skeleton(owner: str, first_due: dt.date, today: dt.date) -> RedAccount:
    """A red account tracks status, asks and an action plan from day one; the team rewrites these lines."""
    return RedAccount(
        since=today,
        current_status=RED_STATUS,
        asks=[RED_ASK],
        action_plan=[
            AccountAction(
                action=RED_FIRST_ACTION,
                owner=owner,
                due=first_due,
            )
        ],
    )


__all__ = [
    "date_check",
    "field_check",
    "new_account",
    "new_review",
    "next_review_id",
    "slug_of",
]
