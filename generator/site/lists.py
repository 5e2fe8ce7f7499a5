"""Long lists as plain data: columns, rows and cells, rendered twice from one definition.

The templates render a page's rows to HTML (render.Renderer.row_html); the build also writes the whole
list as compact JSON beside its first page, so the filter box searches every page of a list and the
browser puts matching rows on the page as text (never as HTML). Links are docs-tree paths here; the
renderer makes them relative to the page, the JSON makes them relative to the site's root.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from generator.process.calendar import day_of
from generator.site.index import (
    AccountEntry,
    Blocker,
    Handbook,
    OpenReview,
    Owed,
    Person,
    ReviewEntry,
)
from generator.site.sanitize import web_url

# Turns a docs-tree path ("reviews/x.md") into its URL from the site's root ("reviews/x.html").
PageOf = Callable[[str], str]


@dataclass(frozen=True, slots=True)
class Part:
    """Some text in a cell: plain, a link (docs-tree path, or an outside address), a badge or a date."""

    text: str
    href: str | None = None
    cls: str | None = None
    external: bool = False
    time: str | None = None  # ISO date: rendered as <time datetime=…>


@dataclass(frozen=True, slots=True)
class Cell:
    parts: tuple[Part, ...]
    sort: str | None = None  # what the column sorts by, when not the text (numbers, severities)


@dataclass(frozen=True, slots=True)
class Row:
    cells: tuple[Cell, ...]
    key: str = ""  # the row's document id (review id, account slug, handle)
    cls: str = ""


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    numeric: bool = False


@dataclass(frozen=True)
class Table:
    """One list: its columns and every row (a page shows a slice of them)."""

    id: str
    cls: str
    columns: tuple[Column, ...]
    rows: list[Row]
    key_attr: str = "data-key"
    what: str = "rows"  # the filter box's placeholder: "Filter reviews…"

    def slice(self, start: int, stop: int) -> Table:
        return Table(self.id, self.cls, self.columns, self.rows[start:stop], self.key_attr, self.what)


# --- cells ------------------------------------------------------------------------------------------


def text(value: object, sort: str | None = None) -> Cell:
    return Cell((Part(str(value)),), sort)


def number(value: int) -> Cell:
    return Cell((Part(str(value)),), str(value))


def date(value: object) -> Cell:
    if value is None:
        return Cell((Part("—"),), "")
    iso = value.isoformat() if hasattr(value, "isoformat") else str(value)
    return Cell((Part(iso, time=iso),), iso)


def review_part(entry: ReviewEntry) -> Part:
    return Part(entry.review.id, href=entry.source, cls="hb-review-link")


def account_part(entry: AccountEntry) -> Part:
    return Part(entry.plan.name, href=f"accounts/{entry.plan.id}.md", cls="hb-account-link")


def external_part(url: str | None, label: str) -> Part:
    """A link to an outside address, or the label alone when the address is not a web one."""
    safe = web_url(url)
    return Part(label, href=safe, external=True) if safe else Part(label)


def person_part(handle: str) -> Part:
    return Part(f"@{handle}", href=f"people/{handle.lower()}.md", cls="hb-person")


def customer_part(handbook: Handbook, slug: str) -> Part:
    account = handbook.account_by_id.get(slug)
    return account_part(account) if account else Part(slug)


def badge(kind: str, value: str, label: str | None = None) -> Part:
    return Part(label if label is not None else value.replace("-", " "), cls=f"hb-badge hb-{kind}-{value}")


def flag(label: str, cls: str = "hb-flag") -> Part:
    return Part(label, cls=cls)


def plural(count: int, one: str, many: str | None = None) -> str:
    return f"{count} {one if count == 1 else (many or one + 's')}"


# --- the lists ----------------------------------------------------------------------------------------

_HEALTH_ORDER = {"red": "0", "yellow": "1", "green": "2"}
# A row names this many of the people who can fill a role (the team's page names them all).
WAITING_PEOPLE = 3


def review_list(handbook: Handbook, entries: Sequence[ReviewEntry], table_id: str = "review-list") -> Table:
    columns = (Column("Review"), Column("Title"), Column("Customer"), Column("Status"), Column("Moment"),
               Column("Opened"))  # fmt: skip
    rows = [
        Row(
            (
                Cell((review_part(e),), e.review.id),
                text(e.review.title),
                Cell((customer_part(handbook, e.review.customer),)),
                Cell((badge("status", e.review.status.value),)),
                text(e.review.moment.value.replace("-", " ")),
                date(e.review.opened),
            ),
            key=e.review.id,
        )
        for e in entries
    ]
    return Table(table_id, "hb-review-list", columns, rows, "data-review", "reviews")


def account_list(entries: Sequence[AccountEntry], table_id: str = "account-list") -> Table:
    columns = (Column("Account"), Column("Health"), Column("Tier", numeric=True), Column("Segment"),
               Column("Renewal"), Column("AE / CE"))  # fmt: skip
    rows = [
        Row(
            (
                Cell((account_part(e),)),
                Cell(
                    (badge("health", e.plan.health.status.value),), _HEALTH_ORDER[e.plan.health.status.value]
                ),
                number(e.plan.tier),
                text(e.plan.segment.value.replace("-", " ").capitalize()),
                date(e.plan.renewal_date),
                Cell((person_part(e.plan.ae), Part("/"), person_part(e.plan.ce))),
            ),
            key=e.plan.id,
        )
        for e in entries
    ]
    return Table(table_id, "hb-account-list", columns, rows, "data-account", "accounts")


def people_list(everyone: Iterable[Person]) -> Table:
    columns = (Column("Person"), Column("Reviews", numeric=True), Column("Account plans", numeric=True),
               Column("Waiting on them", numeric=True))  # fmt: skip
    rows = [
        Row(
            (
                Cell((person_part(p.handle),), p.key),
                number(len(p.reviews)),
                number(len(p.accounts)),
                number(len(p.waiting)),
            ),
            key=p.key,
        )
        for p in everyone
    ]
    return Table("people-list", "hb-people-list", columns, rows, "data-person", "people")


def waiting_cell(blockers: Sequence[Blocker], collected: bool) -> Cell:
    """The roles still missing and the people who can fill each: "support: @a @b; ce-vp: @c"."""
    if not collected:
        return Cell((Part("sign-offs not collected", cls="hb-muted"),), "")
    if not blockers:
        return Cell((Part("no open pull request", cls="hb-muted"),), "")
    parts: list[Part] = []
    seen: set[str] = set()
    for blocker in blockers:
        if blocker.role in seen:
            continue  # two pull requests waiting on one role: its people once
        seen.add(blocker.role)
        parts.append(Part(f"{blocker.role}:", cls="hb-role"))
        parts += [person_part(p) for p in blocker.people[:WAITING_PEOPLE]] or [flag("nobody can")]
        if len(blocker.people) > WAITING_PEOPLE:
            parts.append(Part(f"+{len(blocker.people) - WAITING_PEOPLE} more", cls="hb-muted"))
    return Cell(tuple(parts), " ".join(sorted(seen)))


def pull_request_cell(blockers: Sequence[Blocker]) -> Cell:
    """Each open pull request and the business days it has waited, the longest wait as the sort key."""
    pulls = {b.pull_request.pull_request: b for b in blockers}
    parts: list[Part] = []
    for blocker in pulls.values():
        parts.append(external_part(blocker.pull_request.url, f"#{blocker.pull_request.pull_request}"))
        parts.append(Part(f"{plural(blocker.business_days, 'business day')}", cls="hb-waited"))
    longest = max((b.business_days for b in blockers), default=-1)
    return Cell(tuple(parts) or (Part("—"),), str(longest))


def open_review_list(handbook: Handbook, open_rows: Sequence[OpenReview]) -> Table:
    collected = handbook.ledger is not None
    columns = (Column("Review"), Column("Customer"), Column("Title"), Column("Opened"),
               Column("Days waiting", numeric=True), Column("Feedback due"),
               Column("Decision needed by"), Column("Waiting on"),
               Column("Pull request", numeric=True))  # fmt: skip
    rows = []
    for row in open_rows:
        review = row.entry.review
        due = [Part(row.feedback_due.isoformat(), time=row.feedback_due.isoformat())]
        if row.overdue:
            late = plural(row.business_days_late, "business day")
            due.append(flag(f"overdue by {late}", "hb-overdue"))
        needed = [Part(review.decision_needed_by.isoformat(), time=review.decision_needed_by.isoformat())]
        if row.decision_late:
            needed.append(flag("past"))
        elif review.decision_needed_by == handbook.today:
            needed.append(flag("today"))
        rows.append(
            Row(
                (
                    Cell((review_part(row.entry),), review.id),
                    Cell((customer_part(handbook, review.customer),)),
                    text(review.title),
                    date(review.opened),
                    number(row.days_waiting),
                    Cell(tuple(due), row.feedback_due.isoformat()),
                    Cell(tuple(needed), review.decision_needed_by.isoformat()),
                    waiting_cell(row.waiting, collected),
                    pull_request_cell(row.waiting),
                ),
                key=review.id,
                cls="hb-open-review" + (" hb-overdue-row" if row.overdue else ""),
            )
        )
    return Table("open-reviews", "hb-open-reviews", columns, rows, "data-review", "open reviews")


def decision_list(handbook: Handbook, entries: Sequence[ReviewEntry]) -> Table:
    columns = (Column("Decided"), Column("Review"), Column("Customer"), Column("Outcome"),
               Column("Rationale / customer messaging"))  # fmt: skip
    rows = []
    for e in entries:
        decision = e.review.decision
        if decision is None:
            continue
        rows.append(
            Row(
                (
                    date(decision.decided_on),
                    Cell((review_part(e), Part(e.review.title)), e.review.id),
                    Cell((customer_part(handbook, e.review.customer),)),
                    Cell((badge("outcome", decision.outcome.value),)),
                    text(decision.rationale or decision.customer_messaging or ""),
                ),
                key=e.review.id,
            )
        )
    return Table("decisions", "hb-decisions", columns, rows, "data-review", "decisions")


def _documents_cell(reviews: Sequence[ReviewEntry], accounts: Sequence[AccountEntry], fallback: str) -> Cell:
    parts: list[Part] = []
    for e in reviews:
        parts += [review_part(e), Part(e.review.title)]
    parts += [account_part(e) for e in accounts]
    return Cell(tuple(parts) or (Part(fallback, cls="hb-muted"),))


def _waited_cell(business_days: int, overdue: bool) -> Cell:
    parts = [Part(plural(business_days, "business day"))]
    if overdue:
        parts.append(flag("feedback overdue", "hb-overdue"))
    return Cell(tuple(parts), str(business_days))


def owed_list(role: str, owed: Sequence[Owed]) -> Table:
    """What one team (role) owes: the open pull requests waiting on it, oldest first."""
    columns = (Column("Pull request"), Column("Documents"), Column("Who can sign"), Column("Opened"),
               Column("Waiting", numeric=True))  # fmt: skip
    rows = []
    for item in owed:
        pull = item.blocker.pull_request
        rows.append(
            Row(
                (
                    Cell(
                        (external_part(pull.url, f"#{pull.pull_request}"), Part(pull.title)),
                        str(pull.pull_request),
                    ),
                    _documents_cell(item.reviews, item.accounts, ", ".join(pull.documents) or "—"),
                    Cell(tuple(person_part(p) for p in item.blocker.people) or (flag("nobody can"),)),
                    date(day_of(pull.opened_at)),
                    _waited_cell(item.blocker.business_days, item.overdue),
                ),
                key=str(pull.pull_request),
                cls="hb-overdue-row" if item.overdue else "",
            )
        )
    return Table(f"owed-{role}", "hb-owed", columns, rows, "data-pull-request", "pull requests")


def queue_list(person: Person) -> Table:
    """A person's queue: the open pull requests waiting on a role they can fill, oldest first."""
    columns = (Column("Document"), Column("Pull request"), Column("Role needed"), Column("Opened"),
               Column("Waiting", numeric=True))  # fmt: skip
    rows = []
    for item in person.waiting:
        pull = item.pull_request
        rows.append(
            Row(
                (
                    _documents_cell(item.reviews, item.accounts, ", ".join(pull.documents) or "—"),
                    Cell(
                        (external_part(pull.url, f"#{pull.pull_request}"), Part(pull.title)),
                        str(pull.pull_request),
                    ),
                    text(", ".join(item.roles)),
                    date(day_of(pull.opened_at)),
                    _waited_cell(item.business_days, item.overdue),
                ),
                key=str(pull.pull_request),
                cls="hb-overdue-row" if item.overdue else "",
            )
        )
    return Table("my-queue-table", "hb-waiting", columns, rows, "data-pull-request", "pull requests")


