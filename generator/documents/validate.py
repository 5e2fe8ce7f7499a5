"""Rules over loaded documents: the model's fields and rules, review sections, cross-document rules.

Pipeline: read every document's front matter (cheap), check the models, then the
bodies and cross-references of only the documents asked about (a pull request's
handful), so a small change never costs a parse of every body in the repository.
"""

from __future__ import annotations

import datetime as dt
import difflib
import functools
import os
import posixpath
import re
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from pydantic import ValidationError

from generator import collector
from generator.documents import skeleton
from generator.documents.assets import read_asset
from generator.documents.diagnostics import Diagnostic, DocumentError, sort_diagnostics
from generator.documents.entries import IndexEntry, OpportunityFacts, PlanFacts, ReviewFacts, entry_of
from generator.documents.files import SourceFiles, source_files
from generator.documents.gaps import gap_rules
from generator.documents.index import EarlySearch, that_may_matter
from generator.documents.links import body_links, generated, goes_nowhere
from generator.documents.load import Document, FieldPath, dotted
from generator.documents.load import read_document as _read
from generator.documents.model_faults import fault_at, from_pydantic
from generator.documents.models import AccountPlan, TechReview, model_for
from generator.documents.models.account import PHASE_LABELS, TechWinPhase, past_tech_design
from generator.documents.models.common import reserved_page_name
from generator.documents.models.review import Moment, ReviewStatus
from generator.documents.paths import FOLDERS, SUFFIX, Kind, display_path, kind_of, source_path
from generator.documents.workers import DOCUMENTS_HERE, in_parallel
from generator.process.calendar import latest_today, using_window
from generator.process.config import FILE_NAME as CONFIG_FILE
from generator.process.config import load_config

REVIEW_SECTIONS = (
    "Misalignment",
    "Timeline",
    "Requirement origin",
    "Customer expectations",
    "Asks",
)
_FILE_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_REVIEW_FILE_NUMBER = re.compile(r"^tr-([0-9]{4,6})(?:-|$)")


@dataclass
class Checked:
    """A document after its own checks: the model when it is valid, and its faults."""

    document: Document
    model: TechReview | AccountPlan | None
    diagnostics: list[Diagnostic] = field(default_factory=list)
    # What a caching reader (documents/cache.py) read it from: its bytes' sha256, whether its body was
    # checked, and the day its dated rules were judged for.
    read_as: tuple[str, bool, str] | None = field(default=None, compare=False)

    @property
    def path(self) -> str:
        return self.document.path

    @property
    def id(self) -> str | None:
        value = self.document.data.get("id")
        return value if isinstance(value, str) else None


@dataclass
class Report:
    documents: int
    diagnostics: list[Diagnostic]
    checked: list[Checked]
    # The assets checked and fit to publish: site path (reviews/img/a.png) -> bytes.
    assets: dict[str, bytes] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.diagnostics

    @property
    def reviews(self) -> list[TechReview]:
        return [c.model for c in self.checked if isinstance(c.model, TechReview)]

    @property
    def accounts(self) -> list[AccountPlan]:
        return [c.model for c in self.checked if isinstance(c.model, AccountPlan)]


# --- one document -----------------------------------------------------------------------------


