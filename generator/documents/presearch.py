"""A pull request's search of the other files, begun before the document models are loaded.

Checking a handful of documents in a large repository costs two things of about the same size: loading
the models (pydantic builds every one before the first document is checked) and searching every other
file's front matter for what the targets mention (see documents.index). They do not depend on each
other, so the search is begun in a forked child before the models are imported, while this process
imports them: the child lists the repository and takes what the targets mention from their front
matter as the strict loader reads it, without the models; then it searches like documents.index.

What the child found is used only when it is certain to be what this process would find itself: the
same listing, and every id and key that the checked targets mention among those the child searched
for (a target that changed in between, a value the models would read otherwise). Otherwise the search
is done again here. Either way the report is the same; only when it is ready differs.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.documents.diagnostics import DocumentError
from generator.documents.files import source_files
from generator.documents.index import (
    Found,
    SearchIn,
    gaps_as_written,
    listed_in,
    mappings,
    needles_for,
    searchable,
)
from generator.documents.load import read_document
from generator.documents.workers import WorkApart, apart, in_parallel


@dataclass(frozen=True)
class Searched:
    """What the child searched (its listing, the ids and keys it looked for) and what it found."""

    listing: tuple[str, ...]
    ids: frozenset[str]
    keys: frozenset[str]
    found: list[Found]

    def covers(self, every: Sequence[Path], ids: set[str], keys: set[str]) -> bool:
        """Whether this is the search this process would make of `every` for `ids` and `keys`, or one
        that reads more: the same listing, every id searched for, and every key searched for as a key
        or as an id (whose files are all read)."""
        return (
            ids <= self.ids
            and keys <= self.keys | self.ids
            and len(every) == len(self.listing)
            and all(str(path) == listed for path, listed in zip(every, self.listing, strict=True))
        )


class PullRequestSearch:
    """The search begun apart (see the module's docstring); `result` or `cancel` ends the child."""

    def __init__(self, root: Path, targets: Sequence[Path]) -> None:
        self._apart: WorkApart[Searched | None] = apart(lambda: _search(root, targets))

    def result(self, every: Sequence[Path], ids: set[str], keys: set[str]) -> list[Found] | None:
        """What the search found, when it is the one this process would make (Searched.covers)."""
        searched = self._apart.result()
        return searched.found if searched is not None and searched.covers(every, ids, keys) else None

    def cancel(self) -> None:
        self._apart.cancel()


def _search(root: Path, targets: Sequence[Path]) -> Searched | None:
    every = source_files(root).documents
    ids: set[str] = set()
    keys: set[str] = set()
    for target in targets:
        if target.name.endswith(".md"):
            try:
                data = read_document(target, root=root).data
            except DocumentError:
                continue  # a document that cannot be read mentions nothing
            # The fields that hold what a document mentions, as documents.entries takes them from the
            # models. Should the two ever differ, the child's search is not used (Searched.covers).
            ids |= set(_strings([data.get("id"), data.get("customer"), *listed_in(data, "related_reviews")]))
            for opportunity in mappings(listed_in(data, "opportunities")):
                named = (opportunity.get(name) for name in ("id", "tech_review", "production_review"))
                ids |= set(_strings(named))
            keys |= set(_strings(gap.get("key") for gap in gaps_as_written(data)))
            if not searchable(ids, keys):
                return None  # so many that every document is read (documents.index)
    keys -= ids
    search = SearchIn(every, set(), needles_for(ids), sorted(keys))
    # In two processes: this one's search outlasts the models' import, which leaves a CPU idle.
    found = in_parallel(search, len(every), 2)
    return Searched(tuple(map(str, every)), frozenset(ids), frozenset(keys), found)


def _strings(values: Iterable[Any]) -> Iterable[str]:
    return (value for value in values if isinstance(value, str) and value)
