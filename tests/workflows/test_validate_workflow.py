"""validate.yml, run locally on pull requests: annotations at the faulty lines, a job summary, scope."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.workflows.checkout import merge_checkout, webhook
from tests.workflows.documents import ACCOUNT, ACCOUNT_PATH, REVIEW_PATH, review
from tests.workflows.runner import Actions, Run

REPO = "acme/handbook"
VALID = {ACCOUNT_PATH: ACCOUNT, REVIEW_PATH: review()}


@pytest.fixture
def actions(tmp_path: Path) -> Actions:
    return Actions(tmp_path / "actions", REPO, api_url="http://127.0.0.1:9/unused")


def validate(
    actions: Actions, tmp_path: Path, change: dict[str, str | None], base: dict[str, str] | None = None
) -> Run:
    checkout = tmp_path / "checkout"
    base_sha, head_sha = merge_checkout(checkout, base if base is not None else VALID, change)
    event = webhook(
        "pull_request.opened.json",
        number=7,
        pull_request__number=7,
        pull_request__base__sha=base_sha,
        pull_request__head__sha=head_sha,
        repository__full_name=REPO,
    )
    return actions.run("validate.yml", "pull_request", event, checkout)


def line_of(text: str, fragment: str) -> int:
    return next(number for number, line in enumerate(text.splitlines(), 1) if fragment in line)


def test_a_broken_document_fails_with_an_annotation_at_its_line(actions, tmp_path):
    broken = review().replace("status: in-review", "status: aproved")
    run = validate(actions, tmp_path, {REVIEW_PATH: broken})
    job = run.job("validate")
    assert job.result == "failure"
    assert job.step("Validate").outcome == "failure"
    [annotation] = job.annotations()
    assert annotation["file"] == REVIEW_PATH
    assert annotation["line"] == str(line_of(broken, "status: aproved"))
    assert annotation["title"] == "status"
    assert "'aproved' is not one of" in annotation["message"]


def test_the_job_summary_lists_every_fault(actions, tmp_path):
    broken = review().replace("moment: pre-sales", "moment: someday").replace("## Timeline", "## Timing")
    job = validate(actions, tmp_path, {REVIEW_PATH: broken}).job()
    assert "❌ Handbook validation" in job.summary
    assert f"| `{REVIEW_PATH}` | {line_of(broken, 'moment: someday')} | moment |" in job.summary
    assert "missing section '## Timeline'" in job.summary


def test_a_valid_change_passes(actions, tmp_path):
    run = validate(actions, tmp_path, {REVIEW_PATH: review().replace("Acme's enclave", "The enclave")})
    assert run.ok, run.job().log
    assert "✅ Handbook validation" in run.job().summary


def test_only_the_changed_documents_and_what_they_reference_are_checked(actions, tmp_path):
    # A broken plan nobody touches does not fail someone else's pull request.
    base = {**VALID, "accounts/zeta.md": "---\nid: zeta\n---\n"}
    run = validate(actions, tmp_path, {REVIEW_PATH: review().replace("Acme's enclave", "The enclave")}, base)
    assert run.ok, run.job().log
    assert "scope: changed" in run.job().log


def test_a_review_pointing_at_a_missing_account_fails_at_its_customer_line(actions, tmp_path):
    broken = review().replace("customer: acme", "customer: acme-corp")
    [annotation] = validate(actions, tmp_path, {REVIEW_PATH: broken}).job().annotations()
    assert annotation["line"] == str(line_of(broken, "customer: acme-corp"))
    assert "no account plan has the id 'acme-corp'" in annotation["message"]


def test_deleting_a_referenced_account_plan_validates_everything(actions, tmp_path):
    job = validate(actions, tmp_path, {ACCOUNT_PATH: None}).job()
    assert job.result == "failure"
    assert "scope: all" in job.log
    assert [a["file"] for a in job.annotations()] == [REVIEW_PATH]


@pytest.mark.parametrize(
    "name", ["reviews/tr-0002 two words.md", "reviews/-tr-0002-dash.md", "reviews/tr-0002-ü'$(x).md"]
)
def test_odd_file_names_reach_the_validator_intact(actions, tmp_path, name):
    job = validate(actions, tmp_path, {name: "---\nid: TR-0002\n---\n"}).job()
    assert job.result == "failure"
    assert {a["file"] for a in job.annotations()} == {name}


def test_a_pull_request_without_documents_passes_with_a_note(actions, tmp_path):
    run = validate(actions, tmp_path, {"docs/notes.md": "# Notes\n"})
    assert run.ok, run.job().log
    assert "changes no document" in run.job().summary


def test_a_pull_request_adding_only_a_page_beside_the_documents_fails_at_that_file(actions, tmp_path):
    run = validate(actions, tmp_path, {"reviews/img/notes.html": "<script>alert(document.cookie)</script>\n"})
    job = run.job("validate")
    assert job.result == "failure"
    [annotation] = job.annotations()
    assert annotation["file"] == "reviews/img/notes.html"
    assert "files of type .html are not published" in annotation["message"]
