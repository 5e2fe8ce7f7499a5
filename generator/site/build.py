"""Build the site: validate → index → render → write the docs tree → mkdocs → publish atomically.

The docs tree (`build/docs`: `mkdocs.yml`, `overrides/`, `pages/`, `hooks/`) is plain, so mkdocs can
build it on its own; its one hook (generator/site/hooks.py) sanitizes document bodies, which reach the
pages as Markdown so that mkdocs converts them once. Files are written only when their content changed,
which keeps `serve` and repeated builds cheap. The site is built into a staging folder and swapped in
whole: a failed build never touches the last good site.
"""

from __future__ import annotations

import datetime as dt
import functools
import importlib.util
import json
import logging
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Collection, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath
from typing import Any

import yaml

from generator import collector
from generator.documents import cache as documents_cache
from generator.documents import workers as workers_of
from generator.documents.cache import DocumentStore
from generator.documents.diagnostics import Diagnostic, DocumentError, sort_diagnostics
from generator.documents.history import UNAVAILABLE, History, read_history
from generator.documents.links import body_links
from generator.documents.load import display_path, read_document
from generator.documents.models import AccountPlan, TechReview
from generator.documents.paths import kind_of
from generator.documents.validate import Checked, Report, read_and_check, validate_repository
from generator.documents.workers import WorkApart, default_workers
from generator.process.config import DEFAULT as DEFAULT_CONFIG
from generator.process.config import FILE_NAME, HandbookConfig, load_config
from generator.signoff.ledger import Ledger, LedgerError, load_ledger
from generator.site import engine as engines
from generator.site import nav, pagecache, plugin, rebuild, shares
from generator.site.hooks import HOOK_FILE, HOOK_SOURCE
from generator.site.index import AccountEntry, Attention, Handbook, ReviewEntry
from generator.site.links import LinkIndex
from generator.site.page import bytecode_cache
from generator.site.pagecache import PageStore
from generator.site.plugin import HandbookPlugin
from generator.site.render import SITE_SOURCE, PageMemo, Settings, Tree, render_tree
from generator.site.sanitize import link_problem
from generator.site.shares import shares_of

PAGES = "pages"
Progress = Callable[[int, int], None]


class BuildError(Exception):
    """The site cannot be built; `problems` are one line each, naming the file at fault."""

    def __init__(
        self,
        summary: str,
        problems: list[str] | None = None,
        broken_links: list[tuple[str, str, str]] | None = None,
    ) -> None:
        super().__init__(summary)
        self.summary = summary
        self.problems = problems or []
        # Body links that go nowhere, as (page, link as written, target): the build adds their lines.
        self.broken_links = broken_links or []


class InvalidDocuments(BuildError):
    def __init__(self, report: Report) -> None:
        super().__init__("invalid documents stop the build", [d.text() for d in report.diagnostics])
        self.report = report


@dataclass
class BuildResult:
    site: Path
    pages: int
    written: int
    seconds: dict[str, float] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    attention: list[Attention] = field(default_factory=list)


# --- stage 1: documents ---------------------------------------------------------------------------


def load_handbook(
    root: Path,
    ledger_path: Path,
    today: dt.date,
    *,
    needs_attention: bool = False,
    extra: Sequence[Diagnostic] = (),
    workers: int = 1,
    cache_for: Path | None = None,
    saving: list[Callable[[], None]] | None = None,
) -> Handbook:
    """Validated documents and the sign-off ledger; raises BuildError when either is unusable.
    `workers` > 1 reads the documents in that many processes (documents.workers): the same handbook.
    With `cache_for` (the site folder), documents unchanged since the last build into it are taken as
    that build checked them (documents/cache.py): the same handbook. Given `saving`, the cache is
    written by a forked process while the build goes on, and `saving` gets what waits for it.

    With `needs_attention`, invalid documents do not stop the build: the valid ones are published,
    and every fault is listed on the "Needs attention" page (see `handbook_from`)."""
    cache = DocumentStore.open(cache_for, root) if cache_for is not None else None
    # Git's history, when it must be read, is read in a process of its own while the documents are.
    history_apart = None
    if workers > 1 and (cache is None or not cache.knows_history(root)):
        history_apart = workers_of.apart(functools.partial(read_history, root))
    # Documents taken from the cache cost less than sending them back from a second process.
    workers = 1 if cache is not None and cache.previous else workers
    try:
        report = validate_repository(root, workers=workers, read=cache or read_and_check)
        history = _history(root, cache, history_apart)
    finally:
        if history_apart is not None:
            history_apart.cancel()  # not wanted after all (validation failed): stopped and reaped
    if cache is not None:
        save = functools.partial(_save_documents, cache, report.checked)
        if saving is None:
            save()
        else:
            saving.append(_finished_apart(save))
    if extra:  # faults only the mkdocs build could find (links to generated pages)
        report = replace(report, diagnostics=sort_diagnostics([*report.diagnostics, *extra]))
    if not report.ok and not needs_attention:
        raise InvalidDocuments(report)
    try:
        # The documents' millions of objects would make each collection while the ledger is read a
        # walk over all of them (4 times the read at 5,000 documents); the ledger makes no cycles.
        with collector.paused():
            ledger: Ledger | None = load_ledger(ledger_path)
    except LedgerError as exc:
        raise BuildError("the sign-off ledger cannot be read", [str(exc)]) from exc
    # In the needs-attention mode a broken handbook.yml is listed like any file, and the defaults hold.
    return handbook_from(report, ledger, today, root, load_config(root).config, history)


