"""The `handbook` command: argument parsing only; each subcommand calls into a pipeline module."""

from __future__ import annotations

import argparse
import contextlib
import importlib
import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from generator import __version__
from generator.actions import append_step_summary
from generator.commands.options import root_flag, root_of
from generator.documents.diagnostics import FORMATTERS, format_step_summary, summarize
from generator.errors import Exit, HandbookError, UsageError

# Only the standard library and light modules at import time: Ctrl-C during start-up lands in main().

Register = Callable[["argparse._SubParsersAction[argparse.ArgumentParser]"], None]
# Commands that live with their own pipeline: command -> module exposing `register(subcommands)`.
# Only the module of the command being run is imported (start-up time on every pull request).
COMMAND_MODULES = {
    "new": "generator.commands.new",
    "demo": "generator.commands.demo",
    "build": "generator.commands.site",
    "serve": "generator.commands.site",
    "signoff": "generator.commands.signoff",
    "remind": "generator.commands.remind",
    "protect": "generator.commands.protect",
    "notify": "generator.commands.notify",
}
BUILT_IN = ("validate", "schema")


def _validate(args: argparse.Namespace) -> int:
    from generator.documents.validate import validate_repository

    root = root_of(args)
    targets = _expand(args.paths, root) if args.paths else None
    report = validate_repository(root, targets)
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


def _schema(args: argparse.Namespace) -> int:
    from generator.documents.load import display_path
    from generator.documents.models import MODELS, json_schema
    from generator.process import config

    def schema_of(kind: str) -> dict[str, object]:
        return config.json_schema() if kind == "config" else json_schema(kind)

    kinds = [args.kind] if args.kind else [*MODELS, "config"]
    if args.out:
        out = Path(args.out)
        out.mkdir(parents=True, exist_ok=True)
        for kind in kinds:
            target = out / f"{kind}.schema.json"
            target.write_text(json.dumps(schema_of(kind), indent=2) + "\n", encoding="utf-8")
            print(display_path(target))
        return Exit.OK
    # Printed without a kind: the documents' front matter (`handbook schema config` prints handbook.yml's).
    payload = schema_of(kinds[0]) if args.kind else {kind: schema_of(kind) for kind in MODELS}
    sys.stdout.write(json.dumps(payload, indent=2) + "\n")
    return Exit.OK


class _Parser(argparse.ArgumentParser):
    """argparse, except that `--title=--` gives the value "--": Python 3.11's argparse drops a "--"
    written as an option's own value and hands the command [] in place of a string."""

    def _get_values(self, action: argparse.Action, arg_strings: list[str]) -> Any:
        if action.nargs is None and action.option_strings and arg_strings == ["--"]:
            value = self._get_value(action, "--")
            self._check_value(action, value)
            return value
        return super()._get_values(action, arg_strings)


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The whole command line, or (given a built-in command) only what that command needs."""
    parser: argparse.ArgumentParser = _Parser(
        prog="handbook", description="Tech reviews and account plans as code."
    )
    parser.add_argument("--version", action="version", version=f"handbook {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    validate = commands.add_parser("validate", help="check documents (all of them when no path is given)")
    validate.add_argument("paths", nargs="*", metavar="PATH", help="document files or folders")
    root_flag(validate)
    validate.add_argument("--format", choices=sorted(FORMATTERS), default="text")
    validate.set_defaults(run=_validate)

    schema = commands.add_parser(
        "schema", help="print the JSON Schema of the front matter (config: of handbook.yml; --out: all)"
    )
    schema.add_argument("kind", nargs="?", choices=["review", "account", "config"])
    schema.add_argument("--out", metavar="DIR", help="write <kind>.schema.json files into DIR")
    schema.set_defaults(run=_schema)

    for register in _registrars(command):
        register(commands)
    return parser


def _registrars(
    command: str | None,
) -> list[Callable[[argparse._SubParsersAction[argparse.ArgumentParser]], None]]:
    """The `register` functions the command line needs: the command's own, or all for help."""
    if command in BUILT_IN:
        return []
    names = [COMMAND_MODULES[command]] if command in COMMAND_MODULES else COMMAND_MODULES.values()
    return [importlib.import_module(name).register for name in dict.fromkeys(names)]


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; the only place where failures become exit codes and messages."""
    _never_fail_to_print()
    command: str | None = None
    try:
        words = sys.argv[1:] if argv is None else argv
        command = next((word for word in words if not word.startswith("-")), None)
        args = build_parser(command).parse_args(argv)
        return int(args.run(args))
    except HandbookError as exc:
        # A usage error, GitHub failing, a broken handbook.yml, nothing written: its lines, its code.
        for line in exc.lines(command):
            print(line, file=sys.stderr)
        return int(exc.exit_code)
    except BrokenPipeError:
        return int(Exit.OK)
    except KeyboardInterrupt:
        # Wherever it lands (imports, parsing, the work itself): one line, never a traceback.
        with contextlib.suppress(OSError, ValueError):
            print("handbook: interrupted", file=sys.stderr)
        return int(Exit.INTERRUPTED)


def _never_fail_to_print() -> None:
    """What the terminal's encoding cannot show (a file name that is not UTF-8, an ASCII-only terminal)
    is written escaped instead of losing all output to a UnicodeEncodeError."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            with contextlib.suppress(ValueError, OSError):  # else the stream keeps its own policy
                reconfigure(errors="backslashreplace")


if __name__ == "__main__":
    raise SystemExit(main())
