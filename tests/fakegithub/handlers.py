"""Route table of the fake: one small handler per GitHub REST endpoint, answering from the Scenario.

Each route's template is spelled exactly like its key in fixtures/rest/schemas.json, so the server can
validate every 2xx body against the schema of the endpoint that produced it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tests.fakegithub import bodies
from tests.fakegithub.scenario import Scenario
from tests.fakegithub.state import CheckRun, Comment, CommitRecord, Pull, Repo, Review, Status, Team
from tests.fakegithub.templates import template

DOCS = "https://docs.github.com/rest"
COMMENT_LIMIT = 65536
STATUS_STATES = {"error", "failure", "pending", "success"}
CHECK_STATUSES = {"queued", "in_progress", "completed", "waiting", "requested", "pending"}
CHECK_CONCLUSIONS = {
    "action_required",
    "cancelled",
    "failure",
    "neutral",
    "success",
    "skipped",
    "stale",
    "timed_out",
}
REVIEW_EVENTS = {"APPROVE": "APPROVED", "REQUEST_CHANGES": "CHANGES_REQUESTED", "COMMENT": "COMMENTED"}


@dataclass
class Call:
    """One parsed request, as a handler sees it."""

    method: str
    path: str
    params: dict[str, str]
    query: dict[str, str]
    json: Any

    def num(self, name: str) -> int:
        return int(self.params[name])


@dataclass
class Reply:
    body: Any = None
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    paginate: bool = False  # the server slices `body` into pages and adds a Link header


class HttpError(Exception):
    """A GitHub-style error answer: {"message", "documentation_url", "status"} (+ "errors")."""

    def __init__(self, status: int, message: str, errors: list[dict[str, Any]] | None = None) -> None:
        super().__init__(f"{status} {message}")
        self.status = status
        self.body: dict[str, Any] = {"message": message, "documentation_url": DOCS, "status": str(status)}
        if errors is not None:
            self.body["errors"] = errors


def not_found() -> HttpError:
    return HttpError(404, "Not Found")


def invalid(resource: str, field_name: str, message: str, code: str = "custom") -> HttpError:
    error = {"resource": resource, "code": code, "field": field_name, "message": message}
    return HttpError(422, "Validation Failed", [error])


Handler = Callable[[Scenario, Call], Reply]


@dataclass(frozen=True)
class Route:
    method: str
    template: str
    handler: Handler
    schema: str | None  # schemas.json key of the 2xx body
    item: bool  # validate against that schema's `items` (a single element of a documented list)
    regex: re.Pattern[str]


ROUTES: list[Route] = []
_NUMERIC = {"pull_number", "issue_number", "comment_id", "check_run_id", "review_id", "team_id"}


def _compile(path: str) -> re.Pattern[str]:
    def group(match: re.Match[str]) -> str:
        name = match.group(1)
        pattern = r"\d+" if name in _NUMERIC else ".*" if name == "path" else "[^/]+"
        return f"(?P<{name}>{pattern})"

    return re.compile(re.sub(r"\{(\w+)\}", group, re.escape(path).replace(r"\{", "{").replace(r"\}", "}")))


def route(
    method: str, path: str, *, schema: str | None = "", item: bool = False
) -> Callable[[Handler], Handler]:
    """Register a handler; `schema=""` means the route's own key, None means no JSON body."""

    def register(handler: Handler) -> Handler:
        key = f"{method} {path}" if schema == "" else schema
        ROUTES.append(Route(method, path, handler, key, item, _compile(path)))
        return handler

    return register


def match(method: str, path: str) -> tuple[Route, dict[str, str]] | None:
    for entry in ROUTES:
        if entry.method == method:
            found = entry.regex.fullmatch(path)
            if found:
                return entry, found.groupdict()
    return None


# --- lookups -------------------------------------------------------------------------------------------


def _repo(world: Scenario, call: Call) -> Repo:
    repo = world.find_repo(call.params["owner"], call.params["repo"])
    if repo is None:
        raise not_found()
    return repo


def _pull(world: Scenario, call: Call, key: str = "pull_number") -> tuple[Repo, Pull]:
    repo = _repo(world, call)
    pull = repo.pulls.get(call.num(key))
    if pull is None:
        raise not_found()
    return repo, pull


