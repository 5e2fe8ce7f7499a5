"""Live preview: build once, serve over HTTP, and rebuild only what a change touched.

A rebuild re-reads only the documents whose file changed (by modification time, size and inode),
re-runs the cross-document rules over all of them (cheap), re-renders the pages whose inputs changed
(the changed documents' pages, the pages of their accounts and related reviews, and the lists,
dashboards and people pages), writes the files whose text changed, and lets mkdocs rebuild only those
pages (its dirty mode, with the same configuration and plugins kept between builds).
"""

from __future__ import annotations

import datetime as dt
import http.server
import json
import os
import shutil
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.documents.diagnostics import Diagnostic, DocumentError
from generator.documents.validate import Checked, Report, read_and_check, validate_repository
from generator.process.calendar import PLAUSIBLE_DATES, using_window
from generator.process.config import FILE_NAME as CONFIG_FILE
from generator.signoff.ledger import Ledger, LedgerError, load_ledger
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
    process_config,
    render_site,
    write_tree,
)
from generator.site.links import LinkIndex
from generator.site.render import PageMemo
from generator.site.sanitize import page_url

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
    again. `report` is `validate_repository(root)` with this cache as its reader."""

    def __init__(self) -> None:
        self._files: dict[Path, tuple[Stamp, bool, Checked | Diagnostic]] = {}
        self._kept: dict[Path, tuple[Stamp, bool, Checked | Diagnostic]] = {}
        self.read = 0  # files read by the last report, for tests and the benchmark

    def report(self, root: Path) -> Report:
        self.read, self._kept = 0, {}
        report = validate_repository(root, read=self)
        self._files = self._kept  # a removed document is forgotten
        return report

    def __call__(self, path: Path, root: Path, *, with_body: bool, today: dt.date | None) -> Checked:
        stamp = _stamp(path)
        cached = self._files.get(path)
        if cached is not None and stamp is not None and cached[:2] == (stamp, with_body):
            item = cached[2]
        else:
            try:
                item = read_and_check(path, root, with_body=with_body, today=today)
            except DocumentError as exc:
                item = exc.diagnostic
            self.read += 1
        self._kept[path] = (stamp, with_body, item)
        if isinstance(item, Diagnostic):
            raise DocumentError(item)
        return item


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
        self._window = PLAUSIBLE_DATES
        self._links: LinkIndex | None = None  # the last render's, for the plugin's check of bodies

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
        build_with(self._mkdocs(), dirty=False, links=self._links)
        (self.options.out / MARKER).write_text(MARKER_TEXT, encoding="utf-8")
        return Rebuild(time.perf_counter() - started, written, self._documents.read, self._memo.rendered)

    def update(self) -> Rebuild:
        """Re-read changed documents, re-render what they touch, and rebuild only the changed pages."""
        if self._config is None:
            return self.full()
        started = time.perf_counter()
        written = self._generate()
        if written:
            build_with(self._config, dirty=True, links=self._links)
        return Rebuild(time.perf_counter() - started, written, self._documents.read, self._memo.rendered)

    def _generate(self) -> int:
        config = process_config(self.options.root)
        window = config.plausible_dates.window
        if window != self._window:  # handbook.yml moved the plausible dates: every document again
            self._documents, self._window = DocumentCache(), window
        with using_window(window):
            report = self._documents.report(self.options.root)
        if not report.ok:
            raise InvalidDocuments(report)
        handbook = handbook_from(report, self._read_ledger(), self.options.today, self.options.root, config)
        self._memo.rendered = 0
        tree, files = render_site(handbook, self.options, self._memo)
        self._links = tree.index
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


# The preview's own address space: the page script and the build status it polls.
LIVE = "/__handbook/"
_LIVE_TAG = b'<script src="/__handbook/live.js"></script>'
# Polls the build status: reloads the page after each rebuild, and shows why a rebuild failed in the
# page itself (as text), until the next good build clears it.
LIVE_SCRIPT = """(function () {
  var seen = null, banner = null;
  function show(problems) {
    if (!problems.length) { if (banner) { banner.remove(); banner = null; } return; }
    if (!banner) {
      banner = document.createElement("div");
      banner.setAttribute("role", "alert");
      banner.style.cssText = "position:fixed;z-index:1000;left:0;right:0;bottom:0;max-height:40vh;" +
        "overflow:auto;padding:.8rem 1rem;background:#b71c1c;color:#fff;font:14px/1.4 monospace;" +
        "white-space:pre-wrap";
      document.body.appendChild(banner);
    }
    banner.textContent = "Not rebuilt (the page shows the last good build):\n" + problems.join("\n");
  }
  function poll() {
    fetch("/__handbook/status", { cache: "no-store" }).then(function (r) { return r.json(); }).then(
      function (status) {
        if (seen !== null && status.build !== seen) { location.reload(); return; }
        seen = status.build;
        show(status.problems);
        setTimeout(poll, 1000);
      },
      function () { setTimeout(poll, 2000); }  // the preview stopped or restarts: keep trying
    );
  }
  poll();
})();
"""


@dataclass
class LiveStatus:
    """What the preview's pages poll: how many builds have been published, and why the last failed."""

    build: int = 0
    problems: list[str] | None = None

    def payload(self) -> bytes:
        return json.dumps({"build": self.build, "problems": self.problems or []}).encode()


