"""The product-gap registry: each gap with the reviews and accounts citing it, by revenue."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from generator.site import gaps
from generator.site.build import load_handbook
from tests.site import content
from tests.site.conftest import TODAY


def _gap(key: str, title: str, **fields: Any) -> dict[str, Any]:
    return {"key": key, "title": title, "area": "deployment", "impact": "high", "status": "open", **fields}


def _deal(slug: str, amount: int, currency: str = "USD") -> dict[str, Any]:
    return {
        "id": slug, "name": slug, "ce": "carl-ce", "ae": "ada-ae", "sales_stage": 1,
        "close_date": "2027-03-15", "tech_win_phase": "initial-conversations",
        "arr": {"amount": amount, "currency": currency},
    }  # fmt: skip


def _repository(root: Path) -> Path:
    offline = _gap("GAP-1", "Offline upgrades")
    bulk = _gap("GAP-2", "Bulk permissions", area="permissions")
    content.write_account(
        root,
        content.account("big-co", "Big Co", opportunities=[_deal("big-deal", 300_000)],
                        feedback_themes=[{"theme": "Permissions", "gaps": [bulk]}]),
    )  # fmt: skip
    for slug, name, amount in (("small-co", "Small Co", 50_000), ("mid-co", "Mid Co", 100_000)):
        content.write_account(root, content.account(slug, name, opportunities=[_deal(slug, amount)]))
    content.write_review(root, content.review(1, "small-co", "Offline", product_gaps=[offline]), "offline")
    later = _gap("GAP-1", "Offline upgrades", impact="blocker", status="planned")
    content.write_review(
        root, content.review(2, "mid-co", "Offline too", opened="2026-11-09", product_gaps=[later]), "mid"
    )
    return root


def test_a_gap_groups_every_review_and_the_accounts_they_belong_to(tmp_path: Path) -> None:
    rows = gaps.registry(load_handbook(_repository(tmp_path), tmp_path / "no-ledger.json", TODAY))
    offline = next(row for row in rows if row.key == "GAP-1")
    assert [e.review.id for e in offline.reviews] == ["TR-0001", "TR-0002"]
    assert [e.plan.id for e in offline.accounts] == ["mid-co", "small-co"]
    assert offline.arr == 150_000  # Small Co 50,000 + Mid Co 100,000


def test_the_registry_puts_the_gap_with_the_most_revenue_first(tmp_path: Path) -> None:
    rows = gaps.registry(load_handbook(_repository(tmp_path), tmp_path / "no-ledger.json", TODAY))
    assert [(row.key, row.arr) for row in rows] == [("GAP-2", 300_000), ("GAP-1", 150_000)]


def test_a_gap_takes_the_latest_status_and_the_highest_impact(tmp_path: Path) -> None:
    rows = gaps.registry(load_handbook(_repository(tmp_path), tmp_path / "no-ledger.json", TODAY))
    offline = next(row for row in rows if row.key == "GAP-1")
    assert (offline.status.value, offline.impact.value) == ("planned", "blocker")


def test_arr_without_an_exchange_rate_is_left_out_and_said(tmp_path: Path) -> None:
    content.write_account(
        tmp_path,
        content.account("far-co", "Far Co", opportunities=[_deal("far", 9_000, "XYZ")],
                        feedback_themes=[{"theme": "Offline", "gaps": [_gap("GAP-9", "Offline")]}]),
    )  # fmt: skip
    (row,) = gaps.registry(load_handbook(tmp_path, tmp_path / "no-ledger.json", TODAY))
    assert (row.arr, row.unconverted) == (0, True)