def _commit(repo: Repo, ref: str) -> CommitRecord:
    record = repo.commits.get(repo.resolve(ref))
    if record is None:
        raise HttpError(422, f"No commit found for SHA: {ref}")
    return record


def _team(world: Scenario, call: Call) -> Team:
    if "team_id" in call.params:
        team = world.team_by_id(call.num("team_id"))
    else:
        team = world.teams.get((call.params["org"].lower(), call.params["team_slug"].lower()))
    if team is None:
        raise not_found()
    return team


def _body(call: Call) -> dict[str, Any]:
    if not isinstance(call.json, dict):
        raise HttpError(400, "Problems parsing JSON")
    return call.json


# --- repositories and pull requests --------------------------------------------------------------------


@route("GET", "/repos/{owner}/{repo}")
def get_repo(world: Scenario, call: Call) -> Reply:
    return Reply(bodies.repo_full(world, _repo(world, call)))


@route("GET", "/repos/{owner}/{repo}/pulls")
def list_pulls(world: Scenario, call: Call) -> Reply:
    repo = _repo(world, call)
    state = call.query.get("state", "open")
    pulls = [p for p in repo.pulls.values() if state == "all" or p.state == state]
    if "base" in call.query:
        pulls = [p for p in pulls if p.base_ref == call.query["base"]]
    if "head" in call.query:
        head = call.query["head"]
        pulls = [p for p in pulls if head in (f"{repo.owner}:{p.head_ref}", p.head_ref)]
    sort = call.query.get("sort", "created")
    descending = call.query.get("direction", "desc" if sort == "created" else "asc") == "desc"
    field_name = "updated_at" if sort == "updated" else "created_at"
    pulls.sort(key=lambda p: (getattr(p, field_name), p.number), reverse=descending)
    return Reply([bodies.pull_simple(world, repo, p) for p in pulls], paginate=True)


@route("GET", "/repos/{owner}/{repo}/pulls/{pull_number}")
def get_pull(world: Scenario, call: Call) -> Reply:
    repo, pull = _pull(world, call)
    return Reply(bodies.pull_full(world, repo, pull))


@route("GET", "/repos/{owner}/{repo}/pulls/{pull_number}/files")
def list_pull_files(world: Scenario, call: Call) -> Reply:
    repo, pull = _pull(world, call)
    return Reply([bodies.pull_file(repo, pull.head_sha, f) for f in pull.files[:3000]], paginate=True)


@route("GET", "/repos/{owner}/{repo}/pulls/{pull_number}/commits")
def list_pull_commits(world: Scenario, call: Call) -> Reply:
    repo, pull = _pull(world, call)
    records = [repo.commits[sha] for sha in pull.commits[:250]]  # GitHub lists at most 250
    return Reply([bodies.commit_item(world, repo, r) for r in records], paginate=True)


def _visible(world: Scenario, review: Review) -> bool:
    # A pending review is only visible to its author (the token's user).
    return review.state != "PENDING" or (review.login or "").lower() == world.actor.lower()


@route("GET", "/repos/{owner}/{repo}/pulls/{pull_number}/reviews")
def list_reviews(world: Scenario, call: Call) -> Reply:
    repo, pull = _pull(world, call)
    reviews = [r for r in repo.reviews_of(pull.number) if _visible(world, r)]
    return Reply([bodies.review(world, repo, r) for r in reviews], paginate=True)


def _review(world: Scenario, call: Call) -> tuple[Repo, Review]:
    repo, pull = _pull(world, call)
    found = [r for r in repo.reviews_of(pull.number) if r.id == call.num("review_id") and _visible(world, r)]
    if not found:
        raise not_found()
    return repo, found[0]


@route(
    "GET",
    "/repos/{owner}/{repo}/pulls/{pull_number}/reviews/{review_id}",
    schema="GET /repos/{owner}/{repo}/pulls/{pull_number}/reviews",
    item=True,
)
def get_review(world: Scenario, call: Call) -> Reply:
    repo, review = _review(world, call)
    return Reply(bodies.review(world, repo, review))


