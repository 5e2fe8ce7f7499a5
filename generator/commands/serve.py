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
    from generator.site.serve import serve

    options = options_from(args)
    try:
        serve(options, args.host, args.port, lambda line: print(line, flush=True))
    except BuildError as exc:
        return report_failure(exc)
    except OSError as exc:
        raise UsageError(f"cannot serve on {args.host}:{args.port}: {exc.strerror or exc}") from None
    return Exit.OK
