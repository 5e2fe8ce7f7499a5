"""Pages from jinja2 templates: the handbook as a plain docs tree (Markdown pages + static files).

Templates live in site/templates and autoescape: front-matter values only ever reach HTML escaped,
page titles reach the theme through an escaped Markdown H1 (never as raw `title:` metadata), and
bodies are sanitized HTML. Every internal link a page makes is recorded, so `build` can check them.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import posixpath
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit

import jinja2
from markupsafe import Markup, escape

from generator.documents import workers as workers_of
from generator.documents.models.account import PHASE_LABELS, TRAINING_LABELS, Health, Money, Segment
from generator.documents.models.review import TRIGGER_LABELS, Outcome, ReviewStatus, Trigger
from generator.process.calendar import day_of
from generator.process.config import process_globals
from generator.signoff import clock
from generator.site import gaps, index, lists, nav, pagecache, search
from generator.site.index import AccountEntry, Handbook, ReviewEntry
from generator.site.links import LinkIndex
from generator.site.page import BODY_MARKER, HAS_BODY, HTML_END, HTML_START, bytecode_cache
from generator.site.pagecache import PageStore
from generator.site.sanitize import body_markdown, markdown_heading_text, page_url, web_url

SITE_SOURCE = Path(__file__).resolve().parents[2] / "site"
PAGE_SIZE = 100
# The home page and the dashboards' overview show this many of each list, most urgent first.
HOME_LIMIT = 10
# A person page shows this many rows of each of its lists; its filter box searches them all.
PERSON_LIMIT = 50
_MD_LINK = re.compile(r"\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")
T = TypeVar("T")
# Material indexes none of the generated pages: documents and people get one entry each instead
# (generator/site/search.py), and lists and dashboards would only repeat their rows.
_SEARCHABLE: set[str] = set()
# Pages that end with a contributor's body (Markdown, sanitized by the mkdocs hook).
_WITH_BODY = {"review.md.j2", "account.md.j2"}
# Document pages keep Material's side navigation; dashboards and lists use the full width for their tables.
_NARROW = {"review.md.j2", "account.md.j2"}


@dataclass(frozen=True)
class Settings:
    """Where the documents' sources live (for "edit this page") and the public address of the site."""

    repo_url: str | None = None
    branch: str = "main"
    site_url: str = "https://handbook.example/"


@dataclass
class Tree:
    """The docs tree: path -> content, and each page's internal links (as written, resolved target)."""

    files: dict[str, str | bytes] = field(default_factory=dict)
    links: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    # The site's files as every link check sees them (made by the build once the tree is complete).
    index: LinkIndex | None = None
    # Files taken from the page cache (site/pagecache.py): the docs tree already holds them as they are.
    cached: list[str] = field(default_factory=list)


def review_page(source: str) -> str:
    return source  # documents keep their repository path, so their relative links keep working


def ce_tech_win_page(handle: str) -> str:
    """A CE's weekly tech-win review."""
    return f"dashboards/tech-win/{handle.lower()}.md"


def person_page(handle: str) -> str:
    return f"people/{handle.lower()}.md"


def account_page(slug: str) -> str:
    return f"accounts/{slug}.md"


def pages_of(items: Sequence[T], size: int = PAGE_SIZE) -> list[Sequence[T]]:
    """Split a list for pagination; an empty list is one empty page."""
    return [items[i : i + size] for i in range(0, len(items), size)] or [items]


def paged_path(first: str, number: int) -> str:
    """Page 1 is `first`; later pages sit beside it as `<stem>-page-N.md`."""
    return first if number == 1 else f"{first[:-3]}-page-{number}.md"


@functools.lru_cache(maxsize=65536)
def relative_url(folder: str, target: str) -> str:
    """`target` seen from a page in `folder` (both docs-tree paths; posixpath.relpath is slow)."""
    here = folder.split("/") if folder else []
    parts = target.split("/")
    common = 0
    while common < len(here) and common < len(parts) - 1 and here[common] == parts[common]:
        common += 1
    return "/".join([".."] * (len(here) - common) + parts[common:])


Inputs = tuple[object, ...]


@dataclass
class PageMemo:
    """Document pages of the last render with the inputs each was made from (kept by `serve`): a page
    whose inputs are the same objects again is reused, not rendered. Unchanged documents keep their
    model objects between rebuilds, so the check is mostly `is`."""

    pages: dict[str, tuple[Inputs, str | bytes, list[tuple[str, str]]]] = field(default_factory=dict)
    rendered: int = 0

    def lookup(self, path: str, inputs: Inputs) -> tuple[str | bytes, list[tuple[str, str]]] | None:
        found = self.pages.get(path)
        if found is None or len(found[0]) != len(inputs):
            return None
        if all(old is new or old == new for old, new in zip(found[0], inputs, strict=True)):
            return found[1], found[2]
        return None


