"""Fail closed: whatever GitHub does wrong, the check never ends in success (exit 3, cause printed)."""

from __future__ import annotations

import pytest

from tests.signoff.world import APPROVERS, REVIEW, World, check, review_text

REVIEWS = r"GET /repos/acme/handbook/pulls/5/reviews"


@pytest.fixture
def signed(world):
    """A pull request that is fully signed off, so any failure can only come from the fault."""
    head = world.pull(5, {REVIEW: (review_text("in-review"), review_text("approved"))})
    world.approve(5, *APPROVERS["approved"])
    return head


def assert_failed_closed(world: World, head: str, code: int, err: str, cause: str) -> None:
    assert code == 3
    assert cause in err
    assert "Traceback" not in err
    states = [state for state, _ in world.statuses(head)]
    assert "success" not in states
    assert states[-1] == "error"


def test_a_server_error_that_never_ends(world, capsys, signed):
    world.fake.fail(REVIEWS, 502)
    code, result, err = check(capsys, world.fake, 5)
    assert result is None
    assert_failed_closed(world, signed, code, err, "listing reviews: gave up after retries: too many 502")
    assert len(world.fake.calls(REVIEWS)) == 6  # the retry budget: six tries


def test_a_server_error_then_ok_is_retried_and_judged_on_the_real_answer(world, capsys, signed):
    world.fake.fail(REVIEWS, 500, times=2)
    code, result, _ = check(capsys, world.fake, 5)
    assert code == 0
    assert result["satisfied"] is True
    assert len(world.fake.calls(REVIEWS)) == 3


def test_a_server_error_then_ok_on_an_unsigned_pull_request_is_not_success(world, capsys):
    head = world.pull(5, {REVIEW: (review_text("in-review"), review_text("approved"))})
    world.approve(5, *APPROVERS["approved"][:-1])
    world.fake.fail(REVIEWS, 500, times=2)
    code, result, _ = check(capsys, world.fake, 5)
    assert code == 1
    assert result["satisfied"] is False
    assert "success" not in [state for state, _ in world.statuses(head)]


@pytest.mark.parametrize("retry_after", [None, 30])
def test_a_secondary_rate_limit_that_does_not_lift(world, capsys, signed, retry_after):
    world.fake.secondary_rate_limit(REVIEWS, retry_after=retry_after)
    code, _, err = check(capsys, world.fake, 5)
    assert_failed_closed(world, signed, code, err, "listing reviews")


def test_a_primary_rate_limit_beyond_the_bounded_wait(world, capsys, signed):
    world.fake.primary_rate_limit(REVIEWS, reset_in=3600)
    code, _, err = check(capsys, world.fake, 5)
    assert_failed_closed(world, signed, code, err, "listing reviews")


def test_too_many_requests(world, capsys, signed):
    world.fake.secondary_rate_limit(REVIEWS, status=429, retry_after=1)
    code, _, err = check(capsys, world.fake, 5)
    assert_failed_closed(world, signed, code, err, "too many 429")


def test_a_read_timeout(world, capsys, signed, monkeypatch):
    monkeypatch.setenv("HANDBOOK_GITHUB_TIMEOUT", "1")
    monkeypatch.setenv("HANDBOOK_GITHUB_TRIES", "2")  # two timeouts are enough to show it; six take long
    world.fake.slow(REVIEWS, 1.5)
    code, _, err = check(capsys, world.fake, 5)
    assert_failed_closed(world, signed, code, err, "listing reviews")


def test_bad_credentials(world, capsys, signed):
    world.fake.fail(
        REVIEWS, 401, body={"message": "Bad credentials", "documentation_url": "x", "status": "401"}
    )
    code, _, err = check(capsys, world.fake, 5)
    assert_failed_closed(world, signed, code, err, "HTTP 401: Bad credentials")


def test_a_membership_lookup_answering_404_means_not_counted(world, capsys, signed):
    world.fake.set_membership("handbook-org", "product", "pat", None)  # not listed as a member...
    world.fake.fail(r"GET /orgs/handbook-org/teams/product/memberships/pat", 404)  # ...nor found
    code, result, _ = check(capsys, world.fake, 5)
    assert code == 1
    assert result["documents"][0]["missing"] == ["product"]
    assert world.statuses(signed)[-1] == ("pending", "missing: product")


def test_a_failure_on_the_third_page_of_reviews(world, capsys, signed):
    for index in range(230):
        world.fake.add_review(5, f"passer-{index}", "COMMENTED")
    world.fake.fail(REVIEWS, 500, page=3)
    code, _, err = check(capsys, world.fake, 5)
    assert_failed_closed(world, signed, code, err, "listing reviews")
    assert [c.query.get("page", "1") for c in world.fake.calls(REVIEWS)][:3] == ["1", "2", "3"]


def test_a_failing_status_post_ends_in_exit_3_and_no_status(world, capsys, signed):
    world.fake.fail(r"POST /repos/acme/handbook/statuses/.*", 500)
    code, _, err = check(capsys, world.fake, 5)
    assert code == 3
    assert "posting the pending status" in err
    assert world.statuses(signed) == []


def test_a_failing_comment_update_never_leaves_a_success(world, capsys, signed):
    world.fake.fail(r"POST /repos/acme/handbook/issues/5/comments", 500)
    code, _, err = check(capsys, world.fake, 5)
    assert_failed_closed(world, signed, code, err, "updating the sign-off comment")
