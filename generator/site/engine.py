"""The engine that turns the docs tree into the site: MkDocs (the default) or ProperDocs.

ProperDocs is a drop-in fork of MkDocs 1.6 by its original maintainers; Material works with it
unchanged. It takes MkDocs' place by redirecting every `mkdocs.*` import to `properdocs.*`, which
must happen before anything imports mkdocs, so a ProperDocs build runs in a child process of its own
(`python -m generator.site.engine`) that does exactly what an in-process build does (the site's plugin
object, the build's link index) and reports back as JSON.
"""

from __future__ import annotations

import contextlib
import functools
import importlib.util
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, get_args

from generator import ENGINE_FIRST
from generator.documents import workers as workers_of
from generator.documents.workers import WorkApart
from generator.process.config import DEFAULT as DEFAULT_CONFIG
from generator.process.config import SiteEngine

if TYPE_CHECKING:
    from generator.site.rebuild import InPlace

ENGINES: tuple[str, ...] = get_args(SiteEngine)
DEFAULT: str = DEFAULT_CONFIG.site_engine


class EngineMissing(Exception):
    """The chosen engine is not installed."""


def check(engine: str) -> None:
    """An engine `handbook build` can use, or EngineMissing saying how to install it."""
    if engine not in ENGINES:
        raise ValueError(f"unknown engine {engine!r}: choose {' or '.join(ENGINES)}")
    if engine != DEFAULT and importlib.util.find_spec(engine) is None:
        raise EngineMissing(f"the {engine} engine is not installed (pip install {engine})")


def running(engine: str) -> bool:
    """Whether this process's mkdocs is `engine` (ProperDocs takes mkdocs' place only when its
    replacement is imported before anything imports mkdocs)."""
    mkdocs = sys.modules.get("mkdocs")
    under_properdocs = mkdocs is not None and mkdocs is sys.modules.get("properdocs")
    return under_properdocs == (engine == "properdocs")


def restart_under(engine: str, argv: list[str]) -> None:
    """Replace this process by `handbook ARGV` with `engine` in mkdocs' place from its first import
    (the live preview builds in its own process, so it cannot switch engines once mkdocs is loaded)."""
    check(engine)
    sys.stdout.flush()
    sys.stderr.flush()
    os.execv(sys.executable, [sys.executable, "-m", "generator", ENGINE_FIRST, engine, *argv])


class Forked:
    """This process, forked before the documents are read, waiting to build what it is sent with
    MkDocs (see `fork`); the same requests and answers as a child process `spawn` starts."""

    def __init__(self, begun: WorkApart[dict[str, Any] | None], request: int) -> None:
        self.begun = begun
        self.request: int | None = request  # the pipe a request is written to, until it is sent
        self.prepared = False

    @property
    def pid(self) -> int | None:
        return self.begun.pid

    def send(self, request: dict[str, Any]) -> None:
        assert self.request is not None
        with os.fdopen(self.request, "wb") as stream:
            self.request = None
            stream.write(json.dumps(request).encode("utf-8") + b"\n")

    def prepare(self, docs: Path, site_dir: Path) -> None:
        """Have the child compile the theme's templates now (build.warm_templates), before its build
        (once: asked again, it has done it already)."""
        if self.request is not None and not self.prepared:
            self.prepared = True
            with contextlib.suppress(OSError):  # a child gone already says so when asked for its answer
                os.write(self.request, json.dumps({"prepare": [str(docs), str(site_dir)]}).encode() + b"\n")

    def answer(self) -> dict[str, Any]:
        found = self.begun.result()
        return found if found is not None else {"summary": "the site could not be built", "problems": []}

    def dismiss(self) -> None:
        if self.request is not None:
            os.close(self.request)
            self.request = None
        self.begun.cancel()


Child = subprocess.Popen[str] | Forked


def fork() -> Forked | None:
    """A copy of this process that builds with MkDocs what it is later sent: it starts with this
    process's imports, where a child `spawn` starts would spend its first 0.3 s importing them again
    (ProperDocs must take mkdocs' place before anything imports it: its child is always spawned). None
    where a fork is unsafe or impossible (documents.workers.apart)."""
    reading, writing = os.pipe()
    workers_of.widen(writing)  # a large site's request is sent while the child still compiles templates
    begun = workers_of.apart(functools.partial(_build_when_asked, reading, writing))
    os.close(reading)
    if not begun.begun:
        os.close(writing)
        return None
    return Forked(begun, writing)


def _build_when_asked(reading: int, writing: int) -> dict[str, Any] | None:
    """In the forked copy: the request (one line; none when the pipe closes first), built."""
    os.close(writing)
    with os.fdopen(reading, "rb") as stream:
        while True:
            line = stream.readline()
            if not line.endswith(b"\n"):
                return None  # dismissed: the build needed no child after all
            request = json.loads(line)
            if "prepare" not in request:
                break
            _warm(*request["prepare"])
    try:
        return answer(request)
    except Exception as exc:  # reported like a spawned child's traceback, never lost in the fork
        return {"summary": "the site could not be built", "problems": [f"{type(exc).__name__}: {exc}"]}


