"""The pure verdict: the shipped policy's rules, and which approvals count."""

from __future__ import annotations

import dataclasses

from hypothesis import given, settings
from hypothesis import strategies as st

from generator.signoff.engine import ChangedFile, PullRequestReview, ShownIn, verdict
from generator.signoff.policy import parse_policy
from tests.signoff.builders import (
    EVERYONE,
    HEAD,
    OLD,
    T0,
    account_file,
    approve,
    commit,
    pull,
    review_file,
    review_version,
    shipped_policy,
    teams,
)

POLICY = shipped_policy()


def judge(*files: ChangedFile, memberships=EVERYONE, **kwargs):
    return verdict(POLICY, pull(*files, **kwargs), memberships)


# --- which roles each change needs (the shipped policy) -----------------------------------------


def test_a_review_entering_in_review_needs_its_named_peer_ce():
    result = judge(review_file("draft", "in-review"), reviews=(approve("pia"),))
    assert result.satisfied
    assert result.documents[0].roles[0].by[0].login == "pia"


def test_another_ce_cannot_stand_in_for_the_named_peer():
    result = judge(review_file("draft", "in-review"), reviews=(approve("carl"),))
    assert not result.satisfied
    assert result.missing == ["peer-ce"]
    assert "peer-ce is pia, named in peer_reviewer" in result.not_counted[0].reason


def test_the_named_peer_must_also_be_a_ce():
    result = judge(review_file("draft", "in-review", peer="pat"), reviews=(approve("pat"),))
    assert result.missing == ["peer-ce"]


def test_an_approved_review_needs_product_engineering_support_and_the_ce_vp():
    file = review_file("in-review", "approved")
    people = ("pat", "eve", "sam", "vic")
    assert judge(file, reviews=tuple(approve(p) for p in people)).satisfied
    partial = judge(file, reviews=tuple(approve(p) for p in people[:2]))
    assert partial.documents[0].required == ["product", "engineering", "support", "ce-vp"]
    assert partial.missing == ["support", "ce-vp"]


def test_a_denied_review_needs_the_ce_vp_vp_engineering_and_sales_vp():
    file = review_file("in-review", "denied")
    assert judge(file, reviews=tuple(approve(p) for p in ("vic", "val", "sal"))).satisfied
    assert judge(file, reviews=(approve("vic"),)).missing == ["vp-engineering", "sales-vp"]


def test_editing_an_approved_review_needs_its_deciding_roles_again():
    result = judge(review_file("approved", "approved"))
    assert result.documents[0].required == ["product", "engineering", "support", "ce-vp"]
    assert not result.satisfied


def test_deleting_a_denied_review_needs_its_deciders_again():
    result = judge(review_file("denied", None))
    assert result.documents[0].required == ["ce-vp", "vp-engineering", "sales-vp"]


def test_renaming_an_approved_review_needs_its_deciding_roles_again():
    file = dataclasses.replace(
        review_file("approved", "approved", path="reviews/tr-0001-new.md"),
        change="renamed",
        previous_path="reviews/tr-0001-acme.md",
    )
    result = judge(file, reviews=tuple(approve(p) for p in ("pat", "eve", "sam", "vic")))
    assert result.satisfied
    assert result.documents[0].previous_path == "reviews/tr-0001-acme.md"


def test_editing_a_draft_needs_nobody():
    result = judge(review_file("draft", "draft"))
    assert result.satisfied
    assert result.documents[0].required == []


def test_a_tier_1_account_plan_needs_ce_and_ae_leadership():
    assert judge(account_file(1, 1), reviews=(approve("lea"), approve("abe"))).satisfied
    assert judge(account_file(1, 1), reviews=(approve("lea"),)).missing == ["ae-leadership"]


def test_tier_2_and_3_account_plans_need_the_ce_manager():
    for tier in (2, 3):
        assert judge(account_file(tier, tier), reviews=(approve("max"),)).satisfied


def test_lowering_a_plans_tier_still_needs_the_leadership_of_the_old_tier():
    result = judge(account_file(1, 3), reviews=(approve("max"),))
    assert result.missing == ["ce-leadership", "ae-leadership"]


def test_a_change_to_the_sign_off_machinery_needs_signoff_admins():
    for path in (".github/signoff-policy.yml", "CODEOWNERS", "generator/signoff/engine.py"):
        result = judge(ChangedFile(path=path), reviews=(approve("ada"),))
        assert result.documents[0].required == ["signoff-admins"]
        assert result.satisfied


def test_files_that_no_rule_covers_are_not_listed():
    assert judge(ChangedFile(path="notes/meeting.md")).documents == ()


# --- which approvals count -----------------------------------------------------------------------


def test_the_author_cannot_approve_their_own_pull_request():
    result = judge(review_file("draft", "in-review", peer="cedric"), reviews=(approve("cedric"),))
    assert not result.satisfied
    assert result.not_counted[0].reason == "the pull request's author"


