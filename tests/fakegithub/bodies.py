"""Build GitHub response bodies from scenario records, each from its upstream example as a template.

Bodies are built against the canonical https://api.github.com host; the server rebases them to its own
base URL when serving. Every url/id that PyGithub may follow is derived from the same scenario record,
so a pull request, its reviews, comments, check runs and teams agree with one another.
"""

from __future__ import annotations

import base64
import hashlib
from typing import TYPE_CHECKING, Any

from tests.fakegithub.state import (
    CheckRun,
    Comment,
    CommitRecord,
    Org,
    Pull,
    PullFile,
    Push,
    Repo,
    Review,
    Status,
    Team,
    User,
)
from tests.fakegithub.templates import API, WEB, item, part, retarget, template

if TYPE_CHECKING:
    from tests.fakegithub.scenario import Scenario

Json = dict[str, Any]

_PULL = "GET_repos_owner_repo_pulls_pull_number.json"
_HELLO = "octocat/Hello-World"


def node_id(kind: str, number: int | str) -> str:
    """GitHub's legacy global node id: base64("0<len>:<Kind><id>")."""
    return base64.b64encode(f"0{len(kind)}:{kind}{number}".encode()).decode()


def blob_sha(data: bytes) -> str:
    """The git blob id of `data`, as GitHub reports it for contents and files."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data, usedforsecurity=False).hexdigest()


def _user_urls(body: Json, login: str) -> Json:
    body = retarget(body, [("/users/octocat", f"/users/{login}"), (f"{WEB}/octocat", f"{WEB}/{login}")])
    body["avatar_url"] = f"https://avatars.githubusercontent.com/u/{body['id']}?v=4"
    return body


def simple_user(world: Scenario, login: str | None) -> Json | None:
    """A `simple-user` object (or None for a deleted account)."""
    if login is None:
        return None
    user = world.user(login)
    body: Json = part(_PULL, "user")
    body.update(login=user.login, id=user.id, node_id=node_id(user.type, user.id), type=user.type)
    return _user_urls(body, user.login)


def public_user(user: User) -> Json:
    body: Json = template("GET_users_username.json")
    body.update(login=user.login, id=user.id, node_id=node_id(user.type, user.id), type=user.type)
    body.update(name=user.name, email=user.email, company=None, blog="", location=None, bio=None)
    body.update(twitter_username=None, hireable=None)
    return _user_urls(body, user.login)


def team_member(world: Scenario, team: Team, login: str) -> Json:
    body: Json = item("GET_orgs_org_teams_team_slug_members.json")
    user = simple_user(world, login)
    assert user is not None
    body.update({key: value for key, value in user.items() if key in body})
    body.update(role=team.role_of(login), inherited=False)
    return body


# --- organisations and teams --------------------------------------------------------------------------


def org_full(org: Org) -> Json:
    body: Json = retarget(template("GET_orgs_org.json"), [("/orgs/github", f"/orgs/{org.login}")])
    body.update(login=org.login, id=org.id, node_id=node_id("Organization", org.id), name=org.name)
    body.update(html_url=f"{WEB}/{org.login}", description=None, twitter_username=None)
    body["avatar_url"] = f"https://avatars.githubusercontent.com/u/{org.id}?v=4"
    return body


def team_url(team: Team) -> str:
    # Upstream's example team url is the legacy /teams/{id}; the fake serves those routes too.
    return f"{API}/teams/{team.id}"


def team_full(world: Scenario, team: Team) -> Json:
    org = world.org(team.org)
    body: Json = template("GET_orgs_org_teams_team_slug.json")
    body.update(id=team.id, node_id=node_id("Team", team.id), url=team_url(team), slug=team.slug)
    body.update(name=team.name, description=team.description, permission="pull", parent=None)
    body.update(html_url=f"{WEB}/orgs/{org.login}/teams/{team.slug}")
    body.update(
        members_url=f"{team_url(team)}/members{{/member}}", repositories_url=f"{team_url(team)}/repos"
    )
    body["members_count"] = sum(1 for state in team.members.values() if state == "active")
    organization = org_full(org)
    body["organization"] = {key: organization.get(key) for key in body["organization"]}
    return body


def membership(team: Team, login: str) -> Json:
    body: Json = template("GET_orgs_org_teams_team_slug_memberships_username.json")
    body.update(
        url=f"{team_url(team)}/memberships/{login}", role=team.role_of(login), state=team.state_of(login)
    )
    return body


# --- repositories --------------------------------------------------------------------------------------


def _repo_fields(world: Scenario, repo: Repo, body: Json) -> Json:
    body = retarget(body, [(_HELLO, repo.full_name)])
    body.update(id=repo.id, node_id=node_id("Repository", repo.id), name=repo.name, full_name=repo.full_name)
    body.update(private=repo.private, fork=False, default_branch=repo.default_branch, description=None)
    body["visibility"] = "private" if repo.private else "public"
    body["owner"] = simple_user(world, repo.owner)
    return body


def repo_short(world: Scenario, repo: Repo) -> Json:
    """The `repository` object nested in pull requests' head/base."""
    return _repo_fields(world, repo, part(_PULL, "head", "repo"))


