"""Issue 15's table, in one run: every row against its anchor, cold and warm apart, with peak memory.

For each size (1,000, 5,000 and 10,000 documents by default; `--sizes` or HANDBOOK_BENCH_SIZES),
`handbook demo` writes a repository (80% reviews, 20% account plans), committed to git. Then, each
step a child process timed from start to exit, with its own peak resident memory (wait4):

- validate: the floor (read every file, split the front matter, `yaml.load(..., CSafeLoader)`;
  benchmarks/bench_validate.py) against `handbook validate`; the same corpus with `&` in every title
  and account name against its own floor; a pull request's 5 files against the full run.
- build: `handbook build` against the anchor, plain mkdocs-material on the same raw documents: the
  `reviews/` and `accounts/` files copied into `docs/`, a one-line `index.md`, `theme: material`,
  `plugins: [search]`, `not_in_nav: /reviews/ /accounts/` (its best configuration).
- cold: a fresh clone of the repository, and fresh HOME, XDG_CACHE_HOME and TMPDIR folders (no cache
  of any kind); warm: the same command again in the same clone with the same folders.
- each step is the best of a few samples, with the highest peak memory of them: the validate steps, a
  few seconds each, of SAMPLES; the builds of BUILD_SAMPLES, the anchor's and ours in turn (each cold
  one in a fresh clone and environment of its own).
- rebuild: one review's body edited in each build sample's clone after its warm build, then `handbook
  build` again (the best of those samples); against the best cold build.
- growth: the cold build at each size against the cold build at the first size.
- serve: at the first size, one review edited under the live preview, against its full build.
The machine is shared: ratios within one run mean more than the seconds.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from benchmarks import bench_validate

TODAY = "2026-11-23"
SEED = "1"
DEFAULT_SIZES = (1_000, 5_000, 10_000)
# Each validate step (seconds long) is taken at its best of SAMPLES samples, each build step (the
# anchor's and ours, in turn) at its best of BUILD_SAMPLES.
SAMPLES = 3
BUILD_SAMPLES = 2
BIN = Path(sys.executable).parent
ANCHOR_CONFIG = """\
site_name: Anchor
theme:
  name: material
plugins:
  - search
not_in_nav: |
  /reviews/
  /accounts/
"""
SERVE_EDIT = """
import datetime as dt, json, sys, time
from pathlib import Path

from generator.site.build import BuildOptions
from generator.site.serve import Preview
root = Path(sys.argv[1])
options = BuildOptions(root=root, out=root / "build" / "serve", docs=root / "build" / "serve-docs",
                       ledger=root / "build" / "ledger.json", today=dt.date.fromisoformat(sys.argv[2]))