def _history(root: Path, cache: DocumentStore | None, apart: WorkApart[History] | None) -> History:
    """Git's history of the documents: from the cache, or as `apart` read it (else read here)."""

    def read(root: Path) -> History:
        found = apart.result() if apart is not None else None
        return found if found is not None else read_history(root)

    return cache.history(root, read) if cache is not None else read(root)


def _save_documents(cache: DocumentStore, checked: list[Checked]) -> bool:
    try:
        cache.save(checked)
    except OSError:  # a cache that cannot be written is no cache
        documents_cache.forget(cache.out)
    return True


def _finished_apart(work: Callable[[], bool]) -> Callable[[], None]:
    """`work` begun in a forked process; what it returns waits for it (and does the work here if the
    child could not)."""
    begun = workers_of.apart(work)

    def finish() -> None:
        if begun.result() is None:
            work()

    return finish


def process_config(root: Path) -> HandbookConfig:
    """handbook.yml (fiscal quarters, holidays, windows); raises BuildError when it is broken."""
    loaded = load_config(root)
    if loaded.diagnostics:
        raise BuildError(f"{FILE_NAME} is invalid", [d.text() for d in loaded.diagnostics])
    return loaded.config


def handbook_from(
    report: Report,
    ledger: Ledger | None,
    today: dt.date,
    root: Path | None = None,
    config: HandbookConfig = DEFAULT_CONFIG,
    history: History | None = None,
) -> Handbook:
    """The documents the site shows. A document with faults is shown, flagged, when its page can still be
    made as usual: its front matter is valid, its page is where its file says, its id is its own and
    its body's links lead somewhere. Any other file with faults gets a page saying what is wrong (or,
    not being a document, only its place on the "Needs attention" page). `history` is git's history
    of the documents when it is already read."""
    faults: dict[str, list[Diagnostic]] = {}
    for diagnostic in report.diagnostics:
        faults.setdefault(diagnostic.path, []).append(diagnostic)
    reviews: list[ReviewEntry] = []
    accounts: list[AccountEntry] = []
    attention: list[Attention] = []
    taken: set[tuple[str, str]] = set()
    for checked in report.checked:
        path = checked.document.path
        own = tuple(faults.pop(path, ()))
        page = checked.document.source if kind_of(checked.document.source) else None
        model = checked.model
        key = (checked.document.kind, model.id) if model is not None else None
        shown = (
            model is not None
            and page is not None
            and key not in taken
            and (not isinstance(model, AccountPlan) or page == f"accounts/{model.id}.md")
            and not any(_breaks_the_page(d) for d in own)
        )
        if shown and key is not None and page is not None:
            taken.add(key)
            if isinstance(model, TechReview):
                reviews.append(ReviewEntry(model, page, checked.document.body, own))
            elif isinstance(model, AccountPlan):
                accounts.append(AccountEntry(model, page, checked.document.body, own))
        if own:
            attention.append(Attention(_in_repository(path, root), page, own, shown))
    for path, rest in faults.items():
        attention.append(Attention(_in_repository(path, root), _document_page(path), tuple(rest), False))
    attention.sort(key=lambda item: item.path)
    if history is None:
        history = read_history(root) if root is not None else UNAVAILABLE
    return Handbook(
        reviews, accounts, ledger, today, report.assets, attention, history.updated, config, history
    )


def _in_repository(path: str, root: Path | None) -> str:
    """A path as the repository spells it (reviews/x.md), whatever the working directory was."""
    if root is None:
        return path
    relative = os.path.relpath(os.path.abspath(path.rstrip("/")), root.resolve())
    return Path(relative).as_posix() + ("/" if path.endswith("/") else "")


def _document_page(path: str) -> str | None:
    """A document file's page in the site (reviews/x.md), or None for any other file."""
    parts = PurePosixPath(path).parts
    if len(parts) >= 2 and parts[-2] in ("reviews", "accounts") and parts[-1].endswith(".md"):
        return f"{parts[-2]}/{parts[-1]}"
    return None


def _breaks_the_page(diagnostic: Diagnostic) -> bool:
    """A body link that goes nowhere would fail the build's own link check."""
    return diagnostic.field == "body" and diagnostic.message.startswith("link ")


# --- stage 2: the docs tree -----------------------------------------------------------------------


def site_config(source: Path, repo_url: str | None, site_url: str | None) -> dict[str, Any]:
    loaded = yaml.safe_load((source / "mkdocs.yml").read_text(encoding="utf-8"))
    config: dict[str, Any] = dict(loaded)
    # Added here, not left to mkdocs.yml: no docs tree may be built without the body sanitizer.
    config["hooks"] = [HOOK_FILE, *(hook for hook in config.get("hooks") or [] if hook != HOOK_FILE)]
    # The pages of the nav are the renderer's list (generator/site/nav.py), not a copy in mkdocs.yml.
    config.setdefault("nav", nav.mkdocs_nav())
    config.setdefault("not_in_nav", "".join(f"{pattern}\n" for pattern in nav.NOT_IN_NAV))
    if repo_url is not None:
        config["repo_url"] = repo_url
    if site_url is not None:
        config["site_url"] = site_url
    return config


