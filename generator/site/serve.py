"""Live preview: build once, serve over HTTP, and rebuild what changed when a document changes."""

from __future__ import annotations

import functools
import http.server
import shutil
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from generator.site.build import BuildError, BuildOptions, generate, run_mkdocs


@dataclass
class Rebuild:
    """One rebuild: how long it took and how many files of the docs tree changed."""

    seconds: float
    written: int


class Preview:
    """A site folder kept up to date by incremental builds (mkdocs' dirty mode, same plugins)."""

    def __init__(self, options: BuildOptions) -> None:
        self.options = options
        self._config: Any = None

    def full(self) -> Rebuild:
        started = time.perf_counter()
        _, written = generate(self.options)
        if self.options.out.exists():
            shutil.rmtree(self.options.out)
        self._build(dirty=False)
        return Rebuild(time.perf_counter() - started, written)

    def update(self) -> Rebuild:
        """Re-render the docs tree (only changed files are written) and rebuild only those pages."""
        started = time.perf_counter()
        _, written = generate(self.options)
        if written:
            self._build(dirty=True)
        return Rebuild(time.perf_counter() - started, written)

    def _build(self, *, dirty: bool) -> None:
        from mkdocs.commands.build import build
        from mkdocs.config import load_config

        if self._config is None:
            self._config = load_config(
                config_file=str(self.options.docs / "mkdocs.yml"), site_dir=str(self.options.out.resolve())
            )
            # Material's search keeps its index across dirty rebuilds when told it runs dirty.
            self._config.plugins.on_startup(command="serve", dirty=True)
        if not dirty:
            run_mkdocs(self.options.docs, self.options.out)
            return
        build(self._config, dirty=True)


def serve(
    options: BuildOptions,
    host: str,
    port: int,
    report: Callable[[str], None],
    stop: threading.Event | None = None,
) -> None:
    """Serve the site and rebuild on every change under reviews/ or accounts/ until `stop` is set."""
    from watchdog.events import FileSystemEvent, FileSystemEventHandler
    from watchdog.observers import Observer

    preview = Preview(options)
    first = preview.full()
    report(f"site built in {first.seconds:.1f}s; serving http://{host}:{port}/ (Ctrl-C to stop)")
    changed = threading.Event()

    class OnChange(FileSystemEventHandler):
        def on_any_event(self, event: FileSystemEvent) -> None:
            if str(event.src_path).endswith(".md") or str(getattr(event, "dest_path", "")).endswith(".md"):
                changed.set()

    observer = Observer()
    for folder in ("reviews", "accounts"):
        path = options.root / folder
        if path.is_dir():
            observer.schedule(OnChange(), str(path), recursive=True)
    observer.start()
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(options.out))
    server = http.server.ThreadingHTTPServer((host, port), handler)
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
            except BuildError as exc:
                report(f"not rebuilt: {exc.summary}")
                for problem in exc.problems:
                    report(f"  {problem}")
    finally:
        server.shutdown()
        observer.stop()
        observer.join()