class Renderer:
    def __init__(
        self,
        handbook: Handbook,
        settings: Settings,
        source: Path,
        memo: PageMemo | None = None,
        store: PageStore | None = None,
    ) -> None:
        self.handbook = handbook
        self.settings = settings
        self.source = source
        self.tree = Tree()
        self.memo = memo
        self.store = store
        self._digest: str | None = None
        self._remembered: dict[str, tuple[Inputs, str | bytes, list[tuple[str, str]]]] = {}
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(source / "templates"),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
            # One render reads each template once: no page asks the disk whether it changed since.
            auto_reload=False,
            # Compiled templates are kept (per user, checked against the source) like .pyc files: compiling
            # them is most of a small site's render time.
            bytecode_cache=bytecode_cache(),
        )
        self.env.filters.update(heading=_heading, date=_date, label=_label, money=_money)
        self.env.tests["match_handle"] = index.is_handle
        self._here = ""
        self.env.globals.update(
            link=self._link,
            person_link=self.person_link,
            review_link=self.review_link,
            account_link=self.account_link,
            customer_link=self.customer_link,
            status_badge=_status_badge,
            health_badge=_health_badge,
            outcome_badge=_outcome_badge,
            yesno=_yesno,
            ext=_external,
            safe_url=_safe_url,
            edit_url=self.edit_url,
            person_page=person_page,
            ce_page=ce_tech_win_page,
            account_page=account_page,
            today=handbook.today,
            phase_labels=PHASE_LABELS,
            training_labels=TRAINING_LABELS,
            trigger_labels=TRIGGER_LABELS,
            handbook=handbook,
            marker=Markup(BODY_MARKER),
            html_start=Markup(HTML_START),
            html_end=Markup(HTML_END),
            has_body_key=HAS_BODY,
            row_html=self.row_html,
            plural=lists.plural,
            business_days_since=lambda when: handbook.calendar.business_days_between(
                day_of(when), handbook.today
            ),
            root=self.root,
            **process_globals(handbook.config),
        )

    def _link(self, target: str) -> str:
        """Relative URL from the page being rendered to `target` (a docs-tree path), recorded for checking."""
        here = self._here
        path, _, anchor = target.partition("#")
        self.tree.links.setdefault(here, []).append((target, path))
        relative = relative_url(posixpath.dirname(here), page_url(path))
        return relative + (f"#{anchor}" if anchor else "")

    def edit_url(self, source: str) -> str | None:
        if not self.settings.repo_url:
            return None
        return f"{self.settings.repo_url.rstrip('/')}/edit/{self.settings.branch}/{source}"

    # Links used on every row of every list: Python, not template macros (they are the hot path), and
    # f-strings over escape() rather than Markup.format, which costs a string.Formatter per call.
    def person_link(self, handle: str) -> Markup:
        href = escape(self._link(person_page(handle)))
        return Markup(f'<a class="hb-person" href="{href}">@{escape(handle)}</a>')

    def review_link(self, entry: ReviewEntry) -> Markup:
        href = escape(self._link(review_page(entry.source)))
        return Markup(f'<a class="hb-review-link" href="{href}">{escape(entry.review.id)}</a>')

    def account_link(self, entry: AccountEntry) -> Markup:
        href = escape(self._link(account_page(entry.plan.id)))
        return Markup(f'<a class="hb-account-link" href="{href}">{escape(entry.plan.name)}</a>')

    def customer_link(self, slug: str) -> Markup | str:
        account = self.handbook.account_by_id.get(slug)
        return self.account_link(account) if account else slug

    def root(self) -> str:
        """The site's root seen from the page being rendered ("" or "../")."""
        return "../" * self._here.count("/")

    # Rows of long lists: Python for the same reason as the links above.
    def row_html(self, table: lists.Table, row: lists.Row) -> Markup:
        attrs = f' class="{escape(row.cls)}"' if row.cls else ""
        if row.key:
            attrs += f' {table.key_attr}="{escape(row.key)}"'
        cells = "".join(self._cell_html(cell) for cell in row.cells)
        return Markup(f"<tr{attrs}>{cells}</tr>")

    def _cell_html(self, cell: lists.Cell) -> str:
        sort = f' data-sort="{escape(cell.sort)}"' if cell.sort is not None else ""
        return f"<td{sort}>{' '.join(self._part_html(part) for part in cell.parts)}</td>"

    def _part_html(self, part: lists.Part) -> str:
        if part.time is not None:
            return f'<time datetime="{escape(part.time)}">{escape(part.text)}</time>'
        cls = f' class="{escape(part.cls)}"' if part.cls else ""
        if part.href is not None:
            if part.external:
                return str(_external(part.href, part.text))
            return f'<a{cls} href="{escape(self._link(part.href))}">{escape(part.text)}</a>'
        return f"<span{cls}>{escape(part.text)}</span>" if cls else str(escape(part.text))

    def page(self, path: str, template: str, **context: Any) -> None:
        self._here = path
        self.tree.files[path] = self.env.get_template(template).render(
            here=path,
            searchable=template in _SEARCHABLE,
            has_body=template in _WITH_BODY,
            wide=template not in _NARROW,
            **context,
        )

    def reuse(self, path: str, inputs: Inputs) -> bool:
        """Take the page from the memo (or the page cache) when it was made from the same inputs."""
        if self.memo is None:
            if self.store is None:
                return False
            self._digest = self.store.digest(path, *inputs)
            return self.store.take(path, self._digest, self.tree.files, self.tree.links)
        found = self.memo.lookup(path, (self.settings, *inputs))
        if found is None:
            return False
        self.tree.files[path], links = found
        if links:
            self.tree.links[path] = links
        self._remembered[path] = ((self.settings, *inputs), *found)
        return True

    def remember(self, path: str, inputs: Inputs) -> None:
        if self.store is not None and self.memo is None and self._digest is not None:
            links = self.tree.links.get(path)
            made = {path: pagecache.sha256_of(self.tree.files[path])}
            self.store.keep(
                path, pagecache.CacheEntry(self._digest, made, {path: list(links)} if links else {})
            )
        if self.memo is not None:
            self.memo.rendered += 1
            self._remembered[path] = (
                (self.settings, *inputs),
                self.tree.files[path],
                self.tree.links.get(path, []),
            )

    def close(self) -> None:
        """The memo now holds this render's pages only (documents gone are forgotten)."""
        if self.memo is not None:
            self.memo.pages = self._remembered
        if self.store is not None:
            self.tree.cached = self.store.cached

    def has_cached(self, name: str, digest: str | None) -> bool:
        """Whether the page cache has pages of `name` made from `digest` (they may still fail to be
        taken, if the docs tree lost them)."""
        return self.store is not None and self.store.has(name, digest)

    def group(self, name: str, digest: str | None, render: Callable[[], None]) -> None:
        """Pages rendered together, taken from the page cache whole when `digest` is unchanged."""
        store = self.store
        if store is not None and store.take(name, digest, self.tree.files, self.tree.links):
            return
        if store is None or digest is None:
            render()
            return
        files, links = dict(self.tree.files), pagecache.link_counts(self.tree.links)
        render()
        store.keep(name, pagecache.produced(files, self.tree.files, links, self.tree.links, digest))

    def bounded(self, page: str, name: str, table: lists.Table, limit: int) -> dict[str, Any]:
        """A list shown on `page` to its first `limit` rows; when it is longer, the whole list is written
        as JSON beside the page (`<page>.<name>.json`) for its filter box. Call while rendering `page`."""
        shown = {"table": table.slice(0, limit), "total": len(table.rows), "data": None}
        if len(table.rows) > limit:
            data = f"{page[:-3]}.{name}.json"
            self.tree.files[data] = lists.table_json(table, page_url)
            self._here = page
            shown["data"] = self._link(data)
        return shown

    def paged_table(self, first: str, template: str, table: lists.Table, **context: Any) -> None:
        """A long list: its pages, each showing a slice of the table, and the whole table as JSON beside
        the first page for the filter box (`data-src`), which searches every page."""
        data = f"{first[:-3]}.json"
        self.tree.files[data] = lists.table_json(table, page_url)
        chunks = pages_of(table.rows)
        for number in range(1, len(chunks) + 1):
            pager = {
                "number": number,
                "count": len(chunks),
                "total": len(table.rows),
                "previous": paged_path(first, number - 1) if number > 1 else None,
                "next": paged_path(first, number + 1) if number < len(chunks) else None,
                "offset": (number - 1) * PAGE_SIZE,
            }
            start = (number - 1) * PAGE_SIZE
            self._here = paged_path(first, number)
            context["data"] = self._link(data)
            self.page(
                paged_path(first, number),
                template,
                table=table.slice(start, start + PAGE_SIZE),
                pager=pager,
                **context,
            )


