"""The `handbook` command: `main` parses the command line and is the one place where failures become
exit codes and messages. Each command is a module here exposing `register(subcommands)`; it parses
flags and calls into the pipeline (documents, site, signoff, notify, authoring); nothing outside this
package imports it."""

from __future__ import annotations

import argparse
import contextlib
import importlib
import os
import sys
from collections.abc import Callable, Sequence
from typing import Any

from generator import __version__, collector
from generator.errors import Exit, HandbookError

# Only the standard library and light modules at import time: Ctrl-C during start-up lands in main().

Register = Callable[["argparse._SubParsersAction[argparse.ArgumentParser]"], None]
# command -> the module exposing `register(subcommands)`, in the order help lists them. Only the module
# of the command being run is imported (start-up time on every pull request).
COMMAND_MODULES = {
    "validate": "generator.commands.validate",
    "schema": "generator.commands.schema",
    "new": "generator.commands.new",
    "demo": "generator.commands.demo",
    "build": "generator.commands.build",
    "serve": "generator.commands.serve",
    "signoff": "generator.commands.signoff",
    "remind": "generator.commands.remind",
    "protect": "generator.commands.protect",
    "notify": "generator.commands.notify",
}


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
    """The whole command line, or (given a command) only what that command needs."""
    parser: argparse.ArgumentParser = _Parser(
        prog="handbook", description="Tech reviews and account plans as code."
    )
    parser.add_argument("--version", action="version", version=f"handbook {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    for register in _registrars(command):
        register(commands)
    return parser


def _registrars(command: str | None) -> list[Register]:
    """The `register` functions the command line needs: the command's own, or all for help."""
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


def run(argv: Sequence[str] | None = None) -> int:
    """The `handbook` program (its console script and `python -m generator`): `main`, in a process that
    ends when it returns."""
    # Pydantic looks for plugins in every installed package's metadata before it builds its first
    # model: a hundredth of a second of every run, for plugins this program never uses.
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    code = main(argv)
    collector.before_exit()
    return code


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