def check_document(
    document: Document,
    *,
    with_body: bool = True,
    today: dt.date | None = None,
    skeleton_allowed: bool = False,
) -> Checked:
    """The document's own checks; `today` (default: today anywhere on Earth) dates what has happened.
    `skeleton_allowed`: the text `handbook new` writes is not (yet) an error, as in a draft."""
    model_class = model_for(document.kind)
    body = list(review_section_rules(document)) if with_body and document.kind == "review" else []
    draft = skeleton_allowed or unsubmitted(document)
    if with_body and not draft:
        body += placeholder_rules(document)
    try:
        model = model_class.model_validate(document.data)
    except ValidationError as exc:
        diagnostics = [from_pydantic(document, model_class, error) for error in exc.errors()]
        return Checked(document, None, diagnostics + body)
    diagnostics = [fault_at(document, fault) for fault in model.rules()]
    # The front matter's text tells whether a walk of its values can find anything (it mostly cannot).
    walk = not draft and (not document.front or skeleton.front_may_hold_placeholders(document.front))
    diagnostics += [fault_at(document, fault) for fault in skeleton.rules(document.data, not walk)]
    if isinstance(model, TechReview):
        dated = model.dated_rules(today or latest_today())
        diagnostics += [fault_at(document, fault) for fault in dated]
    diagnostics += list(_file_name_rules(document, model))
    return Checked(document, model, diagnostics + body)


def _at(document: Document, path: FieldPath, message: str, hint: str = "") -> Diagnostic:
    pos = document.position(path)
    return Diagnostic(document.path, pos.line, pos.column, dotted(path), message, hint)


def _file_name_rules(document: Document, model: TechReview | AccountPlan) -> Iterator[Diagnostic]:
    stem = Path(document.path).stem
    if isinstance(model, AccountPlan):
        if reserved_page_name(model.id):
            yield _at(
                document, ("id",), f"{model.id!r} is the name of a page the site needs", "choose another id"
            )
        if stem != model.id:
            yield _at(
                document,
                ("id",),
                f"the file name does not match the id {model.id!r}",
                f"rename the file to accounts/{model.id}.md",
            )
        return
    prefix = model.id.lower()
    if not _FILE_SLUG.fullmatch(stem) or not (stem == prefix or stem.startswith(prefix + "-")):
        yield _at(
            document,
            ("id",),
            f"the file name does not follow the rule for {model.id}",
            f"name it reviews/{prefix}-<short-slug>.md, in lower case with hyphens",
        )


_HEADING = re.compile(r"^ {0,3}(#{1,6})[ \t]+(.*?)[ \t#]*$")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_SETEXT_UNDERLINE = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
# Lines that cannot be the text of an underlined (setext) heading: list items, quotes, rules, HTML.
_NOT_HEADING_TEXT = re.compile(
    r"^(?: {4}|\t| {0,3}(?:[-*+][ \t]|[0-9]{1,9}[.)][ \t]|>|<|(?:[-*_][ \t]*){3,}$))"
)
_CODE_SPAN = re.compile(r"(`+).+?\1")
_COMMENT = re.compile(r"<!--.*?(?:-->|\Z)", re.DOTALL)


@dataclass(frozen=True)
class Heading:
    offset: int  # line offset in the body
    level: int
    text: str
    content: int  # offset of the first line after the heading (after its underline, for setext)