@route("POST", "/repos/{owner}/{repo}/pulls/{pull_number}/reviews")
def create_review(world: Scenario, call: Call) -> Reply:
    repo, pull = _pull(world, call)
    data = _body(call)
    event = data.get("event")
    if event is not None and event not in REVIEW_EVENTS:
        raise invalid("PullRequestReview", "event", f"event {event!r} is not valid")
    review = world.add_review(
        pull.number,
        world.actor,
        REVIEW_EVENTS[event] if event else "PENDING",
        data.get("commit_id") or pull.head_sha,
        user_type=world.user(world.actor).type,
        body=str(data.get("body") or ""),
        repo=repo.full_name,
    )
    return Reply(bodies.review(world, repo, review))


@route("PUT", "/repos/{owner}/{repo}/pulls/{pull_number}/reviews/{review_id}/dismissals")
def dismiss_review(world: Scenario, call: Call) -> Reply:
    repo, review = _review(world, call)
    if review.state == "PENDING":
        raise HttpError(422, "Can not dismiss a pending review")
    world.dismiss_review(review.id, repo=repo.full_name)
    return Reply(bodies.review(world, repo, review))


@route("GET", "/repos/{owner}/{repo}/issues/{issue_number}")
def get_issue(world: Scenario, call: Call) -> Reply:
    repo, pull = _pull(world, call, "issue_number")
    return Reply(bodies.issue(world, repo, pull))


# --- commits and statuses ------------------------------------------------------------------------------


def _history(repo: Repo, tip: str) -> list[CommitRecord]:
    """Commits reachable from `tip`, newest first."""
    seen: dict[str, CommitRecord] = {}
    todo = [tip]
    while todo:
        sha = todo.pop()
        record = repo.commits.get(sha)
        if record is not None and sha not in seen:
            seen[sha] = record
            todo.extend(record.parents)
    return sorted(seen.values(), key=lambda r: r.date, reverse=True)


def _touches(record: CommitRecord, path: str) -> bool:
    path = path.strip("/")
    return any(
        path in (f.filename, f.previous_filename) or f.filename.startswith(path + "/") for f in record.files
    )


@route("GET", "/repos/{owner}/{repo}/commits")
def list_commits(world: Scenario, call: Call) -> Reply:
    repo = _repo(world, call)
    ref = call.query.get("sha") or repo.default_branch
    tip = repo.resolve(ref)
    if ref not in repo.branches and tip not in repo.commits:
        raise HttpError(404, f"No commit found for SHA: {ref}")
    records = _history(repo, tip)
    if "path" in call.query:
        # Like `git log -- path`: merge commits are simplified away, the merged branch's commits remain.
        records = [r for r in records if len(r.parents) < 2 and _touches(r, call.query["path"])]
    if "author" in call.query:
        who = call.query["author"].lower()
        records = [r for r in records if who in ((r.author_login or "").lower(), r.author_email.lower())]
    if "since" in call.query:
        records = [r for r in records if r.date >= call.query["since"]]
    if "until" in call.query:
        records = [r for r in records if r.date <= call.query["until"]]
    return Reply([bodies.commit_item(world, repo, r) for r in records], paginate=True)


@route("GET", "/repos/{owner}/{repo}/commits/{ref}")
def get_commit(world: Scenario, call: Call) -> Reply:
    repo = _repo(world, call)
    return Reply(bodies.commit_full(world, repo, _commit(repo, call.params["ref"])))


@route("GET", "/repos/{owner}/{repo}/commits/{commit_sha}/pulls")
def commit_pulls(world: Scenario, call: Call) -> Reply:
    repo = _repo(world, call)
    sha = repo.resolve(call.params["commit_sha"])
    record = _commit(repo, sha)
    found = [p for p in repo.pulls.values() if sha == p.merge_commit_sha or sha in p.commits]
    if repo.default_branch in record.branches:  # on the default branch: only the merged PR(s) that brought it
        found = [p for p in found if p.merged]
    found.sort(key=lambda p: p.number)
    return Reply([bodies.pull_simple(world, repo, p) for p in found], paginate=True)


@route("GET", "/repos/{owner}/{repo}/commits/{ref}/status")
def combined_status(world: Scenario, call: Call) -> Reply:
    repo = _repo(world, call)
    ref = call.params["ref"]
    return Reply(bodies.combined_status(world, repo, repo.resolve(ref), ref))


