"""`handbook build`: validate the documents and build the site (generator.site.build); the flags
`handbook serve` shares."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from generator.actions import append_step_summary
from generator.commands.options import check_web_addresses, root_flag, root_of, today_of
from generator.documents.diagnostics import FORMATTERS, format_step_summary, sort_diagnostics, summarize
from generator.documents.load import display_path
from generator.errors import Exit, UsageError
from generator.site.build import (
    BuildError,
    BuildOptions,
    FolderProblem,
    InvalidDocuments,
    check_output_folder,
    folder_problem,
)
from generator.site.engine import DEFAULT as DEFAULT_ENGINE
from generator.site.engine import ENGINES
from generator.site.index import Attention
from generator.site.render import SITE_SOURCE

_PROGRESS_FROM = 200  # pages; smaller builds finish before a bar is worth drawing


def register(subcommands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    build = subcommands.add_parser("build", help="validate the documents and build the handbook site")
    site_flags(build)
    build.add_argument("--quiet", action="store_true", help="no progress bar")
    build.add_argument(
        "--needs-attention",
        action="store_true",
        help="publish every valid document and list the invalid ones on a 'Needs attention' page, "
        "instead of building nothing (the publish workflow's mode)",
    )
    build.add_argument("--format", choices=sorted(FORMATTERS), default="text", help="how faults are printed")
    build.set_defaults(run=_build)


def site_flags(parser: argparse.ArgumentParser) -> None:
    """The flags of `build` and `serve`: where the repository, the site and the ledger are."""
    root_flag(parser)
    parser.add_argument("--out", metavar="DIR", help="where the site goes (default: ROOT/build/site)")
    parser.add_argument("--docs", metavar="DIR", help="the generated docs tree (default: ROOT/build/docs)")
    parser.add_argument("--ledger", metavar="PATH", help="sign-off ledger (default: ROOT/build/ledger.json)")
    parser.add_argument(
        "--today", metavar="YYYY-MM-DD", help="the date dashboards count from (default: today)"
    )
    parser.add_argument("--repo-url", metavar="URL", help="GitHub repository for 'edit this page' links")
    parser.add_argument("--site-url", metavar="URL", help="public address of the site (for the feed)")
    parser.add_argument(
        "--engine",
        choices=ENGINES,
        help=f"what builds the site from the docs tree (default: handbook.yml's site_engine, else "
        f"{DEFAULT_ENGINE}; ProperDocs, the fork of MkDocs 1.6 by its maintainers, needs `pip install "
        "properdocs`)",
    )


def options_from(args: argparse.Namespace) -> BuildOptions:
    root = root_of(args)
    today = today_of(args)
    out = Path(args.out) if args.out else root / "build" / "site"
    docs = Path(args.docs) if args.docs else root / "build" / "docs"
    for flag, given, folder in (("--out", args.out, out), ("--docs", args.docs, docs)):
        shown = given if given is not None else display_path(folder)
        problem = folder_problem(folder, root, SITE_SOURCE)
        if problem:
            raise UsageError(f"{flag} {shown}: {problem} (choose a folder of its own, like build/site)")
        try:
            check_output_folder(folder)
        except FolderProblem as exc:
            raise UsageError(f"{flag} {shown}: {exc.summary} ({'; '.join(exc.problems)})") from None
    if docs.resolve().is_relative_to(out.resolve()) or out.resolve().is_relative_to(docs.resolve()):
        raise UsageError("--docs and --out must be separate folders, neither inside the other")
    check_web_addresses(args)
    return BuildOptions(
        root=root,
        out=out,
        docs=docs,
        ledger=Path(args.ledger) if args.ledger else root / "build" / "ledger.json",
        today=today,
        repo_url=args.repo_url,
        site_url=args.site_url,
        needs_attention=getattr(args, "needs_attention", False),
        engine=getattr(args, "engine", None),
    )


def _build(args: argparse.Namespace) -> int:
    from generator.site.build import build_site

    options = options_from(args)
    bar = _ProgressBar() if not args.quiet and sys.stderr.isatty() else None
    try:
        result = build_site(options, progress=bar.update if bar else None)
    except BuildError as exc:
        return report_failure(exc, args.format)
    finally:
        if bar:
            bar.close()
    for warning in result.warnings:
        print(f"mkdocs: {warning}", file=sys.stderr)
    if result.attention:
        _report_attention(result.attention, args.format)
    total = sum(result.seconds.values())
    print(f"site built: {_shown(result.site)} ({result.pages} pages, {total:.1f}s)")
    print(f"open {_shown(result.site / 'index.html')}")
    return Exit.OK


def _shown(path: Path) -> str:
    """Relative to the working directory when inside it, absolute otherwise."""
    absolute = path.resolve()
    try:
        return absolute.relative_to(Path.cwd()).as_posix()
    except ValueError:
        return absolute.as_posix()


def _report_attention(attention: list[Attention], output: str) -> None:
    """The faults of a site built in the needs-attention mode: printed (annotations in Actions) and
    added to the job summary, then one line saying where they are listed."""
    diagnostics = sort_diagnostics(d for item in attention for d in item.diagnostics)
    summary = summarize(len(attention), diagnostics)
    sys.stdout.write(FORMATTERS[output](diagnostics, summary))
    if output == "github":
        append_step_summary(format_step_summary(diagnostics, summary))
    count = len(attention)
    what = "documents" if all(item.path.endswith(".md") for item in attention) else "files"
    what = what[:-1] if count == 1 else what
    print(
        f"{count} {what} {'needs' if count == 1 else 'need'} attention: see dashboards/needs-attention.html"
    )


def report_failure(exc: BuildError, output: str = "text") -> int:
    """Why the site was not built: the documents' faults, or the build's problems."""
    if isinstance(exc, InvalidDocuments):
        report = exc.report
        summary = summarize(report.documents, report.diagnostics)
        sys.stdout.write(FORMATTERS[output](report.diagnostics, summary))
        if output == "github":
            append_step_summary(format_step_summary(report.diagnostics, summary))
        print("handbook: the site was not built: fix the documents above first", file=sys.stderr)
        return Exit.FAILED
    print(f"handbook: the site was not built: {exc.summary}", file=sys.stderr)
    for problem in exc.problems:
        print(f"  {problem}", file=sys.stderr)
    return Exit.FAILED


class _ProgressBar:
    """A rich progress bar that appears only once mkdocs says the build is long."""

    def __init__(self) -> None:
        self._progress: Any = None
        self._task: Any = None

    def update(self, done: int, total: int) -> None:
        if total < _PROGRESS_FROM:
            return
        if self._progress is None:
            from rich.progress import Progress as Bar

            self._progress = Bar(transient=True)
            self._progress.start()
            self._task = self._progress.add_task("rendering pages", total=total)
        self._progress.update(self._task, completed=done)

    def close(self) -> None:
        if self._progress is not None:
            self._progress.stop()
