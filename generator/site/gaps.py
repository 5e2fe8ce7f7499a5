"""The product-gap registry: each gap with every review and account that cites it and the ARR of those
accounts, so Product sees the top gaps by revenue (a pure function of the documents)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from generator.documents.models import AccountPlan
from generator.documents.models.gaps import IMPACT_ORDER, GapImpact, GapStatus, ProductGap, citations
from generator.process.config import HandbookConfig
from generator.site.index import AccountEntry, Handbook, ReviewEntry, in_reporting_currency


@dataclass(frozen=True)
class AccountRevenue:
    """An account's ARR in the reporting currency: the sum over its opportunities that have one."""

    amount: float
    # Some ARR is in a currency handbook.yml gives no rate for: left out of `amount`, and said so.
    unconverted: bool = False


def account_revenue(config: HandbookConfig, plan: AccountPlan) -> AccountRevenue:
    amount, unconverted = 0.0, False
    for opportunity in plan.opportunities:
        converted = in_reporting_currency(config, opportunity.arr)
        if converted is None:
            unconverted = unconverted or opportunity.arr is not None
        else:
            amount += converted
    return AccountRevenue(amount, unconverted)


@dataclass
class GapRow:
    key: str
    gap: ProductGap  # as first cited (title and area are the same everywhere: validate checks it)
    status: GapStatus  # as the most recently dated citing document says
    impact: GapImpact  # the highest any citing document gives
    reviews: list[ReviewEntry] = field(default_factory=list)
    accounts: list[AccountEntry] = field(default_factory=list)
    arr: float = 0.0
    unconverted: bool = False
    _dated: dt.date = dt.date.min

    @property
    def url(self) -> str | None:
        return self.gap.url


def registry(handbook: Handbook) -> list[GapRow]:
    """Every cited gap, the highest ARR first (then the most citations, then the key). A review brings
    its customer's account: the gap stands in the way of that account's revenue too."""
    rows: dict[str, GapRow] = {}
    # The documents each row already lists, by source (an entry's identity: `in` on the lists compared
    # whole models, thousands of times per gap).
    listed: dict[str, set[str]] = {}

    def cite(gap: ProductGap, dated: dt.date) -> GapRow:
        row = rows.get(gap.key)
        if row is None:
            row = rows[gap.key] = GapRow(gap.key, gap, gap.status, gap.impact, _dated=dated)
        if dated >= row._dated:
            row.status, row._dated = gap.status, dated
        if IMPACT_ORDER.index(gap.impact) > IMPACT_ORDER.index(row.impact):
            row.impact = gap.impact
        return row

    def first_time(row: GapRow, source: str) -> bool:
        seen = listed.setdefault(row.key, set())
        if source in seen:
            return False
        seen.add(source)
        return True

    for review in handbook.reviews:
        for citation in citations(review.review):
            row = cite(citation.gap, review.review.opened)
            if first_time(row, review.source):
                row.reviews.append(review)
            account = handbook.account_by_id.get(review.review.customer)
            if account is not None and first_time(row, account.source):
                row.accounts.append(account)
    for account in handbook.accounts:
        for citation in citations(account.plan):
            row = cite(citation.gap, account.plan.last_revisited)
            if first_time(row, account.source):
                row.accounts.append(account)
    for row in rows.values():
        row.accounts.sort(key=lambda e: e.plan.name.casefold())
        for account in row.accounts:
            revenue = account_revenue(handbook.config, account.plan)
            row.arr += revenue.amount
            row.unconverted = row.unconverted or revenue.unconverted
    return sorted(rows.values(), key=lambda r: (-r.arr, -(len(r.reviews) + len(r.accounts)), r.key))
