"""`handbook serve`: the live preview (generator.site.serve), with the flags of `handbook build`."""

from __future__ import annotations

import argparse

from generator.commands.build import options_from, report_failure, site_flags
from generator.errors import Exit, UsageError
from generator.site.build import BuildError


def register(subcommands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    serve = subcommands.add_parser("serve", help="live preview that rebuilds when a document changes")
    site_flags(serve)
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.set_defaults(run=_serve)


def _serve(args: argparse.Namespace) -> int:
    from generator.site import engine
    from generator.site.build import chosen_engine
    from generator.site.serve import serve

    options = options_from(args)
    try:
        chosen = chosen_engine(options)
    except BuildError as exc:
        return report_failure(exc)
    if not engine.running(chosen):
        try:
            engine.restart_under(chosen, _argv_of(args, chosen))
        except (ValueError, engine.EngineMissing) as exc:
            raise UsageError(str(exc)) from None
    try:
        serve(options, args.host, args.port, lambda line: print(line, flush=True))
    except BuildError as exc:
        return report_failure(exc)
    except OSError as exc:
        raise UsageError(f"cannot serve on {args.host}:{args.port}: {exc.strerror or exc}") from None
    return Exit.OK


def _argv_of(args: argparse.Namespace, chosen: str) -> list[str]:
    """This serve's command line, as parsed, for the same command under another engine."""
    argv = ["serve", "--engine", chosen, "--host", args.host, "--port", str(args.port)]
    for flag in ("root", "out", "docs", "ledger", "today", "repo_url", "site_url"):
        value = getattr(args, flag)
        if value is not None:
            argv += [f"--{flag.replace('_', '-')}={value}"]
    return argv