def settings_for(config: dict[str, Any]) -> Settings:
    return Settings(repo_url=config.get("repo_url") or None, site_url=config.get("site_url") or "/")


def link_index(tree: Tree) -> LinkIndex:
    """The site's files, as every link check of the build sees them."""
    return LinkIndex(tree.files)


def check_links(tree: Tree, index: LinkIndex | None = None) -> list[str]:
    """Every internal link a generated page makes must reach a page or file of the site (bodies' links
    are checked by the site's plugin, against the same index, once mkdocs has read them)."""
    index = index or link_index(tree)
    return [
        link_problem(page, written, target)
        for page, links in sorted(tree.links.items())
        for written, target in links
        if index.goes_nowhere(target)
    ]


def docs_tree(tree: Tree, config: dict[str, Any], source: Path) -> dict[str, str | bytes]:
    """The whole generated folder: mkdocs.yml, the theme overrides, and the pages."""
    files: dict[str, str | bytes] = {f"{PAGES}/{path}": content for path, content in tree.files.items()}
    files["mkdocs.yml"] = (
        "# Generated by `handbook build` from site/mkdocs.yml; build with `mkdocs build` here.\n"
        + yaml.safe_dump(config, sort_keys=False, allow_unicode=True)
    )
    files[HOOK_FILE] = HOOK_SOURCE
    files[MARKER] = MARKER_TEXT
    for file in sorted((source / "overrides").rglob("*")):
        if file.is_file():
            files[f"overrides/{file.relative_to(source / 'overrides').as_posix()}"] = file.read_bytes()
    return files


def write_tree(
    files: dict[str, str | bytes],
    docs: Path,
    previous: dict[str, str | bytes] | None = None,
    unchanged: Collection[str] = frozenset(),
    workers: int = 1,
) -> int:
    """Write what changed, remove what is gone; returns how many files were written.

    `previous` is the tree last written to `docs` (kept by `serve`): then only it is compared, in memory,
    instead of reading every file back from disk. `unchanged` files were just read back from `docs`
    (the page cache's hits): they are not read again. With `workers` > 1, a large tree compared on
    disk is written in that many processes (see _written_apart): the same tree.
    """
    docs.mkdir(parents=True, exist_ok=True)
    if previous is not None:
        return _write_changes(files, docs, previous, unchanged)
    written = _written_apart(files, [path for path in files if path not in unchanged], docs, workers)
    wanted = {docs / relative for relative in files}
    # Bottom up, never following a link: a link planted in the tree is removed, not what it points to.
    for folder, subfolders, names in os.walk(docs, topdown=False):
        here = Path(folder)
        for name in names:
            if here / name not in wanted:
                (here / name).unlink()
        for name in subfolders:
            sub = here / name
            if sub.is_symlink():
                sub.unlink()
            elif not any(sub.iterdir()):
                sub.rmdir()
    return written


def _write_changes(
    files: dict[str, str | bytes], docs: Path, previous: dict[str, str | bytes], unchanged: Collection[str]
) -> int:
    """The files that differ from `previous` (the tree last written to `docs`) written, the ones gone
    from it removed; how many were written."""
    written = 0
    for relative, content in files.items():
        if relative in unchanged:
            continue
        target = docs / relative
        before = previous.get(relative)
        if before is content or before == content:
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        _replace_file(target, _as_bytes(content))
        written += 1
    for gone in previous.keys() - files.keys():
        (docs / gone).unlink(missing_ok=True)
    return written


# Below this many files to write, a second process costs more than it saves: the engine's child
# compiles the theme's templates meanwhile (prepare), which takes the second processor for the write.
MIN_FILES_APART = 3_000


def _written_apart(files: dict[str, str | bytes], paths: list[str], docs: Path, workers: int) -> int:
    """`paths` of the tree written (each unless it already holds its content); how many were. A file's
    creation is the kernel's work, a fifth of a millisecond on a busy disk, so a large tree's second
    half is written by a forked process (which has the tree already) while this one writes the first.
    A half the child could not write (an error, a child gone) is written again here, where any error is
    raised as one process raises it."""
    half = len(paths) // 2 if workers > 1 and len(paths) >= MIN_FILES_APART else len(paths)
    mine, theirs = paths[:half], paths[half:]
    apart = workers_of.apart(functools.partial(_write_files, files, theirs, docs)) if theirs else None
    try:
        written = _write_files(files, mine, docs)
        found = apart.result() if apart is not None else None
    finally:
        if apart is not None:
            apart.cancel()  # this half failed first: the child is stopped, not left writing
    return written + (found if found is not None else _write_files(files, theirs, docs))


def _write_files(files: dict[str, str | bytes], paths: list[str], docs: Path) -> int:
    return sum(_write_file(files[path], docs / path) for path in paths)


def _write_file(content: str | bytes, target: Path) -> bool:
    """One file of the docs tree written unless it already holds `content`; whether it was written."""
    data = _as_bytes(content)
    try:
        if target.stat().st_size == len(data) and target.read_bytes() == data:
            return False
    except FileNotFoundError:
        target.parent.mkdir(parents=True, exist_ok=True)
    _replace_file(target, data)
    return True


def _as_bytes(content: str | bytes) -> bytes:
    return content.encode("utf-8") if isinstance(content, str) else content


def _replace_file(target: Path, data: bytes) -> None:
    """Written beside it, then put in its place: a reader never sees half a file."""
    temporary = target.with_name(f".{target.name}.tmp")
    temporary.write_bytes(data)
    temporary.replace(target)


