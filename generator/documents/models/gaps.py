"""A product gap: what the product lacks for a customer, filed in the CRM and cited by its record's key.

Reviews (`product_gaps`) and account plans (`feedback_themes[].gaps`) cite gaps by key; the key is what
the registry groups by, so one key names one gap: its title and area are the same wherever it is cited
(checked across documents by `gap_rules`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated

from pydantic import AfterValidator, Field
from pydantic_core import PydanticCustomError

from generator.documents.models.common import FieldPath, Line, Slug, Strict, Url

GAP_KEY_PATTERN = r"^[A-Z][A-Z0-9]{0,9}-[0-9]{1,9}$"
_GAP_KEY = re.compile(GAP_KEY_PATTERN)


def _gap_key(value: str) -> str:
    if not _GAP_KEY.fullmatch(value):
        raise PydanticCustomError(
            "gap_key", "'{value}' is not a product gap's CRM key (like GAP-1402)", {"value": value}
        )
    return value


GapKey = Annotated[str, Field(json_schema_extra={"pattern": GAP_KEY_PATTERN}), AfterValidator(_gap_key)]


class GapImpact(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    BLOCKER = "blocker"  # the deal or the renewal does not happen without it


IMPACT_ORDER = list(GapImpact)


class GapStatus(StrEnum):
    OPEN = "open"
    PLANNED = "planned"
    IN_PROGRESS = "in-progress"
    SHIPPED = "shipped"
    DECLINED = "declined"


class ProductGap(Strict):
    key: GapKey = Field(description="The gap's CRM record, like GAP-1402: one key is one gap everywhere")
    title: Line
    area: Slug = Field(description="Product area, like deployment or permissions")
    impact: GapImpact = Field(description="What the gap costs this customer")
    status: GapStatus
    url: Url | None = Field(None, description="The gap's CRM record")


@dataclass(frozen=True)
class Citation:
    """One place a document cites a gap: the gap as written there and the field it is written at."""

    gap: ProductGap
    field: FieldPath


def citations(model: object) -> Iterator[Citation]:
    """The gaps a review or account plan cites, in the order they are written."""
    for index, gap in enumerate(getattr(model, "product_gaps", ())):
        yield Citation(gap, ("product_gaps", index))
    for theme_index, theme in enumerate(getattr(model, "feedback_themes", ())):
        for index, gap in enumerate(theme.gaps):
            yield Citation(gap, ("feedback_themes", theme_index, "gaps", index))
