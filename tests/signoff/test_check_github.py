"""`handbook signoff check` end to end: the real PyGithub client against the fake GitHub over HTTP."""

from __future__ import annotations

import pytest

from tests.fakegithub import fake_sha
from tests.signoff.world import ACCOUNT, APPROVERS, POLICY, REVIEW, account_text, check, review_text

# --- a happy path per rule ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("before", "after"), [("draft", "in-review"), ("in-review", "approved"), ("in-review", "denied")]
)
def test_a_review_moving_on_is_signed_off_by_the_roles_its_new_status_needs(world, capsys, before, after):
    head = world.pull(5, {REVIEW: (review_text(before), review_text(after))})
    world.approve(5, *APPROVERS[after])
    code, result, _ = check(capsys, world.fake, 5)
    assert code == 0
    assert result["satisfied"] is True
    assert result["head_sha"] == head
    assert sorted(result["documents"][0]["required"]) == sorted(
        {"in-review": ["peer-ce"], "approved": ["product", "engineering", "support", "ce-vp"],
         "denied": ["ce-vp", "vp-engineering", "sales-vp"]}[after]
    )  # fmt: skip
    assert world.statuses(head) == [("pending", "checking sign-offs"), ("success", "all sign-offs present")]


@pytest.mark.parametrize(("tier", "approvers"), [(1, ["lea", "abe"]), (2, ["max"]), (3, ["max"])])
def test_an_account_plan_is_signed_off_by_the_leadership_of_its_tier(world, capsys, tier, approvers):
    world.pull(6, {ACCOUNT: (account_text(tier), account_text(tier).replace("Plan.", "New plan."))})
    world.approve(6, *approvers)
    code, result, _ = check(capsys, world.fake, 6)
    assert code == 0
    assert list(result["documents"][0]["roles"]) == (
        ["ce-leadership", "ae-leadership"] if tier == 1 else ["ce-manager"]
    )


def test_a_change_to_the_workflows_needs_signoff_admins(world, capsys):
    world.pull(7, {".github/workflows/signoff.yml": ("on: push\n", "on: pull_request\n")})
    world.approve(7, "ada")
    code, result, _ = check(capsys, world.fake, 7)
    assert code == 0
    assert result["documents"][0]["roles"] == {"signoff-admins": {"satisfied": True, "by": ["ada"]}}


# --- what is not counted --------------------------------------------------------------------------


def test_missing_roles_keep_the_check_pending_and_are_named_on_the_status(world, capsys):
    head = world.pull(8, {REVIEW: (review_text("in-review"), review_text("approved"))})
    world.approve(8, "pat", "eve")
    code, result, _ = check(capsys, world.fake, 8)
    assert code == 1
    assert result["documents"][0]["missing"] == ["support", "ce-vp"]
    assert world.statuses(head)[-1] == ("pending", "missing: support, ce-vp")


def test_self_approval_does_not_count(world, capsys):
    world.pull(9, {REVIEW: (review_text("draft"), review_text("in-review", peer="cedric"))})
    world.approve(9, "cedric")
    code, result, _ = check(capsys, world.fake, 9)
    assert code == 1
    assert {"login": "cedric", "reason": "the pull request's author"} in result["not_counted"]


def test_approval_by_a_commit_author_does_not_count(world, capsys):
    commits = [
        {"sha": fake_sha("c1"), "author_login": "cedric"},
        {"sha": fake_sha("c2"), "author_login": "pia"},
    ]
    world.pull(10, {REVIEW: (review_text("draft"), review_text("in-review"))}, commits=commits)
    world.approve(10, "pia")
    code, result, _ = check(capsys, world.fake, 10)
    assert code == 1
    assert result["not_counted"] == [{"login": "pia", "reason": f"authored commit {fake_sha('c2')[:7]}"}]


def test_approval_by_a_co_author_does_not_count(world, capsys):
    message = "Tighten the asks\n\nCo-authored-by: Pia <41898282+pia@users.noreply.github.com>"
    commits = [{"sha": fake_sha("c3"), "author_login": "cedric", "message": message}]
    world.pull(11, {REVIEW: (review_text("draft"), review_text("in-review"))}, commits=commits)
    world.approve(11, "pia")
    code, result, _ = check(capsys, world.fake, 11)
    assert code == 1
    assert result["not_counted"][0]["reason"].startswith("co-authored commit")


