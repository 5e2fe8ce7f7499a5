"""How a verdict is shown: the pull-request comment, the job summary, the status line, JSON.

Paths come from the pull request (so from whoever opened it): every cell is escaped so that a file
name cannot break the table, inject links or mention people.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from generator.signoff.engine import Approval, DocumentVerdict, Verdict

MARKER = "<!-- handbook/sign-off -->"
CONTEXT = "handbook/sign-off"
# GitHub rejects comment bodies over 65,536 characters; keep room for the closing note.
MAX_COMMENT = 60_000
MAX_DESCRIPTION = 140
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def cell(value: str) -> str:
    """Plain text safe inside a Markdown table cell."""
    text = _CONTROL.sub(" ", value)
    for char in "\\`*_[]<>|#@!~":
        text = text.replace(char, "\\" + char)
    return text


def code(value: str) -> str:
    """A path or SHA as a code span inside a table cell."""
    text = _CONTROL.sub(" ", value).replace("`", "'").replace("|", "\\|")
    return f"`{text}`"


def when(moment: dt.datetime | None) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC") if moment else "time unknown"


def description(verdict: Verdict) -> str:
    """The one line on the commit status: what is missing, or that all is signed."""
    parts = []
    if verdict.missing:
        parts.append("missing: " + ", ".join(verdict.missing))
    if verdict.blocked_by:
        parts.append("changes requested by " + ", ".join(verdict.blocked_by))
    problems = sum(len(d.problems) for d in verdict.documents)
    if verdict.faults:
        files = len({fault.path for fault in verdict.faults})
        parts.append(f"{files} file{'s' if files != 1 else ''} do not validate" if files != 1
                     else f"{verdict.faults[0].path} does not validate")  # fmt: skip
    elif problems:
        parts.append(f"{problems} document{'s' if problems != 1 else ''} cannot be read")
    text = "; ".join(parts) or (
        "all sign-offs present" if verdict.documents else "no document needs a sign-off"
    )
    return text if len(text) <= MAX_DESCRIPTION else text[: MAX_DESCRIPTION - 1] + "…"


def _signed(approval: Approval) -> str:
    return f"✅ {cell(approval.login)}, {when(approval.approved_at)}"


def _role_cell(document: DocumentVerdict, role: str) -> str:
    for verdict in document.roles:
        if verdict.role == role:
            return "<br>".join(_signed(a) for a in verdict.by) if verdict.by else "❌ missing"
    return "—"


def table(verdict: Verdict) -> list[str]:
    roles = list(dict.fromkeys(role for d in verdict.documents for role in d.required))
    header = ["document", *roles, "state"]
    lines = ["| " + " | ".join(cell(h) for h in header) + " |", "|" + " --- |" * len(header)]
    for document in verdict.documents:
        name = code(document.path)
        if document.previous_path:
            name += f" (was {code(document.previous_path)})"
        if document.shown_in:
            name += f" (shown in {code(document.shown_in)})"
        state = "✅ signed" if document.satisfied else "❌ not signed"
        if not document.required and not document.problems:
            state = "✅ no sign-off needed"
        row = [name, *(_role_cell(document, role) for role in roles), state]
        lines.append("| " + " | ".join(row) + " |")
    return lines


def comment(verdict: Verdict, *, title: str = "Sign-off", limit: int | None = MAX_COMMENT) -> str:
    """The sticky comment's body (also the job summary and the --dry-run output)."""
    icon = "✅" if verdict.satisfied else "❌"
    head = [MARKER, f"## {icon} {cell(title)}: {cell(description(verdict))}", ""]
    head.append(
        f"Judged on head commit {code(verdict.head_sha[:12])}; approvals of older commits do not count."
    )
    head.append("")
    body: list[str] = []
    if verdict.documents:
        body += table(verdict)
        body.append("")
    for document in verdict.documents:
        notes = []
        if document.blocked_by:
            notes.append(
                "changes requested by "
                + ", ".join(cell(x) for x in document.blocked_by)
                + " (blocks until they approve or the review is dismissed)"
            )
        notes += [cell(problem) for problem in document.problems]
        if document.rules:
            notes.append("rules: " + "; ".join(cell(rule) for rule in document.rules))
        if notes:
            body.append(f"* {code(document.path)}: " + " — ".join(notes))
    if verdict.faults:
        body += ["", "**The head commit does not validate** (as `handbook validate` judges it; nothing is "
                 "signed off until it does)", ""]  # fmt: skip
        body += [f"* {cell(fault.text)}" for fault in verdict.faults]
    if verdict.notes:
        body += [""] + [f"_{cell(note)}_" for note in verdict.notes]
    if verdict.not_counted:
        body += ["", "**Approvals not counted**", "", "| who | why |", "| --- | --- |"]
        body += [f"| {cell(n.login)} | {cell(n.reason)} |" for n in verdict.not_counted]
    text = "\n".join(head + body) + "\n"
    if limit is not None and len(text) > limit:
        text = text[:limit].rsplit("\n", 1)[0]
        text += "\n\n…cut to fit GitHub's comment size; the job summary has the whole table.\n"
    return text


def as_json(verdict: Verdict) -> dict[str, Any]:
    return {
        "pull_request": verdict.pull_request,
        "head_sha": verdict.head_sha,
        "satisfied": verdict.satisfied,
        "documents": [
            {
                "path": d.path,
                "previous_path": d.previous_path,
                "required": d.required,
                "missing": d.missing,
                "satisfied": d.satisfied,
                "roles": {r.role: {"satisfied": r.satisfied, "by": [a.login for a in r.by]} for r in d.roles},
                "blocked_by": list(d.blocked_by),
                "problems": list(d.problems),
                "rules": list(d.rules),
                "shown_in": d.shown_in,
            }
            for d in verdict.documents
        ],
        "not_counted": [{"login": n.login, "reason": n.reason} for n in verdict.not_counted],
        "faults": [fault.text for fault in verdict.faults],
        "notes": list(verdict.notes),
    }