# --- stage 3: mkdocs ------------------------------------------------------------------------------


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@contextmanager
def _mkdocs_warnings() -> Iterator[list[str]]:
    logger = logging.getLogger("mkdocs")
    handler = _Collect()
    logger.addHandler(handler)
    previous = logger.propagate
    logger.propagate = False  # we report the warnings ourselves, once
    try:
        yield handler.messages
    finally:
        logger.removeHandler(handler)
        logger.propagate = previous


def mkdocs_config(docs: Path, site_dir: Path) -> Any:
    """The docs tree's mkdocs configuration, building into site_dir, with the site's plugin object in
    place of the tree's hook file (which only a plain `mkdocs build` there uses)."""
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    with _mkdocs_warnings() as warnings:
        try:
            # mkdocs reads a relative site_dir against the config file's folder, not ours.
            config = load_config(
                config_file=str(docs / "mkdocs.yml"), site_dir=str(site_dir.resolve()), hooks=[]
            )
        except (MkDocsException, OSError, yaml.YAMLError) as exc:
            raise BuildError("mkdocs could not read the configuration", [*warnings, str(exc)]) from exc
    config.plugins[plugin.NAME] = HandbookPlugin()
    _list_theme_files_quickly(config.theme)
    return config


def _list_theme_files_quickly(theme: Any) -> None:
    """Each build lists every file of the theme to copy its static ones, and drops any below a hidden
    folder: Material's .icons alone hold 14,000 files. The theme's environment here lists the same
    files without walking those folders (its templates, .icons' included, load as before), and keeps
    its compiled templates between builds."""
    import jinja2

    made = theme.get_env

    class ThemeLoader(jinja2.FileSystemLoader):
        def list_templates(self) -> list[str]:
            found: set[str] = set()
            for searchpath in self.searchpath:
                for folder, subfolders, names in os.walk(searchpath, followlinks=self.followlinks):
                    subfolders[:] = [name for name in subfolders if not name.startswith(".")]
                    below = os.path.relpath(folder, searchpath).replace(os.path.sep, "/")
                    found.update(name if below == "." else f"{below}/{name}" for name in names)
            return sorted(found)

    def get_env() -> Any:
        env = made()
        env.loader = ThemeLoader(theme.dirs)
        # Every environment of the theme, not only the build's (the plugin's on_env): Material's search
        # plugin makes one of its own for each build, to read its translations.
        if env.bytecode_cache is None:
            env.bytecode_cache = bytecode_cache()
        return env

    theme.get_env = get_env


# The theme's templates a build renders by name; the rest are reached from these.
_THEME_PAGES = ("main.html", "404.html", "sitemap.xml")


def warm_templates(docs: Path, site_dir: Path, cache: Any = None) -> int:
    """Compile the theme's templates a build of the docs tree renders (those its pages reach by name,
    from main.html, 404.html and the sitemap) into `cache` (by default the bytecode cache the site's
    plugin gives the theme, page.bytecode_cache), as the build would compile them; returns how many.
    A forked engine child does it while the build writes the pages, so that no process compiles them
    on its first page. A template that does not compile here is left to the build, which says why."""
    import jinja2
    import jinja2.meta

    cache = cache if cache is not None else bytecode_cache()
    if cache is None:
        return 0
    env = mkdocs_config(docs, site_dir).theme.get_env()
    env.bytecode_cache = cache
    seen: set[str] = set()
    todo = list(_THEME_PAGES)
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        try:
            source = env.loader.get_source(env, name)[0] if env.loader is not None else ""
            todo += [found for found in jinja2.meta.find_referenced_templates(env.parse(source)) if found]
            env.get_template(name)
        except jinja2.TemplateError:
            seen.discard(name)
    return len(seen)


def site_plugin(config: Any) -> HandbookPlugin:
    found = config.plugins[plugin.NAME]
    assert isinstance(found, HandbookPlugin)
    return found


def build_with(config: Any, *, dirty: bool = False, links: LinkIndex | None = None) -> list[str]:
    """One mkdocs build of a loaded configuration (reused across `serve`'s rebuilds); returns warnings.
    `links` is the index the build's own link check used (without it, the files mkdocs finds)."""
    from mkdocs.commands.build import build
    from mkdocs.exceptions import MkDocsException

    ours = site_plugin(config)
    ours.given = links
    # mkdocs' pages leave cycles (each page's Markdown instance and its processors) among objects that
    # live until the build ends: collected in batches, over the young only.
    with _mkdocs_warnings() as warnings, collector.relaxed():
        try:
            build(config, dirty=dirty)
        except (MkDocsException, OSError, yaml.YAMLError) as exc:
            raise _mkdocs_failure(exc, warnings, ours.problems) from exc
    return warnings