def render_tree(
    handbook: Handbook,
    settings: Settings,
    source: Path = SITE_SOURCE,
    memo: PageMemo | None = None,
    store: PageStore | None = None,
    workers: int = 1,
) -> Tree:
    """Every page and static file of the site, in memory; with a memo, unchanged document pages are
    reused (lists, dashboards and people pages are always rendered then: they read every document).
    With a page store, unchanged pages of every kind are taken from the docs tree the last build wrote.
    With `workers` > 1, a large site's dashboards and people's pages are rendered in a forked process
    while this one renders the documents', the tags' pages, the search entries and the exports: the same
    tree (each writes only pages of its own)."""
    r = Renderer(handbook, settings, source, memo, store)
    lists_digest = _lists_digest(r)

    documents = len(handbook.reviews) + len(handbook.accounts)
    everyone: dict[str, index.Person] | None = None
    browse_apart = None
    if workers > 1 and documents >= workers_of.MIN_PER_WORKER and not r.has_cached("lists", lists_digest):
        # The dashboards and people's pages in a child; the documents', the tags' pages, the search
        # entries and the exports here: the two halves take about as long.
        everyone = index.people(handbook)
        browse_apart = workers_of.apart(functools.partial(_rendered_alone, r, everyone))
    _documents(r)

    def tag_pages() -> None:
        r.group("tags", lists_digest, lambda: _tags(r))

    def search_entries() -> None:
        r.group("search", _search_digest(r, lists_digest), lambda: _search_entries(r))

    def export_files() -> None:
        r.group("exports", lists_digest, lambda: _exports(r))

    # While the child renders the lists, this process makes the tags' pages, the search entries and the
    # exports; they are moved after the lists below, where one process puts them (the tree's order is
    # the same).
    ahead = browse_apart is not None
    tagged = _added(r.tree, tag_pages) if ahead else None
    searched = _added(r.tree, search_entries) if ahead else None
    exported = _added(r.tree, export_files) if ahead else None

    def lists_pages() -> None:
        made = browse_apart.result() if browse_apart is not None else None
        if made is None:
            people = everyone if everyone is not None else index.people(handbook)
            _dashboards(r, people)
            _browse(r, people)
            return
        files, links = made
        r.tree.files.update(files)
        for page, found in links.items():
            r.tree.links.setdefault(page, []).extend(found)

    try:
        r.group("lists", lists_digest, lists_pages)
    finally:
        if browse_apart is not None:
            browse_apart.cancel()  # taken from the cache after all (or rendering failed): not wanted
    _here(r.tree, tagged, tag_pages)
    _here(r.tree, searched, search_entries)
    _handbook_pages(r)
    _here(r.tree, exported, export_files)
    _static(r)
    r.close()
    return r.tree


