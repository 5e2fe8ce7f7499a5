"""Live preview: build once, serve over HTTP, and rebuild only what a change touched.

A rebuild re-reads only the documents whose file changed (by modification time, size and inode),
re-runs the cross-document rules over all of them (cheap), re-renders the pages whose inputs changed
(the changed documents' pages, the pages of their accounts and related reviews, and the lists,
dashboards and people pages), writes the files whose text changed, and lets mkdocs rebuild only those
pages (its dirty mode, with the same configuration and plugins kept between builds).
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.assets import read_asset
from generator.diagnostics import Diagnostic, DocumentError, sort_diagnostics
from generator.files import source_files
from generator.ledger import Ledger, LedgerError, load_ledger
from generator.load import display_path, read_document
from generator.site.build import (
    MARKER,
    MARKER_TEXT,
    PAGES,
    BuildError,
    BuildOptions,
    InvalidDocuments,
    build_with,
    check_output_folder,
    handbook_from,
    locked,
    mkdocs_config,
    render_site,
    write_tree,
)
from generator.site.render import PageMemo
from generator.site.sanitize import page_url
from generator.validate import Checked, Report, check_document, cross_document_rules, implied_id

# What identifies one version of a file without reading it; None when it cannot be stat'ed.
Stamp = tuple[int, int, int, int] | None


def _stamp(path: Path) -> Stamp:
    try:
        found = os.stat(path)
    except OSError:
        return None
    return (found.st_mtime_ns, found.st_size, found.st_ino, found.st_mode)


class DocumentCache:
    """Checked documents kept between rebuilds: only files whose stamp changed are read and checked
    again. `report` gives what `validate_repository(root)` gives for the whole repository."""

    def __init__(self) -> None:
        self._files: dict[Path, tuple[Stamp, Checked | Diagnostic]] = {}
        self.read = 0  # files read by the last report, for tests and the benchmark

    def report(self, root: Path) -> Report:
        files: dict[Path, tuple[Stamp, Checked | Diagnostic]] = {}
        self.read = 0
        found = source_files(root)
        for path in found.documents:
            stamp = _stamp(path)
            cached = self._files.get(path)
            if cached is not None and stamp is not None and cached[0] == stamp:
                files[path] = cached
                continue
            files[path] = (stamp, self._check(path))
            self.read += 1
        self._files = files
        checked = [item for _, item in files.values() if isinstance(item, Checked)]
        faults = [item for _, item in files.values() if isinstance(item, Diagnostic)]
        unreadable = {key for fault in faults if (key := implied_id(fault.path))}
        paths = {item.path for item in checked} | {fault.path for fault in faults}
        diagnostics = [*faults, *found.faults, *(d for item in checked for d in item.diagnostics)]
        diagnostics += cross_document_rules(checked, paths, unreadable, found.unreadable)
        assets: dict[str, bytes] = {}
        for asset in found.assets:  # small, and read again each time: a changed image shows at once
            try:
                assets[asset.relative_to(root).as_posix()] = read_asset(asset, display_path(asset))
            except DocumentError as exc:
                diagnostics.append(exc.diagnostic)
        return Report(len(paths), sort_diagnostics(diagnostics), checked, assets)

    @staticmethod
    def _check(path: Path) -> Checked | Diagnostic:
        try:
            return check_document(read_document(path))
        except DocumentError as exc:
            return exc.diagnostic


@dataclass
class Rebuild:
    """One rebuild: how long it took, how many files of the docs tree changed, and how much was redone."""

    seconds: float
    written: int
    read: int = 0
    rendered: int = 0


class Preview:
    """A site folder kept up to date by incremental builds (mkdocs' dirty mode, same plugins)."""

    def __init__(self, options: BuildOptions) -> None:
        self.options = options
        self._documents = DocumentCache()
        self._memo = PageMemo()
        self._ledger: tuple[Stamp, Ledger | None] | None = None
        self._written: dict[str, str | bytes] | None = None  # the docs tree as last written
        self._config: Any = None

    def full(self) -> Rebuild:
        """Build everything from scratch (the first build of a preview)."""
        started = time.perf_counter()
        self._documents = DocumentCache()
        self._memo = PageMemo()
        self._written = None
        written = self._generate()
        check_output_folder(self.options.out)  # only a folder the build made is ever emptied
        if self.options.out.exists():
            shutil.rmtree(self.options.out)
        self._config = None
        build_with(self._mkdocs(), dirty=False)
        (self.options.out / MARKER).write_text(MARKER_TEXT, encoding="utf-8")
        return Rebuild(time.perf_counter() - started, written, self._documents.read, self._memo.rendered)

    def update(self) -> Rebuild:
        """Re-read changed documents, re-render what they touch, and rebuild only the changed pages."""
        if self._config is None:
            return self.full()
        started = time.perf_counter()
        written = self._generate()
        if written:
            build_with(self._config, dirty=True)
        return Rebuild(time.perf_counter() - started, written, self._documents.read, self._memo.rendered)

    def _generate(self) -> int:
        report = self._documents.report(self.options.root)
        if not report.ok:
            raise InvalidDocuments(report)
        handbook = handbook_from(report, self._read_ledger(), self.options.today, self.options.root)
        self._memo.rendered = 0
        _, files = render_site(handbook, self.options, self._memo)
        if self._written is None:
            check_output_folder(self.options.docs)
        written = write_tree(files, self.options.docs, self._written)
        if self._written is not None:
            self._unpublish(self._written.keys() - files.keys())
        self._written = files
        return written

    def _unpublish(self, gone: set[str]) -> None:
        """mkdocs' dirty mode never deletes: the built pages and files of removed documents go here."""
        for relative in gone:
            if not relative.startswith(f"{PAGES}/"):
                continue
            path = relative.removeprefix(f"{PAGES}/")
            built = page_url(path) if path.endswith(".md") else path
            (self.options.out / built).unlink(missing_ok=True)

    def _read_ledger(self) -> Ledger | None:
        """The same ledger object while its file is unchanged, so pages that show it can be reused."""
        stamp = _stamp(self.options.ledger)
        if self._ledger is None or self._ledger[0] != stamp or stamp is None:
            try:
                self._ledger = (stamp, load_ledger(self.options.ledger))
            except LedgerError as exc:
                raise BuildError("the sign-off ledger cannot be read", [str(exc)]) from exc
        return self._ledger[1]

    def _mkdocs(self) -> Any:
        if self._config is None:
            self._config = mkdocs_config(self.options.docs, self.options.out)
            # Material's search keeps its index across dirty rebuilds only when told it runs dirty.
            self._config.plugins.on_startup(command="serve", dirty=True)
        return self._config


def serve(
    options: BuildOptions,
    host: str,
    port: int,
    report: Callable[[str], None],
    stop: threading.Event | None = None,
) -> None:
    """Serve the site and rebuild on every change under reviews/ or accounts/ until `stop` is set.
    The output folders stay locked meanwhile: a `handbook build` into them waits, never interleaves."""
    with locked(options.docs, options.out):
        _serve(options, host, port, report, stop)


def _serve(
    options: BuildOptions,
    host: str,
    port: int,
    report: Callable[[str], None],
    stop: threading.Event | None,
) -> None:
    from watchdog.events import FileSystemEvent, FileSystemEventHandler
    from watchdog.observers import Observer

    # Bound first: a port in use is reported before a full build is spent on nothing.
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(options.out))
    server = http.server.ThreadingHTTPServer((host, port), handler)
    preview = Preview(options)
    try:
        first = preview.full()
    except BaseException:
        server.server_close()
        raise
    report(f"site built in {first.seconds:.1f}s; serving http://{host}:{port}/ (Ctrl-C to stop)")
    changed = threading.Event()

    class OnChange(FileSystemEventHandler):
        def on_any_event(self, event: FileSystemEvent) -> None:
            if event.event_type in ("opened", "closed_no_write"):
                return  # reading a file changes nothing
            changed.set()

    observer = Observer()
    for folder in ("reviews", "accounts"):
        path = options.root / folder
        if path.is_dir():
            observer.schedule(OnChange(), str(path), recursive=True)
    observer.start()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    stop = stop or threading.Event()
    try:
        while not stop.is_set():
            if not changed.wait(0.5):
                continue
            time.sleep(0.2)  # let an editor finish writing
            changed.clear()
            try:
                result = preview.update()
                report(f"rebuilt {result.written} changed files in {result.seconds:.2f}s")
            except BuildError as exc:  # invalid documents too: their problems are the diagnostics
                report(f"not rebuilt: {exc.summary}")
                for problem in exc.problems:
                    report(f"  {problem}")
    finally:
        server.shutdown()
        server.server_close()
        observer.stop()
        observer.join()