def run_mkdocs(
    docs: Path,
    site_dir: Path,
    *,
    dirty: bool = False,
    progress: Progress | None = None,
    links: LinkIndex | None = None,
    pages: Sequence[str] | None = None,
    parts: int = shares.PARTS,
    share_from: int = shares.SHARE_FROM_PAGES,
    share: plugin.Share | None = None,
    built: list[str] | None = None,
    spawned: list[engines.Child] | None = None,
) -> list[str]:
    """Build the docs tree with mkdocs into site_dir; returns mkdocs' warnings.

    Given the tree's `pages` (docs-tree paths), a large site's pages are shared among `parts`
    processes (generator/site/shares.py); `share` is the part a child process builds. The children
    are taken from `spawned` (engine.spawn, for MkDocs) while it has any."""
    config = mkdocs_config(docs, site_dir)
    if progress is not None:
        config.plugins["handbook-progress"] = _progress_plugin(progress)
    if share is not None or pages is None or parts < 2 or len(pages) < share_from:
        site_plugin(config).share = share
        found = build_with(config, dirty=dirty, links=links)
        if built is not None:
            built += site_plugin(config).built
        return found
    split = shares_of(pages, parts)
    index = sorted(links.paths) if links is not None else None
    children = [
        engines.start_child(
            engines.DEFAULT,
            docs,
            shares.part_folder(site_dir, part),
            index,
            (part, split[part]),
            spawned.pop() if spawned else None,
        )
        for part in range(1, parts)
    ]
    ours = site_plugin(config)
    ours.share = plugin.Share(0, split[0])
    failure: BuildError | None = None
    warnings: list[str] = []
    try:
        warnings = build_with(config, links=links)
    except BuildError as exc:
        failure = exc
    finally:
        answers = [engines.finish_child(child) for child in children]
    try:
        return _merged(site_dir, config, ours, split, answers, warnings, failure)
    finally:
        for part in range(1, parts):  # merged (and removed) or failed: nothing of a part stays
            shutil.rmtree(shares.part_folder(site_dir, part), ignore_errors=True)


def _merged(
    site_dir: Path,
    config: Any,
    ours: HandbookPlugin,
    split: list[frozenset[str]],
    answers: list[dict[str, Any]],
    warnings: list[str],
    failure: BuildError | None,
) -> list[str]:
    broken = list(failure.broken_links) if failure is not None else []
    for answer in answers:
        broken += [(page, written, target) for page, written, target in answer.get("broken", [])]
    if broken:
        raise BuildError("some internal links go nowhere", [link_problem(*b) for b in broken], broken)
    if failure is not None:
        raise failure
    for answer in answers:
        if "warnings" not in answer:
            raise BuildError(answer["summary"], list(answer["problems"]))
        warnings += answer["warnings"]
    for part in range(1, len(split)):
        shares.merge(
            site_dir,
            shares.part_folder(site_dir, part),
            answers[part - 1]["built"],
            ours.order,
            config.site_url or "/",
        )
    return warnings


def run_engine(
    name: str,
    docs: Path,
    site_dir: Path,
    *,
    progress: Progress | None = None,
    links: LinkIndex | None = None,
    pages: Sequence[str] | None = None,
    spawned: list[engines.Child] | None = None,
) -> list[str]:
    """Build the docs tree with the chosen engine: MkDocs here, ProperDocs in a child process (each
    child taken from `spawned`, children engine.spawn made for this engine, while it has any)."""
    if name == engines.DEFAULT:
        return run_mkdocs(docs, site_dir, progress=progress, links=links, pages=pages, spawned=spawned)
    try:
        engines.check(name)
    except (ValueError, engines.EngineMissing) as exc:
        raise BuildError(str(exc)) from exc
    child = spawned.pop() if spawned else None
    return _answered(engines.finish_child(
        engines.start_child(name, docs, site_dir, sorted(links.paths) if links else None, spawned=child)
    ))  # fmt: skip


def _mkdocs_failure(exc: Exception, warnings: list[str], broken: list[tuple[str, str, str]]) -> BuildError:
    if broken:
        return BuildError("some internal links go nowhere", [link_problem(*p) for p in broken], broken)
    return BuildError("mkdocs could not build the site", [*warnings, str(exc)])


def _progress_plugin(progress: Progress) -> Any:
    """Counts pages as mkdocs renders them (only added when a progress bar is shown)."""
    from mkdocs.plugins import BasePlugin

    class Pages(BasePlugin):  # type: ignore[type-arg,no-untyped-call]
        total = 0
        done = 0

        def on_files(self, files: Any, **_: Any) -> Any:
            self.total = len(files.documentation_pages())
            progress(0, self.total)
            return files

        def on_post_page(self, output: str, **_: Any) -> str:
            self.done += 1
            progress(self.done, self.total)
            return output

    return Pages()


def publish(staging: Path, out: Path) -> None:
    """Swap the freshly built site in place of the old one (the caller holds the output lock).

    The old site is moved into a folder of this build's own before it is removed, so a name that
    happens to exist beside `out` is never touched."""
    check_output_folder(out)
    staging.joinpath(MARKER).write_text(MARKER_TEXT, encoding="utf-8")
    if out.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=out.parent))
        out.replace(old / out.name)
        staging.replace(out)
        shutil.rmtree(old, ignore_errors=True)
    else:
        staging.replace(out)


# --- output folders -------------------------------------------------------------------------------

# The file that says a folder was made by the build: only such a folder (or an empty one) is replaced.
MARKER = ".handbook-build"
MARKER_TEXT = "Made by `handbook build`, which replaces this folder. Nothing without this file is replaced.\n"
LOCK_TIMEOUT_SECONDS = 600


class FolderProblem(BuildError):
    """An output folder the build may not use; `summary` says why."""


def repository_root(root: Path) -> Path:
    """The git work tree holding `root` (its nearest folder with a .git), or root itself."""
    resolved = root.resolve()
    return next((folder for folder in (resolved, *resolved.parents) if (folder / ".git").exists()), resolved)