def person_reviews(person: Person) -> Table:
    """The reviews naming a person and the parts they play in each, newest first."""
    columns = (Column("Review"), Column("Title"), Column("Status"), Column("Opened"), Column("Role"))
    entries = sorted(
        person.reviews, key=lambda item: (item[0].review.opened, item[0].review.id), reverse=True
    )
    rows = [
        Row(
            (
                Cell((review_part(e),), e.review.id),
                text(e.review.title),
                Cell((badge("status", e.review.status.value),)),
                date(e.review.opened),
                text(", ".join(roles)),
            ),
            key=e.review.id,
        )
        for e, roles in entries
    ]
    return Table("person-reviews", "hb-person-reviews", columns, rows, "data-review", "reviews")


def person_accounts(person: Person) -> Table:
    columns = (Column("Account"), Column("Health"), Column("Role"))
    rows = [
        Row(
            (
                Cell((account_part(e),)),
                Cell(
                    (badge("health", e.plan.health.status.value),), _HEALTH_ORDER[e.plan.health.status.value]
                ),
                text(", ".join(roles)),
            ),
            key=e.plan.id,
        )
        for e, roles in person.accounts
    ]
    return Table("person-accounts", "hb-person-accounts", columns, rows, "data-account", "account plans")


def signed_list(person: Person, documents: dict[str, str]) -> Table:
    """The sign-offs a person gave, newest first; `documents` names the documents still on main."""
    columns = (Column("Document"), Column("Role"), Column("Pull request"), Column("Merged"))
    rows = []
    for path, change, role in person.signed:
        if path in documents:
            document = Cell((Part(documents[path], href=path),))
        else:
            document = Cell((Part(path), Part("(no longer on main)", cls="hb-muted")))
        rows.append(
            Row(
                (
                    document,
                    text(role),
                    Cell((external_part(change.url, f"#{change.pull_request}"),), str(change.pull_request)),
                    Cell(
                        (
                            Part(
                                change.merged_at.strftime("%Y-%m-%d %H:%M UTC"),
                                time=change.merged_at.isoformat(),
                            ),
                        ),
                        change.merged_at.isoformat(),
                    ),
                )
            )
        )
    return Table("person-signed", "hb-signed", columns, rows, what="sign-offs")


