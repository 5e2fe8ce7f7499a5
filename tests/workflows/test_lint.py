"""The workflows pass zizmor (pedantic, offline) and GitHub's workflow schema, and the project's own rules;
deliberately bad workflows prove each check can fail."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.workflows.runner import PINS, ROOT, WORKFLOWS

BIN = Path(sys.executable).parent
OURS = sorted(WORKFLOWS.glob("*.yml"))
# Findings silenced inline, each with its reason next to it: pinned so a new one cannot slip in.
EXPECTED_IGNORES = [("signoff.yml", "dangerous-triggers"), ("signoff.yml", "dangerous-triggers")]


def zizmor(*paths: Path, ignores: bool = True) -> tuple[int, list[dict[str, Any]]]:
    args = [
        str(BIN / "zizmor"),
        "--offline",
        "--strict-collection",
        "--persona",
        "pedantic",
        "--format",
        "json",
    ]
    done = subprocess.run(
        [*args, *([] if ignores else ["--no-ignores"]), *map(str, paths)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    return done.returncode, json.loads(done.stdout or "[]")


def schema(builtin: str, *paths: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(BIN / "check-jsonschema"), "--builtin-schema", builtin, *map(str, paths)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def finding(entry: dict[str, Any]) -> tuple[str, str]:
    local = entry["locations"][0]["symbolic"]["key"]["Local"]
    return Path(local.get("verbatim_path") or local["given_path"]).name, entry["ident"]


# --- the project's own rules (issue item 5), as one checker used on good and bad workflows ---------------


_USES = re.compile(r"^\s*(?:-\s*)?uses:\s*(?P<action>[^@\s]+)@(?P<ref>\S+)(?:\s*#\s*(?P<comment>\S+))?\s*$")


def rule_violations(path: Path) -> list[str]:
    text = path.read_text(encoding="utf-8")
    spec = yaml.safe_load(text)
    problems = []
    if spec.get("permissions") != {}:
        problems.append("top-level permissions must be {}")
    if "concurrency" not in spec:
        problems.append("no concurrency group")
    for job_id, job in spec["jobs"].items():
        if "permissions" not in job:
            problems.append(f"{job_id}: no job permissions")
        if "timeout-minutes" not in job:
            problems.append(f"{job_id}: no timeout-minutes")
        for step in job.get("steps", []):
            if "${{" in str(step.get("run", "")):
                problems.append(f"{job_id}: expression inside run: (pass it through env:)")
            checkout = str(step.get("uses", "")).startswith("actions/checkout@")
            if checkout and (step.get("with") or {}).get("persist-credentials") is not False:
                problems.append(f"{job_id}: checkout without persist-credentials: false")
    for line in text.splitlines():
        found = _USES.match(line)
        if not found:
            continue
        pin = PINS.get(found["action"])
        if pin is None or found["ref"] != pin[0] or found["comment"] != pin[1]:
            problems.append(
                f"{found['action']}@{found['ref']}: not pinned as `@SHA # version` from the table"
            )
    return problems


# --- our workflows ----------------------------------------------------------------------------------


def test_the_workflows_are_the_ones_the_issue_asks_for():
    names = {p.name for p in OURS}
    assert {"validate.yml", "signoff.yml", "publish.yml", "remind.yml"} <= names


def test_zizmor_pedantic_reports_no_findings():
    code, findings = zizmor(WORKFLOWS)
    assert code == 0, findings
    assert findings == []


def test_every_silenced_zizmor_finding_is_pinned():
    _, findings = zizmor(WORKFLOWS, ignores=False)
    assert sorted(finding(f) for f in findings) == sorted(EXPECTED_IGNORES)
    inline = [line for p in OURS for line in p.read_text().splitlines() if "zizmor: ignore[" in line]
    assert len(inline) == len(EXPECTED_IGNORES)
    assert all(re.search(r"ignore\[[a-z-]+\]\s+\S+", line) for line in inline), "each ignore gives its reason"


def test_the_workflows_match_githubs_schema():
    done = schema("vendor.github-workflows", *OURS)
    assert done.returncode == 0, done.stdout + done.stderr


def test_every_job_has_a_timeout():
    done = schema("custom.github-workflows-require-timeout", *OURS)
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize("path", OURS, ids=lambda p: p.name)
def test_the_project_rules_hold(path):
    assert rule_violations(path) == []


def test_the_issue_forms_match_githubs_schema():
    forms = [p for p in (ROOT / ".github" / "ISSUE_TEMPLATE").glob("*.yml") if p.name != "config.yml"]
    assert {p.name for p in forms} == {"request-tech-review.yml", "new-account-plan.yml"}
    done = schema("vendor.github-issue-forms", *forms)
    assert done.returncode == 0, done.stdout + done.stderr
    config = schema("vendor.github-issue-config", ROOT / ".github" / "ISSUE_TEMPLATE" / "config.yml")
    assert config.returncode == 0, config.stdout + config.stderr


# --- meta-tests: bad workflows must fail every check ---------------------------------------------------

INJECTABLE = """\
name: bad
on:
  pull_request_target:
jobs:
  greet:
    runs-on: ubuntu-24.04
    steps:
      - uses: actions/checkout@v4
        with:
          ref: ${{ github.event.pull_request.head.sha }}
      - run: echo "${{ github.event.pull_request.title }}"
"""

NOT_A_WORKFLOW = """\
name: bad
on: pull_request
jobs:
  build:
    run-on: ubuntu-24.04
    timeout-minutes: soon
    steps:
      - run: make
"""


@pytest.fixture
def bad(tmp_path: Path):
    def write(text: str) -> Path:
        folder = tmp_path / ".github" / "workflows"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / "bad.yml"
        path.write_text(text, encoding="utf-8")
        return path

    return write


def test_zizmor_catches_injection_unpinned_actions_and_dangerous_triggers(bad):
    code, findings = zizmor(bad(INJECTABLE))
    assert code != 0
    rules = {f["ident"] for f in findings}
    assert {
        "template-injection",
        "unpinned-uses",
        "dangerous-triggers",
        "artipacked",
        "excessive-permissions",
    } <= rules


def test_zizmor_strict_collection_rejects_an_invalid_workflow(bad):
    code, _ = zizmor(bad(NOT_A_WORKFLOW))
    assert code != 0


def test_the_schema_check_rejects_an_invalid_workflow(bad):
    done = schema("vendor.github-workflows", bad(NOT_A_WORKFLOW))
    assert done.returncode == 1
    assert "bad.yml" in done.stdout


def test_the_timeout_check_rejects_a_job_without_one(bad):
    done = schema("custom.github-workflows-require-timeout", bad(INJECTABLE))
    assert done.returncode == 1


def test_the_project_rules_catch_each_kind_of_slip(bad):
    problems = rule_violations(bad(INJECTABLE))
    assert "top-level permissions must be {}" in problems
    assert "no concurrency group" in problems
    assert "greet: no job permissions" in problems
    assert "greet: no timeout-minutes" in problems
    assert "greet: expression inside run: (pass it through env:)" in problems
    assert "greet: checkout without persist-credentials: false" in problems
    assert "actions/checkout@v4: not pinned as `@SHA # version` from the table" in problems


def test_a_pin_with_the_wrong_version_comment_is_caught(bad):
    sha, _ = PINS["actions/checkout"]
    text = (
        (ROOT / ".github" / "workflows" / "validate.yml")
        .read_text()
        .replace(f"{sha} # v7.0.1", f"{sha} # v6")
    )
    assert rule_violations(bad(text)) == [
        f"actions/checkout@{sha}: not pinned as `@SHA # version` from the table"
    ]
