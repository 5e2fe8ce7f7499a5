"""What a reader downloads at scale: `handbook demo --reviews 2000 --accounts 500`, built, then measured.

Reports the search index (aim: under 3 MB), the home page (aim: under 120 KB, at most 40 table rows),
the largest page and the largest whole-list JSON the filter boxes load. Sizes come from
HANDBOOK_BENCH_PAGES ("2000,500": reviews, accounts).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TODAY = "2026-11-23"
BIN = Path(sys.executable).parent
SEARCH_AIM = 3 * 1024 * 1024
HOME_AIM = 120 * 1024
HOME_ROWS_AIM = 40


def _kib(size: int) -> str:
    return f"{size / 1024:,.0f} KiB"


def body_rows(html: str) -> int:
    return sum(len(re.findall(r"<tr[\s>]", body)) for body in re.findall(r"<tbody>(.*?)</tbody>", html, re.S))


def _largest(site: Path, pattern: str) -> tuple[int, str]:
    return max((path.stat().st_size, path.relative_to(site).as_posix()) for path in site.rglob(pattern))


def main() -> int:
    reviews, accounts = (int(n) for n in os.environ.get("HANDBOOK_BENCH_PAGES", "2000,500").split(","))
    with tempfile.TemporaryDirectory(prefix="bench-pages-") as scratch:
        root = Path(scratch)
        subprocess.run(
            [BIN / "handbook", "demo", "--reviews", str(reviews), "--accounts", str(accounts),
             "--today", TODAY, str(root)],
            check=True, stdout=subprocess.DEVNULL,
        )  # fmt: skip
        started = time.perf_counter()
        subprocess.run(
            [BIN / "handbook", "build", "--root", str(root), "--today", TODAY, "--quiet"],
            check=True, stdout=subprocess.DEVNULL,
        )  # fmt: skip
        seconds = time.perf_counter() - started
        site = root / "build" / "site"
        index = (site / "search" / "search_index.json").stat().st_size
        home = site / "index.html"
        rows = body_rows(home.read_text(encoding="utf-8"))
        page_size, page = _largest(site, "*.html")
        list_size, listing = _largest(site, "index.json")
        print(f"pages at {reviews} reviews and {accounts} account plans (built in {seconds:.1f}s)")
        print(f"  search index     {_kib(index):>12}  (aim < {_kib(SEARCH_AIM)})")
        print(f"  home page        {_kib(home.stat().st_size):>12}  {rows} table rows "
              f"(aim < {_kib(HOME_AIM)}, <= {HOME_ROWS_AIM} rows)")  # fmt: skip
        print(f"  largest page     {_kib(page_size):>12}  {page}")
        print(f"  largest list     {_kib(list_size):>12}  {listing} (loaded when a filter is used)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
