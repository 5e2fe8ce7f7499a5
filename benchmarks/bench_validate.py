"""`handbook validate` on made-up repositories of 1,000 and 10,000 documents, next to its floor.

Every step is a child process, timed from start to exit, with the child's own peak memory (wait4):
- demo: `handbook demo` writing the repository;
- floor: a script that only reads the same files and parses their front matter with PyYAML's
  fastest loader (CSafeLoader) — no positions, no models, no rules;
- validate: `handbook validate` in the repository, the way users run it (two processes on two CPUs);
- one process: the same with HANDBOOK_WORKERS=1, to show what the second process saves;
- pull request: `handbook validate` of 5 changed files (with what they reference);
- start-up: `handbook validate` of an empty repository (imports and argument parsing).
One run each: numbers from a shared machine are indicative, the ratios more than the seconds.
"""

from __future__ import annotations

import gc
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

SIZES = ((800, 200), (8_000, 2_000))  # (reviews, accounts): about four reviews per account plan
TODAY = "2026-11-23"
SEED = "1"
CHANGED_FILES = 5
AIM_SECONDS, AIM_RATIO, AIM_MEGABYTES = 2.0, 2.0, 500.0

FLOOR = """\
import sys
from pathlib import Path

import yaml

count = 0
for folder in ("reviews", "accounts"):
    for path in sorted(Path(folder).iterdir()):
        text = path.read_text(encoding="utf-8")
        front = text.split("\\n---\\n", 1)[0].removeprefix("---\\n")
        yaml.load(front, Loader=yaml.CSafeLoader)
        count += 1
print(count, "documents parsed")
"""


@dataclass(frozen=True)
class Run:
    seconds: float
    megabytes: float  # the child's peak resident memory
    code: int
    output: str


def run(command: list[str], cwd: Path, env: dict[str, str] | None = None) -> Run:
    """One child process: wall time to exit, and its own max RSS from wait4 (not other children's)."""
    with tempfile.TemporaryFile("w+", encoding="utf-8") as output:
        start = time.perf_counter()
        child = subprocess.Popen(command, cwd=cwd, stdout=output, stderr=subprocess.STDOUT, env=env)
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - start
        child.returncode = os.waitstatus_to_exitcode(status)
        output.seek(0)
        return Run(seconds, usage.ru_maxrss / 1024, child.returncode, output.read())


def handbook() -> list[str]:
    """The installed console script next to this interpreter, as users run it."""
    script = Path(sys.executable).with_name("handbook")
    return [str(script)] if script.exists() else [sys.executable, "-m", "generator"]


