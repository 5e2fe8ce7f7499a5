"""`handbook validate [PATH...]`: check documents (generator.documents.validate) and print the faults."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from generator.actions import append_step_summary
from generator.commands.options import root_flag, root_of
from generator.documents.diagnostics import FORMATTERS, format_step_summary, summarize
from generator.errors import Exit, UsageError


def register(subcommands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    validate = subcommands.add_parser("validate", help="check documents (all of them when no path is given)")
    validate.add_argument("paths", nargs="*", metavar="PATH", help="document files or folders")
    root_flag(validate)
    validate.add_argument("--format", choices=sorted(FORMATTERS), default="text")
    validate.set_defaults(run=_validate)


def _validate(args: argparse.Namespace) -> int:
    from generator.documents.presearch import PullRequestSearch
    from generator.documents.workers import default_workers

    root = root_of(args)
    targets = _expand(args.paths, root) if args.paths else None
    workers = default_workers()
    # Named documents in a repository worth two processes: their search of the other files begins
    # now, while the models are imported.
    early = PullRequestSearch(root, targets) if targets and workers > 1 else None
    try:
        from generator.documents.validate import validate_repository

        searched = early.result if early is not None else None
        report = validate_repository(
            root, targets, workers=workers, keep_models=False, narrow=True, searched=searched
        )
    finally:
        if early is not None:
            early.cancel()
    summary = summarize(report.documents, report.diagnostics)
    sys.stdout.write(FORMATTERS[args.format](report.diagnostics, summary))
    if args.format == "github":
        append_step_summary(format_step_summary(report.diagnostics, summary))
    return Exit.OK if report.ok else Exit.FAILED


def _expand(paths: Sequence[str], root: Path) -> list[Path]:
    """Files as given; folders become everything in them (documents, the files beside them, and links,
    pipes or folders named like documents, which validation reports), links not followed."""
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir() and not path.is_symlink():
            for folder, subfolders, names in os.walk(path):
                here = Path(folder)
                named_like_documents = [name for name in subfolders if name.endswith(".md")]
                subfolders[:] = sorted(name for name in subfolders if not name.endswith(".md"))
                for name in sorted([*names, *named_like_documents]):
                    if not name.startswith(".") or name.endswith(".md"):
                        found.append(here / name)
        elif path.exists() or path.is_symlink():
            found.append(path)  # the loader refuses, with a message, what is not a regular file
        else:
            raise UsageError(f"{raw}: no such file or folder")
    return found
