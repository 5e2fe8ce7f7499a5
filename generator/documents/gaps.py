"""Product gaps across documents: one key is one gap, with one title and one area wherever it is cited."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

from generator.documents.diagnostics import Diagnostic
from generator.documents.load import dotted

if TYPE_CHECKING:
    from generator.documents.entries import CitedGap, IndexEntry


def gap_rules(entries: Sequence[IndexEntry], targets: set[str]) -> Iterator[Diagnostic]:
    """A key cited with another title or area than where it was first cited is a fault at the later
    citation, naming the first one (file:line): the registry could not say which is the gap."""
    first: dict[str, tuple[IndexEntry, CitedGap]] = {}
    for item in entries:
        for citation in item.gaps:
            key = citation.key
            if key not in first:
                first[key] = (item, citation)
                continue
            earlier, cited = first[key]
            if item.path not in targets and earlier.path not in targets:
                continue
            for name in ("title", "area"):
                ours, theirs = getattr(citation, name), getattr(cited, name)
                if ours == theirs:
                    continue
                field = (*citation.field, name)
                there = earlier.document.position((*cited.field, name))
                here = item.document.position(field)
                yield Diagnostic(
                    item.path,
                    here.line,
                    here.column,
                    dotted(field),
                    f"gap {key} has the {name} {ours!r} here but {theirs!r} at {earlier.path}:{there.line}",
                    f"one key is one gap: write the same {name}, or give another gap its own key",
                )