def changed_files(root: Path, count: int) -> list[str]:
    """A pull request's handful: reviews and one account plan spread over the repository."""
    reviews = sorted(p.name for p in (root / "reviews").iterdir())
    accounts = sorted(p.name for p in (root / "accounts").iterdir())
    step = max(len(reviews) // count, 1)
    picked = [f"reviews/{name}" for name in reviews[::step][: count - 1]]
    return [*picked, f"accounts/{accounts[len(accounts) // 2]}"]


def measure(reviews: int, accounts: int, work: Path) -> tuple[dict[str, Run], list[str]]:
    root = work / f"handbook-{reviews + accounts}"
    empty = work / "empty"
    empty.mkdir(exist_ok=True)
    floor_script = work / "floor.py"
    floor_script.write_text(FLOOR, encoding="utf-8")
    command = handbook()
    sizes = ["--reviews", str(reviews), "--accounts", str(accounts)]
    runs = {"demo": run([*command, "demo", *sizes, "--seed", SEED, "--today", TODAY, str(root)], work)}
    problems = [] if runs["demo"].code == 0 else [f"demo failed: {runs['demo'].output.strip()}"]
    if problems:
        return runs, problems
    runs["floor"] = run([sys.executable, str(floor_script)], root)
    runs["validate"] = run([*command, "validate"], root)
    runs["one process"] = run([*command, "validate"], root, {**os.environ, "HANDBOOK_WORKERS": "1"})
    runs["pull request"] = run([*command, "validate", *changed_files(root, CHANGED_FILES)], root)
    runs["start-up"] = run([*command, "validate"], empty)
    for step in ("floor", "validate", "one process", "pull request", "start-up"):
        if runs[step].code != 0:
            problems.append(f"{step} exited {runs[step].code}: {runs[step].output.strip()[-500:]}")
    for step, count in (
        ("validate", reviews + accounts),
        ("one process", reviews + accounts),
        ("pull request", CHANGED_FILES),
    ):
        expected = f"{count} documents checked, no errors"
        if expected not in runs[step].output:
            problems.append(f"{step} did not report {expected!r}: {runs[step].output.strip()[-500:]}")
    return runs, problems


def table(documents: int, runs: dict[str, Run]) -> list[str]:
    floor = runs.get("floor")
    lines = [f"{'step':<14}{'seconds':>9}{'x floor':>9}{'max RSS MB':>12}"]
    for step, result in runs.items():
        compared = floor and step in ("validate", "one process", "pull request")
        ratio = f"{result.seconds / floor.seconds:.2f}" if floor and compared else "-"
        lines.append(f"{step:<14}{result.seconds:>9.2f}{ratio:>9}{result.megabytes:>12.0f}")
    if "validate" in runs and "pull request" in runs:
        share = runs["pull request"].seconds / runs["validate"].seconds
        lines.append(f"pull request of {CHANGED_FILES} files takes {share:.0%} of the full run")
    return [f"-- {documents:,} documents (handbook demo --seed {SEED} --today {TODAY}) --", *lines]


def breakdown(root: Path) -> list[str]:
    """Where a full run's time goes, stage by stage (in this process, after imports; one run)."""
    from generator.documents.entries import entry_of
    from generator.documents.load import iter_document_files
    from generator.documents.validate import check_document, cross_document_rules, load, review_section_rules

    stages: list[tuple[str, float]] = []
    gc.disable()  # as validate_repository does
    try:
        start = time.perf_counter()
        documents, _ = load(list(iter_document_files(root)))
        stages.append(("read + front matter", time.perf_counter() - start))
        start = time.perf_counter()
        checked = [check_document(d, with_body=False) for d in documents]
        stages.append(("models + rules", time.perf_counter() - start))
        start = time.perf_counter()
        for document in documents:
            if document.kind == "review":
                list(review_section_rules(document))
        stages.append(("body sections", time.perf_counter() - start))
        start = time.perf_counter()
        entries = [entry_of(c, keep=False) for c in checked]
        list(cross_document_rules(entries, {c.path for c in checked}))
        stages.append(("cross-document", time.perf_counter() - start))
    finally:
        gc.enable()
    return ["stages of a full run: " + ", ".join(f"{name} {seconds:.2f} s" for name, seconds in stages)]


def verdicts(runs: dict[str, Run]) -> list[str]:
    validate, floor = runs["validate"], runs["floor"]
    checks = (
        (f"under {AIM_SECONDS:g} s", validate.seconds < AIM_SECONDS, f"{validate.seconds:.2f} s"),
        (
            f"within {AIM_RATIO:g}x of the floor",
            validate.seconds <= AIM_RATIO * floor.seconds,
            f"{validate.seconds / floor.seconds:.2f}x",
        ),
        (f"under {AIM_MEGABYTES:g} MB", validate.megabytes < AIM_MEGABYTES, f"{validate.megabytes:.0f} MB"),
    )
    return [f"aim {name}: {'met' if ok else 'MISSED'} ({value})" for name, ok, value in checks]


def main() -> int:
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs; one run per step", flush=True)
    failed = False
    with tempfile.TemporaryDirectory(prefix="bench-validate-") as folder:
        for reviews, accounts in SIZES:
            documents = reviews + accounts
            runs, problems = measure(reviews, accounts, Path(folder))
            print("\n".join(table(documents, runs)))
            for problem in problems:
                print(f"PROBLEM: {problem}")
            failed = failed or bool(problems)
            if not problems and documents >= 10_000:
                print("\n".join(breakdown(Path(folder) / f"handbook-{documents}")))
                print("\n".join(verdicts(runs)))
            print(flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