def repo_full(world: Scenario, repo: Repo) -> Json:
    body = _repo_fields(world, repo, template("GET_repos_owner_repo.json"))
    for key in ("parent", "source", "template_repository"):  # not a fork, not from a template
        body.pop(key, None)
    owner = world.orgs.get(repo.owner.lower())
    if owner is None:
        body.pop("organization", None)
    else:
        body["organization"] = simple_user(world, owner.login)
    return body


# --- pull requests -------------------------------------------------------------------------------------


def _pull_urls(repo: Repo, number: int, head_sha: str) -> list[tuple[str, str]]:
    return [
        ("/pulls/1347", f"/pulls/{number}"),
        ("/pull/1347", f"/pull/{number}"),
        ("/issues/1347", f"/issues/{number}"),
        ("6dcb09b5b57875f334f61aebed695e2e4193db5e", head_sha),
        (_HELLO, repo.full_name),
    ]


def _branch(world: Scenario, repo: Repo, ref: str, sha: str) -> Json:
    return {
        "label": f"{repo.owner}:{ref}",
        "ref": ref,
        "sha": sha,
        "user": simple_user(world, repo.owner),
        "repo": repo_short(world, repo),
    }


def pull_full(world: Scenario, repo: Repo, pull: Pull) -> Json:
    body: Json = retarget(template(_PULL), _pull_urls(repo, pull.number, pull.head_sha))
    body.update(id=pull.id, node_id=node_id("PullRequest", pull.id), number=pull.number, state=pull.state)
    body.update(title=pull.title, body=pull.body, user=simple_user(world, pull.author), draft=pull.draft)
    body.update(locked=False, active_lock_reason=None, milestone=None, assignee=None, assignees=[])
    body.update(labels=[_label(repo, name, index) for index, name in enumerate(pull.labels)])
    body.update(created_at=pull.created_at, updated_at=pull.updated_at, closed_at=pull.closed_at)
    body.update(merged=pull.merged, merged_at=pull.merged_at, merge_commit_sha=pull.merge_commit_sha)
    body["merged_by"] = simple_user(world, pull.merged_by) if pull.merged else None
    body["requested_reviewers"] = [simple_user(world, login) for login in pull.requested_reviewers]
    body["requested_teams"] = []
    body["head"] = _branch(world, repo, pull.head_ref, pull.head_sha)
    body["base"] = _branch(world, repo, pull.base_ref, pull.base_sha)
    body.update(author_association="MEMBER", auto_merge=None)
    body.update(mergeable=None if pull.state == "closed" else True, rebaseable=True)
    body["mergeable_state"] = "unknown" if pull.state == "closed" else "clean"
    body["comments"] = sum(1 for c in repo.comments.values() if c.issue == pull.number)
    body.update(review_comments=0, maintainer_can_modify=False, commits=len(pull.commits))
    body["additions"] = sum(f.additions for f in pull.files)
    body["deletions"] = sum(f.deletions for f in pull.files)
    body["changed_files"] = len(pull.files)
    return body


