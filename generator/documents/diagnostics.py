"""The one error type of the project, and one formatter per output.

Every rule, loader and model check reports faults as `Diagnostic` values; the
CLI decides how to show them (terminal text, GitHub workflow commands, JSON).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass

from generator.actions import workflow_command
from generator.errors import HandbookError

# Control characters (line breaks, ESC, bidi overrides) that a document's values could bring into a
# message: shown escaped, so one diagnostic stays one line and cannot drive the terminal. Lone
# surrogates are the bytes of a file name that is not UTF-8 (os.fsdecode): shown as \xNN, since no
# terminal or file can encode them.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def _escaped(found: re.Match[str]) -> str:
    char = found.group()
    if "\udc80" <= char <= "\udcff":
        return f"\\x{ord(char) - 0xDC00:02x}"
    return char.encode("unicode_escape").decode("ascii")


def visible(value: str) -> str:
    return _CONTROL.sub(_escaped, value)


def encodable(value: str) -> str:
    """The text with only what cannot be encoded (a non-UTF-8 file name's bytes) escaped."""
    return _SURROGATE.sub(_escaped, value)


@dataclass(frozen=True, order=True)
class Diagnostic:
    """One fault in one file: where it is, which field, what is wrong and how to fix it."""

    path: str
    line: int = 1
    column: int = 1
    field: str = ""
    message: str = ""
    hint: str = ""

    def text(self) -> str:
        where = f"{visible(self.path)}:{self.line}:{self.column}"
        field = f" {visible(self.field)}:" if self.field else ""
        hint = f" ({visible(self.hint)})" if self.hint else ""
        return f"{where}:{field} {visible(self.message)}{hint}"


class DocumentError(Exception):
    """Raised inside loaders to stop at the first fatal fault of one file."""

    def __init__(self, diagnostic: Diagnostic) -> None:
        super().__init__(diagnostic.text())
        self.diagnostic = diagnostic


class ConfigError(HandbookError):
    """handbook.yml is broken: a command stops with its messages (exit 1), never with a traceback."""

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        super().__init__("\n".join(d.text() for d in diagnostics))
        self.diagnostics = diagnostics

    def lines(self, command: str | None) -> list[str]:
        return [f"handbook: {self.diagnostics[0].path} is invalid", *(d.text() for d in self.diagnostics)]


def sort_diagnostics(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    """By file, then line and column; duplicates (same place, same message) once."""
    return sorted(set(diagnostics))


@dataclass(frozen=True)
class Summary:
    documents: int
    errors: int
    files_with_errors: int

    def text(self) -> str:
        docs = "document" if self.documents == 1 else "documents"
        errs = "error" if self.errors == 1 else "errors"
        files = "file" if self.files_with_errors == 1 else "files"
        if not self.errors:
            return f"{self.documents} {docs} checked, no errors"
        return f"{self.documents} {docs} checked, {self.errors} {errs} in {self.files_with_errors} {files}"


def summarize(documents: int, diagnostics: Sequence[Diagnostic]) -> Summary:
    return Summary(documents, len(diagnostics), len({d.path for d in diagnostics}))


def format_text(diagnostics: Sequence[Diagnostic], summary: Summary) -> str:
    lines = [d.text() for d in diagnostics]
    lines.append(summary.text())
    return "\n".join(lines) + "\n"


def github_annotation(d: Diagnostic, level: str = "error") -> str:
    hint = f" ({d.hint})" if d.hint else ""
    return workflow_command(
        level,
        visible(d.message + hint),
        file=visible(d.path),
        line=d.line,
        col=d.column,
        title=visible(d.field or "document"),
    )


def format_github(diagnostics: Sequence[Diagnostic], summary: Summary) -> str:
    lines = [github_annotation(d) for d in diagnostics]
    lines.append(summary.text())
    return "\n".join(lines) + "\n"


# Document values reach messages: in Markdown they must stay text, never HTML, an entity, a link or image,
# a code span or a new table cell. (Emphasis marks are left alone: they cannot carry anything.)
_MARKDOWN_SPECIAL = re.compile(r"([\\`\[\]<>|&])")


def _md_cell(value: str) -> str:
    """Text inside a Markdown table cell, shown as written (HTML, links and cell breaks escaped)."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", visible(value))


def _md_code(value: str) -> str:
    """A code span inside a table cell: HTML is inert there, only a backtick or a pipe could break out."""
    return "`" + visible(value).replace("`", "'").replace("|", "\\|") + "`"


def format_step_summary(diagnostics: Sequence[Diagnostic], summary: Summary) -> str:
    """Markdown for $GITHUB_STEP_SUMMARY: the whole list, since annotations are capped per step."""
    icon = "✅" if not diagnostics else "❌"
    out = [f"## {icon} Handbook validation", "", summary.text(), ""]
    if diagnostics:
        out += ["| file | line | field | problem |", "| --- | --- | --- | --- |"]
        for d in diagnostics:
            problem = d.message + (f" ({d.hint})" if d.hint else "")
            out.append(
                f"| {_md_code(d.path)} | {d.line} | {_md_cell(d.field) or '—'} | {_md_cell(problem)} |"
            )
        out.append("")
    return "\n".join(out) + "\n"


def format_json(diagnostics: Sequence[Diagnostic], summary: Summary) -> str:
    errors = [
        {k: encodable(v) if isinstance(v, str) else v for k, v in asdict(d).items()} for d in diagnostics
    ]
    payload = {
        "documents": summary.documents,
        "errors": errors,
        "summary": asdict(summary),
    }
    return json.dumps(payload, indent=2, ensure_ascii=False) + "\n"


FORMATTERS = {"text": format_text, "github": format_github, "json": format_json}