def test_an_approval_of_an_older_commit_does_not_count(world, capsys):
    world.pull(12, {REVIEW: (review_text("draft"), review_text("in-review"))})
    world.fake.add_review(12, "pia", "APPROVED", commit_id=fake_sha("older"))
    code, result, _ = check(capsys, world.fake, 12)
    assert code == 1
    assert "older commit" in result["not_counted"][0]["reason"]


def test_an_approval_then_changes_requested_blocks(world, capsys):
    head = world.pull(13, {REVIEW: (review_text("draft"), review_text("in-review"))})
    world.approve(13, "pia")
    world.fake.add_review(13, "pia", "CHANGES_REQUESTED")
    code, result, _ = check(capsys, world.fake, 13)
    assert code == 1
    assert result["documents"][0]["blocked_by"] == ["pia"]
    assert world.statuses(head)[-1] == ("failure", "missing: peer-ce; changes requested by pia")


def test_a_dismissed_approval_does_not_count(world, capsys):
    world.pull(14, {REVIEW: (review_text("draft"), review_text("in-review"))})
    review = world.fake.add_review(14, "pia", "APPROVED")
    world.fake.dismiss_review(review.id)
    code, result, _ = check(capsys, world.fake, 14)
    assert code == 1
    assert result["not_counted"] == [{"login": "pia", "reason": "review was dismissed"}]


def test_a_non_member_cannot_sign(world, capsys):
    world.pull(15, {"CODEOWNERS": ("* @a\n", "* @b\n")})
    world.approve(15, "mallory")
    code, result, _ = check(capsys, world.fake, 15)
    assert code == 1
    assert result["not_counted"] == [{"login": "mallory", "reason": "not a member of signoff-admins"}]


def test_a_pending_member_cannot_sign(world, capsys):
    world.fake.set_membership("handbook-org", "signoff-admins", "newbie", "pending")
    world.pull(16, {"CODEOWNERS": ("* @a\n", "* @b\n")})
    world.approve(16, "newbie")
    code, result, _ = check(capsys, world.fake, 16)
    assert code == 1
    assert result["not_counted"][0]["reason"] == "membership of handbook-org/signoff-admins is pending"
    assert world.fake.calls(r"GET /orgs/handbook-org/teams/signoff-admins/memberships/newbie")


def test_a_member_on_the_second_page_of_a_large_team_signs(world, capsys):
    for index in range(140):
        world.fake.set_membership("handbook-org", "support", f"helper-{index:03d}", "active")
    world.pull(17, {REVIEW: (review_text("in-review"), review_text("approved"))})
    world.approve(17, "pat", "eve", "helper-137", "vic")
    code, result, _ = check(capsys, world.fake, 17)
    assert code == 0
    assert result["documents"][0]["roles"]["support"]["by"] == ["helper-137"]
    assert len(world.fake.calls(r"GET /orgs/handbook-org/teams/support/members")) == 2


def test_more_than_a_hundred_reviews_are_all_read(world, capsys):
    world.pull(18, {REVIEW: (review_text("draft"), review_text("in-review"))})
    for index in range(120):
        world.fake.add_review(18, f"passer-{index}", "COMMENTED")
    world.approve(18, "pia")
    code, result, _ = check(capsys, world.fake, 18)
    assert code == 0
    assert result["documents"][0]["roles"]["peer-ce"]["by"] == ["pia"]
    assert len(world.fake.calls(r"GET /repos/acme/handbook/pulls/18/reviews")) == 2


def test_a_policy_edited_in_the_pull_request_is_not_used_and_needs_signoff_admins(world, capsys):
    lax = b"version: 1\nroles:\n  anyone:\n    users: [cedric]\n"
    lax += b"rules:\n  - name: x\n    paths: [nothing]\n    require: [anyone]\n"
    world.pull(
        19,
        {
            ".github/signoff-policy.yml": (POLICY, lax),
            REVIEW: (review_text("in-review"), review_text("approved")),
        },
    )
    world.approve(19, "pat", "eve", "sam", "vic")
    code, result, _ = check(capsys, world.fake, 19)
    assert code == 1
    assert result["documents"][0]["path"] == ".github/signoff-policy.yml"
    assert result["documents"][0]["missing"] == ["signoff-admins"]
    assert result["documents"][1]["satisfied"] is True
    contents = world.fake.calls(r"GET /repos/acme/handbook/contents/\.github/signoff-policy\.yml")
    assert [c.query["ref"] for c in contents] == ["main"]  # the default branch's policy, always