@route("POST", "/repos/{owner}/{repo}/statuses/{sha}")
def create_status(world: Scenario, call: Call) -> Reply:
    repo = _repo(world, call)
    data = _body(call)
    state = data.get("state")
    if state not in STATUS_STATES:
        raise invalid("Status", "state", f"state is not included in the list ({state!r})")
    description = data.get("description")
    if isinstance(description, str) and len(description) > 140:
        raise invalid("Status", "description", "description is too long (maximum is 140 characters)")
    entry = Status(
        id=world.next_id(),
        sha=call.params["sha"],
        state=str(state),
        context=str(data.get("context") or "default"),
        description=description,
        target_url=data.get("target_url"),
        creator=world.actor,
        created_at=world.tick(),
    )
    repo.statuses.append(entry)
    body = bodies.status(world, repo, entry)
    return Reply(body, 201, {"Location": body["url"]})


# --- check runs ----------------------------------------------------------------------------------------


def _apply_check(world: Scenario, run: CheckRun, data: dict[str, Any]) -> None:
    for key in ("name", "details_url", "external_id", "started_at"):
        if key in data:
            setattr(run, key, data[key])
    if "status" in data:
        if data["status"] not in CHECK_STATUSES:
            raise invalid("CheckRun", "status", f"status {data['status']!r} is not valid")
        run.status = data["status"]
    if data.get("conclusion") is not None:
        if data["conclusion"] not in CHECK_CONCLUSIONS:
            raise invalid("CheckRun", "conclusion", f"conclusion {data['conclusion']!r} is not valid")
        run.conclusion, run.status = data["conclusion"], "completed"  # a conclusion completes the run
    if run.status == "completed":
        if run.conclusion is None:
            raise HttpError(422, 'Invalid request.\n\n"conclusion" wasn\'t supplied.')
        run.completed_at = data.get("completed_at") or run.completed_at or world.tick()
    output = data.get("output")
    if output is not None:
        if not isinstance(output, dict) or "title" not in output or "summary" not in output:
            raise HttpError(422, 'Invalid request.\n\n"title" and "summary" are required in "output".')
        annotations = output.get("annotations") or []
        if len(annotations) > 50:
            raise HttpError(422, "Invalid request.\n\nOnly 50 annotations are allowed per request.")
        run.output = {key: output.get(key) for key in ("title", "summary", "text")}
        run.annotations.extend(annotations)  # GitHub appends annotations across updates


@route("POST", "/repos/{owner}/{repo}/check-runs")
def create_check_run(world: Scenario, call: Call) -> Reply:
    repo = _repo(world, call)
    data = _body(call)
    for key in ("name", "head_sha"):
        if not data.get(key):
            raise HttpError(422, f'Invalid request.\n\n"{key}" wasn\'t supplied.')
    run = CheckRun(
        id=world.next_id(),
        head_sha=str(data["head_sha"]),
        name=str(data["name"]),
        status="queued",
        conclusion=None,
        started_at=data.get("started_at") or world.tick(),
        completed_at=None,
        details_url=data.get("details_url"),
        external_id=data.get("external_id"),
    )
    _apply_check(world, run, data)
    repo.check_runs[run.id] = run
    return Reply(bodies.check_run(world, repo, run), 201)


def _check_run(world: Scenario, call: Call) -> tuple[Repo, CheckRun]:
    repo = _repo(world, call)
    run = repo.check_runs.get(call.num("check_run_id"))
    if run is None:
        raise not_found()
    return repo, run


@route("PATCH", "/repos/{owner}/{repo}/check-runs/{check_run_id}")
def update_check_run(world: Scenario, call: Call) -> Reply:
    repo, run = _check_run(world, call)
    _apply_check(world, run, _body(call))
    return Reply(bodies.check_run(world, repo, run))


@route(
    "GET",
    "/repos/{owner}/{repo}/check-runs/{check_run_id}",
    schema="PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}",
)
def get_check_run(world: Scenario, call: Call) -> Reply:
    repo, run = _check_run(world, call)
    return Reply(bodies.check_run(world, repo, run))


# --- issue comments ------------------------------------------------------------------------------------