def _added(tree: Tree, render: Callable[[], None]) -> list[str]:
    """The files `render` adds to the tree, in the order it adds them."""
    before = set(tree.files)
    render()
    return [path for path in tree.files if path not in before]


def _here(tree: Tree, ahead: list[str] | None, render: Callable[[], None]) -> None:
    """The files rendered ahead (`ahead`, as _added listed them) moved to this point of the tree's
    order, where one process renders them; else rendered now."""
    if ahead is None:
        render()
        return
    for path in ahead:
        tree.files[path] = tree.files.pop(path)


Rendered = tuple[dict[str, str | bytes], dict[str, list[tuple[str, str]]]]


def _rendered_alone(r: Renderer, everyone: dict[str, index.Person]) -> Rendered:
    """The dashboards and the people's pages on a tree of their own (in a forked process: the parent's
    is left alone)."""
    r.tree = Tree()
    _dashboards(r, everyone)
    _browse(r, everyone)
    return r.tree.files, r.tree.links


# The one input of the handbook the lists never read: they link to no file beside the documents.
_NOT_READ_BY_LISTS = frozenset({"assets"})


def _lists_digest(r: Renderer) -> str | None:
    """What the lists, dashboards, people pages and exports read: every input of the handbook (not the
    fields made from the others), each document without its body. Taken field by field, so that an
    input added to the Handbook later is part of the key without anyone remembering to add it here."""
    hb = r.handbook
    if r.store is None:
        return None
    read = {
        f.name: getattr(hb, f.name)
        for f in dataclasses.fields(hb)
        if f.init and f.name not in _NOT_READ_BY_LISTS
    }
    read["reviews"] = [dataclasses.replace(e, body="") for e in hb.reviews]
    read["accounts"] = [dataclasses.replace(e, body="") for e in hb.accounts]
    return r.store.digest("lists", read)


