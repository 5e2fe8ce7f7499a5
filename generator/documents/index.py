"""Which files of a repository can matter to the cross-document faults of a few target documents.

A pull request names a handful of documents; their references (ids, opportunity ids, gap keys, the
customer) are resolved against every other document. Parsing every front matter for that costs most
of a full run, but a document can only take part in a target's cross-document rule if its front
matter holds one of the ids or keys the target defines or references. Such a value is a run of
`[A-Za-z0-9._-]` characters, which YAML can spell differently only inside a double-quoted string,
with a backslash escape (`"TR-\\x300001"`); a single-quoted or block scalar, a plain scalar or an
anchor's text holds it verbatim. So a file whose bytes hold none of the targets' ids and keys, and no
backslash, plays no part; the others are read as usual.

A gap key is cited by many documents, but a target's citation is compared only with the key's first
citation in the listing: the files after that first one matter only when the first is a target's.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from generator.documents.diagnostics import Diagnostic, DocumentError
from generator.documents.load import MAX_FILE_BYTES, display_path, front_matter_data, parse_document
from generator.documents.paths import FOLDERS
from generator.documents.regular import NotRegular, SymbolicLink, TooLarge, read_regular
from generator.documents.workers import in_parallel

if TYPE_CHECKING:
    from generator.documents.entries import IndexEntry

# What a byte search finds whatever the YAML spelling (save a backslash escape): no quote, no space.
_VERBATIM = re.compile(r"[A-Za-z0-9._-]+")
ReadSome = Callable[[int, int], "list[IndexEntry | Diagnostic]"]


def mentioned(item: IndexEntry) -> tuple[set[str], set[str]] | None:
    """The ids a document defines or references (its id, customer, related reviews, opportunity ids and
    the reviews they link) and the gap keys it cites; None when one could be spelled so that a byte
    search would miss it."""
    ids = {item.id} if item.id is not None else set()
    if item.review is not None:
        ids |= {item.review.customer, *item.review.related_reviews}
    elif item.plan is not None:
        for opportunity in item.plan.opportunities:
            ids |= {opportunity.id, opportunity.tech_review or "", opportunity.production_review or ""}
    ids.discard("")
    keys = {citation.key for citation in item.gaps}
    return (ids, keys) if all(_VERBATIM.fullmatch(value) for value in ids | keys) else None


def _cites(item: IndexEntry | Diagnostic, key: str) -> bool:
    return not isinstance(item, Diagnostic) and any(citation.key == key for citation in item.gaps)


def that_may_matter(
    every: Sequence[Path],
    targets: set[str],
    read_some: ReadSome,
    workers: int = 1,
    searched: EarlySearch | None = None,
) -> tuple[list[Path], list[IndexEntry | Diagnostic]] | None:
    """The targets and the other files that may take part in their cross-document rules, each read,
    in the listing's order; None when the targets' references cannot be searched for as bytes. The
    other files' bytes are searched in `workers` processes (documents.workers), unless `searched`
    gives what a search begun earlier found (documents.presearch)."""
    read: dict[int, IndexEntry | Diagnostic] = {}
    ids: set[str] = set()
    keys: set[str] = set()
    for index, path in enumerate(every):
        if display_path(path) in targets:
            [read[index]] = read_some(index, index + 1)
            item = read[index]
            if not isinstance(item, Diagnostic):
                found = mentioned(item)
                if found is None:
                    return None
                ids |= found[0]
                keys |= found[1]
                if not searchable(ids, keys):
                    return None
    keys -= ids  # a key that is also an id is searched for as one
    cited: dict[str, list[int]] = {key: [] for key in keys}  # the other files whose bytes hold the key
    early = searched(every, ids, keys) if searched is not None else None
    if early is not None:
        for index, outcome in early:  # the files it found to read are read here
            if index in read:
                continue
            if outcome is None:
                [read[index]] = read_some(index, index + 1)
            elif outcome in cited:  # it may have searched for more keys than the targets cite
                cited[outcome].append(index)
    else:
        search = SearchIn(every, set(read), needles_for(ids), sorted(keys), read_some)
        for index, outcome in in_parallel(search, len(every), workers):
            if isinstance(outcome, str):
                cited[outcome].append(index)
            elif outcome is not None:
                read[index] = outcome
    first_cited = _first_citations(every, targets, read)
    for key, holding in cited.items():
        first_target = first_cited[key]
        for index in holding:
            if index > first_target:
                # The key's first citation is a target's: every later citation is compared with it.
                # One written with the same title and area as the target's cannot differ: not read.
                written = _written_citation(read[first_target], key)
                for later in holding:
                    if (
                        later > first_target
                        and later not in read
                        and not _cites_alike(every[later], key, written)
                    ):
                        [read[later]] = read_some(later, later + 1)
                break
            if index not in read:
                [read[index]] = read_some(index, index + 1)
            if _cites(read[index], key):
                break  # the key's first citation, before every target's
    order = sorted(read)
    return [every[index] for index in order], [read[index] for index in order]


def gaps_as_written(data: dict[str, Any]) -> list[dict[str, Any]]:
    """The gap citations of a front matter as written (reviews' `product_gaps`, account plans'
    `feedback_themes[].gaps`), before any model reads them: the mappings among them."""
    themes = mappings(listed_in(data, "feedback_themes"))
    cited = [*listed_in(data, "product_gaps"), *(gap for theme in themes for gap in listed_in(theme, "gaps"))]
    return mappings(cited)


def listed_in(data: dict[str, Any], name: str) -> list[Any]:
    """The list written at `name`, or none."""
    value = data.get(name)
    return value if isinstance(value, list) else []


def mappings(values: Iterable[Any]) -> list[dict[str, Any]]:
    """The mappings among values as written."""
    return [value for value in values if isinstance(value, dict)]


# A citation's title and area as written: what decides whether two citations of a key agree.
Written = tuple[Any, Any]


def _written_citation(item: IndexEntry | Diagnostic, key: str) -> Written | None:
    """How the target's first citation of `key` is written in its front matter; None if unsure."""
    if isinstance(item, Diagnostic):
        return None
    try:
        data = front_matter_data(item.front, item.path, item.front_line)
    except DocumentError:
        return None
    found = {(gap.get("title"), gap.get("area")) for gap in gaps_as_written(data) if gap.get("key") == key}
    return found.pop() if len(found) == 1 else None


