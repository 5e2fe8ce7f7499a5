"""The local runner behaves like Actions where the workflows depend on it (so its green means something)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.workflows.runner import Actions, evaluate, interpolate, read_key_values

CONTEXTS = {
    "github": {"event": {"pull_request": {"number": 7, "title": "x"}}, "event_name": "pull_request"},
    "steps": {"pull": {"outputs": {"number": ""}}},
}


@pytest.mark.parametrize(
    ("expression", "value"),
    [
        ("github.event.pull_request.number", 7),
        ("github.event.workflow_run.head_sha || github.event.pull_request.number", 7),
        ("steps.pull.outputs.number != ''", False),
        ("steps.missing.outputs.number == ''", True),
        ("github.event_name == 'PULL_REQUEST'", True),
        ("!contains(github.event_name, 'review') && startsWith(github.event_name, 'pull')", True),
    ],
)
def test_expressions_evaluate_like_actions(expression, value):
    assert evaluate(expression, CONTEXTS) == value


def test_interpolation_turns_null_into_an_empty_string():
    text = "pr-${{ github.event.nothing }}-${{ github.event.pull_request.number }}"
    assert interpolate(text, CONTEXTS) == "pr--7"


def test_outputs_are_read_in_both_forms(tmp_path):
    out = tmp_path / "out"
    out.write_text("scope=all\nbody<<EOF\nline 1\nline=2\nEOF\nlast=x\n")
    assert read_key_values(out) == {"scope": "all", "body": "line 1\nline=2", "last": "x"}


def workflow(tmp_path: Path, monkeypatch, text: str) -> Actions:
    folder = tmp_path / "workflows"
    folder.mkdir()
    (folder / "w.yml").write_text(text)
    monkeypatch.setattr("tests.workflows.runner.WORKFLOWS", folder)
    return Actions(tmp_path / "home", "acme/handbook", api_url="http://127.0.0.1:9")


def test_an_unpinned_action_fails_the_step(tmp_path, monkeypatch):
    actions = workflow(tmp_path, monkeypatch, "jobs:\n  j:\n    steps:\n      - uses: actions/checkout@v4\n")
    run = actions.run("w.yml", "push", {}, tmp_path)
    assert run.job().result == "failure"
    assert "not pinned" in run.job().log


def test_a_failing_step_skips_the_rest_unless_asked(tmp_path, monkeypatch):
    text = """\
jobs:
  j:
    steps:
      - run: exit 3
      - name: after
        run: echo never
      - name: always
        if: always()
        run: echo "step env is ${SECRET:-unset}"
"""
    run = workflow(tmp_path, monkeypatch, text).run("w.yml", "push", {}, tmp_path)
    job = run.job()
    assert [s.outcome for s in job.steps] == ["failure", "skipped", "success"]
    assert "step env is unset" in job.log  # nothing leaks in from the test process


def test_steps_see_the_event_and_pass_outputs_on(tmp_path, monkeypatch):
    text = """\
jobs:
  j:
    steps:
      - id: one
        run: |
          n=$(python3 -c 'import json,os; print(json.load(open(os.environ["GITHUB_EVENT_PATH"]))["n"])')
          echo "n=$n" >> "$GITHUB_OUTPUT"
      - env:
          N: ${{ steps.one.outputs.n }}
        run: test "$N" = 41
"""
    run = workflow(tmp_path, monkeypatch, text).run("w.yml", "push", {"n": 41}, tmp_path)
    assert run.ok, run.job().log
