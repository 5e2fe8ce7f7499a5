"""FakeGitHub: a real HTTP server on 127.0.0.1 answering GitHub REST calls from an in-memory Scenario.

Tests drive the real PyGithub client against `fake.base_url`. Every request is recorded, every 2xx
body is checked against GitHub's schema (violations fail the test at `stop()` / `assert_clean()`),
and faults (5xx, rate limits, timeouts, ...) can be injected per route.
"""

from __future__ import annotations

import json
import math
import re
import threading
import time
import traceback
import urllib.parse
from dataclasses import dataclass
from types import TracebackType
from typing import Any

from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server
from werkzeug.wrappers import Request, Response

from tests.fakegithub import handlers
from tests.fakegithub.faults import Fault, error_body, primary_rate_limit_fault, secondary_rate_limit_fault
from tests.fakegithub.scenario import Scenario
from tests.fakegithub.schema import violations
from tests.fakegithub.state import UserType
from tests.fakegithub.templates import rebase_urls

DEFAULT_PER_PAGE = 30
MAX_PER_PAGE = 100


@dataclass
class RecordedRequest:
    method: str
    path: str  # without the base-url prefix and query string, percent-decoded
    query: dict[str, str]
    headers: dict[str, str]
    json: Any  # parsed body, or None
    status: int = 0  # what the fake answered
    route: str | None = None  # the matched route template, e.g. "GET /repos/{owner}/{repo}"

    @property
    def line(self) -> str:
        return f"{self.method} {self.path}"


class _QuietHandler(WSGIRequestHandler):
    def log(self, type: str, message: str, *args: Any) -> None:  # no access log in test output
        pass