def pull_simple(world: Scenario, repo: Repo, pull: Pull) -> Json:
    """The `pull-request-simple` shape of list endpoints: the full body cut to the list example's keys."""
    full = pull_full(world, repo, pull)
    return {key: full[key] for key in item("GET_repos_owner_repo_pulls.json")}


def _label(repo: Repo, name: str, index: int) -> Json:
    label: Json = part(_PULL, "labels", 0)
    label.update(id=208045946 + index, node_id=node_id("Label", 208045946 + index), name=name)
    label.update(url=f"{API}/repos/{repo.full_name}/labels/{name}", description=None, default=False)
    return label


def issue(world: Scenario, repo: Repo, pull: Pull) -> Json:
    """A pull request seen through the issues API (what pr.as_issue() reads)."""
    body: Json = retarget(
        template("GET_repos_owner_repo_issues_issue_number.json"),
        _pull_urls(repo, pull.number, pull.head_sha),
    )
    body.update(id=pull.id, node_id=node_id("Issue", pull.id), number=pull.number, state=pull.state)
    body.update(title=pull.title, body=pull.body, user=simple_user(world, pull.author), pinned_comment=None)
    body.update(labels=[_label(repo, name, index) for index, name in enumerate(pull.labels)])
    body.update(assignee=None, assignees=[], milestone=None, locked=False, active_lock_reason=None)
    body["comments"] = sum(1 for c in repo.comments.values() if c.issue == pull.number)
    body.update(created_at=pull.created_at, updated_at=pull.updated_at, closed_at=pull.closed_at)
    body["closed_by"] = simple_user(world, pull.merged_by) if pull.closed_at and pull.merged_by else None
    body["html_url"] = f"{WEB}/{repo.full_name}/pull/{pull.number}"
    body["state_reason"] = "completed" if pull.state == "closed" else None
    body["author_association"] = "MEMBER"
    return body


def pull_file(repo: Repo, ref: str, entry: PullFile) -> Json:
    body: Json = item("GET_repos_owner_repo_pulls_pull_number_files.json")
    data = repo.files.get((ref, entry.filename))
    sha = entry.sha or (blob_sha(data) if data is not None else blob_sha(entry.filename.encode()))
    body.update(sha=sha, filename=entry.filename, status=entry.status)
    body.update(
        additions=entry.additions, deletions=entry.deletions, changes=entry.additions + entry.deletions
    )
    body["blob_url"] = f"{WEB}/{repo.full_name}/blob/{ref}/{entry.filename}"
    body["raw_url"] = f"{WEB}/{repo.full_name}/raw/{ref}/{entry.filename}"
    body["contents_url"] = f"{API}/repos/{repo.full_name}/contents/{entry.filename}?ref={ref}"
    if entry.patch is None:
        body.pop("patch", None)  # GitHub omits the patch of binary or huge files
    else:
        body["patch"] = entry.patch
    if entry.previous_filename is not None:
        body["previous_filename"] = entry.previous_filename
    return body


def review(world: Scenario, repo: Repo, entry: Review) -> Json:
    body: Json = item("GET_repos_owner_repo_pulls_pull_number_reviews.json")
    html = f"{WEB}/{repo.full_name}/pull/{entry.pull}#pullrequestreview-{entry.id}"
    pull_url = f"{API}/repos/{repo.full_name}/pulls/{entry.pull}"
    body.update(
        id=entry.id, node_id=node_id("PullRequestReview", entry.id), user=simple_user(world, entry.login)
    )
    body.update(body=entry.body, state=entry.state, html_url=html, pull_request_url=pull_url)
    body["_links"] = {"html": {"href": html}, "pull_request": {"href": pull_url}}
    body.update(submitted_at=entry.submitted_at, commit_id=entry.commit_id)
    body["author_association"] = entry.author_association
    if entry.submitted_at is None:
        body.pop("submitted_at")  # pending reviews have not been submitted
    return body


