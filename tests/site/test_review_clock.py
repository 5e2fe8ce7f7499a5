"""The review clock of the bundled site, built from examples/signoff-ledger.json on 2026-11-23.

The expected figures are worked out by hand from the example ledger (business days on handbook.yml's
calendar: no holiday falls between March and November 2026; the window is 3 business days).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from generator.site.build import build_site
from tests.site.conftest import REPOSITORY, BuiltSite, options_for, write_sample

# Each request: one EPS team asked on one pull request about a tech review. "first" and "sign-off" are
# business days from the day the pull request was opened; "in" = first feedback on or before the due day.
#
# PR   asked (due)        product          engineering       support
# 102  Wed 03-25 (03-30)  1, 10, in        2, 10, in         3, 10, in
# 104  Mon 04-27 (04-30)  1, 13, in        2, 13, in         6, 13, late
# 108  Mon 06-15 (06-18)  1, 13, in        2, 13, in         none, none, missed (merged without support)
# 110  Tue 07-28 (07-31)  1, 16, in        2, 16, in         3, 16, in
# 112  Wed 09-02 (09-07)  4, 15, late      1, 15, in         2, 15, in
# 123  Mon 10-12 (10-15)  1, 13, in        1, 13, in         2, 13, in
# 117  Tue 11-10 (11-13)  2, -, in         5, -, late        none, missed
# 119  Thu 11-12 (11-17)  none, missed     1, -, in          none, missed
# 121  Fri 11-20 (11-25)  1, -, in         none, pending     none, pending (still inside the window)
#
# Product:     firsts 1,1,1,1,4,1,2,1 -> sorted 1,1,1,1,1,1,2,4: median 1; sign-offs 10,13,13,16,15,13
#              -> 10,13,13,13,15,16: median 13; in the window 7 of 9 (112 late, 119 missed) = 78%.
# Engineering: firsts 2,2,2,2,1,1,5,1 -> 1,1,1,2,2,2,2,5: median (2+2)/2 = 2; sign-offs median 13;
#              7 of 8 (117 late; 121 pending is not counted) = 88%.
# Support:     firsts 3,6,3,2,2 -> 2,2,3,3,6: median 3; sign-offs 10,13,16,15,13 -> median 13;
#              4 of 8 (104 late, 108, 117 and 119 missed) = 50%.
# By month:    2026-03 firsts 1,2,3 median 2, sign-offs 10, 3 of 3; 2026-04 1,2,6 -> 2, 13, 2 of 3;
#              2026-06 1,2 -> 1.5, 13, 2 of 3; 2026-07 1,2,3 -> 2, 16, 3 of 3; 2026-09 4,1,2 -> 2, 15,
#              2 of 3; 2026-10 1,1,2 -> 1, 13, 3 of 3; 2026-11 nine asked, firsts 2,5,1,1 -> (1+2)/2 = 1.5,
#              no sign-off yet, 3 of 7 (117 product, 119 engineering, 121 product in; 121's two pending).
EXPECTED = {
    # label: (asked, answered, median to first feedback, median to sign-off, in window, measured)
    "product": ("9", "8", "1", "13", "7", "9"),
    "engineering": ("9", "8", "2", "13", "7", "8"),
    "support": ("9", "5", "3", "13", "4", "8"),
    "2026-03": ("3", "3", "2", "10", "3", "3"),
    "2026-04": ("3", "3", "2", "13", "2", "3"),
    "2026-06": ("3", "2", "1.5", "13", "2", "3"),
    "2026-07": ("3", "3", "2", "16", "3", "3"),
    "2026-09": ("3", "3", "2", "15", "2", "3"),
    "2026-10": ("3", "3", "1", "13", "3", "3"),
    "2026-11": ("9", "4", "1.5", "", "3", "7"),
}
_ROW = re.compile(
    r'<tr data-clock="(?P<label>[^"]+)"><td>[^<]*</td><td>(?P<asked>\d+)</td><td>(?P<answered>\d+)</td>'
    r'<td data-first="(?P<first>[^"]*)">.*?</td><td data-decision="(?P<decision>[^"]*)">.*?</td>'
    r'<td data-in-window="(?P<within>\d+)" data-measured="(?P<measured>\d+)">'
)


@pytest.fixture(scope="module")
def clocked_site(tmp_path_factory: pytest.TempPathFactory) -> BuiltSite:
    base = tmp_path_factory.mktemp("clocked")
    options = options_for(REPOSITORY, base, ledger=REPOSITORY / "examples" / "signoff-ledger.json")
    return BuiltSite(REPOSITORY, options, build_site(options))


def _number(text: str) -> str:
    return text.removesuffix(".0")


def test_the_review_clock_of_the_bundled_site_matches_the_hand_computed_figures(
    clocked_site: BuiltSite,
) -> None:
    html = (clocked_site.out / "dashboards" / "review-clock.html").read_text(encoding="utf-8")
    found = {
        m["label"]: (
            m["asked"],
            m["answered"],
            _number(m["first"]),
            _number(m["decision"]),
            m["within"],
            m["measured"],
        )
        for m in _ROW.finditer(html)
    }
    assert found == EXPECTED


def test_the_bundled_clock_shows_the_share_in_words(clocked_site: BuiltSite) -> None:
    html = (clocked_site.out / "dashboards" / "review-clock.html").read_text(encoding="utf-8")
    assert "7 of 9 (78%)" in html and "4 of 8 (50%)" in html


def test_without_a_ledger_the_clock_says_there_is_nothing_to_measure(tmp_path: Path) -> None:
    write_sample(tmp_path)
    options = options_for(tmp_path, tmp_path / "build")
    site = BuiltSite(tmp_path, options, build_site(options))
    html = (site.out / "dashboards" / "review-clock.html").read_text(encoding="utf-8")
    assert "has not been collected yet" in html