preview = Preview(options)
full = preview.full().seconds
reviews = sorted((root / "reviews").glob("*.md"))
review = reviews[len(reviews) // 2]
review.write_text(review.read_text(encoding="utf-8") + "\\nEdited under the preview.\\n", encoding="utf-8")
time.sleep(0.01)
edit = preview.update()
print(json.dumps({"full": full, "edit": edit.seconds, "written": edit.written, "read": edit.read,
                  "rendered": edit.rendered}))
"""


@dataclass(frozen=True)
class Run:
    seconds: float
    megabytes: float  # the child's peak resident memory
    output: str


class StepFailed(Exception):
    pass


def child(command: Sequence[str | Path], cwd: Path, env: dict[str, str] | None = None) -> Run:
    """One child process: wall time to exit and its own peak RSS (wait4: this child, not its siblings)."""
    with tempfile.TemporaryFile("w+", encoding="utf-8") as output:
        started = time.perf_counter()
        process = subprocess.Popen(
            [str(part) for part in command], cwd=cwd, stdout=output, stderr=subprocess.STDOUT, env=env
        )
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        output.seek(0)
        text = output.read()
    if os.waitstatus_to_exitcode(status) != 0:
        raise StepFailed(f"{' '.join(map(str, command))} (in {cwd}) failed:\n{text[-2000:]}")
    return Run(seconds, usage.ru_maxrss / 1024, text)


def fresh_environment(folder: Path) -> dict[str, str]:
    """Empty HOME, cache and temporary folders: nothing any earlier run left can be used."""
    env = dict(os.environ)
    for name in ("HOME", "XDG_CACHE_HOME", "TMPDIR"):
        path = folder / name.lower()
        path.mkdir(parents=True)
        env[name] = str(path)
    return env


def git(*args: str | Path, cwd: Path) -> None:
    subprocess.run(
        ["git", "-c", "user.name=bench", "-c", "user.email=bench@example.com", *map(str, args)],
        cwd=cwd,
        check=True,
        stdout=subprocess.DEVNULL,
    )


def repository(work: Path, size: int) -> Path:
    """`handbook demo` of `size` documents, committed (so a checkout can be cloned fresh)."""
    root = work / f"repo-{size}"
    reviews = max(size * 4 // 5, 1)
    command = [*bench_validate.handbook(), "demo", "--reviews", str(reviews),
               "--accounts", str(size - reviews), "--seed", SEED, "--today", TODAY, str(root)]  # fmt: skip
    child(command, work)
    commit(root)
    return root


def commit(root: Path) -> None:
    git("init", "-q", "-b", "main", cwd=root)
    git("add", "-A", cwd=root)
    git("commit", "-q", "-m", "corpus", cwd=root)


_TITLE = re.compile(r"^(title|name): (.*)$", re.M)


def with_ampersands(source: Path, target: Path) -> Path:
    """The same corpus with `&` in every review title and account name (R&D, AT&T)."""
    shutil.copytree(source, target, ignore=shutil.ignore_patterns(".git"))

    def add(found: re.Match[str]) -> str:
        value = found.group(2)
        if value[:1] in "\"'" and value[-1:] == value[:1]:
            return f"{found.group(1)}: {value[:-1]} R&D and AT&T{value[-1]}"
        return f"{found.group(1)}: {value} R&D and AT&T"

    for folder in ("reviews", "accounts"):
        for path in (target / folder).glob("*.md"):
            text = path.read_text(encoding="utf-8")
            head, separator, body = text.partition("\n---\n")
            path.write_text(_TITLE.sub(add, head, count=1) + separator + body, encoding="utf-8")
    commit(target)
    return target


def clone(source: Path, target: Path) -> Path:
    git("clone", "-q", source, target, cwd=source.parent)
    return target


def anchor_tree(checkout: Path) -> Path:
    """The anchor's project beside the checkout: the raw documents in docs/, Material at its best."""
    project = checkout.with_name(checkout.name + "-anchor")
    docs = project / "docs"
    docs.mkdir(parents=True)
    for folder in ("reviews", "accounts"):
        shutil.copytree(checkout / folder, docs / folder)
    (docs / "index.md").write_text("# Handbook\n", encoding="utf-8")
    (project / "mkdocs.yml").write_text(ANCHOR_CONFIG, encoding="utf-8")
    return project


def edit_one_review(checkout: Path) -> None:
    reviews = sorted((checkout / "reviews").glob("*.md"))
    review = reviews[len(reviews) // 2]
    review.write_text(review.read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")


def best(samples: Sequence[Run]) -> Run:
    """The fastest sample's time and output, with the highest peak memory of them all: on a shared
    machine a slow sample says more about the machine than about the code; memory is what it is."""
    fastest = min(samples, key=lambda run: run.seconds)
    return Run(fastest.seconds, max(run.megabytes for run in samples), fastest.output)


def validate_checked(run: Run, count: int) -> Run:
    expected = f"{count} documents checked, no errors"
    if expected not in run.output:
        raise StepFailed(f"validate did not report {expected!r}: {run.output[-1000:]}")
    return run


def measure(work: Path, size: int, serve: bool) -> dict[str, Run]:
    """Every step at one size."""
    runs: dict[str, Run] = {}
    source = repository(work, size)
    handbook = bench_validate.handbook()
    floor_script = work / "floor.py"
    floor_script.write_text(bench_validate.FLOOR, encoding="utf-8")
    scratch = work / f"n{size}"

    # validate: each step the best of a few samples, each cold one in a fresh clone of its own
    ampersands = with_ampersands(source, scratch / "ampersands")
    samples: list[dict[str, Run]] = []
    for sample in range(SAMPLES):
        found: dict[str, Run] = {}
        checkout = clone(source, scratch / f"validate-{sample}")
        env = fresh_environment(scratch / f"validate-env-{sample}")
        found["floor"] = child([sys.executable, floor_script], checkout)
        found["validate cold"] = validate_checked(child([*handbook, "validate"], checkout, env), size)
        found["validate warm"] = validate_checked(child([*handbook, "validate"], checkout, env), size)
        changed = bench_validate.changed_files(checkout, bench_validate.CHANGED_FILES)
        found["pull request"] = child([*handbook, "validate", *changed], checkout, env)
        amp_checkout = clone(ampersands, scratch / f"ampersands-{sample}")
        amp_env = fresh_environment(scratch / f"ampersands-env-{sample}")
        found["& floor"] = child([sys.executable, floor_script], amp_checkout)
        found["& validate"] = validate_checked(child([*handbook, "validate"], amp_checkout, amp_env), size)
        samples.append(found)
    runs |= {step: best([found[step] for found in samples]) for step in samples[0]}

    # build: the anchor, then handbook, each cold then warm, in turn; each the best of BUILD_SAMPLES
    mkdocs = [sys.executable, "-m", "mkdocs", "build", "--quiet"]
    build = [*handbook, "build", "--today", TODAY, "--quiet"]
    builds: list[dict[str, Run]] = []
    built: list[tuple[Path, dict[str, str]]] = []
    for sample in range(BUILD_SAMPLES):
        found = {}
        anchor = anchor_tree(clone(source, scratch / f"anchor-checkout-{sample}"))
        env = fresh_environment(scratch / f"anchor-env-{sample}")
        found["anchor cold"] = child(mkdocs, anchor, env)
        found["anchor warm"] = child(mkdocs, anchor, env)
        checkout = clone(source, scratch / f"build-{sample}")
        env = fresh_environment(scratch / f"build-env-{sample}")
        found["build cold"] = child(build, checkout, env)
        found["build warm"] = child(build, checkout, env)
        builds.append(found)
        built.append((checkout, env))
    # the rebuild: in each sample's checkout, after its warm build, like every other build step
    for (checkout, env), found in zip(built, builds, strict=True):
        edit_one_review(checkout)
        found["rebuild"] = child(build, checkout, env)
    runs |= {step: best([found[step] for found in builds]) for step in builds[0]}
    if serve:
        preview = clone(source, scratch / "serve")
        runs["serve"] = child([sys.executable, "-c", SERVE_EDIT, preview, TODAY], preview, env)
    shutil.rmtree(scratch, ignore_errors=True)
    return runs


@dataclass(frozen=True)
class Row:
    what: str
    target: str
    cells: list[str]
    met: list[bool | None]


Cell = Callable[[dict[str, Run], int], tuple[str, bool | None]]


def _ratio(a: float, b: float) -> str:
    return f"{a / b:.2f}×"


def _against(run: Run, floor: Run) -> str:
    seconds = f"{run.seconds:.2f} s / {floor.seconds:.2f} s"
    return f"{_ratio(run.seconds, floor.seconds)} ({seconds}); {run.megabytes:.0f} MB"


def rows(sizes: Sequence[int], results: dict[int, dict[str, Run]]) -> list[Row]:
    def row(what: str, target: str, cell: Cell) -> Row:
        made = [cell(results[size], size) for size in sizes]
        return Row(what, target, [text for text, _ in made], [ok for _, ok in made])

    first = sizes[0]

    def validate(r: dict[str, Run], _: int) -> tuple[str, bool]:
        v, f = r["validate cold"], r["floor"]
        ok = v.seconds <= 0.9 * f.seconds and v.megabytes <= 150
        return (
            f"{_ratio(v.seconds, f.seconds)} ({v.seconds:.2f} s / {f.seconds:.2f} s); {v.megabytes:.0f} MB",
            ok,
        )

    def validate_warm(r: dict[str, Run], _: int) -> tuple[str, bool]:
        v, f = r["validate warm"], r["floor"]
        return (
            f"{_ratio(v.seconds, f.seconds)} ({v.seconds:.2f} s); {v.megabytes:.0f} MB",
            v.seconds <= 0.9 * f.seconds,
        )

    def ampersand(r: dict[str, Run], _: int) -> tuple[str, bool]:
        v, f = r["& validate"], r["& floor"]
        ok = v.seconds <= 1.2 * f.seconds
        return (
            f"{_ratio(v.seconds, f.seconds)} ({v.seconds:.2f} s / {f.seconds:.2f} s); {v.megabytes:.0f} MB",
            ok,
        )

    def pull_request(r: dict[str, Run], _: int) -> tuple[str, bool]:
        share = r["pull request"].seconds / r["validate warm"].seconds
        return f"{share:.2f} ({r['pull request'].seconds:.2f} s)", share <= 0.15

    def build(kind: str, aim: float) -> Cell:
        def cell(r: dict[str, Run], _: int) -> tuple[str, bool | None]:
            b, a = r[f"build {kind}"], r[f"anchor {kind}"]
            text = f"{_ratio(b.seconds, a.seconds)} ({b.seconds:.1f} s / {a.seconds:.1f} s); "
            text += f"{b.megabytes:.0f} / {a.megabytes:.0f} MB"
            return text, b.seconds <= aim * a.seconds

        return cell

    def rebuild(r: dict[str, Run], _: int) -> tuple[str, bool]:
        share = r["rebuild"].seconds / r["build cold"].seconds
        return f"{share:.2f} ({r['rebuild'].seconds:.1f} s); {r['rebuild'].megabytes:.0f} MB", share <= 0.25

    def growth(r: dict[str, Run], size: int) -> tuple[str, bool | None]:
        if size == first:
            return "—", None
        grown = r["build cold"].seconds / results[first]["build cold"].seconds
        anchor = r["anchor cold"].seconds / results[first]["anchor cold"].seconds
        linear = size / first
        return f"{grown:.2f}× (anchor {anchor:.2f}×)", grown <= 1.1 * linear

    def serve(r: dict[str, Run], _: int) -> tuple[str, bool | None]:
        if "serve" not in r:
            return "—", None
        found = json.loads(r["serve"].output.strip().splitlines()[-1])
        return f"{found['edit'] / found['full']:.2f} ({found['edit']:.2f} s of {found['full']:.1f} s)", None

    return [
        row("`handbook validate`, cold, × the floor; peak", "≤ 0.9×; ≤ 150 MB", validate),
        row("`handbook validate`, warm, × the floor", "≤ 0.9×", validate_warm),
        row("the same corpus with `&` in every title, × its floor", "≤ 1.2×", ampersand),
        row("a pull request's 5 files, of the full run", "≤ 0.15", pull_request),
        row("`handbook build`, cold, × plain mkdocs-material; peak", "≤ 1.0×", build("cold", 1.0)),
        row("`handbook build`, warm, × plain mkdocs-material warm", "≤ 1.0×", build("warm", 1.0)),
        row("rebuild after a one-file edit (same checkout), of the cold build", "≤ 0.25", rebuild),
        row(f"growth from {first:,} docs, cold build", "≤ 1.1× linear (5.5× at 5×)", growth),
        row("`serve`: one edited review, of its full build", "—", serve),
    ]


def table(sizes: Sequence[int], found: list[Row]) -> list[str]:
    def mark(ok: bool | None) -> str:
        return "" if ok is None else (" ✓" if ok else " ✗")

    header = ["what", *(f"{size:,} docs" for size in sizes), "target"]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for r in found:
        cells = [text + mark(ok) for text, ok in zip(r.cells, r.met, strict=True)]
        lines.append("| " + " | ".join([r.what, *cells, r.target]) + " |")
    return lines


def sizes_wanted() -> list[int]:
    raw = os.environ.get("HANDBOOK_BENCH_SIZES", "")
    return [int(size) for size in raw.split(",") if size.strip()] or list(DEFAULT_SIZES)


def main() -> int:
    sizes = sizes_wanted()
    started = time.perf_counter()
    load = os.getloadavg()[0]
    print(
        f"issue 15: python {sys.version.split()[0]}, {os.cpu_count()} CPUs, load {load:.2f} at the start; "
        f"demo --seed {SEED} --today {TODAY}; validate steps best of {SAMPLES}, "
        f"build steps best of {BUILD_SAMPLES}",
        flush=True,
    )
    results: dict[int, dict[str, Run]] = {}
    with tempfile.TemporaryDirectory(prefix="bench-site-") as folder:
        for size in sizes:
            step = time.perf_counter()
            try:
                results[size] = measure(Path(folder), size, serve=size == sizes[0])
            except StepFailed as exc:
                print(f"PROBLEM at {size:,} documents: {exc}")
                return 1
            print(f"  {size:,} documents measured in {time.perf_counter() - step:.0f} s", flush=True)
            if size != sizes[-1]:  # the rows so far, in case a long run is stopped
                done = sizes[: sizes.index(size) + 1]
                print("\n".join(table(done, rows(done, results))), flush=True)
    print("\n".join(table(sizes, rows(sizes, results))))
    ends = os.getloadavg()[0]
    print(
        f"(✓ met, ✗ missed; the run took {time.perf_counter() - started:.0f} s, load {ends:.2f} at its end)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