# --- commits, statuses, check runs ---------------------------------------------------------------------


def _git_person(name: str, email: str, date: str) -> Json:
    return {"name": name, "email": email, "date": date}


def commit_item(world: Scenario, repo: Repo, record: CommitRecord) -> Json:
    """One element of a commit list (pull request commits, repository commits)."""
    body: Json = retarget(item("GET_repos_owner_repo_commits.json"), [(_HELLO, repo.full_name)])
    return _commit_fields(world, repo, record, body)


def commit_full(world: Scenario, repo: Repo, record: CommitRecord) -> Json:
    body: Json = retarget(template("GET_repos_owner_repo_commits_ref.json"), [(_HELLO, repo.full_name)])
    body = _commit_fields(world, repo, record, body)
    body["files"] = [pull_file(repo, record.sha, entry) for entry in record.files]
    additions = sum(f.additions for f in record.files)
    deletions = sum(f.deletions for f in record.files)
    body["stats"] = {"additions": additions, "deletions": deletions, "total": additions + deletions}
    return body


def _commit_fields(world: Scenario, repo: Repo, record: CommitRecord, body: Json) -> Json:
    sha = record.sha
    base = f"{API}/repos/{repo.full_name}"
    body.update(url=f"{base}/commits/{sha}", sha=sha, node_id=node_id("Commit", sha))
    body.update(
        html_url=f"{WEB}/{repo.full_name}/commit/{sha}", comments_url=f"{base}/commits/{sha}/comments"
    )
    git = body["commit"]
    git.update(url=f"{base}/git/commits/{sha}", message=record.message, comment_count=0)
    git["author"] = _git_person(record.author_name, record.author_email, record.date)
    git["committer"] = _git_person(record.committer_name, record.committer_email, record.date)
    git["tree"] = {"url": f"{base}/git/trees/{sha}", "sha": sha}
    body["author"] = simple_user(world, record.author_login)
    body["committer"] = simple_user(world, record.committer_login)
    body["parents"] = [
        {"url": f"{base}/commits/{p}", "sha": p, "html_url": f"{WEB}/{repo.full_name}/commit/{p}"}
        for p in record.parents
    ]
    return body


def status(world: Scenario, repo: Repo, entry: Status) -> Json:
    body: Json = template("POST_repos_owner_repo_statuses_sha.json")
    body.update(url=f"{API}/repos/{repo.full_name}/statuses/{entry.sha}", id=entry.id)
    body.update(node_id=node_id("StatusContext", entry.id), state=entry.state, description=entry.description)
    body.update(target_url=entry.target_url, context=entry.context)
    body.update(
        created_at=entry.created_at, updated_at=entry.created_at, creator=simple_user(world, entry.creator)
    )
    return body


def combined_status(world: Scenario, repo: Repo, sha: str, ref: str) -> Json:
    latest: dict[str, Status] = {}
    for entry in repo.statuses:  # the newest status of each context counts
        if entry.sha == sha:
            latest[entry.context] = entry
    states = {entry.state for entry in latest.values()}
    if states & {"error", "failure"}:
        state = "failure"
    elif not states or "pending" in states:
        state = "pending"
    else:
        state = "success"
    body: Json = template("GET_repos_owner_repo_commits_ref_status.json")
    statuses = []
    for entry in reversed(list(latest.values())):
        full = status(world, repo, entry)
        statuses.append({key: full[key] for key in body["statuses"][0]})
    body.update(state=state, statuses=statuses, sha=sha, total_count=len(statuses))
    body["repository"] = {
        key: value for key, value in repo_short(world, repo).items() if key in body["repository"]
    }
    body.update(
        commit_url=f"{API}/repos/{repo.full_name}/commits/{sha}",
        url=f"{API}/repos/{repo.full_name}/commits/{ref}/status",
    )
    return body