def folder_problem(path: Path, root: Path, source: Path) -> str | None:
    """Why `path` may not be an output folder of a build of `root`: it would replace or sit inside
    what the build reads (documents, .git, the site's sources), or replace the repository."""
    try:
        target = path.resolve()
        repository = repository_root(root)
    except (OSError, RuntimeError):  # RuntimeError: a loop of symbolic links (Python < 3.13)
        return "it cannot be resolved: a loop of symbolic links?"
    for whole in dict.fromkeys((repository, root.resolve())):
        if target == whole:
            return "it would replace the repository itself"
        if whole.is_relative_to(target):
            return "it would replace the folder that holds the repository"
    read = [
        base / name for base in dict.fromkeys((root.resolve(), repository)) for name in (*_FOLDERS, ".git")
    ]
    for folder in [*read, source.resolve()]:
        shown = _shown_folder(folder, repository)
        if target == folder or folder.is_relative_to(target):
            return f"it would replace {shown}, which the build reads"
        if target.is_relative_to(folder):
            return f"it would sit inside {shown}, which the build reads"
    return None


_FOLDERS = ("reviews", "accounts")


def _shown_folder(folder: Path, repository: Path) -> str:
    try:
        return folder.relative_to(repository).as_posix() + "/"
    except ValueError:
        return folder.as_posix() + "/"


def check_output_folder(path: Path) -> None:
    """A folder may be replaced or filled only when it is new, empty, or was made by the build."""
    try:
        _check_output_folder(path)
    except OSError as exc:
        raise FolderProblem(
            f"cannot read it: {exc.strerror or exc}", ["choose a folder of its own, like build/site"]
        ) from exc


def _check_output_folder(path: Path) -> None:
    # 'build/x/..' is 'build' to whatever later writes or replaces it, even when 'build/x' does not exist.
    path = Path(os.path.normpath(path.absolute()))
    if path.is_symlink() or (path.exists() and not path.is_dir()):
        raise FolderProblem("it is not a folder", ["choose a folder, like build/site"])
    above = next((folder for folder in path.absolute().parents if folder.exists()), None)
    if above is not None and not above.is_dir():
        raise FolderProblem(f"{above} is a file, not a folder", ["choose a folder, like build/site"])
    if path.is_dir() and not (path / MARKER).is_file() and any(path.iterdir()):
        raise FolderProblem(
            "this folder was not made by handbook build, so it is never replaced",
            ["choose a new or empty folder, or remove this one yourself"],
        )


@contextmanager
def locked(*folders: Path) -> Iterator[None]:
    """Hold the build lock of each folder (a `.<name>.lock` file beside it): concurrent builds into the
    same folders run one after the other, so neither sees a half-built site."""
    import fcntl

    handles = []
    try:
        for folder in sorted(dict.fromkeys(f.resolve() for f in folders)):
            folder.parent.mkdir(parents=True, exist_ok=True)
            handle = open(folder.with_name(f".{folder.name}.lock"), "a")  # noqa: SIM115 - held until the end
            handles.append(handle)
            waited = 0.0
            while True:
                try:
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if waited >= LOCK_TIMEOUT_SECONDS:
                        raise BuildError(
                            f"another build into {folder} has been running for {waited:.0f}s",
                            ["wait for it to finish, or stop it"],
                        ) from None
                    time.sleep(0.1)
                    waited += 0.1
        yield
    finally:
        for handle in handles:
            handle.close()  # closing releases the lock


# --- the pipeline ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class BuildOptions:
    root: Path
    out: Path
    docs: Path
    ledger: Path
    today: dt.date
    repo_url: str | None = None
    site_url: str | None = None
    source: Path = SITE_SOURCE
    # Publish every valid document and list the invalid ones, instead of stopping at the first.
    needs_attention: bool = False
    # What turns the docs tree into the site (generator/site/engine.py); None: handbook.yml's site_engine.
    engine: str | None = None


def render_site(
    handbook: Handbook,
    options: BuildOptions,
    memo: PageMemo | None = None,
    *,
    cached: bool = False,
    workers: int = 1,
    saving: list[Callable[[], None]] | None = None,
) -> tuple[Tree, dict[str, str | bytes]]:
    """The rendered pages and the whole docs tree (pages, mkdocs.yml, overrides, hook), links checked.
    `cached`: pages whose inputs are unchanged since the last build are taken from the docs tree it
    wrote (site/pagecache.py); the cache of this render is saved at once (each hit is checked against
    the docs tree's files, so a tree not written after all only means those pages are rendered again).
    Given `saving`, it is saved by a forked process while the build goes on, and `saving` gets what
    waits for it. `workers` > 1 renders a large site in that many processes (render.render_tree): the
    same tree."""
    config = site_config(options.source, options.repo_url, options.site_url)
    settings = settings_for(config)
    store = None
    if cached and memo is None:
        store = PageStore.open(options.out, options.docs / PAGES, options.source, settings)
    with collector.relaxed():
        tree = render_tree(handbook, settings, options.source, memo, store, workers)
    if store is not None:
        save = functools.partial(_save_pages, store)
        if saving is None:
            save()
        else:
            saving.append(_finished_apart(save))
    for path, content in handbook.assets.items():
        tree.files.setdefault(path, content)
    tree.index = link_index(tree)
    problems = check_links(tree, tree.index)
    if problems:
        raise BuildError("some internal links go nowhere", problems)
    return tree, docs_tree(tree, config, options.source)