def _search_digest(r: Renderer, lists_digest: str | None) -> str | None:
    """The search entries read what the lists read, and each document's body."""
    hb = r.handbook
    if r.store is None or lists_digest is None:
        return None
    return r.store.digest("search", lists_digest, [e.body for e in hb.reviews], [e.body for e in hb.accounts])


def _review_inputs(hb: Handbook, entry: ReviewEntry) -> Inputs:
    """Everything a review's page shows: itself, its account's name, related reviews, sign-offs, today."""
    account = hb.account_by_id.get(entry.review.customer)
    related = [hb.review_by_id.get(rid) for rid in entry.review.related_reviews]
    return (
        entry.review, entry.body, entry.source, entry.attention, account.plan if account else None,
        *[(e.review, e.source) if e else None for e in related], hb.ledger, hb.today,
        hb.updated.get(entry.source), hb.config, index.timeline(hb, entry.source),
    )  # fmt: skip


def _account_inputs(hb: Handbook, entry: AccountEntry) -> Inputs:
    """An account's page: itself, its customer's reviews, its opportunities' reviews, sign-offs, today."""
    reviews = hb.reviews_by_customer.get(entry.plan.id, [])
    linked = [
        hb.review_by_id.get(rid or "")
        for o in entry.plan.opportunities
        for rid in (o.tech_review, o.production_review)
    ]
    return (
        entry.plan, entry.body, entry.source, entry.attention, *[(e.review, e.source) for e in reviews], "|",
        *[(e.review, e.source) if e else None for e in linked], hb.ledger, hb.today,
        hb.updated.get(entry.source), hb.config, index.timeline(hb, entry.source),
    )  # fmt: skip


def _documents(r: Renderer) -> None:
    hb = r.handbook
    for entry in hb.reviews:
        path = review_page(entry.source)
        inputs = _review_inputs(hb, entry)
        if r.reuse(path, inputs):
            continue
        account = hb.account_by_id.get(entry.review.customer)
        r.page(
            path,
            "review.md.j2",
            entry=entry,
            review=entry.review,
            account=account,
            signoffs=index.signoffs(hb, entry.source),
            deadline=hb.calendar.feedback_due(index.feedback_start(hb, entry)),
            body=Markup(body_markdown(entry.body)),  # Markdown, not HTML: sanitized after mkdocs
            updated=hb.updated.get(entry.source),
            timeline=index.timeline(hb, entry.source),
        )
        r.remember(path, inputs)
    for account in hb.accounts:
        path = account_page(account.plan.id)
        inputs = _account_inputs(hb, account)
        if r.reuse(path, inputs):
            continue
        opportunities = [
            (
                o,
                hb.review_by_id.get(o.tech_review or ""),
                index.problems_of(hb, account, o),
                index.missing_gates(o),
            )
            for o in account.plan.opportunities
        ]
        r.page(
            path,
            "account.md.j2",
            entry=account,
            plan=account.plan,
            reviews=hb.reviews_by_customer.get(account.plan.id, []),
            opportunities=opportunities,
            worth=index.account_worth(account.plan),
            renewal_days=index.days_to_renewal(account.plan, hb.today),
            renewal_window=hb.config.renewal_window_days,
            renewal=index.renewal_of(hb, account),
            currency=index.plan_currency(hb, account),
            late=account.plan.late_actions(hb.today),
            signoffs=index.signoffs(hb, account.source),
            body=Markup(body_markdown(account.body)),
            updated=hb.updated.get(account.source),
            timeline=index.timeline(hb, account.source),
        )
        r.remember(path, inputs)
    for item in hb.attention:
        if item.page is not None and not item.shown:
            r.page(item.page, "attention_stub.md.j2", item=item)


