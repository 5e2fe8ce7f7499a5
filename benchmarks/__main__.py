"""Run the benchmarks named on the command line (`validate` runs bench_validate.py), or the default ones.

`python -m benchmarks` (make bench) runs issue 15's table (bench_site.py: validate and build against
their anchors at 1,000, 5,000 and 10,000 documents) and the page sizes (bench_pages.py);
`--sizes 1000` (or HANDBOOK_BENCH_SIZES=1000) measures fewer sizes for a quick run.
"""

from __future__ import annotations

import importlib
import os
import pkgutil
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

PREFIX = "bench_"
# bench_validate.py's steps are rows of bench_site.py's table: run it by name for its breakdown.
DEFAULT = ("site", "pages")


def available() -> list[str]:
    """Names of the `bench_*.py` modules next to this file, in a stable order."""
    folder = str(Path(__file__).parent)
    return sorted(
        m.name.removeprefix(PREFIX) for m in pkgutil.iter_modules([folder]) if m.name.startswith(PREFIX)
    )


def compile_like_an_install(package: Path | None = None) -> None:
    """Our package's bytecode written before anything is timed, as pip writes an installed package's
    (mkdocs' and Material's, the anchor's, have theirs). Where PYTHONDONTWRITEBYTECODE is set (this
    machine's shells set it), every timed run would otherwise compile anew each module changed since
    its .pyc was last written."""
    import compileall

    import generator

    compileall.compile_dir(str(package or Path(generator.__file__).parent), quiet=1)


def main(argv: Sequence[str] | None = None) -> int:
    names = list(sys.argv[1:] if argv is None else argv)
    known = available()
    if any(name in ("-h", "--help") for name in names):
        print(
            f"usage: python -m benchmarks [--sizes N,N...] [{'|'.join(known)}]...  "
            f"(no name: {' and '.join(DEFAULT)})"
        )
        return 0
    for flag in [name for name in names if name.startswith("--sizes")]:
        index = names.index(flag)
        value = flag.partition("=")[2] or (names[index + 1] if index + 1 < len(names) else "")
        del names[index : index + (1 if "=" in flag else 2)]
        if not all(part.strip().isdigit() for part in value.split(",")):
            print(f"benchmarks: --sizes wants sizes like 1000,5000, not {value!r}", file=sys.stderr)
            return 2
        os.environ["HANDBOOK_BENCH_SIZES"] = value
    unknown = [name for name in names if name not in known]
    if unknown:
        print(
            f"benchmarks: unknown benchmark {', '.join(unknown)}; known: {', '.join(known)}", file=sys.stderr
        )
        return 2
    compile_like_an_install()
    worst = 0
    for name in names or DEFAULT:
        run: Callable[[], int] = importlib.import_module(f"benchmarks.{PREFIX}{name}").main
        print(f"== {name} ==", flush=True)
        worst = max(worst, run())
    return worst


if __name__ == "__main__":
    raise SystemExit(main())