class FakeGitHub(Scenario):
    """GitHub REST on localhost. Use as a context manager, or start()/stop(); see plugin.fake_github."""

    def __init__(
        self,
        *,
        token: str | None = None,
        actor: str = "github-actions[bot]",
        actor_type: UserType = "Bot",
        prefix: str = "",
    ) -> None:
        super().__init__(actor=actor, actor_type=actor_type)
        self.token = token  # when set, requests must carry it (token X / Bearer X), else 401
        self.prefix = prefix.rstrip("/")  # e.g. "/api/v3" to look like GitHub Enterprise Server
        self.requests: list[RecordedRequest] = []
        self.faults: list[Fault] = []
        self.schema_errors: list[str] = []
        self.server_errors: list[str] = []
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()
        self._served = 0

    # --- lifecycle ------------------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        """e.g. http://127.0.0.1:54321 — pass to Github(base_url=...)."""
        if self._server is None:
            raise RuntimeError("FakeGitHub is not started")
        return f"http://127.0.0.1:{self._server.port}{self.prefix}"

    def start(self) -> FakeGitHub:
        if self._server is not None:
            return self
        self._stopping.clear()
        server = make_server("127.0.0.1", 0, self._wsgi, threaded=True, request_handler=_QuietHandler)
        self._server = server
        # A short poll interval keeps stop() fast.
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self, *, check: bool = True) -> None:
        """Shut the server down; with `check`, raise if any body broke its schema or the fake crashed."""
        server, self._server = self._server, None
        self._stopping.set()  # wakes handlers sleeping in a timeout fault
        if server is not None:
            server.shutdown()
            server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None
        if check:
            self.assert_clean()

    def __enter__(self) -> FakeGitHub:
        return self.start()

    def __exit__(
        self, kind: type[BaseException] | None, value: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.stop(check=kind is None)

    def assert_clean(self) -> None:
        """Fail loudly if a served body violated GitHub's schema or a handler crashed."""
        problems = [f"schema: {e}" for e in self.schema_errors] + [f"crash: {e}" for e in self.server_errors]
        if problems:
            raise AssertionError("fake GitHub served invalid answers:\n" + "\n".join(problems))

    # --- faults ---------------------------------------------------------------------------------------

    def fail(
        self,
        pattern: str,
        status: int = 500,
        *,
        times: int | None = None,
        page: int | None = None,
        body: Any = None,
        headers: dict[str, str] | None = None,
    ) -> Fault:
        """Answer matching requests with `status` (GitHub-style JSON error body unless `body` is given)."""
        return self._arm(Fault(pattern, status, times, page, body, dict(headers or {})))

    def secondary_rate_limit(
        self,
        pattern: str,
        *,
        retry_after: int | None = None,
        status: int = 403,
        times: int | None = None,
        page: int | None = None,
    ) -> Fault:
        """GitHub's secondary rate limit (403, or 429), with or without a Retry-After header."""
        return self._arm(secondary_rate_limit_fault(pattern, retry_after, status, times=times, page=page))

    def primary_rate_limit(
        self, pattern: str, *, reset_in: int = 60, times: int | None = None, page: int | None = None
    ) -> Fault:
        """403 'API rate limit exceeded' with X-RateLimit-Remaining 0 and a reset `reset_in` s ahead."""
        return self._arm(primary_rate_limit_fault(pattern, reset_in, times=times, page=page))

    def slow(
        self, pattern: str, seconds: float, *, times: int | None = None, page: int | None = None
    ) -> Fault:
        """Stall matching requests `seconds` before answering normally: a read timeout for the client."""
        return self._arm(Fault(pattern, None, times, page, delay=seconds))

    def clear_faults(self) -> None:
        with self.lock:
            self.faults.clear()

    def _arm(self, fault: Fault) -> Fault:
        with self.lock:
            self.faults.append(fault)
        return fault

    # --- inspection -----------------------------------------------------------------------------------

    def calls(self, pattern: str = ".*", method: str | None = None) -> list[RecordedRequest]:
        """Recorded requests whose "METHOD /path" fully matches `pattern` (and `method`, if given)."""
        regex = re.compile(pattern)
        with self.lock:
            return [
                r for r in self.requests if regex.fullmatch(r.line) and (method is None or r.method == method)
            ]

    # --- WSGI -----------------------------------------------------------------------------------------

    def _wsgi(self, environ: dict[str, Any], start_response: Any) -> Any:
        request = Request(environ)
        record = self._record(request)
        try:
            response = self._respond(request, record)
        except Exception:  # a bug in the fake: answer 500 and fail the test at stop()
            self.server_errors.append(f"{record.line}\n{traceback.format_exc()}")
            response = self._json(500, error_body(500, "fake GitHub crashed (see server_errors)"))
        record.status = response.status_code
        return response(environ, start_response)

    def _record(self, request: Request) -> RecordedRequest:
        path = request.path
        if self.prefix and (path == self.prefix or path.startswith(self.prefix + "/")):
            path = path[len(self.prefix) :] or "/"
        query = {key: request.args[key] for key in request.args}
        headers = dict(request.headers.items())
        record = RecordedRequest(request.method, path, query, headers, _parse_json(request.get_data()))
        with self.lock:
            self.requests.append(record)
        return record

    def _respond(self, request: Request, record: RecordedRequest) -> Response:
        if self.prefix and record.path == request.path:  # outside the base url
            return self._json(404, error_body(404, "Not Found"))
        fault = self._fault(record.method, record.path, _int(record.query.get("page"), 1))
        if fault is not None:
            if fault.delay:
                self._stopping.wait(fault.delay)  # returns early when the server stops
            if fault.status is not None:
                return self._fault_response(fault)
        # Codeload addresses carry their own short-lived token, as GitHub's do: no Authorization header.
        if not record.path.startswith("/_codeload/") and not self._authorised(request):
            return self._json(401, error_body(401, "Bad credentials"))
        found = handlers.match(record.method, record.path)
        if found is None:
            return self._json(404, error_body(404, "Not Found"))
        route, params = found
        record.route = f"{route.method} {route.template}"
        try:
            with self.lock:
                reply = route.handler(
                    self, handlers.Call(record.method, record.path, params, record.query, record.json)
                )
        except handlers.HttpError as error:
            return self._json(error.status, error.body)
        headers, body = dict(reply.headers), reply.body
        if reply.paginate:
            body, link = self._page(body, record.path, record.query)
            if link:
                headers["Link"] = link
        if body is None:
            return Response(status=reply.status, headers=self._headers(headers))
        if isinstance(body, bytes):  # an archive (codeload), not JSON
            return Response(body, status=reply.status, headers=self._headers(headers))
        if route.schema is not None and 200 <= reply.status < 300:
            problems = violations(route.schema, body, item=route.item)
            with self.lock:
                self.schema_errors.extend(f"{record.line} -> {p}" for p in problems)
        return self._json(reply.status, body, headers)

    def _fault(self, method: str, path: str, page: int) -> Fault | None:
        with self.lock:
            for fault in self.faults:
                if fault.matches(method, path, page):
                    fault.hits += 1
                    return fault
        return None

    def _fault_response(self, fault: Fault) -> Response:
        assert fault.status is not None
        body = fault.response_body()
        if isinstance(body, str | bytes):
            return Response(body, status=fault.status, headers=self._headers(fault.headers))
        return self._json(fault.status, body, fault.headers)

    def _authorised(self, request: Request) -> bool:
        if self.token is None:
            return True
        scheme, _, value = (request.headers.get("Authorization") or "").partition(" ")
        return scheme.lower() in ("token", "bearer") and value.strip() == self.token

    def _page(self, items: list[Any], path: str, query: dict[str, str]) -> tuple[list[Any], str]:
        """GitHub pagination: `page` (from 1) and `per_page` (default 30, max 100) plus a Link header."""
        per_page = min(max(_int(query.get("per_page"), DEFAULT_PER_PAGE), 1), MAX_PER_PAGE)
        page = max(_int(query.get("page"), 1), 1)
        last = max(math.ceil(len(items) / per_page), 1)

        def url(number: int) -> str:
            params = dict(query)
            params["page"] = str(number)
            return f"{self.base_url}{path}?{urllib.parse.urlencode(params)}"

        links: list[str] = []
        if page > 1:
            links.append(f'<{url(min(page - 1, last))}>; rel="prev"')
        if page < last:
            links += [f'<{url(page + 1)}>; rel="next"', f'<{url(last)}>; rel="last"']
        if page > 1:
            links.append(f'<{url(1)}>; rel="first"')
        return items[(page - 1) * per_page : page * per_page], ", ".join(links)

    def _headers(self, extra: dict[str, str]) -> dict[str, str]:
        with self.lock:
            self._served += 1
            served = self._served
        headers = {
            "X-GitHub-Media-Type": "github.v3; format=json",
            "X-GitHub-Request-Id": f"FAKE:{served:08d}",
            "X-RateLimit-Limit": "5000",
            "X-RateLimit-Remaining": str(max(5000 - served, 0)),
            "X-RateLimit-Used": str(min(served, 5000)),
            "X-RateLimit-Reset": str(int(time.time()) + 3600),
            "X-RateLimit-Resource": "core",
        }
        headers.update(extra)
        return headers

    def _json(self, status: int, body: Any, headers: dict[str, str] | None = None) -> Response:
        if self._server is not None:
            body = rebase_urls(body, self.base_url)
        return Response(
            json.dumps(body),
            status=status,
            headers=self._headers(headers or {}),
            content_type="application/json; charset=utf-8",
        )


def _int(value: str | None, default: int) -> int:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


def _parse_json(data: bytes) -> Any:
    if not data:
        return None
    try:
        return json.loads(data)
    except ValueError:
        return data.decode("utf-8", "replace")