def _handler(folder: Path, status: LiveStatus) -> type[http.server.SimpleHTTPRequestHandler]:
    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, directory=str(folder), **kwargs)

        def log_message(self, format: str, *args: Any) -> None:
            pass  # one line per rebuild is enough; a line per request buries them

        def do_GET(self) -> None:
            path = self.path.split("?", 1)[0].split("#", 1)[0]
            if path == f"{LIVE}status":
                self._send(status.payload(), "application/json")
            elif path == f"{LIVE}live.js":
                self._send(LIVE_SCRIPT.encode(), "text/javascript")
            elif path.endswith((".html", "/")):
                self._send_page(path)
            else:
                super().do_GET()

        def _send_page(self, path: str) -> None:
            target = Path(self.translate_path(path))
            if target.is_dir():
                target = target / "index.html"
            try:
                page = target.read_bytes()
            except OSError:
                super().do_GET()  # missing or unreadable: the usual 404 or redirect
                return
            end = page.rfind(b"</body>")
            if end >= 0:
                page = page[:end] + _LIVE_TAG + page[end:]
            self._send(page, "text/html; charset=utf-8")

        def _send(self, body: bytes, kind: str) -> None:
            self.send_response(200)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(body)

    return Handler


def serve(
    options: BuildOptions,
    host: str,
    port: int,
    report: Callable[[str], None],
    stop: threading.Event | None = None,
) -> None:
    """Serve the site and rebuild on every change under reviews/, accounts/ or the process handbook's
    pages (site/handbook) until `stop` is set; served pages reload themselves after each rebuild.
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
    status = LiveStatus()
    server = http.server.ThreadingHTTPServer((host, port), _handler(options.out, status))
    preview = Preview(options)
    report(f"building the site from {options.root} (the first build reads every document)…")
    try:
        first = preview.full()
    except BaseException:
        server.server_close()
        raise
    changed = threading.Event()

    class OnChange(FileSystemEventHandler):
        def on_any_event(self, event: FileSystemEvent) -> None:
            if event.event_type in ("opened", "closed_no_write"):
                return  # reading a file changes nothing
            changed.set()

    status.build += 1

    class OnConfigChange(OnChange):
        def on_any_event(self, event: FileSystemEvent) -> None:
            paths = (event.src_path, getattr(event, "dest_path", ""))
            if any(os.path.basename(os.fsdecode(p)) == CONFIG_FILE for p in paths if p):
                super().on_any_event(event)  # handbook.yml: fiscal quarters, holidays, windows

    observer = Observer()
    for path in (options.root / "reviews", options.root / "accounts", options.source / "handbook"):
        if path.is_dir():
            observer.schedule(OnChange(), str(path), recursive=True)
    observer.schedule(OnConfigChange(), str(options.root), recursive=False)
    observer.start()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    # Said once the watcher runs: a change made as soon as the line appears is not missed.
    report(f"site built in {first.seconds:.1f}s; serving http://{host}:{port}/ (Ctrl-C to stop)")
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
                if result.written or status.problems:
                    status.problems = None
                    status.build += 1
            except BuildError as exc:  # invalid documents too: their problems are the diagnostics
                report(f"not rebuilt: {exc.summary}")
                for problem in exc.problems:
                    report(f"  {problem}")
                status.problems = [exc.summary, *exc.problems]
    finally:
        server.shutdown()
        server.server_close()
        observer.stop()
        observer.join()
