"""Every file whose content decides a verdict, renders the site or runs in a workflow needs signoff-admins,
in the sign-off policy and in CODEOWNERS alike. The list is derived from what the workflows and the
package actually read, so a new module, template or workflow input cannot slip out."""

from __future__ import annotations

import ast
import fnmatch
import re
import shlex
import subprocess
from pathlib import Path

import pytest
import yaml

from generator.documents.paths import FOLDERS
from generator.signoff.engine import ChangedFile, matching_rules, required_roles
from tests.signoff.builders import shipped_policy

ROOT = Path(__file__).resolve().parents[2]
ADMINS = "@handbook-org/signoff-admins"


def tracked() -> list[str]:
    out = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
    return [p for p in out.decode().split("\0") if p]


def _under(paths: list[str], prefix: str) -> list[str]:
    prefix = prefix.strip("/")
    return [p for p in paths if p == prefix or p.startswith(prefix + "/")]


def _named_paths(text: str, files: list[str]) -> set[str]:
    """Repository paths named in a workflow's scripts and inputs (words that are tracked files or folders)."""
    found: set[str] = set()
    for word in re.split(r"[\s'\"=,;()|&<>]+", text):
        word = word.strip().removeprefix("./").rstrip("/")
        if not word or word.startswith(("-", "$", "/")) or word in (".", ".."):
            continue
        found.update(_under(files, word))
    return found


def read_by_workflows(files: list[str]) -> set[str]:
    """What the workflows read from the checkout: files they name, and the package they install and run."""
    found: set[str] = set()
    for workflow in sorted((ROOT / ".github" / "workflows").glob("*.y*ml")):
        found.add(workflow.relative_to(ROOT).as_posix())
        data = yaml.safe_load(workflow.read_text(encoding="utf-8"))
        for job in (data.get("jobs") or {}).values():
            for step in job.get("steps") or []:
                script = str(step.get("run") or "")
                inputs = " ".join(str(v) for v in (step.get("with") or {}).values())
                found |= _named_paths(script + " " + inputs, files)
                words = shlex.split(script.replace("\\\n", " "), comments=True) if script else []
                if "install" in words and ("." in words or any(w.startswith("-r") for w in words)):
                    found |= {"pyproject.toml", *_under(files, "generator")}
                if "handbook" in words:
                    found |= read_by_the_package(files)
    return found


def read_by_the_package(files: list[str]) -> set[str]:
    """Every module of the package, and every repository path its code names (site/, the policy, ...)."""
    found = set(_under(files, "generator"))
    for module in _under(files, "generator"):
        if not module.endswith(".py"):
            continue
        tree = ast.parse((ROOT / module).read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and len(node.value) < 200:
                value = node.value.strip("/")
                if value and value not in FOLDERS and (ROOT / value).exists() and value not in (".", ".."):
                    found.update(_under(files, value))
    return found


def decisive_paths() -> list[str]:
    files = tracked()
    paths = read_by_workflows(files) | read_by_the_package(files)
    documents = {p for p in paths if p.split("/", 1)[0] in FOLDERS}
    return sorted(paths - documents)


def codeowners_of(path: str) -> list[str]:
    """Owners from .github/CODEOWNERS: the last matching line wins (GitHub's rule)."""
    owners: list[str] = []
    for line in (ROOT / ".github" / "CODEOWNERS").read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        pattern, *names = line.split()
        if _codeowners_match(pattern, path):
            owners = names
    return owners


def _codeowners_match(pattern: str, path: str) -> bool:
    anchored = pattern.startswith("/")
    body = pattern.strip("/")
    if pattern.endswith("/"):
        return path.startswith(body + "/") if anchored else f"/{body}/" in f"/{path}"
    if anchored:
        return path == body or path.startswith(body + "/") or fnmatch.fnmatch(path, body)
    return any(fnmatch.fnmatch(part, body) for part in path.split("/")) or fnmatch.fnmatch(path, body)


def test_the_derived_list_covers_the_package_the_site_and_the_workflows():
    paths = decisive_paths()
    expected = ["generator/documents/validate.py", "generator/signoff/engine.py", "pyproject.toml",
                "site/mkdocs.yml", ".github/workflows/signoff.yml", ".github/signoff-policy.yml"]  # fmt: skip
    assert set(expected) <= set(paths)
    assert not [p for p in paths if p.startswith(("reviews/", "accounts/"))]


@pytest.mark.parametrize("path", decisive_paths())
def test_a_path_that_decides_a_verdict_needs_signoff_admins_in_the_policy(path):
    changed = ChangedFile(path=path)
    policy = shipped_policy()
    assert "signoff-admins" in required_roles(policy, changed, matching_rules(policy, changed)), path


@pytest.mark.parametrize("path", decisive_paths())
def test_a_path_that_decides_a_verdict_is_owned_by_signoff_admins_in_codeowners(path):
    assert codeowners_of(path) == [ADMINS], path


@pytest.mark.parametrize("path", ["generator/new_rules.py", "site/overrides/main.html", "requirements/x.txt",
                                  "handbook.yml", "generator/documents/paths.py"])  # fmt: skip
def test_a_new_file_in_a_guarded_place_is_guarded_before_it_exists(path):
    changed = ChangedFile(path=path, change="added")
    policy = shipped_policy()
    assert "signoff-admins" in required_roles(policy, changed, matching_rules(policy, changed))
    assert codeowners_of(path) == [ADMINS]
