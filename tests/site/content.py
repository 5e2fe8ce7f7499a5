"""Small handbook repositories written into tmp_path: valid documents with the fields a test changes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

SECTIONS = ("Misalignment", "Timeline", "Requirement origin", "Customer expectations", "Asks")


def account(slug: str, name: str, **fields: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": slug,
        "name": name,
        "tier": 2,
        "segment": "commercial",
        "quarter": "2026-Q4",
        "ae": "ada-ae",
        "ce": "carl-ce",
        "last_revisited": "2026-10-05",
        "health": {"status": "green", "reason": "Usage grows every month."},
        "contacts": [{"name": "Pat Champion", "role": "champion"}],
        "objectives": ["Two more teams using the product by 2026-12-18"],
        "next_steps": [
            {"action": "Workshop with the platform team", "owner": "carl-ce", "due": "2026-12-04"}
        ],
    }
    data.update(fields)
    return data


def review(number: int, customer: str, title: str, **fields: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": f"TR-{number:04d}",
        "title": title,
        "customer": customer,
        "moment": "pre-sales",
        "triggers": ["air-gapped"],
        "author": "carl-ce",
        "account_team": {"ae": "ada-ae", "ce": "carl-ce"},
        "peer_reviewer": "petra-peer",
        "opened": "2026-11-02",
        "decision_needed_by": "2026-12-01",
        "status": "in-review",
        "links": {"tdd": "https://docs.example.com/tdd/1", "video": "https://video.example.com/1"},
        "asks": {"engineering": ["Confirm the offline install procedure"]},
    }
    data.update(fields)
    return data


def review_body(extra: str = "") -> str:
    return "".join(f"## {section}\n\nWritten for {section.lower()}.\n\n" for section in SECTIONS) + extra


def write_document(root: Path, folder: str, stem: str, data: dict[str, Any], body: str = "") -> Path:
    path = root / folder / f"{stem}.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    front = yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
    path.write_text(f"---\n{front}---\n\n{body}", encoding="utf-8")
    return path


def write_review(root: Path, data: dict[str, Any], slug: str = "case", extra_body: str = "") -> Path:
    return write_document(root, "reviews", f"{data['id'].lower()}-{slug}", data, review_body(extra_body))


def write_account(root: Path, data: dict[str, Any], body: str = "## Summary\n\nA good customer.\n") -> Path:
    return write_document(root, "accounts", data["id"], data, body)


def write_ledger(path: Path, payload: dict[str, Any]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(payload), encoding="utf-8")
    return path
