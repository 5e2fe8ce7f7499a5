"""The bundled site's account dashboards show each state the example content holds: onboarding, red with a
late action, red resolved, renewals with and without value realization, a past-due renewal, plans past their
tier's deadline, open security questionnaires and customer QBRs."""

from __future__ import annotations

import html
import re

from tests.site.conftest import BuiltSite


def _text(site: BuiltSite, page: str) -> str:
    raw = (site.out / page).read_text(encoding="utf-8")
    article = raw[raw.index("<article") : raw.index("</article>")]
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", article)).split())


def test_the_stale_plans_page_says_which_deadline_each_plan_missed(bundled_site: BuiltSite) -> None:
    page = _text(bundled_site, "dashboards/stale-plans.html")
    assert (
        "Woodgrove Energy 3 2026-08-14 2026-10-22 missed the deadline: revisit within the first 3 weeks of "
        "2026-Q4 (by 2026-10-21); 33 days past it" in page
    )
    assert (
        "Fabrikam Bank 1 2026-09-24 2026-12-10 due in 17 days (to be revisited before the internal QBR"
        in page
    )
    assert "Proseware Analytics 2 2026-10-29 2026-10-22 revisited late (8 days after the deadline" in page


def test_onboarding_accounts_are_shown_apart_from_the_plan_deadlines(bundled_site: BuiltSite) -> None:
    stale = _text(bundled_site, "dashboards/stale-plans.html")
    deadlines, onboarding = stale.split("In onboarding", 1)
    assert "Alpine Ski House" not in deadlines
    assert "Alpine Ski House 2026-11-09 2026-11-16 held 2026-11-30 2026-12-14" in onboarding
    assert "Alpine Ski House 2026-11-09" in _text(bundled_site, "dashboards/onboarding.html")
    account = _text(bundled_site, "accounts/alpine-ski-house.html")
    assert "Onboarding since 2026-11-09" in account and "onboarding: no quarterly plan yet" in account


def test_the_red_accounts_page_flags_late_actions_and_lists_resolved_accounts(
    bundled_site: BuiltSite,
) -> None:
    page = _text(bundled_site, "dashboards/red-accounts.html")
    assert "1 red account, 1 late action past due and not done." in page
    assert (
        "Send the usage report the economic buyer asked for (WAU by team since February) ( @nina-petrova"
        in page
    )
    assert "late 10 days" in page
    resolved = page.split("Resolved", 1)[1]
    assert "Tailspin Aerospace yellow 2026-07-27 2026-10-05 The third install passed" in resolved


def test_an_account_page_flags_its_late_actions_and_shows_a_resolved_red_account(
    bundled_site: BuiltSite,
) -> None:
    contoso = _text(bundled_site, "accounts/contoso-health.html")
    assert "Late actions 1 late action past due and not done" in contoso
    tailspin = _text(bundled_site, "accounts/tailspin-aerospace.html")
    assert "Red from 2026-07-27 to 2026-10-05 Resolved: The third install passed" in tailspin


def test_the_renewals_page_flags_missing_value_realization_and_keeps_past_due_renewals(
    bundled_site: BuiltSite,
) -> None:
    page = _text(bundled_site, "dashboards/renewals.html")
    assert "3 renewals, 1 past due , 1 without value realization ." in page
    assert "Litware Games 2026-11-15 past due 8 days ago done · @carlos-mendez" in page
    assert "Northwind Logistics 2027-01-31 69 missing not assessed" in page
    assert (
        "Contoso Health 2027-02-15 84 not started · @nina-petrova 2026-11-20 : 2 relationship risks" in page
    )


def test_the_due_page_lists_open_questionnaires_and_customer_qbrs(bundled_site: BuiltSite) -> None:
    page = _text(bundled_site, "dashboards/due.html")
    assert (
        "Adventure Works Cycles Annual vendor security review received 2026-11-20 overdue 3 days @ethan-wu"
        in page
    )
    assert (
        "Fabrikam Bank Third-party risk assessment 2027 (SIG Core) in progress 2026-11-27 in 4 days" in page
    )
    assert "Data residency addendum" not in page  # submitted
    assert "Adventure Works Cycles 2026-11-18 not recorded as held" in page
    assert "Northwind Logistics 2026-12-03 in 10 days" in page


def test_the_overview_counts_each_account_state(bundled_site: BuiltSite) -> None:
    page = _text(bundled_site, "dashboards/index.html")
    assert "1 plan past the deadline, 1 due" in page
    assert "2 security questionnaires open, 2 customer QBRs due" in page
    assert "1 account onboarding" in page