def blocking_people(everyone: Iterable[Person]) -> Table:
    """Who is blocking: the people open pull requests wait on, the most waited on first."""
    columns = (Column("Person"), Column("Pull requests waiting", numeric=True),
               Column("With a review past its feedback deadline", numeric=True),
               Column("Longest wait (business days)", numeric=True),
               Column("Roles they can fill"))  # fmt: skip
    waited_on = [p for p in everyone if p.waiting]
    waited_on.sort(key=lambda p: (-len(p.waiting), -max(w.business_days for w in p.waiting), p.key))
    rows = [
        Row(
            (
                Cell((person_part(p.handle),), p.key),
                number(len(p.waiting)),
                number(sum(1 for w in p.waiting if w.overdue)),
                number(max(w.business_days for w in p.waiting)),
                text(", ".join(dict.fromkeys(role for w in p.waiting for role in w.roles))),
            ),
            key=p.key,
        )
        for p in waited_on
    ]
    return Table("blocking-people", "hb-blocking", columns, rows, "data-person", "people")


# --- JSON for the whole-list filter ------------------------------------------------------------------


@dataclass
class _Encoder:
    page_of: PageOf

    def part(self, part: Part) -> object:
        if part.href is None and part.cls is None and part.time is None:
            return part.text
        href = ""
        if part.href is not None:
            href = part.href if part.external else self.page_of(part.href)
        cls = "time" if part.time is not None else (part.cls or "")
        return [part.text, href, cls]

    def cell(self, cell: Cell) -> object:
        """A cell of one part is that part (text, or [text, href, class]); of more, a list of parts."""
        if len(cell.parts) == 1:
            return self.part(cell.parts[0])
        return [self.part(part) for part in cell.parts]


def _plain(cell: Cell) -> str:
    return " ".join(part.text for part in cell.parts)


def table_json(table: Table, page_of: PageOf) -> str:
    """The whole list, compact: a row is {"d": cells, "k": key, "r": class, "s": sort keys by column};
    a cell is text, a [text, href from the site's root, class] part, or a list of those."""
    encoder = _Encoder(page_of)
    rows = []
    for row in table.rows:
        item: dict[str, object] = {"d": [encoder.cell(cell) for cell in row.cells]}
        if row.key:
            item["k"] = row.key
        if row.cls:
            item["r"] = row.cls
        # A sort key equal to the cell's text is left out: the browser sorts by the text then.
        sorts = {
            str(i): cell.sort
            for i, cell in enumerate(row.cells)
            if cell.sort is not None and cell.sort != _plain(cell)
        }
        if sorts:
            item["s"] = sorts
        rows.append(item)
    payload = {
        "columns": [{"name": c.name, "numeric": c.numeric} for c in table.columns],
        "key": table.key_attr,
        "rows": rows,
    }
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
