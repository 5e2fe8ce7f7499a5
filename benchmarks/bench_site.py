"""Site build cost: `handbook build` against a plain `mkdocs build` of the same pages, measured in one run.

For each size, `handbook demo` writes the documents (80% reviews, 20% account plans); then, each in its
own process (so peak memory is that build's alone):
  - handbook: `handbook build` (validate, render, mkdocs, publish);
  - plain:    `mkdocs build` of the docs tree handbook generated (same pages, same theme and config,
              documents out of the nav: the theme at its best), without handbook's own mkdocs hook
              (the body sanitizer), so it is the bare cost of mkdocs on those pages;
  - serve:    at 1,000 documents, one review edited under the live preview and rebuilt.
Sizes come from HANDBOOK_BENCH_SIZES (default "100,1000,5000").
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

TODAY = "2026-11-23"
BIN = Path(sys.executable).parent
SERVE_EDIT = """
import datetime as dt, json, sys, time
from pathlib import Path

import yaml
from generator.site.build import BuildOptions
from generator.site.serve import Preview
root = Path(sys.argv[1])
options = BuildOptions(root=root, out=root / "build" / "serve", docs=root / "build" / "serve-docs",
                       ledger=root / "build" / "ledger.json", today=dt.date.fromisoformat(sys.argv[2]))
preview = Preview(options)
full = preview.full().seconds
review = sorted((root / "reviews").glob("*.md"))[len(list((root / "reviews").glob("*.md"))) // 2]
review.write_text(review.read_text(encoding="utf-8") + "\\nEdited for the benchmark.\\n", encoding="utf-8")
time.sleep(0.01)
edit = preview.update()
print(json.dumps({"full": full, "edit": edit.seconds, "written": edit.written, "read": edit.read,
                  "rendered": edit.rendered}))
"""


def _run(command: list[str], cwd: Path | None = None) -> tuple[float, float, str]:
    """Wall seconds, peak resident memory (MiB) and stdout of one child process."""
    started = time.perf_counter()
    with tempfile.TemporaryFile() as out:
        process = subprocess.Popen(command, cwd=cwd, stdout=out, stderr=subprocess.PIPE)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        out.seek(0)
        text = out.read().decode()
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(
            f"{' '.join(command)} failed:\n{process.stderr.read().decode() if process.stderr else ''}"
        )
    return seconds, usage.ru_maxrss / 1024, text


def _plain_config(docs: Path) -> Path:
    """The docs tree's mkdocs.yml without handbook's hook, beside it (relative paths resolve the same)."""
    config = yaml.safe_load((docs / "mkdocs.yml").read_text(encoding="utf-8"))
    config.pop("hooks", None)
    plain = docs / "mkdocs-plain.yml"
    plain.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    return plain


def _sizes() -> list[int]:
    return [int(size) for size in os.environ.get("HANDBOOK_BENCH_SIZES", "100,1000,5000").split(",")]


def main() -> int:
    print("site build: handbook build vs plain mkdocs build of the same pages (same theme, docs out of nav)")
    columns = (
        "documents",
        "handbook s",
        "plain s",
        "ratio",
        "handbook MiB",
        "plain MiB",
        "MiB ratio",
        "ms/doc",
    )
    print(" ".join(f"{name:>12}" for name in columns))
    worst = 0.0
    with tempfile.TemporaryDirectory(prefix="bench-site-") as scratch:
        for size in _sizes():
            root = Path(scratch) / f"n{size}"
            reviews = max(size * 4 // 5, 1)
            subprocess.run(
                [
                    BIN / "handbook",
                    "demo",
                    "--reviews",
                    str(reviews),
                    "--accounts",
                    str(size - reviews),
                    "--today",
                    TODAY,
                    str(root),
                ],
                check=True,
                stdout=subprocess.DEVNULL,
            )
            hb_s, hb_mib, _ = _run(
                [str(BIN / "handbook"), "build", "--root", str(root), "--today", TODAY, "--quiet"]
            )
            plain_s, plain_mib, _ = _run(
                [
                    sys.executable,
                    "-m",
                    "mkdocs",
                    "build",
                    "--quiet",
                    "-f",
                    str(_plain_config(root / "build" / "docs")),
                    "-d",
                    str(root / "build" / "plain"),
                ]
            )
            ratio = hb_s / plain_s
            worst = max(worst, ratio)
            row: tuple[object, ...] = (
                size,
                f"{hb_s:.2f}",
                f"{plain_s:.2f}",
                f"{ratio:.2f}x",
                f"{hb_mib:.0f}",
                f"{plain_mib:.0f}",
            )
            row += (f"{hb_mib / plain_mib:.2f}x", f"{1000 * hb_s / size:.2f}")
            print(" ".join(f"{cell:>12}" for cell in row))
            if size == 1000:
                _, _, text = _run([sys.executable, "-c", SERVE_EDIT, str(root), TODAY])
                serve = json.loads(text)
                print(
                    f"  serve at {size}: one edited review rebuilt in {serve['edit']:.2f}s "
                    f"({serve['read']} file read, {serve['rendered']} document page rendered, "
                    f"{serve['written']} file written; full build {serve['full']:.2f}s; "
                    f"{serve['edit'] / serve['full']:.2f} of it, aim < 0.20)"
                )
    print(f"worst time ratio {worst:.2f}x (aim: within 1.30x)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
