"""Machine-readable exports: all front matter as JSON and CSV, and an Atom feed of decisions."""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import json
from collections.abc import Iterable, Sequence
from typing import Any

from generator.site.index import Handbook, decision_log, missing_gates

# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _text(value: str) -> str:
    """XML character data: &, < and > escaped (xml.sax.saxutils.escape, without importing urllib)."""
    return html.escape(value, quote=False)


def _attribute(value: str) -> str:
    """A double-quoted XML attribute's value."""
    return _text(value).replace('"', "&quot;")


def reviews_json(handbook: Handbook) -> str:
    payload = [
        {"source": e.source, **e.review.model_dump(mode="json", exclude_none=True)} for e in handbook.reviews
    ]
    return _json_lines(payload)


def accounts_json(handbook: Handbook) -> str:
    payload = [
        {"source": e.source, **e.plan.model_dump(mode="json", exclude_none=True)} for e in handbook.accounts
    ]
    return _json_lines(payload)


def _json_lines(records: list[dict[str, Any]]) -> str:
    """A JSON array with one record per line: readable in a diff, and written by json's C encoder
    (an `indent` would switch to its pure-Python one, several times slower)."""
    if not records:
        return "[]\n"
    return "[\n" + ",\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n]\n"


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list | tuple):
        return "; ".join(_cell(item) for item in value)
    text = value.value if hasattr(value, "value") else str(value)
    text = str(text)
    return "'" + text if text.startswith(_FORMULA_START) else text


def _csv(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([_cell(value) for value in row])
    return out.getvalue()


def reviews_csv(handbook: Handbook) -> str:
    header = (
        "id", "title", "customer", "moment", "triggers", "status", "author", "ae", "ce", "ta",
        "peer_reviewer", "opened", "decision_needed_by", "outcome", "decided_on", "tdd", "video", "source",
    )  # fmt: skip
    rows = []
    for e in handbook.reviews:
        r = e.review
        d = r.decision
        rows.append(
            (
                r.id,
                r.title,
                r.customer,
                r.moment,
                list(r.triggers),
                r.status,
                r.author,
                r.account_team.ae,
                r.account_team.ce,
                r.account_team.ta,
                r.peer_reviewer,
                r.opened,
                r.decision_needed_by,
                d.outcome if d else None,
                d.decided_on if d else None,
                r.links.tdd,
                r.links.video,
                e.source,
            )
        )
    return _csv(header, rows)


def accounts_csv(handbook: Handbook) -> str:
    header = (
        "id", "name", "tier", "segment", "quarter", "ae", "ce", "ta", "health", "health_reason",
        "last_revisited", "renewal_date", "opportunities", "source",
    )  # fmt: skip
    rows = [
        (
            p.id,
            p.name,
            p.tier,
            p.segment,
            p.quarter,
            p.ae,
            p.ce,
            p.ta,
            p.health.status,
            p.health.reason,
            p.last_revisited,
            p.renewal_date,
            len(p.opportunities),
            e.source,
        )
        for e in handbook.accounts
        for p in (e.plan,)
    ]
    return _csv(header, rows)


def opportunities_csv(handbook: Handbook) -> str:
    header = (
        "id", "account", "name", "ce", "ae", "sales_stage", "close_date", "tech_win_phase", "tech_win_due",
        "next_step", "joint_success_plan", "tdd", "technical_win", "weekly_checkin", "non_standard",
        "tech_review", "arr", "currency", "seats", "key_prospect", "production_review", "tdd_peer_reviewer",
        "next_step_since", "gates_missing",
    )  # fmt: skip
    rows = [
        (
            o.id,
            e.plan.id,
            o.name,
            o.ce,
            o.ae,
            o.sales_stage,
            o.close_date,
            o.tech_win_phase,
            o.tech_win_due,
            o.next_step,
            o.joint_success_plan,
            o.tdd,
            o.technical_win,
            o.weekly_checkin,
            o.non_standard,
            o.tech_review,
            o.arr.amount if o.arr else None,
            o.arr.currency if o.arr else None,
            o.seats,
            o.key_prospect,
            o.production_review,
            o.tdd_peer_reviewer,
            o.next_step_since,
            "; ".join(missing_gates(o)),
        )
        for e in handbook.accounts
        for o in e.plan.opportunities
    ]
    return _csv(header, rows)


def decisions_feed(handbook: Handbook, site_url: str, page_url: dict[str, str], limit: int = 50) -> str:
    """Atom feed of the newest decisions; `page_url` maps a review id to its page, relative to the site."""
    base = site_url.rstrip("/") + "/"
    entries = []
    decided = decision_log(handbook)[:limit]
    for e in decided:
        decision = e.review.decision
        if decision is None:
            continue
        when = dt.datetime.combine(decision.decided_on, dt.time(), dt.UTC).isoformat().replace("+00:00", "Z")
        summary = decision.rationale or decision.customer_messaging or ""
        outcome = "approved" if decision.outcome.value == "yes" else "denied"
        entries.append(
            "  <entry>\n"
            f"    <id>{_text(base + page_url[e.review.id])}</id>\n"
            f"    <title>{_text(f'{e.review.id} {outcome}: {e.review.title}')}</title>\n"
            f'    <link href="{_attribute(base + page_url[e.review.id])}"/>\n'
            f"    <updated>{when}</updated>\n"
            f"    <author><name>{_text(decision.recommended_by)}</name></author>\n"
            f"    <summary>{_text(summary)}</summary>\n"
            "  </entry>\n"
        )
    newest = decided[0].review.decision.decided_on if decided and decided[0].review.decision else None
    updated = dt.datetime.combine(newest or handbook.today, dt.time(), dt.UTC).isoformat()
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<feed xmlns="http://www.w3.org/2005/Atom">\n'
        "  <title>Tech review decisions</title>\n"
        f"  <id>{_text(base)}feed.xml</id>\n"
        f'  <link rel="self" href="{_text(base)}feed.xml"/>\n'
        f"  <updated>{updated.replace('+00:00', 'Z')}</updated>\n" + "".join(entries) + "</feed>\n"
    )