def _dashboards(r: Renderer, everyone: dict[str, index.Person]) -> None:
    # Imported here (start-up time): pygal is only needed to draw the dashboards' charts, which a large
    # build draws in its forked process and a rebuild whose lists are unchanged never draws.
    from generator.site import charts

    hb = r.handbook
    open_rows = index.open_reviews(hb)
    urgent = index.most_urgent(open_rows)
    decisions = index.decision_log(hb)
    red = index.red_accounts(hb)
    upcoming = index.renewals(hb)
    violations = index.all_gate_violations(hb)
    counts = index.reviews_per_month(hb)
    r.tree.files["dashboards/reviews-per-month.svg"] = charts.reviews_per_month_svg(counts)
    summary = {
        "open_count": len(open_rows),
        "overdue_count": sum(1 for row in open_rows if row.overdue),
        "red": red,
        "renewals": upcoming,
        "violations": violations,
        "onboarding": index.onboarding_accounts(hb),
        "questionnaires": index.due_questionnaires(hb),
        "due_qbrs": index.due_qbrs(hb),
        "limit": HOME_LIMIT,
    }
    r.page(
        nav.OVERVIEW.path,
        "dashboards.md.j2",
        urgent=lists.open_review_list(hb, urgent[:HOME_LIMIT]),
        decisions=lists.decision_list(hb, decisions[:HOME_LIMIT]),
        stale=index.stale_plans(hb),
        tech_win=index.tech_win(hb),
        bypasses=index.bypasses(hb),
        **summary,
    )
    r.paged_table(
        nav.OPEN_REVIEWS.path,
        "open_reviews.md.j2",
        lists.open_review_list(hb, open_rows),
        drafts=index.newest_first(index.drafts(hb)),
    )
    r.paged_table(nav.DECISIONS.path, "decisions.md.j2", lists.decision_list(hb, decisions))
    r.page(
        nav.RED_ACCOUNTS.path,
        "red_accounts.md.j2",
        accounts=red,
        days_red=lambda e: index.days_red(hb, e),
        late_count=sum(len(e.plan.red_account.late(hb.today)) for e in red if e.plan.red_account),
        resolved=index.resolved_red_accounts(hb),
    )
    r.page(
        nav.PRODUCT_GAPS.path,
        "product_gaps.md.j2",
        rows=gaps.registry(hb),
        currency=hb.config.reporting_currency,
    )
    r.page(
        nav.RENEWALS.path,
        "renewals.md.j2",
        rows=upcoming,
        past_due=sum(row.past_due for row in upcoming),
        missing=sum(row.missing_value_realization for row in upcoming),
    )
    requests = None if hb.ledger is None else clock.requests(hb.ledger, hb.calendar, hb.today)
    r.page(
        nav.REVIEW_CLOCK.path,
        "review_clock.md.j2",
        rows=requests,
        teams=clock.by_team(requests or []),
        months=clock.by_month(requests or []),
        window=hb.calendar.feedback_business_days,
    )
    onboarding = index.onboarding_accounts(hb)
    r.page(
        nav.STALE_PLANS.path,
        "stale_plans.md.j2",
        rows=index.stale_plans(hb),
        onboarding=onboarding,
        quarter=hb.calendar.quarter_label(hb.today),
        since=hb.calendar.quarter_start(hb.today),
        qbr=index.quarterly_review(hb),
    )
    r.page(nav.ONBOARDING.path, "onboarding.md.j2", onboarding=onboarding)
    r.page(
        nav.DUE.path,
        "due.md.j2",
        questionnaires=index.due_questionnaires(hb),
        qbrs=index.due_qbrs(hb),
        qbr=index.quarterly_review(hb),
        quarter=hb.calendar.quarter_label(hb.today),
    )
    tech_win_rows = index.tech_win(hb)
    quarters = {
        "quarter": hb.calendar.quarter_label(hb.today),
        "next_quarter": hb.calendar.quarter_label(hb.calendar.next_quarter_start(hb.today)),
    }
    by_ce = index.tech_win_by_ce(hb, tech_win_rows)
    r.page(
        nav.TECH_WIN.path,
        "tech_win.md.j2",
        rows=tech_win_rows,
        violations=violations,
        slipped=sum(row.slipped for row in tech_win_rows),
        totals=index.pipeline_worth(tech_win_rows),
        by_ce=by_ce,
        currency=hb.config.reporting_currency,
        rates=bool(hb.config.exchange_rates),
        **quarters,
    )
    for ce_rows in by_ce.values():
        ce = ce_rows[0].opportunity.ce
        r.page(ce_tech_win_page(ce), "tech_win_ce.md.j2", rows=ce_rows, ce=ce, **quarters)
    r.page(nav.NEEDS_ATTENTION.path, "needs_attention.md.j2", items=hb.attention)
    owed = index.owed_by_role(hb)
    by_age = index.open_by_age(open_rows)
    by_role = index.open_by_role(open_rows)
    by_segment = index.health_by(hb, "segment")
    by_tier = index.health_by(hb, "tier")
    weeks = index.renewals_by_week(hb)
    pipeline = index.pipeline_by_phase(index.tech_win(hb))
    r.tree.files["dashboards/pipeline-by-phase.svg"] = charts.pipeline_svg(pipeline)
    r.tree.files["dashboards/open-by-age.svg"] = charts.open_by_age_svg(by_age)
    r.tree.files["dashboards/open-by-role.svg"] = charts.open_by_role_svg(by_role)
    r.tree.files["dashboards/health-by-segment.svg"] = charts.health_svg(
        by_segment, "Account health by segment", "health-by-segment"
    )
    r.tree.files["dashboards/health-by-tier.svg"] = charts.health_svg(
        by_tier, "Account health by tier", "health-by-tier"
    )
    r.tree.files["dashboards/renewals-timeline.svg"] = charts.renewals_svg(weeks)
    r.page(
        nav.CHARTS.path,
        "charts.md.j2",
        counts=counts,
        months=index.CHART_MONTHS,
        by_age=by_age,
        by_role=by_role,
        by_segment=by_segment,
        by_tier=by_tier,
        weeks=weeks,
        pipeline=pipeline,
        healths=list(Health),
        collected=hb.ledger is not None,
        role_pages=set(owed or {}),
    )
    blocking = r.bounded(nav.WAITING.path, "people", lists.blocking_people(everyone.values()), PERSON_LIMIT)
    r.page(nav.WAITING.path, "waiting.md.j2", roles=owed, people=blocking)
    for role, items in (owed or {}).items():
        r.paged_table(
            f"dashboards/waiting/{role}.md", "waiting_role.md.j2", lists.owed_list(role, items), role=role
        )
    bypasses = index.bypasses(hb)
    known = {entry.source for entry in hb.reviews} | {entry.source for entry in hb.accounts}
    r.page(
        nav.SIGNOFF_AUDIT.path,
        "signoff_audit.md.j2",
        rows=None if bypasses is None else [(path, change, path in known) for path, change in bypasses],
    )
    r.page(
        nav.HOME.path,
        "home.md.j2",
        urgent=lists.open_review_list(hb, urgent[:HOME_LIMIT]),
        decisions=decisions[:5],
        **summary,
    )