@functools.lru_cache(maxsize=4096)  # the same headings come back in every review
def _normal(heading: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", heading.casefold()).split())


def _opens_comment(line: str) -> bool:
    """An HTML comment starts on this line and does not end on it (code spans aside)."""
    text = _CODE_SPAN.sub("", line)
    start = text.rfind("<!--")
    return start >= 0 and "-->" not in text[start + 4 :]


def _headings(body: str) -> Iterator[Heading]:
    """Headings as the page shows them: `#` and underlined ones, not in fenced code or HTML comments."""
    fence = ""
    in_comment = False
    text_line: tuple[int, str] | None = None  # the line an underline below would make a heading
    for offset, line in enumerate(body.split("\n")):
        if in_comment:
            in_comment = "-->" not in line
            text_line = None
            continue
        opened = _FENCE.match(line)
        if opened:
            marker = opened.group(1)
            if not fence:
                fence = marker
            elif marker[0] == fence[0] and len(marker) >= len(fence):
                fence = ""
            text_line = None
            continue
        if fence:
            continue
        found = _HEADING.match(line)
        if found:
            yield Heading(offset, len(found.group(1)), found.group(2).strip(), offset + 1)
            text_line = None
            continue
        underline = _SETEXT_UNDERLINE.match(line) if text_line is not None else None
        if underline and text_line is not None and not _NOT_HEADING_TEXT.match(text_line[1]):
            level = 1 if underline.group(1)[0] == "=" else 2
            yield Heading(text_line[0], level, text_line[1].strip(), offset + 1)
            text_line = None
            continue
        if "<!--" in line and _opens_comment(line):
            in_comment = True
            text_line = None
            continue
        # Only a paragraph's last line before an underline becomes a heading: checked when it matters.
        text_line = (offset, line) if line and not line.isspace() else None


def headings(body: str) -> Iterator[tuple[int, int, str]]:
    """(line offset in the body, level, text) of each heading the page shows."""
    for heading in _headings(body):
        yield heading.offset, heading.level, heading.text


def unsubmitted(document: Document) -> bool:
    """A draft review (or one withdrawn): it may still hold the skeleton's text. An account plan has
    no draft state."""
    status = document.data.get("status") if document.kind == "review" else None
    return status in (ReviewStatus.DRAFT.value, ReviewStatus.WITHDRAWN.value)


def placeholder_rules(document: Document) -> list[Diagnostic]:
    """Body lines that are still the skeleton's section hints or a placeholder word, each at its line."""
    if not skeleton.may_hold_placeholders(document.body):
        return []
    lines = document.body.split("\n")
    section_at: dict[int, str] = {}
    found = list(_headings(document.body))
    for number, heading in enumerate(found):
        end = found[number + 1].offset if number + 1 < len(found) else len(lines)
        for offset in range(heading.content, end):
            section_at[offset] = heading.text
    return [
        Diagnostic(document.path, document.body_line + p.offset, 1, "body", p.message, p.hint)
        for p in skeleton.body_placeholders(lines, section_at)
    ]


def review_section_rules(document: Document) -> Iterator[Diagnostic]:
    lines = document.body.split("\n")
    found = list(_headings(document.body))
    by_name: dict[str, Heading] = {}
    for heading in found:
        by_name.setdefault(_normal(heading.text), heading)
    for section in REVIEW_SECTIONS:
        wanted = _normal(section)
        if wanted not in by_name:
            yield Diagnostic(
                document.path,
                max(document.body_line - 1, 1),
                1,
                "body",
                f"missing section '## {section}'",
                "add the heading and write the section under it",
            )
            continue
        heading = by_name[wanted]
        following = [h.offset for h in found if h.offset > heading.offset and h.level <= heading.level]
        end = following[0] if following else len(lines)
        # What a reader sees: a section holding only an HTML comment is empty.
        content = _COMMENT.sub("", "\n".join(lines[heading.content : end])).strip()
        if not content:
            yield Diagnostic(
                document.path,
                document.body_line + heading.offset,
                1,
                "body",
                f"section '## {section}' is empty",
                "write what it asks for",
            )


# --- the repository -------------------------------------------------------------------------------


class Reader(Protocol):
    """Reads and checks one document file of the repository at `root`: raises DocumentError when the
    file cannot be read as a document. `serve` passes one that keeps what it read between rebuilds."""

    def __call__(self, path: Path, root: Path, *, with_body: bool, today: dt.date | None) -> Checked: ...


def read_and_check(path: Path, root: Path, *, with_body: bool, today: dt.date | None) -> Checked:
    """The default Reader: the file read from disk and checked."""
    return check_document(_read(path, root=root), with_body=with_body, today=today)


def load(paths: Iterable[Path], root: Path | None = None) -> tuple[list[Document], list[Diagnostic]]:
    documents: list[Document] = []
    faults: list[Diagnostic] = []
    for path in paths:
        try:
            documents.append(_read(path, root=root))
        except DocumentError as exc:
            faults.append(exc.diagnostic)
    return documents, faults


@collector.paused()
def validate_repository(
    root: Path,
    targets: Sequence[Path] | None = None,
    *,
    today: dt.date | None = None,
    read: Reader = read_and_check,
    workers: int = 1,
    keep_models: bool = True,
    narrow: bool = False,
    searched: EarlySearch | None = None,
) -> Report:
    """Check every document and asset under root, or only `targets` (with what they reference), with
    dates read inside the plausible window of the repository's handbook.yml: the one assembly of a
    repository's report (validate, build, serve and the sign-off's tree check all come here).
    `workers` > 1 reads the documents in that many processes (see documents.workers); the report is
    the same. Without `keep_models`, the report has no documents (`checked` is empty): each one is
    kept as its entry of the index (documents.entries) while the rules run, which is all a run that
    only tells the faults needs, and a third of the memory. With `narrow` and `targets`, only the
    documents that can matter to the targets' faults are read (see documents.index): the same
    diagnostics, but the report's `checked` holds only those documents; `searched` may give what a
    search for them begun earlier found (documents.presearch)."""
    with using_window(load_config(root).config.plausible_dates.window):
        if narrow and targets is not None:
            try:
                return _validate_repository(
                    root,
                    targets,
                    today=today,
                    read=read,
                    workers=workers,
                    keep_models=keep_models,
                    narrow=True,
                    searched=searched,
                )
            except _NeedsEveryDocument:
                pass
        return _validate_repository(
            root, targets, today=today, read=read, workers=workers, keep_models=keep_models, narrow=False
        )


def _listed(paths: Sequence[Path], root: Path, wanted: Sequence[str]) -> dict[str, Path]:
    """The listed paths that are at the `wanted` absolute places, by their absolute path. The walk
    lists root/<path>, so a wanted place under root is looked up by its path there: only the handful
    wanted is made absolute, not every file of the repository."""
    inside = os.path.join(os.path.abspath(root), "")
    by_text = {str(path): path for path in paths}
    found: dict[str, Path] = {}
    for place in wanted:
        if place.startswith(inside) and (path := by_text.get(str(root / place[len(inside) :]))):
            found[place] = path
    return found


class _NeedsEveryDocument(Exception):
    """A narrowed read met what only every document can say (a dangling reference's "did you mean", an
    unreadable file's implied id): the run starts again, reading them all."""


def _validate_repository(
    root: Path,
    targets: Sequence[Path] | None,
    *,
    today: dt.date | None,
    read: Reader,
    workers: int,
    keep_models: bool,
    narrow: bool,
    searched: EarlySearch | None = None,
) -> Report:
    files = source_files(root)
    all_files = files.documents
    named: set[str] = set()
    in_repo: dict[str, Path] = {}
    if targets is None:
        # Every file the walk listed, and nothing else (handbook.yml is never in reviews/ or accounts/).
        wanted, wanted_assets = all_files, files.assets
    else:
        # A target is the repository's file however it is spelled (./x, a/../x, absolute, from a
        # subfolder): otherwise it would match no document and be checked by nobody.
        absolute = [os.path.abspath(p) for p in targets]
        in_repo = _listed(all_files, root, absolute)
        assets_in_repo = _listed(files.assets, root, absolute)
        # What the walk already reported (a link, a hidden or '.MD' document) is not read again.
        reported = {fault.path for fault in files.faults}
        wanted = [
            in_repo.get(a, p)
            for p, a in zip(targets, absolute, strict=True)
            if a not in assets_in_repo and (a in in_repo or display_path(p) not in reported)
        ]
        wanted_assets = [assets_in_repo[a] for a in absolute if a in assets_in_repo]
        named = {display_path(p) for p in targets}
        wanted = _without_config(root, wanted)
    target_paths = {display_path(p) for p in wanted}
    listed = set(in_repo.values())
    extra = [p for p in wanted if p not in listed] if targets is not None else []
    entries: list[IndexEntry] = []
    faults: list[Diagnostic] = []
    unreadable: set[tuple[Kind, str]] = set()
    every = [*all_files, *extra]
    bodies = [display_path(path) in target_paths for path in every] if targets is not None else None
    # Without files named from outside the listing, every page a body may link to is known before
    # reading: links are checked as each document is read (in its worker), and its body let go.
    early = _SiteFiles(root, files, [], {}) if not extra else None
    # A run that only reports faults keeps each document's entry, not the document and its model.
    keep = keep_models or early is None

    def read_some(start: int, end: int) -> list[IndexEntry | Diagnostic]:
        found: list[IndexEntry | Diagnostic] = []
        for index in range(start, end):
            try:
                with_body = bodies[index] if bodies is not None else True
                item = read(every[index], root, with_body=with_body, today=today)
            except DocumentError as exc:
                found.append(exc.diagnostic)
                continue
            entry = entry_of(item, keep=keep)
            if early is not None and item.path in target_paths:
                # The entry's faults, not the Checked's: a reader's cache keeps its own unchanged.
                entry.diagnostics = [*item.diagnostics, *link_rules(item.document, early)]
            found.append(entry)
        return found

    selected = (
        that_may_matter(every, target_paths, read_some, workers, searched) if narrow and not extra else None
    )
    if selected is not None:
        every, items = selected
    else:
        items = in_parallel(read_some, len(every), workers, DOCUMENTS_HERE)
    for path, item in zip(every, items, strict=True):
        if isinstance(item, IndexEntry):
            entries.append(item)
        else:
            faults.append(item)
            if found := implied_id(source_path(path, root)):
                unreadable.add(found)
    checked = [item.checked for item in entries if item.checked is not None]
    faults = [f for f in faults if f.path in target_paths]
    diagnostics = list(faults)
    for fault in files.faults:
        # A folder that cannot be read or is a link hides documents from every check: always reported.
        if targets is None or fault.path.endswith("/") or fault.path in named:
            diagnostics.append(fault)
    assets: dict[str, bytes] = {}
    for path in wanted_assets:
        try:
            assets[Path(path).relative_to(root).as_posix()] = read_asset(path, display_path(path))
        except DocumentError as exc:
            diagnostics.append(exc.diagnostic)
    for item in entries:
        if item.path in target_paths:
            diagnostics += item.diagnostics
    if early is None:
        site = _SiteFiles(root, files, [c.document.source for c in checked], assets)
        for kept in checked:
            if kept.path in target_paths:
                diagnostics += link_rules(kept.document, site)
    complete = selected is None
    diagnostics += cross_document_rules(
        entries, target_paths, unreadable, files.unreadable, complete=complete
    )
    checked_count = len(target_paths & ({e.path for e in entries} | {f.path for f in faults}))
    diagnostics += _config_rules(root)
    return Report(checked_count, sort_diagnostics(diagnostics), checked if keep_models else [], assets)


class _SiteFiles:
    """What a body may link to: every document's page (valid or not: in the "needs attention" mode an
    invalid one still has a page), the files beside documents that may be published, and the pages
    the site generates. An asset not checked yet is checked when a body first links it."""

    def __init__(
        self, root: Path, files: SourceFiles, documents: Sequence[str], assets: dict[str, bytes]
    ) -> None:
        self.root, self.documents, self.outside = root, files.documents, set(documents)
        self.assets = {Path(a).relative_to(root).as_posix(): a for a in files.assets}
        self.fit: dict[str, bool] = {path: True for path in assets}

    @functools.cached_property
    def pages(self) -> set[str]:
        # Every document's page, and those of documents named from outside the listing, by source.
        return {source for p in self.documents if kind_of(source := source_path(p, self.root))} | self.outside

    @functools.cached_property
    def _listed(self) -> set[str]:
        return {str(path) for path in self.documents}

    def _is_page(self, target: str) -> bool:
        """`target in self.pages`, without listing every page: a page is a listed document directly in
        its folder, and the walk lists root/<folder>/<name>."""
        folder, _, name = target.partition("/")
        if folder not in FOLDERS or "/" in name or not name.endswith(SUFFIX) or name == SUFFIX:
            return target in self.pages  # not spelled as a page's source is: compared as it is
        return target in self.outside or str(self.root / target) in self._listed

    def __call__(self, target: str) -> bool:
        if self._is_page(target) or generated(target):
            return True
        if target not in self.assets:
            return False
        if target not in self.fit:
            try:
                read_asset(self.assets[target], display_path(self.assets[target]))
                self.fit[target] = True
            except DocumentError:
                self.fit[target] = False
        return self.fit[target]

    def known(self) -> list[str]:
        """Every page and every asset fit to publish (each checked now if not yet): the same list
        whichever documents were read before."""
        return sorted(self.pages | {path for path in self.assets if self(path)})


def link_rules(document: Document, site: Callable[[str], bool] | _SiteFiles) -> Iterator[Diagnostic]:
    """Every internal link and file reference of the body leads to a page or file of the site."""
    page = document.source
    for link in body_links(document.body, page):
        line, column = document.body_line + link.line, link.column
        if link.target is None:
            yield Diagnostic(
                document.path,
                line,
                column,
                "body",
                f"link '{link.written}' leads outside the site",
                "link a file in reviews/ or accounts/, or a web address",
            )
        elif goes_nowhere(link.target, site):
            known = site.known() if isinstance(site, _SiteFiles) else []
            close = difflib.get_close_matches(link.target, known, n=1, cutoff=0.8)
            hint = (
                f"did you mean '{posixpath.relpath(close[0], posixpath.dirname(page))}'?"
                if close
                else "check the path: it is relative to this file"
            )
            yield Diagnostic(
                document.path,
                line,
                column,
                "body",
                f"link '{link.written}' goes nowhere: the site has no '{link.target}'",
                hint,
            )


def _without_config(root: Path, wanted: list[Path]) -> list[Path]:
    """handbook.yml named as a target is checked as it always is (by _config_rules): not as a document."""
    config = os.path.abspath(root / CONFIG_FILE)
    return [p for p in wanted if os.path.abspath(p) != config]


def _config_rules(root: Path) -> list[Diagnostic]:
    """handbook.yml's own faults (its plausible dates are in force while documents are read)."""
    return load_config(root).diagnostics


def implied_id(source: str) -> tuple[Kind, str] | None:
    """The id a file name promises (accounts/<id>.md, reviews/tr-NNNN-<slug>.md): for unreadable files."""
    kind = kind_of(source)
    stem = Path(source).stem
    if kind == "account":
        return kind, stem
    number = _REVIEW_FILE_NUMBER.match(stem)
    return (kind, f"TR-{number.group(1)}") if kind == "review" and number else None


def cross_document_rules(
    checked: Sequence[IndexEntry],
    targets: set[str],
    unreadable: Collection[tuple[Kind, str]] = (),
    unreadable_kinds: Collection[Kind] = (),
    *,
    complete: bool = True,
) -> Iterator[Diagnostic]:
    """References between documents; one to an unreadable file (or into a folder that cannot be read)
    is that file's or folder's fault, not a dangling one. Not `complete`: `checked` holds only the
    documents that may matter to the targets, and a reference found nowhere raises _NeedsEveryDocument."""
    if unreadable_kinds:
        unreadable = _Unreadable(unreadable, unreadable_kinds)
    reviews = {key: c for c in checked if c.kind == "review" and (key := c.id)}
    accounts = {key: c for c in checked if c.kind == "account" and (key := c.id)}
    yield from _unique_ids(checked, targets)
    yield from gap_rules(checked, targets)
    for item in checked:
        if item.review is not None:
            model = item.review
            involved = item.path in targets or (
                accounts.get(model.customer) and accounts[model.customer].path in targets
            )
            if not involved:
                continue
            if model.customer not in accounts and not complete:
                raise _NeedsEveryDocument()
            if model.customer not in accounts and ("account", model.customer) not in unreadable:
                hint = _suggest(model.customer, accounts)
                yield _at(
                    item.document,
                    ("customer",),
                    f"no account plan has the id {model.customer!r}",
                    hint or f"create accounts/{model.customer}.md first",
                )
            for index, related in enumerate(model.related_reviews):
                if related not in reviews and item.path in targets and not complete:
                    raise _NeedsEveryDocument()
                if related not in reviews and item.path in targets and ("review", related) not in unreadable:
                    yield _at(
                        item.document,
                        ("related_reviews", index),
                        f"no tech review has the id {related!r}",
                        _suggest(related, reviews),
                    )
        elif item.plan is not None:
            yield from _opportunity_rules(item, item.plan, reviews, targets, unreadable, complete)


class _Unreadable(Collection[tuple[Kind, str]]):
    """The (kind, id) pairs that cannot be read: those listed, and every id of a kind whose folder
    cannot be read."""

    def __init__(self, ids: Collection[tuple[Kind, str]], kinds: Collection[Kind]) -> None:
        self.ids, self.kinds = ids, kinds

    def __contains__(self, item: object) -> bool:
        return item in self.ids or (isinstance(item, tuple) and item[0] in self.kinds)

    def __iter__(self) -> Iterator[tuple[Kind, str]]:
        return iter(self.ids)

    def __len__(self) -> int:
        return len(self.ids)


def _where(document: Document, path: FieldPath) -> str:
    position = document.position(path)
    return f"{position.line}:{position.column}"


def _suggest(value: str, known: dict[str, IndexEntry]) -> str:
    close = difflib.get_close_matches(value, list(known), n=1, cutoff=0.6)
    return f"did you mean {close[0]!r}?" if close else ""


def _unique_ids(checked: Sequence[IndexEntry], targets: set[str]) -> Iterator[Diagnostic]:
    first: dict[tuple[str, str], IndexEntry] = {}
    for item in checked:
        if not item.id:
            continue
        key = (item.kind, item.id)
        if key in first:
            if item.path in targets or first[key].path in targets:
                yield _at(
                    item.document,
                    ("id",),
                    f"id {item.id!r} is already used by {first[key].path}",
                    "give this document its own id",
                )
            if first[key].path in targets and item.path not in targets:
                # Also at the changed file, so that the pull request shows it inline.
                yield _at(
                    first[key].document,
                    ("id",),
                    f"id {item.id!r} is also used by {item.path}",
                    "give one of them its own id",
                )
        else:
            first[key] = item
    seen: dict[str, tuple[IndexEntry, int]] = {}
    for item in checked:
        if item.plan is not None:
            for index, opportunity in enumerate(item.plan.opportunities):
                other, at = seen.get(opportunity.id, (None, 0))
                if other and other.path != item.path and item.path in targets:
                    yield _at(
                        item.document,
                        ("opportunities", index, "id"),
                        f"opportunity id {opportunity.id!r} is already used by {other.path}",
                        "opportunity ids are unique across accounts",
                    )
                elif other and other.path != item.path and other.path in targets:
                    # The changed plan came first: also told at its own line, to show on the pull request.
                    yield _at(
                        other.document,
                        ("opportunities", at, "id"),
                        f"opportunity id {opportunity.id!r} is also used by {item.path}",
                        "opportunity ids are unique across accounts",
                    )
                seen.setdefault(opportunity.id, (item, index))


def _opportunity_rules(
    item: IndexEntry,
    plan: PlanFacts,
    reviews: dict[str, IndexEntry],
    targets: set[str],
    unreadable: Collection[tuple[Kind, str]],
    complete: bool,
) -> Iterator[Diagnostic]:
    for index, opportunity in enumerate(plan.opportunities):
        for name in ("tech_review", "production_review"):
            linked = getattr(opportunity, name)
            if not linked:
                continue
            where = ("opportunities", index, name)
            target = reviews.get(linked)
            if item.path not in targets and not (target and target.path in targets):
                continue
            if target is None:
                if not complete:
                    raise _NeedsEveryDocument()
                if ("review", linked) not in unreadable:
                    yield _at(
                        item.document,
                        where,
                        f"no tech review has the id {linked!r}",
                        _suggest(linked, reviews),
                    )
                continue
            review = target.review
            if review is None:
                continue  # that file's own errors are reported against it
            problem = _linked_review_problem(opportunity, name, review, plan)
            if problem is None:
                continue
            yield _at(item.document, where, problem.message, problem.hint)
            # A fault the changed review causes in a plan nobody changed is also reported at the review,
            # so that the pull request shows it inline.
            if target.path in targets and item.path not in targets:
                linked_at = f"{item.path}:{_where(item.document, where)} links this review from opportunity "
                linked_at += repr(opportunity.id)
                yield _at(target.document, (problem.field,), linked_at + problem.mirrored, problem.fix)


@dataclass(frozen=True)
class _LinkProblem:
    """A linked review's fault: said at the plan; `field`, `mirrored` and `fix` say it at the review."""

    message: str
    hint: str
    field: str
    mirrored: str
    fix: str


_KEEP_APPROVED = "keep it approved, or first move that opportunity's phase back"


def _linked_review_problem(
    opportunity: OpportunityFacts, name: str, review: ReviewFacts, plan: PlanFacts
) -> _LinkProblem | None:
    """What is wrong with the review an opportunity links as its pre-trial or pre-production review."""
    if review.customer != plan.id:
        return _LinkProblem(
            f"{review.id} belongs to {review.customer!r}, not to this account",
            "link a review of this customer",
            "customer",
            f", but the review is of {review.customer!r}",
            "link it from that customer's plan instead, or fix the customer",
        )
    phase = PHASE_LABELS[opportunity.tech_win_phase]
    if name == "production_review":
        if review.id == opportunity.tech_review:
            return None  # the opportunity's own rule says the second review is another one
        if review.moment is not Moment.PRE_PRODUCTION:
            return _LinkProblem(
                f"{review.id} is a {review.moment.value} review, not a pre-production one",
                "link the review of moment 'pre-production' opened before going to production",
                "moment",
                f" as its pre-production review, but the review is {review.moment.value}",
                "make it the pre-production review, or link another one",
            )
        if (
            opportunity.non_standard
            and opportunity.tech_win_phase is TechWinPhase.POST_TRIAL
            and review.status is not ReviewStatus.APPROVED
        ):
            return _LinkProblem(
                f"{review.id} is {review.status.value}, but the opportunity is in {phase}: non-standard "
                "requirements need an approved pre-production tech review",
                "get the review approved, or move the phase back",
                "status",
                f" as its pre-production review in {phase}, where non-standard requirements need it approved",
                _KEEP_APPROVED,
            )
        return None
    if review.moment is Moment.PRE_PRODUCTION:
        return _LinkProblem(
            f"{review.id} is the pre-production review, not the pre-trial one",
            "link it as production_review, and the pre-trial review as tech_review",
            "moment",
            " as its pre-trial review, but the review is pre-production",
            "link the pre-trial review there instead",
        )
    needed = opportunity.needs_review and past_tech_design(opportunity.tech_win_phase)
    if needed and review.status is not ReviewStatus.APPROVED:
        why = "non-standard requirements need" if opportunity.non_standard else "a key prospect needs"
        return _LinkProblem(
            f"{review.id} is {review.status.value}, but the opportunity is in {phase}: "
            f"{why} an approved tech review past Tech Design & Trial Planning",
            "get the review approved, or move the phase back",
            "status",
            f" in {phase}, where {why} it approved",
            _KEEP_APPROVED,
        )
    return None