def _cites_alike(path: Path, key: str, written: Written | None) -> bool:
    """Whether the file's front matter, as written, cites `key` only with the title and area
    `written` (or not at all): then the models read the same values from it as from the target's,
    and no citation of the key there can differ. False whenever that is not certain."""
    kind = FOLDERS.get(path.parent.name)
    if written is None or kind is None:
        return False
    raw = _bytes(path)
    if raw is None:
        return False
    try:
        data = parse_document(raw, display_path(path), kind).data
    except DocumentError:
        return False
    return all(
        (gap.get("title"), gap.get("area")) == written
        for gap in gaps_as_written(data)
        if gap.get("key") == key
    )


def _first_citations(
    every: Sequence[Path], targets: set[str], read: dict[int, IndexEntry | Diagnostic]
) -> dict[str, int]:
    """Each gap key the targets cite, with the place in the listing of the first target citing it."""
    first: dict[str, int] = {}
    for index in sorted(read):
        item = read[index]
        if not isinstance(item, Diagnostic) and display_path(every[index]) in targets:
            for citation in item.gaps:
                first.setdefault(citation.key, index)
    return first


def searchable(ids: set[str], keys: set[str]) -> bool:
    """Whether searching every file for these ids and keys costs less than reading every file: true for
    a pull request's handful of documents, not for a folder of the repository."""
    return len(ids) + len(keys) <= MAX_SEARCHED


# Each id or key searched for costs about 0.5 µs per file, reading a file about 100 µs (in two
# processes): beyond about this many, reading every file is sooner. Five documents mention about 15.
MAX_SEARCHED = 100


def needles_for(ids: Iterable[str]) -> list[bytes]:
    """What marks a file that must be read: a backslash (an escape could spell any value), or an id."""
    return [b"\\", *(value.encode() for value in sorted(ids))]


# A file's index in the listing, with what searching it gave: what reading it gave (or None when it
# was not read where it was found) for a file that must be read, or a gap key its bytes hold.
Found = tuple[int, "IndexEntry | Diagnostic | str | None"]
EarlySearch = Callable[[Sequence[Path], set[str], set[str]], "list[Found] | None"]


class SearchIn:
    """The byte search of a part of the listing (index.Found for each file it finds), each file found
    to be read read where it is found when there is `read_some`."""

    def __init__(
        self,
        every: Sequence[Path],
        skip: set[int],
        needles: list[bytes],
        keys: list[str],
        read_some: ReadSome | None = None,
    ) -> None:
        self.every, self.skip, self.needles, self.read_some = every, skip, needles, read_some
        self.keys = [(key, key.encode()) for key in keys]

    def __call__(self, start: int, end: int) -> list[Found]:
        found: list[Found] = []
        needles = self.needles
        for index in range(start, end):
            if index in self.skip:
                continue
            raw = _bytes(self.every[index])
            if raw is not None:
                raw = front_bytes(raw)
            if raw is None or any(map(raw.__contains__, needles)):
                if self.read_some is None:
                    found.append((index, None))
                else:
                    found += [(index, item) for item in self.read_some(index, index + 1)]
                continue
            found += [(index, key) for key, needle in self.keys if needle in raw]
        return found


# A line of '---' (spaces, tabs or carriage returns after it aside), after the first line, closes the
# front matter as documents.load splits it. A closing line written otherwise (other trailing white
# space, a lone carriage return before it) is not found here: then more is searched, never less.
_CLOSING = re.compile(rb"\n---[ \t\r]*\n")


def front_bytes(raw: bytes) -> bytes:
    """The bytes up to the end of the front matter, or more: every id and key a document defines or
    cites is in its front matter, and the body is most of a file."""
    closing = _CLOSING.search(raw)
    return raw[: closing.start()] if closing else raw


def _bytes(path: Path) -> bytes | None:
    """The regular file's bytes, or None for anything else (a link, a pipe, a file over the limit, one
    that cannot be opened): then reading it as a document says why, as a full run would."""
    try:
        return read_regular(path, MAX_FILE_BYTES)
    except (SymbolicLink, NotRegular, TooLarge, OSError):
        return None