def check_run(world: Scenario, repo: Repo, run: CheckRun) -> Json:
    body: Json = template("POST_repos_owner_repo_check-runs.json")
    url = f"{API}/repos/{repo.full_name}/check-runs/{run.id}"
    body.update(id=run.id, node_id=node_id("CheckRun", run.id), head_sha=run.head_sha, name=run.name, url=url)
    body.update(html_url=f"{WEB}/{repo.full_name}/runs/{run.id}", details_url=run.details_url)
    body.update(external_id=run.external_id, status=run.status, conclusion=run.conclusion)
    body.update(started_at=run.started_at, completed_at=run.completed_at, check_suite={"id": run.id + 1})
    body["output"] = {
        "title": run.output.get("title"),
        "summary": run.output.get("summary"),
        "text": run.output.get("text"),
        "annotations_count": len(run.annotations),
        "annotations_url": f"{url}/annotations",
    }
    body["app"]["owner"] = simple_user(world, "github")
    body["app"].update(
        id=15368, slug="github-actions", name="GitHub Actions", node_id=node_id("Integration", 15368)
    )
    body["app"]["html_url"] = f"{WEB}/apps/github-actions"
    body["pull_requests"] = [
        _check_pull(repo, pull)
        for pull in repo.pulls.values()
        if pull.head_sha == run.head_sha and pull.state == "open"
    ]
    return body


def _check_pull(repo: Repo, pull: Pull) -> Json:
    short = {"id": repo.id, "url": f"{API}/repos/{repo.full_name}", "name": repo.name}
    return {
        "url": f"{API}/repos/{repo.full_name}/pulls/{pull.number}",
        "id": pull.id,
        "number": pull.number,
        "head": {"ref": pull.head_ref, "sha": pull.head_sha, "repo": short},
        "base": {"ref": pull.base_ref, "sha": pull.base_sha, "repo": short},
    }


# --- comments and contents -----------------------------------------------------------------------------


def comment(world: Scenario, repo: Repo, entry: Comment) -> Json:
    body: Json = template("GET_repos_owner_repo_issues_comments_comment_id.json")
    kind = "pull" if entry.issue in repo.pulls else "issues"
    body.update(id=entry.id, node_id=node_id("IssueComment", entry.id), body=entry.body)
    body["url"] = f"{API}/repos/{repo.full_name}/issues/comments/{entry.id}"
    body["html_url"] = f"{WEB}/{repo.full_name}/{kind}/{entry.issue}#issuecomment-{entry.id}"
    body["issue_url"] = f"{API}/repos/{repo.full_name}/issues/{entry.issue}"
    body.update(
        user=simple_user(world, entry.login), created_at=entry.created_at, updated_at=entry.updated_at
    )
    body["author_association"] = entry.author_association
    return body


def _content_links(repo: Repo, path: str, ref: str, sha: str, body: Json) -> Json:
    body["url"] = f"{API}/repos/{repo.full_name}/contents/{path}?ref={ref}"
    body["git_url"] = f"{API}/repos/{repo.full_name}/git/blobs/{sha}"
    body["html_url"] = f"{WEB}/{repo.full_name}/blob/{ref}/{path}"
    body["download_url"] = f"https://raw.githubusercontent.com/{repo.full_name}/{ref}/{path}"
    body["_links"] = {"self": body["url"], "git": body["git_url"], "html": body["html_url"]}
    return body


def content_file(repo: Repo, path: str, ref: str, data: bytes) -> Json:
    body: Json = template("GET_repos_owner_repo_contents_path.json")
    sha = blob_sha(data)
    body.update(
        type="file", encoding="base64", size=len(data), name=path.rsplit("/", 1)[-1], path=path, sha=sha
    )
    body["content"] = base64.encodebytes(data).decode()  # GitHub wraps base64 in lines, as here
    return _content_links(repo, path, ref, sha, body)


