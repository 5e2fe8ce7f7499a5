"""Pydantic models: the single source of truth for validation, `schema` and `new`."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from generator.documents.models.account import AccountPlan, Opportunity
from generator.documents.models.common import Fault, Faults
from generator.documents.models.review import TechReview

MODELS: dict[str, type[AccountPlan] | type[TechReview]] = {
    "review": TechReview,
    "account": AccountPlan,
}


def model_for(kind: str) -> type[AccountPlan] | type[TechReview]:
    return MODELS[kind]


def json_schema(kind: str) -> dict[str, Any]:
    model: type[BaseModel] = MODELS[kind]
    schema = model.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = f"https://handbook.example/schema/{kind}.schema.json"
    return schema


__all__ = [
    "MODELS",
    "AccountPlan",
    "Fault",
    "Faults",
    "Opportunity",
    "TechReview",
    "json_schema",
    "model_for",
]