def _comment_text(call: Call) -> str:
    text = _body(call).get("body")
    if not isinstance(text, str) or not text:
        raise invalid("IssueComment", "body", "body wasn't supplied", "missing_field")
    if len(text) > COMMENT_LIMIT:
        raise invalid("IssueComment", "body", f"body is too long (maximum is {COMMENT_LIMIT} characters)")
    return text


@route("GET", "/repos/{owner}/{repo}/issues/{issue_number}/comments")
def list_comments(world: Scenario, call: Call) -> Reply:
    repo, pull = _pull(world, call, "issue_number")
    found = sorted((c for c in repo.comments.values() if c.issue == pull.number), key=lambda c: c.id)
    return Reply([bodies.comment(world, repo, c) for c in found], paginate=True)


@route("POST", "/repos/{owner}/{repo}/issues/{issue_number}/comments")
def create_comment(world: Scenario, call: Call) -> Reply:
    repo, pull = _pull(world, call, "issue_number")
    stamp = world.tick()
    entry = Comment(world.next_id(), pull.number, world.actor, _comment_text(call), stamp, stamp)
    repo.comments[entry.id] = entry
    body = bodies.comment(world, repo, entry)
    return Reply(body, 201, {"Location": body["url"]})


def _comment(world: Scenario, call: Call) -> tuple[Repo, Comment]:
    repo = _repo(world, call)
    entry = repo.comments.get(call.num("comment_id"))
    if entry is None:
        raise not_found()
    return repo, entry


@route("GET", "/repos/{owner}/{repo}/issues/comments/{comment_id}")
def get_comment(world: Scenario, call: Call) -> Reply:
    repo, entry = _comment(world, call)
    return Reply(bodies.comment(world, repo, entry))


@route("PATCH", "/repos/{owner}/{repo}/issues/comments/{comment_id}")
def update_comment(world: Scenario, call: Call) -> Reply:
    repo, entry = _comment(world, call)
    if entry.login.lower() != world.actor.lower():
        raise HttpError(403, "Resource not accessible by integration")  # only one's own comments
    entry.body, entry.updated_at = _comment_text(call), world.tick()
    return Reply(bodies.comment(world, repo, entry))


# --- contents ------------------------------------------------------------------------------------------


def _refs(repo: Repo, ref: str) -> list[str]:
    """Names under which files set with set_file() may be stored for `ref`: itself, its sha, its branches."""
    sha = repo.resolve(ref)
    return [ref, sha, *(b for b, tip in repo.branches.items() if tip == sha)]


FILE_MODE, LINK_MODE = "100644", "120000"
Tree = dict[str, tuple[str, bytes]]  # path -> (git mode, blob bytes: a link's bytes are its target)


def tree_at(repo: Repo, ref: str, _seen: frozenset[str] = frozenset()) -> Tree:
    """Every file at `ref`: the tree it derives from (derive_tree), then what was set or removed at it."""
    names = _refs(repo, ref)
    tree: Tree = {}
    base = next((repo.tree_bases[n] for n in names if n in repo.tree_bases), None)
    if base is not None and base not in _seen:
        tree = tree_at(repo, base, _seen | set(names))
    for (name, path), data in repo.files.items():
        if name in names:
            tree[path] = (FILE_MODE, data)
    for (name, path), link in repo.symlinks.items():
        if name in names:
            tree[path] = (LINK_MODE, link.encode())
    for name, path in repo.removed:
        if name in names and (name, path) not in repo.files and (name, path) not in repo.symlinks:
            tree.pop(path, None)
    return tree


def _link_target(path: str, link: str) -> str:
    """Where a relative symlink at `path` points, as a repository path ('' when it leaves the repository)."""
    parts = path.split("/")[:-1]
    for part in link.split("/"):
        if part == "..":
            if not parts:
                return ""
            parts.pop()
        elif part not in ("", "."):
            parts.append(part)
    return "" if link.startswith("/") else "/".join(parts)


