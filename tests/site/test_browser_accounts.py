"""The account dashboards in headless Chromium: what is due, onboarding, renewals, red accounts and plan
deadlines, each reached and read as a reader does, with its flags visible."""

from __future__ import annotations

from urllib.parse import urljoin

import pytest

from tests.site.conftest import Tab

pytestmark = pytest.mark.browser


def test_the_due_dashboard_flags_an_overdue_questionnaire_and_leads_to_its_account(
    tab: Tab, bundled_url: str
) -> None:
    tab.page.goto(urljoin(bundled_url, "dashboards/index.html"))
    tab.page.get_by_role("link", name="2 security questionnaires").click()
    tab.page.wait_for_load_state()
    assert tab.page.locator("h1").first.inner_text().startswith("What is due")
    row = tab.page.locator("table.hb-due-questionnaires tr", has_text="Annual vendor security review")
    assert row.locator(".hb-flag").inner_text() == "overdue 3 days"
    assert tab.page.locator("table.hb-due-qbrs tr", has_text="2026-11-18").locator(".hb-flag").is_visible()
    row.get_by_role("link", name="Adventure Works Cycles").click()
    tab.page.wait_for_load_state()
    assert tab.page.locator("table.hb-questionnaires .hb-flag").inner_text() == "overdue"
    assert tab.errors == []


def test_the_onboarding_dashboard_lists_the_new_customer_and_its_trainings(
    tab: Tab, bundled_url: str
) -> None:
    tab.page.goto(urljoin(bundled_url, "dashboards/onboarding.html"))
    row = tab.page.locator("table.hb-onboarding-list tr", has_text="Alpine Ski House")
    assert row.is_visible()
    assert row.locator("td").nth(2).inner_text() == "2026-11-16 held"
    row.get_by_role("link", name="Alpine Ski House").click()
    tab.page.wait_for_load_state()
    assert tab.page.locator("#onboarding-status").inner_text().startswith("Onboarding since")
    assert tab.errors == []


def test_the_renewals_dashboard_flags_past_due_and_missing_value_realization(
    tab: Tab, bundled_url: str
) -> None:
    tab.page.goto(urljoin(bundled_url, "dashboards/renewals.html"))
    litware = tab.page.locator("table.hb-renewals tr", has_text="Litware Games")
    assert litware.locator(".hb-flag").inner_text() == "past due"
    northwind = tab.page.locator("table.hb-renewals tr", has_text="Northwind Logistics")
    assert northwind.locator(".hb-flag").inner_text() == "missing"
    assert tab.errors == []


def test_the_red_accounts_dashboard_flags_late_actions_and_shows_the_resolved(
    tab: Tab, bundled_url: str
) -> None:
    tab.page.goto(urljoin(bundled_url, "dashboards/red-accounts.html"))
    late = tab.page.locator(".hb-late-summary")
    assert late.is_visible() and "Send the usage report" in late.inner_text()
    assert tab.page.locator("tr.hb-late .hb-late-flag").first.inner_text() == "late 10 days"
    resolved = tab.page.locator("table.hb-resolved-list tr", has_text="Tailspin Aerospace")
    assert "2026-10-05" in resolved.inner_text()
    assert tab.errors == []


def test_the_stale_plans_dashboard_names_the_missed_deadline(tab: Tab, bundled_url: str) -> None:
    tab.page.goto(urljoin(bundled_url, "dashboards/stale-plans.html"))
    woodgrove = tab.page.locator("table.hb-stale tr", has_text="Woodgrove Energy")
    assert woodgrove.locator(".hb-flag").inner_text() == "missed"
    assert "within the first 3 weeks of 2026-Q4" in woodgrove.inner_text()
    assert "due in 17 days" in tab.page.locator("table.hb-stale tr", has_text="Fabrikam Bank").inner_text()
    assert tab.errors == []
