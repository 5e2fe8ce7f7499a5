"""The site's pages that have a place in the navigation: one list, read by the renderer (which writes
each of them) and by the build (which makes mkdocs' `nav` of it). A page added here is in both.

Documents, people, tags and the later pages of long lists stay out of the nav (`NOT_IN_NAV`): Material
renders the whole nav into every page, so a nav that grows with the documents makes the build quadratic.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class NavPage:
    title: str
    path: str  # docs-tree path


HOME = NavPage("Home", "index.md")
OVERVIEW = NavPage("Overview", "dashboards/index.md")
OPEN_REVIEWS = NavPage("Open reviews", "dashboards/open-reviews.md")
WAITING = NavPage("Who is blocking", "dashboards/waiting.md")
REVIEW_CLOCK = NavPage("Review clock", "dashboards/review-clock.md")
DECISIONS = NavPage("Decision log", "dashboards/decisions.md")
RED_ACCOUNTS = NavPage("Red accounts", "dashboards/red-accounts.md")
PRODUCT_GAPS = NavPage("Product gaps", "dashboards/product-gaps.md")
RENEWALS = NavPage("Renewals", "dashboards/renewals.md")
STALE_PLANS = NavPage("Plans not revisited", "dashboards/stale-plans.md")
DUE = NavPage("What is due", "dashboards/due.md")
ONBOARDING = NavPage("Onboarding", "dashboards/onboarding.md")
TECH_WIN = NavPage("Technical win", "dashboards/tech-win.md")
CHARTS = NavPage("Charts", "dashboards/charts.md")
SIGNOFF_AUDIT = NavPage("Sign-off audit", "dashboards/signoff-audit.md")
NEEDS_ATTENTION = NavPage("Needs attention", "dashboards/needs-attention.md")
REVIEWS = NavPage("Tech reviews", "reviews/index.md")
ACCOUNTS = NavPage("Account plans", "accounts/index.md")
PEOPLE = NavPage("People", "people/index.md")
TAGS = NavPage("Tags", "tags/index.md")
EXPORTS = NavPage("Exports", "exports/index.md")
# The process handbook: our own Markdown (site/handbook/*.md), written as it is.
HANDBOOK = (
    NavPage("Overview", "handbook/index.md"),
    NavPage("Raising a tech review", "handbook/tech-reviews.md"),
    NavPage("Decisions", "handbook/decisions.md"),
    NavPage("Technical win", "handbook/technical-win.md"),
    NavPage("Account planning", "handbook/account-planning.md"),
    NavPage("Red accounts", "handbook/red-accounts.md"),
)

SECTIONS: tuple[tuple[str, tuple[NavPage, ...]], ...] = (
    ("Dashboards", (OVERVIEW, OPEN_REVIEWS, WAITING, REVIEW_CLOCK, DECISIONS, RED_ACCOUNTS, PRODUCT_GAPS,
                    RENEWALS, STALE_PLANS, DUE, ONBOARDING, TECH_WIN, CHARTS, SIGNOFF_AUDIT,
                    NEEDS_ATTENTION)),
    ("Browse", (REVIEWS, ACCOUNTS, PEOPLE, TAGS, EXPORTS)),
    ("How we work", HANDBOOK),
)  # fmt: skip

NOT_IN_NAV = (
    "/reviews/",
    "/accounts/",
    "/people/",
    "/tags/",
    "/dashboards/decisions-page-*.md",
    "/dashboards/open-reviews-page-*.md",
    "/dashboards/waiting/*.md",
)


def pages() -> list[NavPage]:
    """Every page of the nav, in its order."""
    return [HOME, *(page for _, section in SECTIONS for page in section)]


def mkdocs_nav() -> list[dict[str, object]]:
    """The nav as mkdocs.yml spells it."""
    entries: list[dict[str, object]] = [{HOME.title: HOME.path}]
    entries += [{title: [{page.title: page.path} for page in section]} for title, section in SECTIONS]
    return entries
