"""The post-merge audit of the sign-off ledger: merges that went in without their sign-offs (an admin
bypass), as plain lines or annotations and a job summary. Pure over the ledger."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from generator.documents.diagnostics import Diagnostic, github_annotation
from generator.signoff.ledger import Ledger
from generator.signoff.report import cell, code


@dataclass(frozen=True)
class Bypass:
    """One merge of a document without all its sign-offs, or over a blocking concern."""

    path: str
    pull_request: int
    title: str
    url: str
    merged_at: str
    missing: tuple[str, ...]
    blocked_by: tuple[str, ...]

    def text(self) -> str:
        what = []
        if self.missing:
            what.append("without " + ", ".join(self.missing))
        if self.blocked_by:
            what.append("over the concerns of " + ", ".join(self.blocked_by))
        return (
            f"{self.path}: pull request #{self.pull_request} was merged on {self.merged_at} "
            + " and ".join(what)
        )

    def annotation(self) -> str:
        """A warning on the document, for the Actions log."""
        fault = Diagnostic(self.path, 1, 1, "sign-off bypassed", self.text(), f"pull request {self.url}")
        return github_annotation(fault, "warning")


def bypassed_merges(ledger: Ledger) -> list[Bypass]:
    """Every merge in the ledger that bypassed sign-off, by document."""
    return [
        Bypass(
            path,
            change.pull_request,
            change.title,
            change.url,
            change.merged_at.date().isoformat(),
            tuple(change.missing),
            tuple(change.blocked_by),
        )
        for path, change in ledger.bypasses()
    ]


def audit_summary(found: Sequence[Bypass]) -> str:
    """The audit as the Markdown of a job summary."""
    if not found:
        return "## ✅ Sign-off audit\n\nEvery merge in the ledger carried its sign-offs.\n"
    lines = [
        "## ⚠️ Sign-off audit: merges that bypassed sign-off",
        "",
        "| document | pull request | merged | missing |",
        "| --- | --- | --- | --- |",
    ]
    for entry in found:
        missing = ", ".join([*entry.missing, *(f"concern of {who}" for who in entry.blocked_by)])
        pull = f"#{entry.pull_request} {cell(entry.title)}"
        lines.append(f"| {code(entry.path)} | {pull} | {entry.merged_at} | {cell(missing)} |")
    return "\n".join([*lines, ""]) + "\n"
