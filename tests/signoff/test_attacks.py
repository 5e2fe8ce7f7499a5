"""Attacks on the sign-off, each run with the real `handbook signoff check` against the fake GitHub.

Each ends in anything but success; the honest path beside it still turns green.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from generator.commands import main
from tests.fakegithub import fake_sha
from tests.signoff.world import (
    ACCOUNT,
    APPROVERS,
    POLICY,
    REPO,
    REVIEW,
    account_text,
    check,
    review_text,
    webhook,
)

WORKFLOWS_EVENTS = Path(__file__).resolve().parents[1] / "workflows" / "fixtures" / "webhooks"


def sign_off_statuses(world, sha: str) -> list[str]:
    return [state for state, _ in world.statuses(sha)]


# --- 1. the check judges what `handbook validate` judges, on the head tree ---------------------------


def test_an_approved_review_without_its_decision_is_not_signed_off(world, capsys):
    undecided = re.sub(r"decision:\n(  .*\n)+", "", review_text("approved"))
    head = world.pull(40, {REVIEW: (review_text("in-review"), undecided)})
    world.approve(40, *APPROVERS["approved"])
    code, result, _ = check(capsys, world.fake, 40)
    assert code == 1 and not result["satisfied"]
    assert any(f.startswith(f"{REVIEW}:") and "decision" in f for f in result["faults"])
    assert world.statuses(head)[-1][0] == "failure"


def test_a_no_without_its_three_deciders_is_not_signed_off(world, capsys):
    lacking = review_text("denied").replace("    sales_vp: sal\n", "")
    head = world.pull(41, {REVIEW: (review_text("in-review"), lacking)})
    world.approve(41, *APPROVERS["denied"])
    code, result, _ = check(capsys, world.fake, 41)
    assert code == 1
    assert any("sales_vp" in f for f in result["faults"])
    assert world.statuses(head)[-1] == ("failure", f"{REVIEW} does not validate")


def test_an_account_turned_red_without_an_action_plan_is_not_signed_off(world, capsys):
    red = account_text(2).replace("status: green", "status: red")
    head = world.pull(42, {ACCOUNT: (account_text(2), red)})
    world.approve(42, "max")
    code, result, _ = check(capsys, world.fake, 42)
    assert code == 1
    assert any(f.startswith(f"{ACCOUNT}:") and "action" in f for f in result["faults"])
    assert world.statuses(head)[-1][0] == "failure"


def test_a_missing_body_section_is_not_signed_off(world, capsys):
    cut = review_text("in-review").replace("## Timeline\n\nThe trial starts in February.\n\n", "")
    world.pull(43, {REVIEW: (review_text("draft"), cut)})
    world.approve(43, "pia")
    code, result, _ = check(capsys, world.fake, 43)
    assert code == 1
    assert any("missing section '## Timeline'" in f for f in result["faults"])


def test_a_deleted_account_breaks_the_reviews_that_name_it(world, capsys):
    world.fake.set_file(world.base, REVIEW, review_text("draft"))
    head = world.pull(44, {ACCOUNT: (account_text(1), None)})
    world.approve(44, "lea", "abe")
    code, result, _ = check(capsys, world.fake, 44)
    assert code == 1
    assert any(
        f.startswith(f"{REVIEW}:") and "no account plan has the id 'acme'" in f for f in result["faults"]
    )
    assert world.statuses(head)[-1][0] == "failure"


def test_a_fault_is_named_at_its_file_and_line_on_the_comment(world, capsys):
    broken = review_text("in-review").replace("moment: pre-sales", "moment: sometime")
    world.pull(45, {REVIEW: (review_text("draft"), broken)})
    world.approve(45, "pia")
    code, result, _ = check(capsys, world.fake, 45)
    assert code == 1
    assert f"{REVIEW}:5:9: moment:" in result["faults"][0]
    (comment,) = world.fake.comments(45)
    assert "does not validate" in comment.body and "tr-0001-acme-air-gap.md:5:9" in comment.body


def test_the_honest_review_still_turns_green_after_its_tree_is_validated(world, capsys):
    head = world.pull(46, {REVIEW: (review_text("in-review"), review_text("approved"))})
    world.approve(46, *APPROVERS["approved"])
    code, result, _ = check(capsys, world.fake, 46)
    assert code == 0 and result["faults"] == []
    assert world.statuses(head)[-1] == ("success", "all sign-offs present")


# --- 2. a status belongs to a commit: only pull requests into the default branch are judged -----------


def test_a_pull_request_into_another_branch_posts_no_status_on_a_shared_head(world, capsys):
    head = world.pull(50, {REVIEW: (review_text("in-review"), review_text("approved"))})
    world.fake.set_branch("attacker-base", fake_sha("attacker-base"))
    world.fake.add_pull(51, "mallory", head, base_ref="attacker-base", head_ref="topic-50",
                        files=[(REVIEW, "modified")], base_sha=world.bases[50])  # fmt: skip
    world.fake.add_review(51, "pat", "APPROVED")
    code, result, _ = check(capsys, world.fake, 51)
    assert code == 1 and result["judged"] is False
    assert world.statuses(head) == []


def test_a_pull_request_into_another_branch_says_why_it_is_not_judged(world, capsys):
    head = world.pull(52, {REVIEW: (review_text("draft"), review_text("in-review"))}, base_ref="release")
    world.approve(52, "pia")
    code = main(["signoff", "check", "--repo", REPO, "--pr", "52", "--api-url", world.fake.base_url])
    out = capsys.readouterr().out
    assert code == 1
    assert "into 'release', not the default branch 'main'" in out
    assert world.statuses(head) == []


def test_the_policy_comes_from_the_default_branch_not_the_pull_requests_base_commit(world, capsys):
    lax = b"version: 1\nroles:\n  anyone:\n    users: [mallory]\nrules: []\n"
    head = world.pull(53, {REVIEW: (review_text("in-review"), review_text("approved"))})
    world.fake.set_file(world.bases[53], ".github/signoff-policy.yml", lax)  # an old base, before the rules
    world.approve(53, "mallory")
    code, result, _ = check(capsys, world.fake, 53)
    assert code == 1
    assert result["documents"][0]["missing"] == ["product", "engineering", "support", "ce-vp"]
    assert world.statuses(head)[-1][0] == "pending"


def test_documents_are_compared_with_the_merge_base_of_the_default_branch(world, capsys):
    # The pull request's recorded base says the review was approved; on main (the merge base) it is not.
    head = world.pull(54, {REVIEW: (review_text("approved"), review_text("approved", title="New title"))})
    merge_base = fake_sha("merge-base", 54)
    world.fake.derive_tree(merge_base, world.base)
    world.fake.set_file(merge_base, REVIEW, review_text("in-review"))
    world.fake.set_merge_base("main", head, merge_base)
    world.approve(54, *APPROVERS["approved"])
    code, result, _ = check(capsys, world.fake, 54)
    assert code == 0
    assert result["documents"][0]["rules"] == ["a review is approved"]
    reads = world.fake.calls(r"GET /repos/acme/handbook/contents/reviews/tr-0001-acme-air-gap\.md")
    assert {c.query["ref"] for c in reads} == {merge_base, head}


def test_the_sign_off_workflow_reruns_when_the_base_changes():
    import yaml

    workflow = yaml.safe_load(
        (Path(__file__).resolve().parents[2] / ".github/workflows/signoff.yml").read_text()
    )
    triggers = workflow[True] if True in workflow else workflow["on"]
    assert "edited" in triggers["pull_request_target"]["types"]


# --- 3. the code that decides is guarded by the policy -------------------------------------------------


@pytest.mark.parametrize(
    "path",
    ["generator/documents/validate.py", "generator/documents/models/review.py", "pyproject.toml",
     "site/mkdocs.yml", "site/templates/review.md.j2", "requirements/signoff.txt", "Makefile"],
)  # fmt: skip
def test_a_change_to_what_decides_a_verdict_needs_signoff_admins(world, capsys, path):
    world.pull(60, {path: ("old\n", "new\n")})
    world.approve(60, "pat", "eve", "sam", "vic")
    code, result, _ = check(capsys, world.fake, 60)
    assert code == 1
    assert result["documents"][0]["missing"] == ["signoff-admins"]


# --- 4. documents are regular files ----------------------------------------------------------------------


def test_editing_the_target_of_a_linked_review_on_main_is_not_signed_off(world, capsys):
    world.fake.set_symlink(world.base, "reviews/tr-0014-linked.md", "../notes/tr14.md")
    world.fake.set_file(world.base, "notes/tr14.md", review_text("in-review"))
    head = world.pull(70, {"notes/tr14.md": (review_text("in-review"), review_text("approved"))})
    code, result, _ = check(capsys, world.fake, 70)
    assert code == 1
    assert any(
        f.startswith("reviews/tr-0014-linked.md:1:1:") and "symbolic link" in f for f in result["faults"]
    )
    assert world.statuses(head)[-1][0] == "failure"


def test_a_review_added_as_a_link_is_not_signed_off(world, capsys):
    head = world.pull(71, {"notes/x.md": (None, review_text("approved"))})
    world.fake.set_symlink(head, REVIEW, "../notes/x.md")
    world.approve(71, *APPROVERS["approved"])
    code, result, _ = check(capsys, world.fake, 71)
    assert code == 1
    assert any("symbolic link" in f for f in result["faults"])


# --- 5. the pusher of the head never counts --------------------------------------------------------------


def relayed_review_event(tmp_path, monkeypatch, head: str, branch: str, owner: str = "acme") -> None:
    event = json.loads((WORKFLOWS_EVENTS / "workflow_run.completed.json").read_text(encoding="utf-8"))
    event["workflow_run"].update(head_sha=head, head_branch=branch, event="pull_request_review")
    event["workflow_run"]["head_repository"]["owner"]["login"] = owner
    event["repository"]["full_name"] = REPO
    (tmp_path / "event.json").write_text(json.dumps(event), encoding="utf-8")
    monkeypatch.setenv("GITHUB_EVENT_PATH", str(tmp_path / "event.json"))


def run_relayed(world, capsys) -> tuple[int, dict[str, Any]]:
    code = main(["signoff", "check", "--repo", REPO, "--api-url", world.fake.base_url, "--format", "json"])
    out = capsys.readouterr().out
    return code, json.loads(out)


def test_the_pusher_named_by_the_activity_log_cannot_approve_through_a_relayed_review(
    world, capsys, tmp_path, monkeypatch
):
    # pia pushes a commit whose author and committer claim to be cedric, then approves it.
    head = world.pull(80, {REVIEW: (review_text("draft"), review_text("in-review"))}, pushed_by="pia")
    world.approve(80, "pia")
    relayed_review_event(tmp_path, monkeypatch, head, "topic-80")
    code, result = run_relayed(world, capsys)
    assert code == 1
    assert {"login": "pia", "reason": "pushed to the pull request"} in result["not_counted"]
    assert any("activity log" in note for note in result["notes"])


def test_a_force_push_names_its_pusher_too(world, capsys):
    head = world.pull(81, {REVIEW: (review_text("draft"), review_text("in-review"))})
    world.fake.add_push("topic-81", head, "pia", activity_type="force_push")
    world.approve(81, "pia")
    code, result, _ = check(capsys, world.fake, 81)
    assert code == 1
    assert {"login": "pia", "reason": "pushed to the pull request"} in result["not_counted"]


def test_a_pusher_seen_on_a_push_event_is_remembered_for_later_review_events(
    world, capsys, tmp_path, monkeypatch
):
    head = world.pull(82, {REVIEW: (review_text("draft"), review_text("in-review"))}, pushed_by=None)
    event = webhook(
        "pull_request.synchronize.json",
        number=82,
        pull_request__number=82,
        pull_request__head__sha=head,
        sender__login="pia",
        repository__full_name=REPO,
    )
    (tmp_path / "push.json").write_text(json.dumps(event), encoding="utf-8")
    monkeypatch.setenv("GITHUB_EVENT_PATH", str(tmp_path / "push.json"))
    main(["signoff", "check", "--repo", REPO, "--api-url", world.fake.base_url])
    capsys.readouterr()
    world.approve(82, "pia")
    relayed_review_event(tmp_path, monkeypatch, head, "topic-82")
    code, result = run_relayed(world, capsys)
    assert code == 1
    assert {"login": "pia", "reason": "pushed to the pull request"} in result["not_counted"]


def test_the_honest_author_push_still_turns_green(world, capsys, tmp_path, monkeypatch):
    head = world.pull(83, {REVIEW: (review_text("draft"), review_text("in-review"))})
    world.approve(83, "pia")
    relayed_review_event(tmp_path, monkeypatch, head, "topic-83")
    code, result = run_relayed(world, capsys)
    assert code == 0 and result["satisfied"]
    assert world.statuses(head)[-1] == ("success", "all sign-offs present")


# --- 6. the relay judges the pull request that was reviewed ----------------------------------------------


def test_a_relayed_review_judges_the_pull_request_into_the_default_branch(
    world, capsys, tmp_path, monkeypatch
):
    head = world.pull(90, {REVIEW: (review_text("draft"), review_text("in-review"))})
    world.approve(90, "pia")
    # A newer pull request from the same branch and commit into another base is listed first by GitHub.
    world.fake.add_pull(91, "mallory", head, base_ref="attacker-base", head_ref="topic-90",
                        files=[(REVIEW, "modified")], base_sha=world.bases[90])  # fmt: skip
    relayed_review_event(tmp_path, monkeypatch, head, "topic-90")
    code, result = run_relayed(world, capsys)
    assert code == 0 and result["pull_request"] == 90
    assert world.fake.comments(91) == []


def test_a_relayed_review_of_a_pull_request_into_another_branch_judges_nothing(
    world, capsys, tmp_path, monkeypatch
):
    head = world.pull(92, {REVIEW: (review_text("draft"), review_text("in-review"))}, base_ref="release")
    world.approve(92, "pia")
    relayed_review_event(tmp_path, monkeypatch, head, "topic-92")
    code, result = run_relayed(world, capsys)
    assert code == 1 and result["judged"] is False
    assert world.statuses(head) == []


def test_the_review_relay_has_no_step_that_picks_a_pull_request_itself():
    text = (Path(__file__).resolve().parents[2] / ".github/workflows/signoff.yml").read_text()
    assert "pulls?" not in text and "numbers[0]" not in text


def test_the_policy_guards_the_policy_itself(world, capsys):
    world.pull(93, {".github/signoff-policy.yml": (POLICY, POLICY + b"\n")})
    code, result, _ = check(capsys, world.fake, 93)
    assert code == 1 and result["documents"][0]["missing"] == ["signoff-admins"]


def test_a_document_folder_replaced_by_a_link_is_not_signed_off(world, capsys):
    head = world.pull(72, {"elsewhere/tr-0001-acme-air-gap.md": (None, review_text("approved"))})
    world.fake.set_file(head, ACCOUNT, None)
    world.fake.set_symlink(head, "accounts", "elsewhere")
    code, result, _ = check(capsys, world.fake, 72)
    assert code == 1
    assert any(f.startswith("accounts:1:1:") and "real folder" in f for f in result["faults"])


# --- 7. a file beside the documents is signed off like the documents that show it -----------------------

DIAGRAM = "reviews/tr-0001-diagram.png"


def showing_the_diagram(status: str) -> str:
    return review_text(status) + "\n![The offline upgrade](tr-0001-diagram.png)\n"


def a_swapped_diagram(world, number: int, status: str = "approved") -> str:
    """A pull request that only replaces the diagram an approved review shows on main."""
    world.fake.set_file(world.base, REVIEW, showing_the_diagram(status))
    old, new = b"\x89PNG\r\n\x1a\n the diagram as approved", b"\x89PNG\r\n\x1a\n another diagram"
    world.fake.set_file(world.base, DIAGRAM, old)
    return str(world.pull(number, {DIAGRAM: (old, new)}))


def test_a_diagram_an_approved_review_shows_is_not_swapped_without_its_sign_off(world, capsys):
    head = a_swapped_diagram(world, 110)
    code, result, _ = check(capsys, world.fake, 110)
    assert code == 1
    [judged] = result["documents"]
    assert judged["path"] == DIAGRAM and judged["shown_in"] == REVIEW
    assert set(judged["missing"]) == {"product", "engineering", "support", "ce-vp"}
    assert world.statuses(head)[-1][0] == "pending"


def test_a_swapped_diagram_is_signed_off_by_the_roles_of_the_review_that_shows_it(world, capsys):
    head = a_swapped_diagram(world, 111)
    world.approve(111, *APPROVERS["approved"])
    code, result, _ = check(capsys, world.fake, 111)
    assert code == 0, result["not_counted"]
    assert world.statuses(head)[-1][0] == "success"


def test_a_diagram_of_a_draft_needs_what_editing_the_draft_needs(world, capsys):
    head = a_swapped_diagram(world, 112, status="draft")
    code, result, _ = check(capsys, world.fake, 112)
    assert code == 0, result
    assert result["documents"][0]["shown_in"] == REVIEW and result["documents"][0]["required"] == []
    assert world.statuses(head)[-1][0] == "success"


def test_a_diagram_shown_through_an_html_image_is_signed_off_like_its_review(world, capsys):
    world.fake.set_file(world.base, REVIEW, review_text("approved") + '\n<img src="tr-0001-diagram.png">\n')
    old, new = b"\x89PNG\r\n\x1a\n as approved", b"\x89PNG\r\n\x1a\n swapped"
    world.fake.set_file(world.base, DIAGRAM, old)
    world.pull(114, {DIAGRAM: (old, new)})
    code, result, _ = check(capsys, world.fake, 114)
    assert code == 1
    assert result["documents"][0]["shown_in"] == REVIEW and result["documents"][0]["missing"]


def test_a_file_a_tier_1_account_plan_shows_needs_its_leadership(world, capsys):
    chart = "accounts/acme-org-chart.png"
    world.fake.set_file(world.base, ACCOUNT, account_text(1) + "\n![Org chart](acme-org-chart.png)\n")
    old, new = b"\x89PNG\r\n\x1a\n as planned", b"\x89PNG\r\n\x1a\n swapped"
    world.fake.set_file(world.base, chart, old)
    world.pull(115, {chart: (old, new)})
    code, result, _ = check(capsys, world.fake, 115)
    assert code == 1
    [judged] = result["documents"]
    assert judged["shown_in"] == ACCOUNT and set(judged["missing"]) == {"ce-leadership", "ae-leadership"}


def test_a_diagram_named_by_a_document_that_cannot_be_read_is_not_signed_off(world, capsys):
    world.fake.set_file(world.base, REVIEW, "---\nid: [TR-0001\n---\n![Diagram](tr-0001-diagram.png)\n")
    old, new = b"\x89PNG\r\n\x1a\n as approved", b"\x89PNG\r\n\x1a\n swapped"
    world.fake.set_file(world.base, DIAGRAM, old)
    head = world.pull(116, {DIAGRAM: (old, new)})
    world.approve(116, *APPROVERS["approved"])
    code, result, _ = check(capsys, world.fake, 116)
    assert code == 1
    assert any("cannot be read" in problem for problem in result["documents"][0]["problems"])
    assert world.statuses(head)[-1][0] != "success"


def test_a_file_no_document_shows_needs_no_sign_off(world, capsys):
    head = world.pull(113, {"reviews/spare.png": (None, b"\x89PNG\r\n\x1a\n linked from nowhere")})
    code, result, _ = check(capsys, world.fake, 113)
    assert code == 0, result["faults"]
    assert world.statuses(head)[-1][0] == "success"


# --- a large handbook is read in two requests, and an archive that lies is not believed -------------------


def many_reviews(world, count: int) -> None:
    for number in range(2, count + 2):
        text = review_text("draft").replace("id: TR-0001", f"id: TR-{number:04d}")
        world.fake.set_file(world.base, f"reviews/tr-{number:04d}-acme.md", text)


def test_a_large_head_tree_is_read_from_one_archive(world, capsys):
    many_reviews(world, 40)
    head = world.pull(100, {REVIEW: (review_text("in-review"), review_text("approved"))})
    world.approve(100, *APPROVERS["approved"])
    code, result, _ = check(capsys, world.fake, 100)
    assert code == 0, result
    assert world.fake.calls(r"GET /repos/acme/handbook/tarball/.*")
    assert world.fake.calls(r"GET /repos/acme/handbook/git/blobs/.*") == []
    assert world.statuses(head)[-1][0] == "success"


def test_an_archive_that_differs_from_the_tree_is_not_believed(world, capsys):
    many_reviews(world, 30)
    head = world.pull(101, {REVIEW: (review_text("in-review"), review_text("approved"))})
    repo = world.fake.repo(REPO)
    from tests.fakegithub.handlers import tree_at

    forged = dict(tree_at(repo, head))
    forged[REVIEW] = ("100644", review_text("approved", title="Something else").encode())
    repo.archive_overrides[head] = forged
    world.fake.set_file(head, REVIEW, review_text("approved").replace("status: approved", "status: [broken"))
    world.approve(101, *APPROVERS["approved"])
    code, result, _ = check(capsys, world.fake, 101)
    assert code == 1
    assert any("not valid YAML" in f for f in result["faults"])  # the tree's blob, read on its own
    assert world.fake.calls(r"GET /repos/acme/handbook/git/blobs/.*")


def test_an_archive_that_fails_falls_back_to_reading_blobs(world, capsys):
    many_reviews(world, 25)
    world.pull(102, {REVIEW: (review_text("in-review"), review_text("approved"))})
    world.fake.fail(r"GET /_codeload/.*", 500)
    world.approve(102, *APPROVERS["approved"])
    code, result, _ = check(capsys, world.fake, 102)
    assert code == 0, result


def test_a_github_fault_before_the_base_is_known_posts_no_status_either(world, capsys):
    head = world.pull(103, {REVIEW: (review_text("draft"), review_text("in-review"))}, base_ref="release")
    world.fake.fail(r"GET /repos/acme/handbook/pulls/103", 503)
    code, _, err = check(capsys, world.fake, 103)
    assert code == 3 and "GitHub" in err
    assert world.statuses(head) == []
