"""What the cross-document rules know of one document: an entry of the repository's index.

An entry holds the document's ids and references (its customer, related reviews, opportunities and the
reviews they link), the gaps it cites, its own faults, and the front matter's text, from which
positions are found only when a message needs one. It is made where the document is read (in a worker
process, for a large repository) and is all a run that only reports faults keeps of a document: a few
hundred bytes instead of the document, its positions and its model. A run that publishes the documents
keeps them too (`checked`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from generator.documents.diagnostics import Diagnostic
from generator.documents.load import Document, FieldPath, Kind
from generator.documents.models import AccountPlan, TechReview
from generator.documents.models.account import TechWinPhase
from generator.documents.models.gaps import citations
from generator.documents.models.review import Moment, ReviewStatus

if TYPE_CHECKING:
    from generator.documents.validate import Checked


@dataclass(frozen=True, slots=True)
class CitedGap:
    """A gap as one document cites it, at `field`."""

    key: str
    title: str
    area: str
    field: FieldPath


@dataclass(frozen=True, slots=True)
class ReviewFacts:
    id: str
    customer: str
    related_reviews: tuple[str, ...]
    moment: Moment
    status: ReviewStatus


@dataclass(frozen=True, slots=True)
class OpportunityFacts:
    id: str
    tech_review: str | None
    production_review: str | None
    tech_win_phase: TechWinPhase
    non_standard: bool
    needs_review: bool


@dataclass(frozen=True, slots=True)
class PlanFacts:
    id: str
    opportunities: tuple[OpportunityFacts, ...]


@dataclass(slots=True)
class IndexEntry:
    """One document file as the cross-document rules see it (see the module's docstring)."""

    path: str
    source: str
    kind: Kind
    # The front matter's id when it is text, valid or not (two files may still claim the same one).
    id: str | None
    front: str
    front_line: int
    review: ReviewFacts | None
    plan: PlanFacts | None
    gaps: tuple[CitedGap, ...]
    diagnostics: list[Diagnostic]
    checked: Checked | None = None
    _document: Document | None = field(default=None, repr=False, compare=False)

    @property
    def document(self) -> Document:
        """The document, for the positions of a message: the one read, or one made again from the front
        matter's text (its positions are found from that text when first asked for)."""
        if self.checked is not None:
            return self.checked.document
        if self._document is None:
            self._document = Document(
                self.path, self.kind, {}, source=self.source, front=self.front, front_line=self.front_line
            )
        return self._document


def entry_of(checked: Checked, *, keep: bool) -> IndexEntry:
    """The entry of a checked document; with `keep`, it holds the document and model too."""
    document, model = checked.document, checked.model
    review = plan = None
    if isinstance(model, TechReview):
        review = ReviewFacts(
            model.id, model.customer, tuple(model.related_reviews), model.moment, model.status
        )
    elif isinstance(model, AccountPlan):
        plan = PlanFacts(
            model.id,
            tuple(
                OpportunityFacts(
                    o.id,
                    o.tech_review,
                    o.production_review,
                    o.tech_win_phase,
                    o.non_standard,
                    o.needs_review,
                )
                for o in model.opportunities
            ),
        )
    gaps = tuple(CitedGap(c.gap.key, c.gap.title, c.gap.area, c.field) for c in citations(model))
    return IndexEntry(
        document.path,
        document.source,
        document.kind,
        checked.id,
        document.front,
        document.front_line,
        review,
        plan,
        gaps,
        checked.diagnostics,
        checked if keep else None,
    )