def test_one_person_in_two_teams_fills_one_role(world, capsys):
    world.fake.set_membership("handbook-org", "engineering", "pat", "active")
    world.pull(20, {REVIEW: (review_text("in-review"), review_text("approved"))})
    world.approve(20, "pat", "sam", "vic")
    code, result, _ = check(capsys, world.fake, 20)
    assert code == 1
    roles = result["documents"][0]["roles"]
    assert result["documents"][0]["missing"] in (["product"], ["engineering"])
    assert [role for role, verdict in roles.items() if "pat" in verdict["by"]] in (
        ["product"],
        ["engineering"],
    )


def test_a_bot_approval_does_not_count(world, capsys):
    world.fake.set_membership("handbook-org", "signoff-admins", "helper[bot]", "active")
    world.pull(21, {"CODEOWNERS": ("* @a\n", "* @b\n")})
    world.fake.add_review(21, "helper[bot]", "APPROVED", user_type="Bot")
    code, result, _ = check(capsys, world.fake, 21)
    assert code == 1
    assert result["not_counted"] == [{"login": "helper[bot]", "reason": "a bot"}]


def test_editing_an_approved_review_needs_its_deciders_again(world, capsys):
    world.pull(
        22, {REVIEW: (review_text("approved"), review_text("approved", title="Air-gapped install, v2"))}
    )
    world.approve(22, "pat", "eve", "sam")
    code, result, _ = check(capsys, world.fake, 22)
    assert code == 1
    assert result["documents"][0]["missing"] == ["ce-vp"]


def test_renaming_a_denied_review_needs_its_deciders_again(world, capsys):
    new = "reviews/tr-0001-acme-air-gapped.md"
    world.pull(23, {new: (review_text("denied"), review_text("denied"))}, renamed={new: REVIEW})
    code, result, _ = check(capsys, world.fake, 23)
    assert code == 1
    assert result["documents"][0]["required"] == ["ce-vp", "vp-engineering", "sales-vp"]
    assert world.fake.calls(r"GET /repos/acme/handbook/contents/reviews/tr-0001-acme-air-gap\.md")


def test_a_blocking_concern_is_raised_and_then_lifted(world, capsys):
    head = world.pull(24, {REVIEW: (review_text("in-review"), review_text("approved"))})
    world.approve(24, "pat", "eve", "vic")
    world.fake.set_membership("handbook-org", "support", "sue", "active")
    world.fake.add_review(24, "sam", "CHANGES_REQUESTED")
    world.approve(24, "sue")
    code, result, _ = check(capsys, world.fake, 24)
    assert code == 1
    assert result["documents"][0]["blocked_by"] == ["sam"]
    world.approve(24, "sam")
    code, result, _ = check(capsys, world.fake, 24)
    assert code == 0
    assert world.statuses(head)[-1] == ("success", "all sign-offs present")


def test_a_default_branch_without_a_policy_is_a_setup_error(world, capsys):
    head = world.pull(25, {REVIEW: (review_text("draft"), review_text("in-review"))})
    world.fake.set_file(world.base, ".github/signoff-policy.yml", None)
    world.approve(25, "pia")
    code, result, err = check(capsys, world.fake, 25)
    assert code == 3 and result is None
    assert "there is no sign-off policy on main" in err
    assert world.statuses(head)[-1] == ("error", "the sign-off policy on the default branch is invalid")


def test_an_invalid_policy_on_the_default_branch_is_reported_at_its_line(world, capsys):
    head = world.pull(26, {REVIEW: (review_text("draft"), review_text("in-review"))})
    broken = POLICY.replace(b"require: [peer-ce]", b"require: [peer-cee]")
    world.fake.set_file(world.base, ".github/signoff-policy.yml", broken)
    code, _, err = check(capsys, world.fake, 26)
    assert code == 3
    assert (
        ".github/signoff-policy.yml@" in err
        and "no role is called 'peer-cee' (did you mean 'peer-ce'?)" in err
    )
    assert world.statuses(head)[-1][0] == "error"


def test_a_new_version_that_does_not_validate_cannot_be_signed_off(world, capsys):
    head = world.pull(
        27, {REVIEW: (review_text("draft"), review_text("in-review").replace("status:", "status: [", 1))}
    )
    world.approve(27, "pia")
    code, result, _ = check(capsys, world.fake, 27)
    assert code == 1
    assert "the new version does not validate" in result["documents"][0]["problems"][0]
    assert world.statuses(head)[-1][0] == "failure"