def test_a_commit_author_cannot_approve():
    commits = (commit("cedric", sha=OLD), commit("pia"))
    result = judge(review_file("draft", "in-review"), reviews=(approve("pia"),), commits=commits)
    assert not result.satisfied
    assert "authored commit" in result.not_counted[0].reason


def test_a_co_author_named_in_a_trailer_cannot_approve():
    message = "Fill in the asks\n\nCo-authored-by: Pia Peer <12345+pia@users.noreply.github.com>\n"
    result = judge(
        review_file("draft", "in-review"), reviews=(approve("pia"),), commits=(commit("cedric", message),)
    )
    assert not result.satisfied
    assert result.not_counted[0].reason.startswith("co-authored commit")


def test_a_co_author_known_by_an_e_mail_in_the_policy_cannot_approve():
    policy = POLICY.model_copy(update={"identities": {"pia": ["pia@corp.example"]}})
    message = "Edit\n\nco-authored-by: P. <PIA@corp.example>"
    result = verdict(
        policy,
        pull(
            review_file("draft", "in-review"), reviews=(approve("pia"),), commits=(commit("cedric", message),)
        ),
        EVERYONE,
    )
    assert not result.satisfied


def test_the_last_pusher_cannot_approve():
    result = judge(review_file("draft", "in-review"), reviews=(approve("pia"),), pushers=frozenset({"PIA"}))
    assert result.not_counted[0].reason == "pushed to the pull request"


def test_the_committer_of_the_head_commit_cannot_approve():
    result = judge(
        review_file("draft", "in-review"),
        reviews=(approve("pia"),),
        commits=(commit("cedric", committer="pia"),),
    )
    assert not result.satisfied


def test_an_approval_of_an_older_commit_does_not_count():
    result = judge(review_file("draft", "in-review"), reviews=(approve("pia", on=OLD),))
    assert not result.satisfied
    assert "older commit" in result.not_counted[0].reason


def test_changes_requested_after_an_approval_cancels_it_and_blocks():
    reviews = (approve("pia"), approve("pia", minutes=2, state="CHANGES_REQUESTED"))
    result = judge(review_file("draft", "in-review"), reviews=reviews)
    assert not result.satisfied
    assert result.blocked_by == ["pia"]
    assert result.not_counted[0].reason == "approval was followed by a request for changes"


def test_a_dismissed_approval_does_not_count():
    result = judge(review_file("draft", "in-review"), reviews=(approve("pia", state="DISMISSED"),))
    assert not result.satisfied
    assert result.not_counted[0].reason == "review was dismissed"


def test_a_comment_after_an_approval_leaves_it_standing():
    reviews = (approve("pia"), approve("pia", minutes=5, state="COMMENTED"))
    assert judge(review_file("draft", "in-review"), reviews=reviews).satisfied


def test_review_states_from_webhooks_in_lower_case_are_understood():
    assert judge(review_file("draft", "in-review"), reviews=(approve("pia", state="approved"),)).satisfied


def test_a_bot_cannot_approve():
    result = judge(ChangedFile(path="CODEOWNERS"), reviews=(approve("ada", bot=True),))
    assert result.not_counted[0].reason == "a bot"
    named = judge(
        ChangedFile(path="CODEOWNERS"),
        reviews=(approve("ada[bot]"),),
        memberships=teams(signoff_admins="ada[bot]"),
    )
    assert not named.satisfied


def test_a_non_member_cannot_fill_a_role():
    result = judge(ChangedFile(path="CODEOWNERS"), reviews=(approve("pat"),))
    assert not result.satisfied
    assert result.not_counted[0].reason == "not a member of signoff-admins"


def test_a_pending_member_cannot_fill_a_role():
    result = judge(
        ChangedFile(path="CODEOWNERS"),
        reviews=(approve("ann"),),
        memberships=teams(signoff_admins="ann:pending"),
    )
    assert not result.satisfied
    assert "membership of handbook-org/signoff-admins is pending" in result.not_counted[0].reason


def test_one_person_fills_one_role_per_document():
    both = teams(product="pat", engineering="pat", support="sam", ce_vp="vic")
    reviews = (approve("pat"), approve("sam"), approve("vic"))
    result = judge(review_file("in-review", "approved"), reviews=reviews, memberships=both)
    assert result.missing == ["engineering"] or result.missing == ["product"]


def test_roles_are_matched_so_that_as_many_as_possible_are_filled():
    # pat holds product and engineering, eve only engineering: pat must take product.
    memberships = teams(product="pat", engineering=["pat", "eve"], support="sam", ce_vp="vic")
    reviews = (approve("pat"), approve("eve"), approve("sam"), approve("vic"))
    assert judge(review_file("in-review", "approved"), reviews=reviews, memberships=memberships).satisfied


def test_the_policy_may_let_one_person_fill_several_roles():
    policy = POLICY.model_copy(update={"one_role_per_person": False})
    both = teams(product="pat", engineering="pat", support="sam", ce_vp="vic")
    reviews = (approve("pat"), approve("sam"), approve("vic"))
    assert verdict(policy, pull(review_file("in-review", "approved"), reviews=reviews), both).satisfied