def content_dir(
    repo: Repo, folder: str, ref: str, entries: list[tuple[str, str, bytes | None]]
) -> list[Json]:
    """A folder listing: (name, type, data) with type "file" or "dir"."""
    out: list[Json] = []
    for name, kind, data in entries:
        body: Json = item("GET_repos_owner_repo_contents_path.response-if-content-is-a-directory.json")
        path = f"{folder}/{name}" if folder else name
        sha = blob_sha(data if data is not None else path.encode())
        body.update(type=kind, size=len(data) if data is not None else 0, name=name, path=path, sha=sha)
        out.append(_content_links(repo, path, ref, sha, body))
        if kind == "dir":
            out[-1]["download_url"] = None
    return out


def content_symlink(repo: Repo, path: str, ref: str, link: str) -> Json:
    """A symbolic link whose target is not a file in the repository: GitHub describes the link itself."""
    body: Json = template("GET_repos_owner_repo_contents_path.response-if-content-is-a-symlink.json")
    sha = blob_sha(link.encode())
    body.update(type="symlink", target=link, size=len(link.encode()), name=path.rsplit("/", 1)[-1], path=path)
    body["sha"] = sha
    return _content_links(repo, path, ref, sha, body)


def git_tree(repo: Repo, sha: str, entries: list[tuple[str, tuple[str, str, bytes | None]]]) -> Json:
    """GET git/trees/{sha}: (path, (mode, type, data)) entries; blobs carry their size and blob sha."""
    body: Json = template("GET_repos_owner_repo_git_trees_tree_sha.json")
    body["sha"] = sha
    body["url"] = f"{API}/repos/{repo.full_name}/git/trees/{sha}"
    body["truncated"] = False
    tree: list[Json] = []
    for path, (mode, kind, data) in entries:
        entry_sha = blob_sha(data) if data is not None else blob_sha(path.encode())
        entry: Json = {"path": path, "mode": mode, "type": kind, "sha": entry_sha}
        if data is not None:
            entry["size"] = len(data)
            entry["url"] = f"{API}/repos/{repo.full_name}/git/blobs/{entry_sha}"
        else:
            entry["url"] = f"{API}/repos/{repo.full_name}/git/trees/{entry_sha}"
        tree.append(entry)
    body["tree"] = tree
    return body


def git_blob(repo: Repo, data: bytes) -> Json:
    body: Json = template("GET_repos_owner_repo_git_blobs_file_sha.json")
    sha = blob_sha(data)
    body.update(sha=sha, size=len(data), encoding="base64", content=base64.encodebytes(data).decode())
    body["url"] = f"{API}/repos/{repo.full_name}/git/blobs/{sha}"
    body["node_id"] = node_id("Blob", sha[:12])
    return body


def comparison(repo: Repo, base: str, head: str, merge_base: str) -> Json:
    """GET compare/{base}...{head}: the merge base is what the sign-off check reads; no commits or files."""
    body: Json = template("GET_repos_owner_repo_compare_basehead.json")
    name = repo.full_name
    body = retarget(body, [("octocat/Hello-World", name)])
    body["base_commit"]["sha"] = base
    body["merge_base_commit"]["sha"] = merge_base
    body.update(status="diverged", ahead_by=1, behind_by=0, total_commits=0, commits=[], files=[])
    return body


def activity(world: Scenario, repo: Repo, entry: Push) -> Json:
    """One activity entry. The upstream example predates the schema's required fields: filled in here."""
    body: Json = item("GET_repos_owner_repo_activity.json")
    actor = simple_user(world, entry.actor)
    body.pop("pusher", None)
    body.pop("pushed_at", None)
    body.pop("push_type", None)
    body.update(
        id=entry.id, node_id=node_id("Activity", entry.id), before=entry.before, after=entry.after,
        ref=entry.ref, timestamp=entry.timestamp, activity_type=entry.activity_type, actor=actor,
    )  # fmt: skip
    return body
