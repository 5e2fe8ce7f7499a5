"""The engine that turns the docs tree into the site: MkDocs (the default) or ProperDocs.

ProperDocs is a drop-in fork of MkDocs 1.6 by its original maintainers; Material works with it
unchanged. It takes MkDocs' place by redirecting every `mkdocs.*` import to `properdocs.*`, which
must happen before anything imports mkdocs, so a ProperDocs build runs in a child process of its own
(`python -m generator.site.engine`) that does exactly what an in-process build does (the site's plugin
object, the build's link index) and reports back as JSON.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, get_args

from generator import ENGINE_FIRST
from generator.process.config import DEFAULT as DEFAULT_CONFIG
from generator.process.config import SiteEngine

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


def dismiss(child: subprocess.Popen[str]) -> None:
    """A spawned child that will not be given a build: stopped (it has only been importing) and reaped."""
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
    spawned: subprocess.Popen[str] | None = None,
) -> subprocess.Popen[str]:
    """A child process building the docs tree with `engine` (all of it, or one share of its pages):
    `spawned` (made by `spawn` for this engine), or a new one."""
    request: dict[str, Any] = {"docs": str(docs), "site": str(site_dir), "links": links}
    if share is not None:
        request["share"] = [share[0], sorted(share[1])]
    child = spawned or spawn(engine)
    assert child.stdin is not None
    child.stdin.write(json.dumps(request))
    child.stdin.close()
    child.stdin = None  # sent: `communicate` only reads its answer
    return child


def finish_child(child: subprocess.Popen[str]) -> dict[str, Any]:
    """What a child build reported: its warnings, or why it failed."""
    out, err = child.communicate()
    try:
        answer: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
    except (IndexError, ValueError):
        answer = {"summary": "the site could not be built", "problems": [err.strip()[-2000:]]}
    return answer


def _child(engine: str, read: Callable[[], str]) -> int:
    if engine == "properdocs":
        importlib.import_module("properdocs.replacement")  # every mkdocs import from here on is ProperDocs'
    from generator.site.build import BuildError, run_mkdocs
    from generator.site.links import LinkIndex
    from generator.site.plugin import Share

    text = read()
    if not text:
        return 0  # dismissed: the build needed no child after all
    request = json.loads(text)
    links = LinkIndex(request["links"]) if request["links"] is not None else None
    share = Share(request["share"][0], frozenset(request["share"][1])) if "share" in request else None
    try:
        built: list[str] = []
        warnings = run_mkdocs(
            Path(request["docs"]), Path(request["site"]), links=links, share=share, built=built
        )
    except BuildError as exc:
        print(json.dumps({"summary": exc.summary, "problems": exc.problems, "broken": exc.broken_links}))
        return 1
    print(json.dumps({"warnings": warnings, "built": built}))
    return 0


if __name__ == "__main__":
    raise SystemExit(_child(sys.argv[1], sys.stdin.read))