def _save_pages(store: PageStore) -> bool:
    try:
        store.save()
    except OSError:  # a cache that cannot be written is no cache
        pagecache.forget(store.out)
    return True


def generate(options: BuildOptions, timings: dict[str, float] | None = None) -> tuple[Tree, int]:
    tree, written, _ = _generate(options, timings)
    return tree, written


def _generate(
    options: BuildOptions,
    timings: dict[str, float] | None = None,
    extra: Sequence[Diagnostic] = (),
    prepare: Callable[[], None] | None = None,
    saving: list[Callable[[], None]] | None = None,
) -> tuple[Tree, int, list[Attention]]:
    """Validate, render and write the docs tree; returns the tree and how many files changed.
    `prepare` is called once the engine's own files (mkdocs.yml, the theme overrides, the hook) are
    written, before the pages are. The documents' and pages' caches are saved by forked processes;
    given `saving`, it gets what waits for them (else they are waited for here, once rendered)."""
    timings = timings if timings is not None else {}
    started = time.perf_counter()
    caller_waits = saving is not None
    saving = saving if saving is not None else []
    try:
        handbook = load_handbook(
            options.root,
            options.ledger,
            options.today,
            needs_attention=options.needs_attention,
            extra=extra,
            workers=default_workers(),
            cache_for=options.out,
            saving=saving,
        )
        timings["load"] = time.perf_counter() - started
        started = time.perf_counter()
        tree, files = render_site(handbook, options, cached=True, workers=default_workers(), saving=saving)
    finally:  # the documents cache is saved (and its process reaped) even when invalid ones stop the build
        if not caller_waits:
            finish_saving(saving)
    timings["render"] = time.perf_counter() - started
    started = time.perf_counter()
    check_output_folder(options.docs)
    unchanged = {f"{PAGES}/{path}" for path in tree.cached}
    written = 0
    if prepare is not None:
        engine_files = [path for path in files if not path.startswith(f"{PAGES}/")]
        written = _write_files(files, engine_files, options.docs)
        prepare()
        unchanged.update(engine_files)
    written += write_tree(files, options.docs, unchanged=unchanged, workers=default_workers())
    timings["write"] = time.perf_counter() - started
    return tree, written, handbook.attention


def finish_saving(saving: list[Callable[[], None]]) -> None:
    """Wait for the caches being saved (each done here if its process could not)."""
    while saving:
        saving.pop(0)()


def build_site(options: BuildOptions, progress: Progress | None = None) -> BuildResult:
    """The whole build; the published site is replaced only when every stage succeeded."""
    for folder in (options.out, options.docs):
        problem = folder_problem(folder, options.root, options.source)
        if problem:
            raise FolderProblem(f"{folder}: {problem}", ["choose a folder of its own, like build/site"])
    try:
        with locked(options.docs, options.out):
            check_output_folder(options.out)
            return _build_locked(options, progress)
    except OSError as exc:  # a folder that cannot be made or written (read-only, full disk...)
        where = f" ({exc.filename})" if exc.filename else ""
        raise BuildError(f"cannot write the site: {exc.strerror or exc}{where}") from exc


def chosen_engine(options: BuildOptions) -> str:
    """The engine given for this build, or else the one handbook.yml chooses."""
    return options.engine or process_config(options.root).site_engine


def _build_locked(options: BuildOptions, progress: Progress | None) -> BuildResult:
    engine = chosen_engine(options)
    spawned = _early_children(options, engine)
    # The caches are saved by forked processes while mkdocs builds; the build ends when they are saved.
    saving: list[Callable[[], None]] = []
    try:
        return _build_with_children(options, progress, engine, spawned, saving)
    finally:
        finish_saving(saving)
        for child in spawned:  # not needed after all (or the build failed first)
            engines.dismiss(child)


def _early_children(options: BuildOptions, engine: str) -> list[engines.Child]:
    """The engine's child processes a first build will need, started now so that their imports overlap
    the reading and rendering of the documents: ProperDocs' one, or MkDocs' second when the site will
    be shared (it has at least as many pages as documents), a fork of this process (which has the
    imports already) where one can be made. A rebuild in place gets one fork of MkDocs, which loads
    mkdocs' modules and the theme at once (engine.prepare) while this process reads the documents."""
    if rebuild.state_file(options.out).exists():
        rebuilding = engines.fork() if engine == engines.DEFAULT else None
        if rebuilding is None:
            return []
        engines.prepare(rebuilding, options.docs, options.out)
        return [rebuilding]
    if engine != engines.DEFAULT:
        return [engines.spawn(engine)] if importlib.util.find_spec(engine) is not None else []
    documents = sum(_count_files(options.root / folder) for folder in _FOLDERS)
    if documents < shares.SHARE_FROM_PAGES:
        return []
    return [engines.fork() or engines.spawn(engine) for _ in range(1, shares.PARTS)]


def _count_files(folder: Path) -> int:
    if folder.is_symlink():
        return 0  # not followed (validation reports the link)
    try:
        with os.scandir(folder) as listing:
            return sum(1 for entry in listing if entry.name.endswith(".md"))
    except OSError:
        return 0