def test_a_blocking_concern_is_lifted_when_its_author_approves():
    file = review_file("in-review", "approved")
    concern = (approve("sam", state="CHANGES_REQUESTED"),)
    signed = tuple(approve(p) for p in ("pat", "eve", "vic"))
    blocked = judge(
        file,
        reviews=signed + concern + (approve("sue"),),
        memberships={**EVERYONE, **teams(support=["sam", "sue"])},
    )
    assert not blocked.satisfied
    assert blocked.blocked_by == ["sam"]
    lifted = judge(file, reviews=signed + concern + (approve("sam", minutes=9),))
    assert lifted.satisfied


def test_a_concern_from_someone_without_a_required_role_does_not_block():
    result = judge(
        review_file("draft", "in-review"), reviews=(approve("pia"), approve("pat", state="CHANGES_REQUESTED"))
    )
    assert result.satisfied


def test_a_new_version_that_does_not_validate_cannot_be_signed_off():
    file = review_file("draft", "in-review")
    assert file.head is not None
    broken = dataclasses.replace(file, head=dataclasses.replace(file.head, error="reviews/x.md:3:1: bad"))
    result = judge(broken, reviews=(approve("pia"),))
    assert not result.satisfied
    assert "does not validate" in result.documents[0].problems[0]


def test_require_if_asked_reads_the_teams_the_review_asks():
    text = ROOT_POLICY.replace(
        "require: [product, engineering, support, ce-vp]\n",
        "require: [ce-vp]\n    require_if_asked: [product, engineering, support]\n",
        1,
    )
    policy = parse_policy(text.encode())
    file = review_file("in-review", "approved", asked=("support",))
    result = verdict(policy, pull(file, reviews=(approve("vic"),)), EVERYONE)
    assert result.documents[0].required == ["support", "ce-vp"]


ROOT_POLICY = (
    ROOT := __import__("tests.signoff.builders", fromlist=["ROOT"]).ROOT / ".github/signoff-policy.yml"
).read_text()


# --- properties -----------------------------------------------------------------------------------

_people = st.sampled_from(["cedric", "pia", "pat", "eve", "sam", "vic", "carl"])
_states = st.sampled_from(["APPROVED", "CHANGES_REQUESTED", "COMMENTED", "DISMISSED", "approved"])


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.tuples(_states, st.sampled_from([HEAD, OLD]), st.integers(0, 50)), max_size=12),
    st.sets(_people, min_size=1, max_size=4),
)
def test_no_reviews_by_the_author_or_commit_authors_ever_satisfy_a_role(reviews, authors):
    author, *others = sorted(authors)
    earlier = [commit(login, sha=f"{index:040d}") for index, login in enumerate(others)]
    commits = (*earlier, commit(author))
    chosen = tuple(
        PullRequestReview(login, state, sha, T0.replace(minute=m))
        for state, sha, m in reviews
        for login in authors
    )
    file = review_file("in-review", "approved", peer="pia")
    result = verdict(POLICY, pull(file, reviews=chosen, commits=commits, author=author), EVERYONE)
    assert all(not role.satisfied for doc in result.documents for role in doc.roles)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(_people, _states, st.sampled_from([HEAD, OLD]), st.integers(0, 50)), max_size=14))
def test_a_role_is_only_ever_filled_by_a_latest_approval_of_the_head(reviews):
    chosen = tuple(
        PullRequestReview(login, state, sha, T0.replace(minute=m)) for login, state, sha, m in reviews
    )
    result = verdict(POLICY, pull(review_file("in-review", "approved"), reviews=chosen), EVERYONE)
    for doc in result.documents:
        for role in doc.roles:
            for approval in role.by:
                mine = [r for r in chosen if r.login == approval.login and r.state.upper() != "COMMENTED"]
                last = sorted(mine, key=lambda r: r.submitted_at)[-1]  # type: ignore[arg-type, return-value]
                assert last.state.upper() == "APPROVED" and last.commit_id == HEAD


# --- a file beside the documents -------------------------------------------------------------------------


def test_a_file_beside_the_documents_is_judged_as_an_edit_of_each_document_showing_it():
    diagram = ChangedFile(
        "reviews/diagram.png",
        shown_in=(
            ShownIn("reviews/tr-0001-a.md", "review", review_version("approved")),
            ShownIn("reviews/tr-0002-b.md", "review", review_version("draft")),
        ),
    )
    result = judge(diagram, reviews=tuple(approve(p) for p in ("pat", "eve", "sam")))
    assert [(d.path, d.shown_in) for d in result.documents] == [
        ("reviews/diagram.png", "reviews/tr-0001-a.md"),
        ("reviews/diagram.png", "reviews/tr-0002-b.md"),
    ]
    assert result.documents[0].missing == ["ce-vp"] and result.documents[1].required == []
    assert not result.satisfied


def test_a_file_beside_the_documents_that_no_document_shows_is_not_judged():
    assert judge(ChangedFile("reviews/spare.png")).documents == ()
