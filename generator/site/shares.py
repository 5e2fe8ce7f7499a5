"""A large site's pages built by two processes at once: mkdocs renders one page at a time, and a
build machine has two cores (a CI runner has two, this one too).

The pages of the nav and every other document page go to the first process (this one, which also
copies the static files and writes the theme's own pages); the rest to a child process building
into a folder of its own, whose pages are then moved beside the first's and whose sitemap entries
are merged into the first's. Each process knows every file (so links to the other's pages resolve),
and the nav is the same in both, so every page is the page a single build makes.
"""

from __future__ import annotations

import gzip
import html
import os
import re
import shutil
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import urlsplit

from generator.site import nav

# A site of fewer pages is built by one process: starting a second costs about a second.
SHARE_FROM_PAGES = 400
PARTS = 2
_URL = re.compile(r"\n\s*<url>.*?</url>", re.S)
_LOC = re.compile(r"<loc>(.*?)</loc>", re.S)


# The generated pages outside the nav, which Material's search never indexes (their search entries are
# the build's own): only these are shared; every other page is built by the first process, which
# writes the search index.
SHARED_FOLDERS = ("reviews/", "accounts/", "people/", "tags/", "dashboards/")


def shares_of(pages: Sequence[str], parts: int = PARTS) -> list[frozenset[str]]:
    """The pages (docs-tree paths) each process builds: the nav's, the searchable ones and a part of
    the others to the first, the rest of those in turn to the others. The first also does the build's
    own work (see `first_process_work`), so it takes fewer of the others: each process as much work."""
    in_nav = {page.path for page in nav.pages()}
    rest = [page for page in pages if page not in in_nav and page.startswith(SHARED_FOLDERS)]
    shared = set(rest)
    fixed = [page for page in pages if page not in shared]
    own = first_process_work(len(pages))
    wanted = round((len(pages) + own) / parts - len(fixed) - own)
    taken = max(0, min(len(rest), wanted))
    # Spread through the others, as the kinds of page (reviews, accounts, people) cost differently.
    mine = {
        index for index in range(len(rest)) if (index + 1) * taken // len(rest) > index * taken // len(rest)
    }
    first = fixed + [page for index, page in enumerate(rest) if index in mine]
    others = [page for index, page in enumerate(rest) if index not in mine]
    return [frozenset(first), *(frozenset(others[part :: parts - 1]) for part in range(parts - 1))]


def first_process_work(pages: int) -> int:
    """The first process's work besides its pages (the static files, the theme's own pages, the search
    index and sitemap), in pages' worth: measured on this 2-core machine as a dozen pages and 2.2% of
    the site's (0.1 s at 1,200 pages, 0.8 s at 12,000, where the other process sat idle that long)."""
    return 12 + pages * 22 // 1000


def part_folder(site_dir: Path, part: int) -> Path:
    return site_dir.with_name(f".{site_dir.name}.part-{part}")


def merge(site_dir: Path, part_dir: Path, built: Sequence[str], order: Sequence[str], site_url: str) -> None:
    """Move a part's pages (the files mkdocs wrote them to) into the site and its sitemap entries into
    the site's sitemap (in the order mkdocs lists the pages); nothing else of the part is kept."""
    for page in built:
        target = site_dir / page
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(part_dir / page, target)
    ours = site_dir / "sitemap.xml"
    theirs = part_dir / "sitemap.xml"
    if ours.is_file() and theirs.is_file():
        _merge_sitemaps(ours, theirs.read_text(encoding="utf-8"), order, site_url)
    shutil.rmtree(part_dir, ignore_errors=True)


def _merge_sitemaps(ours: Path, theirs: str, order: Sequence[str], site_url: str) -> None:
    text = ours.read_text(encoding="utf-8")
    blocks = _URL.findall(text) + _URL.findall(theirs)
    found = list(_URL.finditer(text))
    head = text[: found[0].start()] if found else text[: text.index("</urlset>")]
    tail = text[found[-1].end() :] if found else text[text.index("</urlset>") :]
    base = urlsplit(site_url).path
    position = {url: index for index, url in enumerate(order)}

    def place(block: str) -> int:
        loc = _LOC.search(block)
        path = urlsplit(html.unescape(loc.group(1).strip())).path if loc else ""
        return position.get(path[len(base) :] if path.startswith(base) else path, len(position))

    merged = head + "".join(sorted(blocks, key=place)) + tail
    ours.write_text(merged, encoding="utf-8")
    zipped = ours.with_name("sitemap.xml.gz")
    if zipped.is_file():
        with gzip.open(zipped, "rb") as before:
            before.read()
            stamp = before.mtime
        zipped.write_bytes(_gzip(merged.encode("utf-8"), zipped, stamp))


def _gzip(data: bytes, path: Path, mtime: int | None) -> bytes:
    import io

    buffer = io.BytesIO()
    with gzip.GzipFile(fileobj=buffer, filename=str(path), mode="wb", mtime=mtime) as out:
        out.write(data)
    return buffer.getvalue()