def _browse(r: Renderer, everyone: dict[str, index.Person]) -> None:
    hb = r.handbook
    newest = index.newest_first(hb.reviews)
    r.paged_table(
        nav.REVIEWS.path,
        "review_list.md.j2",
        lists.review_list(hb, newest),
        title=nav.REVIEWS.title,
        intro="",
    )
    r.paged_table(
        nav.ACCOUNTS.path,
        "account_list.md.j2",
        lists.account_list(hb.accounts),
        title=nav.ACCOUNTS.title,
        intro="",
    )
    titles = {e.source: f"{e.review.id} {e.review.title}" for e in hb.reviews}
    titles |= {e.source: e.plan.name for e in hb.accounts}
    by_ce = index.tech_win_by_ce(hb)
    for person in everyone.values():
        path = person_page(person.handle)
        r.page(
            path,
            "person.md.j2",
            person=person,
            ledger=hb.ledger,
            documents=titles,
            queue=r.bounded(path, "queue", lists.queue_list(person), PERSON_LIMIT),
            signed=r.bounded(path, "signed", lists.signed_list(person, titles), PERSON_LIMIT),
            reviews=r.bounded(path, "reviews", lists.person_reviews(person), PERSON_LIMIT),
            accounts=r.bounded(path, "accounts", lists.person_accounts(person), PERSON_LIMIT),
            tech_win_rows=by_ce.get(person.key, []),
        )
    r.paged_table(nav.PEOPLE.path, "people.md.j2", lists.people_list(everyone.values()))
    r.tree.files[search.PEOPLE_ENTRIES_FILE] = search.entries_json(search.people_entries(everyone.values()))


def _tags(r: Renderer) -> None:
    """The tags' pages: the reviews of each trigger, the account plans of each segment."""
    hb = r.handbook
    by_trigger = index.reviews_by_trigger(hb)
    by_segment = index.accounts_by_segment(hb)
    for trigger, entries in by_trigger.items():
        r.paged_table(
            f"tags/trigger-{trigger.value}.md",
            "review_list.md.j2",
            lists.review_list(hb, index.newest_first(entries)),
            title=f"Trigger: {TRIGGER_LABELS[trigger]}",
            intro="Tech reviews raised for this trigger.",
        )
    for segment, accounts in by_segment.items():
        r.paged_table(
            f"tags/segment-{segment.value}.md",
            "account_list.md.j2",
            lists.account_list(accounts),
            title=f"Segment: {_label(segment)}",
            intro="Account plans in this segment.",
        )
    r.page(nav.TAGS.path, "tags.md.j2", by_trigger=by_trigger, by_segment=by_segment)