@route("GET", "/repos/{owner}/{repo}/contents/{path}")
def get_contents(world: Scenario, call: Call) -> Reply:
    repo = _repo(world, call)
    ref = call.query.get("ref") or repo.default_branch
    path = call.params["path"].strip("/")
    tree = tree_at(repo, ref)
    if path in tree:
        mode, data = tree[path]
        if mode == LINK_MODE:
            # GitHub answers a link to a file in the repository with that file (its own path), else the link.
            target = _link_target(path, data.decode())
            if target in tree and tree[target][0] == FILE_MODE:
                return Reply(bodies.content_file(repo, target, ref, tree[target][1]))
            return Reply(bodies.content_symlink(repo, path, ref, data.decode()))
        return Reply(bodies.content_file(repo, path, ref, data))
    entries = _listing(tree, path)
    if not entries:
        raise not_found()
    return Reply(bodies.content_dir(repo, path, ref, entries))


def _listing(tree: Tree, folder: str) -> list[tuple[str, str, bytes | None]]:
    prefix = f"{folder}/" if folder else ""
    found: dict[str, tuple[str, str, bytes | None]] = {}
    for path, (mode, data) in tree.items():
        if path.startswith(prefix):
            head, _, rest = path[len(prefix) :].partition("/")
            kind = "dir" if rest else "symlink" if mode == LINK_MODE else "file"
            found.setdefault(head, (head, kind, None if rest else data))
    return [found[key] for key in sorted(found)]


@route("GET", "/repos/{owner}/{repo}/git/trees/{tree_sha}")
def get_tree(world: Scenario, call: Call) -> Reply:
    repo = _repo(world, call)
    ref = call.params["tree_sha"]
    tree = tree_at(repo, ref)
    if not tree and ref not in repo.commits and ref not in repo.branches:
        raise not_found()
    recursive = call.query.get("recursive") not in (None, "", "0", "false")
    entries: dict[str, tuple[str, str, bytes | None]] = {}
    for path, (mode, data) in sorted(tree.items()):
        parts = path.split("/")
        for depth in range(1, len(parts)):
            entries.setdefault("/".join(parts[:depth]), ("040000", "tree", None))
        entries[path] = (mode, "blob", data)
    if not recursive:
        entries = {p: e for p, e in entries.items() if "/" not in p}
    return Reply(bodies.git_tree(repo, repo.resolve(ref), sorted(entries.items())))


@route("GET", "/repos/{owner}/{repo}/git/blobs/{file_sha}")
def get_blob(world: Scenario, call: Call) -> Reply:
    repo = _repo(world, call)
    wanted = call.params["file_sha"]
    blobs = [*repo.files.values(), *(link.encode() for link in repo.symlinks.values())]
    for data in blobs:
        if bodies.blob_sha(data) == wanted:
            return Reply(bodies.git_blob(repo, data))
    raise not_found()


@route("GET", "/repos/{owner}/{repo}/tarball/{ref}", schema=None)
def tarball_link(world: Scenario, call: Call) -> Reply:
    """GitHub answers 302 to a codeload address; the fake serves that archive itself."""
    repo = _repo(world, call)
    sha = repo.resolve(call.params["ref"])
    base = getattr(world, "base_url", "")
    return Reply(None, 302, {"Location": f"{base}/_codeload/{repo.full_name}/legacy.tar.gz/{sha}"})


@route("GET", "/_codeload/{owner}/{repo}/legacy.tar.gz/{ref}", schema=None)
def codeload(world: Scenario, call: Call) -> Reply:
    """`git archive` of the tree at ref, as GitHub builds it: one top folder owner-repo-sha7/."""
    import io
    import tarfile

    repo = _repo(world, call)
    ref = call.params["ref"]
    tree = repo.archive_overrides.get(ref) or tree_at(repo, ref)
    top = f"{repo.owner}-{repo.name}-{repo.resolve(ref)[:7]}"
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w:gz") as archive:
        for path, (mode, data) in sorted(tree.items()):
            info = tarfile.TarInfo(f"{top}/{path}")
            if mode == LINK_MODE:
                info.type, info.linkname = tarfile.SYMTYPE, data.decode()
                archive.addfile(info)
            else:
                info.size, info.mode = len(data), 0o644
                archive.addfile(info, io.BytesIO(data))
    return Reply(out.getvalue(), 200, {"Content-Type": "application/x-gzip"})


