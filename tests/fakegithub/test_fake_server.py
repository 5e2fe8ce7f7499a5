"""Pin how the REAL PyGithub client behaves against the fake, route by route and fault by fault.

Sign-off tests rely on these behaviours; if PyGithub or the fake changes, this file says what moved.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
import requests
from github import (
    Auth,
    BadCredentialsException,
    Github,
    GithubException,
    GithubRetry,
    RateLimitExceededException,
    UnknownObjectException,
)
from github.GithubException import RateLimitExceededExceedsMaxWait

from tests.fakegithub import SECONDARY_RATE_LIMIT, FakeGitHub, PullFile, fake_sha
from tests.fakegithub.handlers import ROUTES
from tests.fakegithub.schema import has_schema, violations
from tests.fakegithub.templates import REST, WEBHOOKS, schemas, template, webhook

OWNER, NAME, REPO = "acme", "handbook", "acme/handbook"
HEAD = "a" * 40
BASE = "b" * 40


def client(fake: FakeGitHub, **overrides: Any) -> Github:
    """PyGithub as tests should build it: no throttling sleeps, no retries unless asked."""
    options: dict[str, Any] = {
        "base_url": fake.base_url,
        "auth": Auth.Token("t"),
        "per_page": 100,
        "retry": None,
        "seconds_between_requests": None,
        "seconds_between_writes": None,
        "lazy": True,
    }
    options.update(overrides)
    return Github(**options)


def no_wait_retry(total: int = 2) -> GithubRetry:
    return GithubRetry(total=total, backoff_factor=0, secondary_rate_wait=0, max_rate_limit_wait=0)


@pytest.fixture
def fake(fake_github: FakeGitHub) -> FakeGitHub:
    fake_github.add_repo(OWNER, NAME, tip=BASE)
    fake_github.add_pull(
        7,
        "cedric",
        HEAD,
        title="Approve TR-1",
        body="Please sign off",
        files=[("reviews/tr-0001.md", "modified", None), ("reviews/new.md", "renamed", "reviews/old.md")],
        commits=[{"sha": HEAD, "author_login": "cedric", "committer_login": "web-flow", "message": "Edit"}],
    )
    return fake_github


def raw_get(fake: FakeGitHub, path: str, **params: str) -> requests.Response:
    return requests.get(fake.base_url + path, params=params, timeout=5)


# --- reading a pull request ----------------------------------------------------------------------------


def test_reading_a_pull_request_gives_the_scenario_values(fake: FakeGitHub) -> None:
    pr = client(fake).get_repo(REPO).get_pull(7)
    assert (pr.number, pr.title, pr.body, pr.state) == (7, "Approve TR-1", "Please sign off", "open")
    assert (pr.head.sha, pr.head.ref, pr.base.ref, pr.base.sha) == (HEAD, "topic-7", "main", BASE)
    assert pr.user.login == "cedric" and pr.merged is False and pr.merged_at is None
    assert pr.html_url == "https://github.com/acme/handbook/pull/7"
    assert pr.url == f"{fake.base_url}/repos/acme/handbook/pulls/7"  # api urls point at the fake
    assert fake.calls(method="GET") and [c.line for c in fake.calls()] == ["GET /repos/acme/handbook/pulls/7"]


def test_a_merged_pull_request_carries_its_merge_commit(fake: FakeGitHub) -> None:
    fake.add_pull(
        8, "cedric", "c" * 40, merged=True, merge_commit_sha="d" * 40, merged_at="2026-02-01T10:00:00Z"
    )
    pr = client(fake).get_repo(REPO).get_pull(8)
    assert (pr.state, pr.merged, pr.merge_commit_sha) == ("closed", True, "d" * 40)
    assert pr.merged_at is not None and pr.merged_at.isoformat() == "2026-02-01T10:00:00+00:00"
    assert fake.repo().branches["main"] == "d" * 40  # merging moved main


def test_no_served_body_or_link_mentions_api_github_com(fake: FakeGitHub) -> None:
    for number in range(20, 25):
        fake.add_pull(number, "cedric", fake_sha(number))
    answer = raw_get(fake, "/repos/acme/handbook/pulls", per_page="2")
    assert "api.github.com" not in answer.text + answer.headers["Link"]
    assert answer.headers["Content-Type"] == "application/json; charset=utf-8"
    assert "api.github.com" not in raw_get(fake, "/repos/acme/handbook").text


def test_changed_files_report_status_and_previous_name(fake: FakeGitHub) -> None:
    files = list(client(fake).get_repo(REPO).get_pull(7).get_files())
    assert [(f.filename, f.status, f.previous_filename) for f in files] == [
        ("reviews/tr-0001.md", "modified", None),
        ("reviews/new.md", "renamed", "reviews/old.md"),
    ]


def test_files_are_paginated_beyond_100(fake: FakeGitHub) -> None:
    fake.add_pull(9, "cedric", "9" * 40, files=[PullFile(f"docs/{i:03}.md", "added") for i in range(250)])
    files = list(client(fake).get_repo(REPO).get_pull(9).get_files())
    assert [f.filename for f in files] == [f"docs/{i:03}.md" for i in range(250)]
    assert [c.query.get("page") for c in fake.calls(r"GET .*/pulls/9/files")] == [None, "2", "3"]


def test_commits_give_author_committer_and_message(fake: FakeGitHub) -> None:
    commits = list(client(fake).get_repo(REPO).get_pull(7).get_commits())
    assert [(c.sha, c.author.login, c.committer.login, c.commit.message) for c in commits] == [
        (HEAD, "cedric", "web-flow", "Edit")
    ]


def test_a_commit_without_a_github_account_has_no_author_user(fake: FakeGitHub) -> None:
    fake.add_pull(10, "cedric", "e" * 40, commits=[{"sha": "e" * 40, "author_name": "Ghost", "message": "x"}])
    (commit,) = client(fake).get_repo(REPO).get_pull(10).get_commits()
    assert commit.author is None and commit.commit.author.name == "Ghost"


# --- reviews -------------------------------------------------------------------------------------------


def test_more_than_100_reviews_come_across_pages_in_order(fake: FakeGitHub) -> None:
    for i in range(205):
        fake.add_review(7, f"user{i:03}", "APPROVED" if i % 2 else "COMMENTED")
    reviews = list(client(fake).get_repo(REPO).get_pull(7).get_reviews())
    assert [r.user.login for r in reviews] == [f"user{i:03}" for i in range(205)]
    assert reviews[1].state == "APPROVED" and reviews[0].state == "COMMENTED"  # REST states are upper case
    assert reviews[0].commit_id == HEAD and reviews[0].submitted_at < reviews[1].submitted_at
    lines = [
        c.path + "?" + "&".join(f"{k}={v}" for k, v in sorted(c.query.items()))
        for c in fake.calls(".*/reviews")
    ]
    assert lines == [
        "/repos/acme/handbook/pulls/7/reviews?per_page=100",
        "/repos/acme/handbook/pulls/7/reviews?page=2&per_page=100",
        "/repos/acme/handbook/pulls/7/reviews?page=3&per_page=100",
    ]


def test_link_header_has_absolute_prev_next_last_first(fake: FakeGitHub) -> None:
    for i in range(5):
        fake.add_review(7, f"user{i}")
    answer = raw_get(fake, "/repos/acme/handbook/pulls/7/reviews", per_page="2", page="2")
    base = f"{fake.base_url}/repos/acme/handbook/pulls/7/reviews"
    assert answer.headers["Link"] == (
        f'<{base}?per_page=2&page=1>; rel="prev", <{base}?per_page=2&page=3>; rel="next", '
        f'<{base}?per_page=2&page=3>; rel="last", <{base}?per_page=2&page=1>; rel="first"'
    )
    assert len(answer.json()) == 2
    assert "Link" not in raw_get(fake, "/repos/acme/handbook/pulls/7/reviews").headers  # one page only


def test_review_details_dismissals_bots_ghosts_and_pending(fake: FakeGitHub) -> None:
    old = fake.add_review(7, "pia", "APPROVED", commit_id="0" * 40)
    fake.add_review(7, "renovate[bot]", "APPROVED", user_type="Bot")
    fake.add_review(7, None, "CHANGES_REQUESTED")  # a deleted account
    fake.add_review(7, "someone", "PENDING")  # only visible to its author
    fake.dismiss_review(old.id)
    pr = client(fake).get_repo(REPO).get_pull(7)
    reviews = list(pr.get_reviews())
    assert [(r.user.login if r.user else None, r.state) for r in reviews] == [
        ("pia", "DISMISSED"),
        ("renovate[bot]", "APPROVED"),
        (None, "CHANGES_REQUESTED"),
    ]
    assert reviews[0].commit_id == "0" * 40 and reviews[1].user.type == "Bot"
    assert reviews[0].html_url == f"https://github.com/acme/handbook/pull/7#pullrequestreview-{old.id}"
    assert pr.get_review(old.id).pull_request_url == f"{fake.base_url}/repos/acme/handbook/pulls/7"


def test_a_review_created_and_dismissed_through_the_api(fake: FakeGitHub) -> None:
    pr = client(fake).get_repo(REPO).get_pull(7)
    review = pr.create_review(body="LGTM", event="APPROVE")
    assert (review.state, review.user.login) == ("APPROVED", "github-actions[bot]")
    review.dismiss("stale")
    assert fake.review(review.id).state == "DISMISSED"


# --- teams ---------------------------------------------------------------------------------------------


def test_team_membership_is_active_pending_or_404(fake: FakeGitHub) -> None:
    fake.add_team("acme", "product", {"pat": "active", "sue": "pending"}, maintainers=["max"])
    team = client(fake).get_organization("acme").get_team_by_slug("product")
    assert team.get_team_membership("pat").state == "active"
    assert team.get_team_membership("PAT").role == "member"  # logins are case-insensitive
    assert (team.get_team_membership("sue").state, team.get_team_membership("max").role) == (
        "pending",
        "maintainer",
    )
    with pytest.raises(UnknownObjectException) as caught:
        team.get_team_membership("mallory")
    assert caught.value.status == 404 and caught.value.data["message"] == "Not Found"
    first = fake.calls()[0]
    assert first.path == "/orgs/acme/teams/product/memberships/pat"  # lazy: the documented route


def test_team_members_list_only_active_members_across_pages(fake: FakeGitHub) -> None:
    members = {f"m{i:03}": "active" for i in range(150)} | {"late": "pending"}
    fake.add_team("acme", "ce", members, maintainers=["boss"])
    team = client(fake).get_organization("acme").get_team_by_slug("ce")
    logins = [m.login for m in team.get_members()]
    assert len(logins) == 151 and "late" not in logins and "boss" in logins
    assert len(fake.calls(r"GET /orgs/acme/teams/ce/members")) == 2
    assert [m.login for m in team.get_members(role="maintainer")] == ["boss"]


def test_non_lazy_client_follows_the_legacy_team_url(fake: FakeGitHub) -> None:
    team_record = fake.add_team("acme", "product", {"pat": "active", "sue": "pending"}, id=42)
    gh = client(fake, lazy=False)
    team = gh.get_organization("acme").get_team_by_slug("product")
    assert team.url == f"{fake.base_url}/teams/42"
    assert team.get_team_membership("sue").state == "pending"
    assert team.has_in_members(gh.get_user("pat")) and not team.has_in_members(gh.get_user("sue"))
    assert [c.line for c in fake.calls()] == [
        "GET /orgs/acme",
        "GET /orgs/acme/teams/product",
        "GET /teams/42/memberships/sue",
        "GET /users/pat",
        "GET /teams/42/members/pat",
        "GET /users/sue",
        "GET /teams/42/members/sue",
    ]
    assert team_record.members == {"pat": "active", "sue": "pending"}


def test_lazy_has_in_members_hits_an_undocumented_path_and_says_false(fake: FakeGitHub) -> None:
    fake.add_team("acme", "product", ["pat"])
    gh = client(fake)
    team = gh.get_organization("acme").get_team_by_slug("product")
    assert team.has_in_members(gh.get_user("pat")) is False  # trap: use get_team_membership instead
    assert fake.calls()[-1].line == "GET /orgs/acme/teams/product/members/pat"
    assert fake.calls()[-1].status == 404


# --- commits, statuses, check runs ---------------------------------------------------------------------


def test_status_is_created_on_the_commit_and_combined(fake: FakeGitHub) -> None:
    commit = client(fake).get_repo(REPO).get_commit(HEAD)
    status = commit.create_status(state="pending", description="waiting", context="handbook/signoff")
    commit.create_status(
        state="success", description="ok", context="handbook/signoff", target_url="https://x.test/1"
    )
    assert status.state == "pending" and status.creator.login == "github-actions[bot]"
    (post, _) = fake.calls(r"POST /repos/acme/handbook/statuses/a+")
    assert post.json == {"state": "pending", "description": "waiting", "context": "handbook/signoff"}
    combined = commit.get_combined_status()
    assert combined.state == "success" and [s.description for s in combined.statuses] == ["ok"]
    assert [s.state for s in fake.statuses(HEAD)] == ["pending", "success"]


def test_an_invalid_status_state_is_a_422(fake: FakeGitHub) -> None:
    commit = client(fake).get_repo(REPO).get_commit(HEAD)
    with pytest.raises(GithubException) as caught:
        commit.create_status(state="green")
    assert caught.value.status == 422


def test_check_run_is_created_then_edited_through_its_url(fake: FakeGitHub) -> None:
    repo = client(fake).get_repo(REPO)
    run = repo.create_check_run(name="sign-off", head_sha=HEAD, status="in_progress", external_id="x1")
    assert run.url == f"{fake.base_url}/repos/acme/handbook/check-runs/{run.id}"
    assert [p.number for p in run.pull_requests] == [7]
    note = {"path": "a.md", "start_line": 1, "end_line": 1, "annotation_level": "failure", "message": "m"}
    run.edit(
        status="completed", conclusion="failure", output={"title": "T", "summary": "S", "annotations": [note]}
    )
    (stored,) = fake.check_runs()
    assert (stored.status, stored.conclusion, stored.output["title"], stored.annotations) == (
        "completed",
        "failure",
        "T",
        [note],
    )
    assert fake.calls(method="PATCH")[0].json["conclusion"] == "failure"
    assert run.conclusion == "failure" and run.output.annotations_count == 1


def test_commit_lookup_by_path_and_pulls_of_a_commit(fake: FakeGitHub) -> None:
    fake.add_pull(
        11, "cedric", "c" * 40, files=["reviews/tr-0001.md"], merged=True, merge_commit_sha="d" * 40
    )
    fake.add_pull(
        12,
        "pia",
        "5" * 40,
        files=["reviews/tr-0002.md"],
        merged=True,
        merge_commit_sha="6" * 40,
        merge_method="squash",
    )
    fake.add_commit("f" * 40, "Unrelated", "eve", branch="main", files=["README.md"])
    repo = client(fake).get_repo(REPO)
    # Like `git log main -- path`: a merge commit is simplified away, the PR's own commit remains.
    commits = list(repo.get_commits(sha="main", path="reviews/tr-0001.md"))
    assert [c.sha for c in commits] == ["c" * 40]
    assert [c.sha for c in repo.get_commits(sha="main", path="reviews/tr-0002.md")] == ["6" * 40]
    assert [c.sha for c in repo.get_commits()] == ["f" * 40, "6" * 40, "d" * 40, "c" * 40]
    (pull,) = commits[0].get_pulls()
    assert (pull.number, pull.merged_at is not None, pull.base.ref) == (11, True, "main")
    assert [p.number for p in repo.get_commit("6" * 40).get_pulls()] == [12]
    tip = repo.get_commit("main")
    assert tip.sha == "main"  # lazy trap: sha comes from the url until something forces a fetch
    assert [f.filename for f in tip.files] == ["README.md"] and tip.sha == "main"  # files: no completion
    assert tip.commit.message == "Unrelated" and tip.sha == "f" * 40  # .commit completes the object
    with pytest.raises(GithubException) as caught:
        repo.get_commit("nope").commit  # noqa: B018
    assert caught.value.status == 422


def test_listing_pull_requests_filters_and_sorts(fake: FakeGitHub) -> None:
    fake.add_pull(12, "cedric", "1" * 40, merged=True)
    fake.add_pull(13, "cedric", "2" * 40, state="closed")
    fake.add_pull(14, "cedric", "3" * 40, base_ref="release", merged=True)
    repo = client(fake).get_repo(REPO)
    assert [p.number for p in repo.get_pulls()] == [7]
    closed = repo.get_pulls(state="closed", base="main", sort="created", direction="asc")
    assert [(p.number, p.merged_at is not None) for p in closed] == [(12, True), (13, False)]
    assert [p.number for p in repo.get_pulls(state="all", sort="created", direction="desc")] == [
        14,
        13,
        12,
        7,
    ]
    assert fake.calls(r"GET /repos/acme/handbook/pulls")[1].query == {
        "base": "main",
        "direction": "asc",
        "per_page": "100",
        "sort": "created",
        "state": "closed",
    }


# --- comments ------------------------------------------------------------------------------------------


def test_sticky_comment_is_found_created_and_edited(fake: FakeGitHub) -> None:
    fake.add_comment(7, "pia", "<!-- handbook-signoff --> forged", user_type="User")
    pr = client(fake).get_repo(REPO).get_pull(7)
    created = pr.create_issue_comment("<!-- handbook-signoff -->\nfirst")
    assert created.user.login == "github-actions[bot]" and created.user.type == "Bot"
    assert created.html_url.endswith(f"/pull/7#issuecomment-{created.id}")
    pr.get_issue_comment(created.id).edit("<!-- handbook-signoff -->\nsecond")
    listed = list(pr.get_issue_comments())
    assert [(c.user.login, c.body) for c in listed] == [
        ("pia", "<!-- handbook-signoff --> forged"),
        ("github-actions[bot]", "<!-- handbook-signoff -->\nsecond"),
    ]
    assert fake.calls(method="POST")[0].json == {"body": "<!-- handbook-signoff -->\nfirst"}
    with pytest.raises(GithubException) as caught:
        listed[0].edit("hijack")  # not the token's own comment
    assert caught.value.status == 403


def test_a_comment_over_65536_characters_is_refused(fake: FakeGitHub) -> None:
    pr = client(fake).get_repo(REPO).get_pull(7)
    with pytest.raises(GithubException) as caught:
        pr.create_issue_comment("x" * 65537)
    assert caught.value.status == 422
    assert "maximum is 65536" in caught.value.data["errors"][0]["message"]


# --- contents ------------------------------------------------------------------------------------------


def test_contents_at_a_ref_are_base64_and_404_when_absent(fake: FakeGitHub) -> None:
    fake.set_file(HEAD, "reviews/tr-0001.md", "head text ✓")
    fake.set_file(BASE, "reviews/tr-0001.md", "base text")
    fake.set_file("main", "docs/x.md", b"\x00binary")
    repo = client(fake).get_repo(REPO)

    def read(path: str, **ref: str) -> bytes:
        found = repo.get_contents(path, **ref)
        assert not isinstance(found, list)
        return found.decoded_content

    assert read("reviews/tr-0001.md", ref=HEAD) == "head text ✓".encode()
    assert read("reviews/tr-0001.md", ref="main") == b"base text"  # main's tip is BASE
    assert read("docs/x.md") == b"\x00binary"  # no ref: the default branch
    with pytest.raises(UnknownObjectException):
        repo.get_contents("reviews/missing.md", ref=HEAD)
    listing = repo.get_contents("reviews", ref=HEAD)
    assert isinstance(listing, list) and [c.path for c in listing] == ["reviews/tr-0001.md"]
    assert fake.calls(".*contents.*")[0].query == {"ref": HEAD}


# --- misc routes, auth, 404 ----------------------------------------------------------------------------


def test_users_orgs_issue_and_rate_limit(fake: FakeGitHub) -> None:
    gh = client(fake, lazy=False)
    assert gh.get_user("cedric").login == "cedric"
    with pytest.raises(UnknownObjectException):
        gh.get_user("nobody")
    fake.add_org("acme")
    assert gh.get_organization("acme").login == "acme"
    assert gh.get_repo(REPO).get_pull(7).as_issue().title == "Approve TR-1"
    assert gh.get_rate_limit().resources.core.limit == 5000
    assert gh.rate_limiting[1] == 5000  # from the X-RateLimit-* headers of the last answer


def test_unknown_routes_answer_githubs_404_body(fake: FakeGitHub) -> None:
    answer = raw_get(fake, "/repos/acme/handbook/no-such-thing")
    assert answer.status_code == 404
    assert answer.json() == {
        "message": "Not Found",
        "documentation_url": "https://docs.github.com/rest",
        "status": "404",
    }
    with pytest.raises(UnknownObjectException):
        client(fake).get_repo("acme/other").get_pull(1).title  # noqa: B018


def test_a_required_token_is_checked_in_both_header_styles(fake: FakeGitHub) -> None:
    fake.token = "s3cret"
    assert client(fake, auth=Auth.Token("s3cret")).get_repo(REPO).get_pull(7).title == "Approve TR-1"
    headers = {"Authorization": "Bearer s3cret"}
    assert requests.get(fake.base_url + "/repos/acme/handbook", headers=headers, timeout=5).status_code == 200
    assert fake.calls()[0].headers["Authorization"] == "token s3cret"
    with pytest.raises(BadCredentialsException) as caught:
        client(fake, auth=Auth.Token("wrong")).get_repo(REPO).get_pull(7).title  # noqa: B018
    assert caught.value.status == 401


def test_a_base_url_prefix_works_like_github_enterprise() -> None:
    with FakeGitHub(prefix="/api/v3") as fake:
        fake.add_repo(OWNER, NAME)
        fake.add_pull(1, "cedric", HEAD)
        pr = client(fake).get_repo(REPO).get_pull(1)
        assert fake.base_url.endswith("/api/v3") and pr.head.sha == HEAD
        assert pr.get_issue_comments().totalCount == 0
        assert fake.calls()[0].path == "/repos/acme/handbook/pulls/1"


# --- faults --------------------------------------------------------------------------------------------


def test_always_500_with_retries_ends_in_a_requests_retry_error(fake: FakeGitHub) -> None:
    fault = fake.fail(r"GET /repos/acme/handbook/pulls/7", 500)
    with pytest.raises(requests.exceptions.RetryError):
        client(fake, retry=no_wait_retry(2)).get_repo(REPO).get_pull(7).title  # noqa: B018
    assert fault.hits == 3  # the first try and two retries


def test_500_twice_then_ok_succeeds_with_retries(fake: FakeGitHub) -> None:
    fault = fake.fail(r"GET /repos/acme/handbook/pulls/7", 502, times=2)
    assert client(fake, retry=no_wait_retry(3)).get_repo(REPO).get_pull(7).title == "Approve TR-1"
    assert fault.hits == 2 and [c.status for c in fake.calls()] == [502, 502, 200]


def test_500_without_retries_is_a_github_exception(fake: FakeGitHub) -> None:
    fake.fail(r"GET .*", 503, times=1)
    with pytest.raises(GithubException) as caught:
        client(fake).get_repo(REPO).get_pull(7).title  # noqa: B018
    assert caught.value.status == 503


def test_secondary_rate_limit_without_retries_is_rate_limit_exceeded(fake: FakeGitHub) -> None:
    fake.secondary_rate_limit(r"GET .*/pulls/7")
    with pytest.raises(RateLimitExceededException) as caught:
        client(fake).get_repo(REPO).get_pull(7).title  # noqa: B018
    assert caught.value.status == 403 and caught.value.data["message"] == SECONDARY_RATE_LIMIT


def test_secondary_rate_limit_with_retry_after_is_retried(fake: FakeGitHub) -> None:
    fault = fake.secondary_rate_limit(r"GET .*/pulls/7", retry_after=0, times=1)
    assert client(fake, retry=no_wait_retry()).get_repo(REPO).get_pull(7).title == "Approve TR-1"
    assert fault.hits == 1 and fake.calls()[0].status == 403


def test_secondary_rate_limit_longer_than_the_allowed_wait_raises_at_once(fake: FakeGitHub) -> None:
    fake.secondary_rate_limit(r"GET .*/pulls/7")
    retry = GithubRetry(total=3, backoff_factor=0, secondary_rate_wait=60, max_rate_limit_wait=1)
    with pytest.raises(RateLimitExceededExceedsMaxWait) as caught:
        client(fake, retry=retry).get_repo(REPO).get_pull(7).title  # noqa: B018
    assert caught.value.wait == 60 and len(fake.calls()) == 1


def test_secondary_rate_limit_forever_with_retries_is_a_retry_error(fake: FakeGitHub) -> None:
    fake.secondary_rate_limit(r"GET .*/pulls/7")
    with pytest.raises(requests.exceptions.RetryError):
        client(fake, retry=no_wait_retry(2)).get_repo(REPO).get_pull(7).title  # noqa: B018


def test_primary_rate_limit_is_rate_limit_exceeded_with_zero_remaining(fake: FakeGitHub) -> None:
    fake.primary_rate_limit(r"GET .*/pulls/7", reset_in=600)
    gh = client(fake)
    with pytest.raises(RateLimitExceededException):
        gh.get_repo(REPO).get_pull(7).title  # noqa: B018
    assert gh.rate_limiting[0] == 0


def test_429_is_a_plain_github_exception_and_retried_only_with_retry_after(fake: FakeGitHub) -> None:
    fake.fail(r"GET .*/pulls/7", 429, times=1)
    with pytest.raises(GithubException) as caught:
        client(fake, retry=no_wait_retry()).get_repo(REPO).get_pull(7).title  # noqa: B018
    assert caught.value.status == 429 and not isinstance(caught.value, RateLimitExceededException)
    fake.fail(r"GET .*/pulls/7", 429, times=1, headers={"Retry-After": "0"})
    assert client(fake, retry=no_wait_retry()).get_repo(REPO).get_pull(7).title == "Approve TR-1"


def test_injected_401_and_404(fake: FakeGitHub) -> None:
    fake.fail(r"GET .*/pulls/7", 401, body={"message": "Bad credentials"}, times=1)
    with pytest.raises(BadCredentialsException):
        client(fake).get_repo(REPO).get_pull(7).title  # noqa: B018
    fake.fail(r"GET .*/pulls/7", 404, times=1)
    with pytest.raises(UnknownObjectException):
        client(fake).get_repo(REPO).get_pull(7).title  # noqa: B018


def test_a_plain_403_is_not_retried(fake: FakeGitHub) -> None:
    fake.fail(r"GET .*/pulls/7", 403, body={"message": "Resource not accessible by integration"})
    with pytest.raises(GithubException) as caught:
        client(fake, retry=no_wait_retry()).get_repo(REPO).get_pull(7).title  # noqa: B018
    assert caught.value.status == 403 and len(fake.calls()) == 1


def test_a_stalled_answer_is_a_read_timeout_and_retried_by_github_retry(fake: FakeGitHub) -> None:
    # PyGithub only accepts an int timeout, so this costs the 1 s minimum twice.
    fake.slow(r"GET .*/pulls/7", 5, times=1)
    with pytest.raises(requests.exceptions.ReadTimeout):
        client(fake, timeout=1).get_repo(REPO).get_pull(7).title  # noqa: B018
    fake.slow(r"GET .*/pulls/7", 5, times=1)
    assert client(fake, timeout=1, retry=no_wait_retry()).get_repo(REPO).get_pull(7).title == "Approve TR-1"


def test_failure_on_page_3_only(fake: FakeGitHub) -> None:
    for i in range(250):
        fake.add_review(7, f"user{i:03}")
    fake.fail(r"GET /repos/acme/handbook/pulls/7/reviews", 502, page=3)
    seen: list[str] = []
    with pytest.raises(GithubException) as caught:
        for review in client(fake).get_repo(REPO).get_pull(7).get_reviews():
            seen.append(review.user.login)
    assert caught.value.status == 502 and len(seen) == 200
    assert [c.status for c in fake.calls(".*/reviews")] == [200, 200, 502]


def test_faults_can_be_cleared_and_a_str_body_is_sent_as_is(fake: FakeGitHub) -> None:
    fake.fail(
        r"GET /repos/acme/handbook", 502, body="<html>Unicorn!</html>", headers={"Content-Type": "text/html"}
    )
    answer = raw_get(fake, "/repos/acme/handbook")
    assert (answer.status_code, answer.text) == (502, "<html>Unicorn!</html>")
    fake.clear_faults()
    assert raw_get(fake, "/repos/acme/handbook").status_code == 200


# --- the fake checks itself ----------------------------------------------------------------------------


def test_a_body_that_breaks_the_schema_fails_loudly() -> None:
    fake = FakeGitHub().start()
    fake.add_repo(OWNER, NAME)
    fake.add_pull(1, "cedric", HEAD).title = None  # type: ignore[assignment]
    assert raw_get(fake, "/repos/acme/handbook/pulls/1").status_code == 200
    with pytest.raises(AssertionError, match=re.escape("/title: None is not of type 'string'")):
        fake.stop()


def test_a_crash_in_the_fake_is_a_500_and_fails_loudly() -> None:
    fake = FakeGitHub().start()
    fake.add_repo(OWNER, NAME)
    fake.add_pull(1, "cedric", HEAD).files = [None]  # type: ignore[list-item]
    assert raw_get(fake, "/repos/acme/handbook/pulls/1/files").status_code == 500
    with pytest.raises(AssertionError, match="crash"):
        fake.stop()


def test_every_route_names_a_schema_that_exists() -> None:
    missing = [
        f"{r.method} {r.template}" for r in ROUTES if r.schema is not None and not has_schema(r.schema)
    ]
    assert missing == []


UPSTREAM_GAPS = {
    "GET_repos_owner_repo_pulls_pull_number.json",
    "GET_repos_owner_repo_commits_commit_sha_pulls.json",
    "GET_repos_owner_repo_pulls.json",
    "GET_orgs_org_teams_team_slug.json",
    "GET_repos_owner_repo.json",
    "GET_repos_owner_repo_commits_ref.json",
    "GET_orgs_org.json",
    "GET_repos_owner_repo_activity.json",
}


def test_rest_examples_validate_once_the_fake_fills_the_eight_upstream_gaps() -> None:
    broken: set[str] = set()
    examples = sorted(p for p in REST.glob("*.json") if p.name != "schemas.json")
    for path in examples:
        key = next(k for k in schemas() if _file_name(k) == path.name.split(".")[0])
        if violations(key, json.loads(path.read_text(encoding="utf-8"))):
            broken.add(path.name)
        assert violations(key, template(path.name)) == [], path.name
    assert broken == UPSTREAM_GAPS and len(examples) == 34


def _file_name(key: str) -> str:
    """ "GET /repos/{owner}/{repo}" -> "GET_repos_owner_repo", the fixture naming scheme."""
    method, path = key.split(" ", 1)
    return method + "_" + re.sub(r"[{}]", "", path.strip("/")).replace("/", "_")


def test_webhook_examples_are_all_there_and_consistent() -> None:
    names = sorted(p.stem for p in WEBHOOKS.glob("*.json"))
    assert len(names) == 8
    for name in names:
        payload = webhook(name)
        assert payload["repository"]["full_name"] == "Codertocat/Hello-World"
    assert webhook("pull_request_review.submitted")["review"]["state"] == "commented"