def _search_entries(r: Renderer) -> None:
    """The documents' search entries (the people's are among the lists: they read no body)."""
    r.tree.files[search.ENTRIES_FILE] = search.entries_json(search.document_entries(r.handbook))


def _handbook_pages(r: Renderer) -> None:
    """The process handbook: our own Markdown, with an edit link to its source."""
    folder = r.source / "handbook"
    for file in sorted(folder.glob("*.md")):
        path = f"handbook/{file.name}"
        text = file.read_text(encoding="utf-8")
        for target in _MD_LINK.findall(text):
            parts = urlsplit(target)
            if not parts.scheme and parts.path:
                resolved = posixpath.normpath(posixpath.join("handbook", parts.path))
                r.tree.links.setdefault(path, []).append((target, resolved))
        edit = r.edit_url(f"site/handbook/{file.name}")
        if edit:
            link = f'<a href="{_safe_url(edit)}">Edit this page</a>'
            text += f'\n\n<p class="hb-edit" data-search-exclude>{link}</p>\n'
        r.tree.files[path] = text


def _exports(r: Renderer) -> None:
    from generator.site import exports  # like charts: only when the exports are made again

    hb = r.handbook
    r.tree.files["exports/reviews.json"] = exports.reviews_json(hb)
    r.tree.files["exports/accounts.json"] = exports.accounts_json(hb)
    r.tree.files["exports/reviews.csv"] = exports.reviews_csv(hb)
    r.tree.files["exports/accounts.csv"] = exports.accounts_csv(hb)
    r.tree.files["exports/opportunities.csv"] = exports.opportunities_csv(hb)
    urls = {e.review.id: page_url(review_page(e.source)) for e in hb.reviews}
    r.tree.files["feed.xml"] = exports.decisions_feed(hb, r.settings.site_url, urls)
    r.page(nav.EXPORTS.path, "exports.md.j2")


def _static(r: Renderer) -> None:
    for file in sorted((r.source / "assets").rglob("*")):
        if file.is_file():
            r.tree.files[f"assets/{file.relative_to(r.source / 'assets').as_posix()}"] = file.read_bytes()


# --- filters ----------------------------------------------------------------------------------------


def _heading(text: str) -> Markup:
    """Front-matter text for a Markdown `# ` line: escaped for both Markdown and HTML."""
    return Markup(markdown_heading_text(text))


def _date(value: dt.date | dt.datetime | None) -> Markup | str:
    """A <time> element, so tables never break a date at its hyphens."""
    if value is None:
        return "—"
    text = value.strftime("%Y-%m-%d %H:%M UTC") if isinstance(value, dt.datetime) else value.isoformat()
    return Markup(f'<time datetime="{value.isoformat()}">{text}</time>')


def _money(value: Money | None) -> str:
    return f"{value.currency}\u00a0{value.amount:,}" if value is not None else ""  # never wraps


def _label(value: Any) -> str:
    if isinstance(value, Trigger):
        return TRIGGER_LABELS[value]
    if isinstance(value, Segment):
        return value.value.replace("-", " ").capitalize()
    raw = getattr(value, "value", value)
    return str(raw).replace("-", " ")


# Badges depend only on the value: made once, looked up on every row.
_STATUS_BADGES = {
    s: Markup('<span class="hb-badge hb-status-{}">{}</span>').format(s.value, _label(s))
    for s in ReviewStatus
}
_HEALTH_BADGES = {
    h: Markup('<span class="hb-badge hb-health-{0}">{0}</span>').format(h.value) for h in Health
}
_OUTCOME_BADGES = {
    o: Markup('<span class="hb-badge hb-outcome-{0}">{0}</span>').format(o.value) for o in Outcome
}
_YES, _NO = Markup('<span class="hb-yes">yes</span>'), Markup('<span class="hb-no">no</span>')


def _status_badge(status: ReviewStatus) -> Markup:
    return _STATUS_BADGES[status]


def _health_badge(health: Health) -> Markup:
    return _HEALTH_BADGES[health]


def _outcome_badge(outcome: Outcome) -> Markup:
    return _OUTCOME_BADGES[outcome]


def _yesno(value: bool) -> Markup:
    return _YES if value else _NO


def _external(url: str | None, text: str) -> Markup:
    safe = _safe_url(url)
    if safe is None:
        return escape(text)
    return Markup(f'<a href="{escape(safe)}" rel="noopener noreferrer">{escape(text)}</a>')


def _safe_url(url: str | None) -> str | None:
    return web_url(url)
