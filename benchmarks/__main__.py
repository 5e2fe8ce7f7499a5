"""Run the benchmarks named on the command line (`validate` runs bench_validate.py), or all of them."""

from __future__ import annotations

import importlib
import pkgutil
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

PREFIX = "bench_"


def available() -> list[str]:
    """Names of the `bench_*.py` modules next to this file, in a stable order."""
    folder = str(Path(__file__).parent)
    return sorted(
        m.name.removeprefix(PREFIX) for m in pkgutil.iter_modules([folder]) if m.name.startswith(PREFIX)
    )


def main(argv: Sequence[str] | None = None) -> int:
    names = list(sys.argv[1:] if argv is None else argv)
    known = available()
    if any(name in ("-h", "--help") for name in names):
        print(f"usage: python -m benchmarks [{'|'.join(known)}]...  (no name: all of them)")
        return 0
    unknown = [name for name in names if name not in known]
    if unknown:
        print(
            f"benchmarks: unknown benchmark {', '.join(unknown)}; known: {', '.join(known)}", file=sys.stderr
        )
        return 2
    worst = 0
    for name in names or known:
        run: Callable[[], int] = importlib.import_module(f"benchmarks.{PREFIX}{name}").main
        print(f"== {name} ==", flush=True)
        worst = max(worst, run())
    return worst


if __name__ == "__main__":
    raise SystemExit(main())
