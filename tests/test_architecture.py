"""The direction of imports the README's "Architecture" section draws, checked on the source with `ast`:
the command line on top, the pure core (documents, the sign-off engine) at the bottom."""

from __future__ import annotations

import ast
import shutil
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import pytest

SOURCE = Path(__file__).resolve().parents[1] / "generator"


ENTRY_POINT = "__main__.py"  # `python -m generator` runs the command line


@dataclass(frozen=True)
class Rule:
    """Modules under `where` (a path inside generator/, a folder or a file) import none of `never`."""

    where: str
    never: tuple[str, ...]
    why: str
    exempt: tuple[str, ...] = ()  # paths under `where` the rule leaves out


RULES = (
    Rule(
        "",
        ("generator.commands",),
        "only the command line imports the command line",
        exempt=("commands/", ENTRY_POINT),
    ),
    Rule(
        "documents",
        (
            "generator.github",
            "generator.site",
            "generator.notify",
            "generator.authoring",
        ),
        "documents are read and checked without GitHub, the site or Slack",
    ),
    Rule(
        "signoff/engine.py",
        ("generator.github", "generator.site", "generator.notify", "github"),
        "the verdict is pure: facts in, verdict out",
    ),
    Rule(
        "signoff",
        ("generator.github", "github"),
        "only the sign-off's edge talks to GitHub",
        exempt=(
            "commands/",
            "signoff/check.py",
            "signoff/collect.py",
            "signoff/tree.py",
            "signoff/remind.py",
        ),
    ),
    Rule("site", ("generator.github", "generator.notify", "github"), "the site is built from files, offline"),
    Rule(
        "github",
        ("generator.site", "generator.notify", "generator.authoring"),
        "the GitHub edge serves the sign-off",
    ),
    Rule("errors.py", ("generator",), "failures are a leaf everyone may import"),
    Rule("actions.py", ("generator",), "talking to Actions is a leaf everyone may import"),
)


def imported(tree: ast.Module) -> set[str]:
    """Absolute module names a module imports, at any depth (lazy imports in functions too)."""
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            # `from generator import commands` imports generator.commands, `from generator.x import y` x.
            package = node.module == "generator"
            found |= {f"generator.{a.name}" for a in node.names} if package else {node.module}
    return found


def _within(name: str, package: str) -> bool:
    return name == package or name.startswith(package + ".")


def violations(source: Path) -> list[str]:
    """Each import against a rule, as 'path: imports name (why)'."""
    found = []
    for path in sorted(source.rglob("*.py")):
        relative = path.relative_to(source).as_posix()
        names = imported(ast.parse(path.read_text(encoding="utf-8")))
        for rule in RULES:
            applies = relative == rule.where or relative.startswith(rule.where + "/") or rule.where == ""
            if not applies or any(relative == e or relative.startswith(e) for e in rule.exempt):
                continue
            for name in sorted(names):
                if any(_within(name, never) for never in rule.never) and not (
                    rule.never == ("generator",) and name == "generator.errors"
                ):
                    found.append(f"generator/{relative}: imports {name} ({rule.why})")
    return found


def test_imports_go_the_way_the_readme_draws_them():
    assert violations(SOURCE) == []


@pytest.mark.parametrize(
    ("module", "planted"),
    [
        ("site/build.py", "from generator.commands.options import root_of"),
        ("signoff/engine.py", "from generator.github.client import guard"),
        ("signoff/ledger.py", "    from github import Github"),
        ("documents/load.py", "    import generator.site.index"),
        ("errors.py", "from generator.documents.load import display_path"),
    ],
)
def test_a_planted_import_against_the_direction_is_found(tmp_path: Path, module: str, planted: str):
    copy = tmp_path / "generator"
    shutil.copytree(SOURCE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    target = copy / module
    indented = planted.startswith(" ")
    code = f"\n\ndef _planted() -> None:\n{planted}\n" if indented else f"\n{planted}\n"
    target.write_text(target.read_text(encoding="utf-8") + code, encoding="utf-8")
    found = violations(copy)
    assert found and all(line.startswith(f"generator/{module}: imports ") for line in found), found


def test_a_class_name_means_one_thing():
    defined: dict[str, list[str]] = defaultdict(list)
    for path in sorted(SOURCE.rglob("*.py")):
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.ClassDef):
                defined[node.name].append(path.relative_to(SOURCE).as_posix())
    assert {name: where for name, where in defined.items() if len(where) > 1} == {}