def _warm(docs: str, site_dir: str) -> None:
    from generator.site.build import warm_templates

    try:
        warm_templates(Path(docs), Path(site_dir))
    except Exception:  # only a head start: the build compiles what is missing, and says what is wrong
        return


def prepare(child: Child, docs: Path, site_dir: Path) -> None:
    """The docs tree's engine files are written: a forked child compiles the theme's templates while
    the pages are written (a spawned one has nothing to do before its request)."""
    if isinstance(child, Forked):
        child.prepare(docs, site_dir)


def spawn(engine: str) -> subprocess.Popen[str]:
    """A child process that loads `engine` (and the site's plugin) now, then waits for what to build:
    started before the documents are read, its second or so of imports overlaps the build's own work."""
    return subprocess.Popen(
        [sys.executable, "-m", "generator.site.engine", engine],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def dismiss(child: Child) -> None:
    """A spawned child that will not be given a build: stopped (it has only been importing) and reaped."""
    if isinstance(child, Forked):
        child.dismiss()
        return
    if child.stdin is not None:
        child.kill()
        child.stdin.close()
        child.stdin = None
    child.communicate()


def start_child(
    engine: str,
    docs: Path,
    site_dir: Path,
    links: list[str] | None,
    share: tuple[int, frozenset[str]] | None = None,
    spawned: Child | None = None,
) -> Child:
    """A child process building the docs tree with `engine` (all of it, or one share of its pages):
    `spawned` (made by `spawn` or, for MkDocs, `fork`), or a new one."""
    request: dict[str, Any] = {"docs": str(docs), "site": str(site_dir), "links": links}
    if share is not None:
        request["share"] = [share[0], sorted(share[1])]
    child = spawned or spawn(engine)
    if isinstance(child, Forked):
        child.send(request)
        return child
    assert child.stdin is not None
    child.stdin.write(json.dumps(request))
    child.stdin.close()
    child.stdin = None  # sent: `communicate` only reads its answer
    return child


def start_rebuild(child: Forked, job: InPlace) -> Forked:
    """A forked child doing the rebuild in place `job` (build.rebuild_in_place)."""
    child.send(
        {
            "docs": str(job.docs),
            "site": str(job.staging),
            "links": sorted(job.links.paths) if job.links is not None else None,
            "rebuild": {"out": str(job.out), "files": job.before[0], "site": job.before[1], "now": job.now},
        }
    )
    return child


def finish_child(child: Child) -> dict[str, Any]:
    """What a child build reported: its warnings, or why it failed."""
    if isinstance(child, Forked):
        return child.answer()
    out, err = child.communicate()
    try:
        answer: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
    except (IndexError, ValueError):
        answer = {"summary": "the site could not be built", "problems": [err.strip()[-2000:]]}
    return answer


def answer(request: dict[str, Any]) -> dict[str, Any]:
    """One child's build of the docs tree (all of it, or its share), as the answer it reports."""
    from generator.site.build import BuildError, rebuild_in_place, run_mkdocs
    from generator.site.links import LinkIndex
    from generator.site.plugin import Share
    from generator.site.rebuild import InPlace

    links = LinkIndex(request["links"]) if request["links"] is not None else None
    share = Share(request["share"][0], frozenset(request["share"][1])) if "share" in request else None
    try:
        built: list[str] = []
        if "rebuild" in request:
            again = request["rebuild"]
            job = InPlace(
                Path(again["out"]),
                Path(request["docs"]),
                Path(request["site"]),
                (again["files"], again["site"]),
                again["now"],
                links,
            )
            warnings = rebuild_in_place(job)
            return {"warnings": warnings}
        warnings = run_mkdocs(
            Path(request["docs"]), Path(request["site"]), links=links, share=share, built=built
        )
    except BuildError as exc:
        return {"summary": exc.summary, "problems": exc.problems, "broken": exc.broken_links}
    return {"warnings": warnings, "built": built}


def _child(engine: str, read: Callable[[], str]) -> int:
    if engine == "properdocs":
        importlib.import_module("properdocs.replacement")  # every mkdocs import from here on is ProperDocs'
    import generator.site.build  # noqa: F401 - imported while the parent reads the documents

    text = read()
    if not text:
        return 0  # dismissed: the build needed no child after all
    found = answer(json.loads(text))
    print(json.dumps(found))
    return 0 if "warnings" in found else 1


if __name__ == "__main__":
    raise SystemExit(_child(sys.argv[1], sys.stdin.read))