def _build_with_children(
    options: BuildOptions,
    progress: Progress | None,
    engine: str,
    spawned: list[engines.Child],
    saving: list[Callable[[], None]],
) -> BuildResult:
    timings: dict[str, float] = {}
    extra: list[Diagnostic] = []
    while True:
        finish_saving(saving)  # a second render waits for the first one's caches: one writer each
        tree, written, attention = _generate(
            options, timings, extra, functools.partial(_prepare_children, spawned, options), saving
        )
        pages_built = [path for path in tree.files if path.endswith(".md")]
        pages = len(pages_built)
        links = tree.index
        files_now = list(tree.files)
        del tree  # the pages are on disk now: mkdocs reads them from there, and gets the memory back
        started = time.perf_counter()
        options.out.parent.mkdir(parents=True, exist_ok=True)
        # A staging folder of this build's own: nothing that already exists is ever cleaned by mkdocs.
        staging = Path(tempfile.mkdtemp(prefix=f".{options.out.name}.staging-", dir=options.out.parent))
        key = rebuild.fingerprint(options.docs, engine)
        before = rebuild.previous(options.out, key, MARKER) if engine == engines.DEFAULT else None
        try:
            if before is not None:
                warnings = _rebuild_in_place(options, staging, before, files_now, progress, links, spawned)
            else:
                warnings = run_engine(
                    engine,
                    options.docs,
                    staging,
                    progress=progress,
                    links=links,
                    pages=pages_built,
                    spawned=spawned,
                )
            break
        except BuildError as exc:
            shutil.rmtree(staging, ignore_errors=True)
            if exc.broken_links and options.needs_attention and not extra:
                # Their documents go on the "Needs attention" list instead, and the site is built again.
                extra = [_link_fault(options.root, *link) for link in exc.broken_links]
                continue
            if exc.broken_links:
                located = [
                    link_problem(*link, at=link_position(options.root, *link[:2]))
                    for link in exc.broken_links
                ]
                raise BuildError(exc.summary, located, exc.broken_links) from exc
            raise
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
    timings["mkdocs"] = time.perf_counter() - started
    try:
        rebuild.forget(options.out)  # a site half swapped is never rebuilt in place
        publish(staging, options.out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    rebuild.save(options.out, key, files_now)
    return BuildResult(options.out, pages, written, timings, warnings, attention)


def _prepare_children(spawned: Sequence[engines.Child], options: BuildOptions) -> None:
    """The engine's files are written: the children made early compile the theme's templates now,
    while the pages are written (engine.prepare)."""
    for child in spawned:
        engines.prepare(child, options.docs, options.out)


def _rebuild_in_place(
    options: BuildOptions,
    staging: Path,
    before: tuple[list[str], list[str]],
    now: list[str],
    progress: Progress | None,
    links: LinkIndex | None,
    spawned: list[engines.Child],
) -> list[str]:
    """The last site, copied, with only the pages whose Markdown changed rebuilt (site/rebuild.py): by
    the child forked for it (which loaded mkdocs while the documents were read), else here."""
    job = rebuild.InPlace(options.out, options.docs, staging, before, now, links)
    forked = [child for child in spawned if isinstance(child, engines.Forked)] if progress is None else []
    if not forked:
        warnings = rebuild_in_place(job, progress)
    else:
        spawned.remove(forked[0])  # given its build: no longer dismissed with the ones not needed
        warnings = _answered(engines.finish_child(engines.start_rebuild(forked[0], job)))
    return [w for w in warnings if not w.startswith("A 'dirty' build is being performed")]


def _answered(answer: dict[str, Any]) -> list[str]:
    """A child build's warnings, or the BuildError it reported."""
    if "warnings" in answer:
        return list(answer["warnings"])
    broken = [(page, written, target) for page, written, target in answer.get("broken", [])]
    raise BuildError(answer["summary"], list(answer["problems"]), broken)


def rebuild_in_place(job: rebuild.InPlace, progress: Progress | None = None) -> list[str]:
    """The rebuild in place `job` (the last site copied, mkdocs' dirty build of the docs tree now over
    it): mkdocs' warnings."""
    rebuild.prepare(job.out, job.staging, *job.before, job.now, job.docs / PAGES)
    config = mkdocs_config(job.docs, job.staging)
    if progress is not None:
        config.plugins["handbook-progress"] = _progress_plugin(progress)
    ours = site_plugin(config)
    index_file = job.staging / "search" / "search_index.json"
    try:
        found = json.loads(index_file.read_text(encoding="utf-8")).get("docs", [])
        ours.previous_search = [doc for doc in found if isinstance(doc, dict)]
    except (OSError, ValueError, AttributeError):
        ours.previous_search = []
    return build_with(config, dirty=True, links=job.links)


def _link_fault(root: Path, page: str, written: str, target: str) -> Diagnostic:
    line, column = link_position(root, page, written) or (1, 1)
    return Diagnostic(
        display_path(root / page),
        line,
        column,
        "body",
        f"link '{written}' goes nowhere: the site has no '{target}'",
        "check the path: it is relative to this file",
    )


def link_position(root: Path, page: str, written: str) -> tuple[int, int] | None:
    """The line and column of a document where a link is written (its first occurrence), if found."""
    if not page.startswith(("reviews/", "accounts/")):
        return None
    try:
        document = read_document(root / page, shown_as=page)
    except DocumentError:
        return None
    found = next((link for link in body_links(document.body, page) if link.written == written), None)
    return (document.body_line + found.line, found.column) if found else None