@route("GET", "/repos/{owner}/{repo}/compare/{basehead}")
def compare(world: Scenario, call: Call) -> Reply:
    repo = _repo(world, call)
    base_ref, dots, head_ref = call.params["basehead"].partition("...")
    if not dots:
        raise not_found()
    base, head = repo.resolve(base_ref), repo.resolve(head_ref)
    merge_base = (
        repo.merge_bases.get((base, head))
        or repo.merge_bases.get((base_ref, head_ref))
        or _merge_base(repo, base, head)
    )
    if merge_base is None:
        raise HttpError(404, f"No common ancestor between {base_ref} and {head_ref}.")
    return Reply(bodies.comparison(repo, base, head, merge_base))


def _merge_base(repo: Repo, base: str, head: str) -> str | None:
    """The newest commit reachable from both (the fake's commits), or the base of a PR with that head."""
    ours = {r.sha for r in _history(repo, base)} | {base}
    for record in _history(repo, head):
        if record.sha in ours:
            return record.sha
    return next((p.base_sha for p in repo.pulls.values() if p.head_sha == head), None)


@route("GET", "/repos/{owner}/{repo}/activity")
def list_activity(world: Scenario, call: Call) -> Reply:
    repo = _repo(world, call)
    pushes = list(reversed(repo.pushes))  # newest first, as GitHub lists them
    if "ref" in call.query:
        ref = call.query["ref"]
        pushes = [p for p in pushes if ref in (p.ref, p.ref.removeprefix("refs/heads/"))]
    if "activity_type" in call.query:
        pushes = [p for p in pushes if p.activity_type == call.query["activity_type"]]
    if "actor" in call.query:
        pushes = [p for p in pushes if p.actor.lower() == call.query["actor"].lower()]
    return Reply([bodies.activity(world, repo, p) for p in pushes], paginate=True)


# --- organisations, teams, users -----------------------------------------------------------------------


@route("GET", "/orgs/{org}")
def get_org(world: Scenario, call: Call) -> Reply:
    org = world.orgs.get(call.params["org"].lower())
    if org is None:
        raise not_found()
    return Reply(bodies.org_full(org))


@route("GET", "/orgs/{org}/teams/{team_slug}")
def get_team(world: Scenario, call: Call) -> Reply:
    return Reply(bodies.team_full(world, _team(world, call)))


@route("GET", "/teams/{team_id}", schema="GET /orgs/{org}/teams/{team_slug}")
def get_team_legacy(world: Scenario, call: Call) -> Reply:
    return get_team(world, call)


@route("GET", "/orgs/{org}/teams/{team_slug}/members")
def list_team_members(world: Scenario, call: Call) -> Reply:
    team = _team(world, call)
    role = call.query.get("role", "all")
    logins = [login for login, state in team.members.items() if state == "active"]  # pending: not listed
    if role != "all":
        logins = [login for login in logins if team.role_of(login) == role]
    return Reply([bodies.team_member(world, team, login) for login in logins], paginate=True)


@route("GET", "/teams/{team_id}/members", schema="GET /orgs/{org}/teams/{team_slug}/members")
def list_team_members_legacy(world: Scenario, call: Call) -> Reply:
    return list_team_members(world, call)


@route("GET", "/orgs/{org}/teams/{team_slug}/memberships/{username}")
def get_membership(world: Scenario, call: Call) -> Reply:
    team = _team(world, call)
    login = call.params["username"]
    if team.state_of(login) is None:
        raise not_found()
    return Reply(bodies.membership(team, login))


@route("GET", "/teams/{team_id}/memberships/{username}")
def get_membership_legacy(world: Scenario, call: Call) -> Reply:
    return get_membership(world, call)


@route("GET", "/teams/{team_id}/members/{username}", schema=None)
def is_member_legacy(world: Scenario, call: Call) -> Reply:
    if _team(world, call).state_of(call.params["username"]) != "active":
        raise not_found()
    return Reply(None, 204)


@route("GET", "/users/{username}")
def get_user(world: Scenario, call: Call) -> Reply:
    user = world.users.get(call.params["username"].lower())
    if user is None:
        raise not_found()
    return Reply(bodies.public_user(user))


@route("GET", "/rate_limit")
def rate_limit(world: Scenario, call: Call) -> Reply:
    return Reply(template("GET_rate_limit.json"))
