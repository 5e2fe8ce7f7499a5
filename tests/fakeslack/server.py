"""FakeSlack: Slack's incoming webhooks on 127.0.0.1, for the real slack-sdk WebhookClient.

Each webhook (`fake.webhook("tech-reviews")`) is a URL like Slack's
(`/services/T…/B…/<secret>`). A POST is recorded and checked against Block Kit's limits
(tests/fakeslack/blockkit.py): a payload Slack would refuse is answered 400 `invalid_blocks`, as
Slack does, and fails the test at teardown. Faults are queued per webhook: a status with its body
and headers (429 with Retry-After, 500, 503, 404 `no_service`), or a delay longer than the client's
timeout. Answers follow Slack's: `200 ok` as text/html.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server
from werkzeug.wrappers import Request, Response

from tests.fakeslack.blockkit import problems


@dataclass
class Answer:
    status: int = 200
    body: str = "ok"
    headers: dict[str, str] = field(default_factory=dict)
    # Seconds before answering: a timeout when longer than the client waits. Such a post is recorded
    # as not delivered (status 0): the fake models a Slack too slow to take the message at all.
    delay: float = 0.0


@dataclass
class Post:
    channel: str
    payload: Any
    at: float
    status: int

    @property
    def text(self) -> str:
        return str(self.payload.get("text", "")) if isinstance(self.payload, dict) else ""


class _Quiet(WSGIRequestHandler):
    def log(self, type: str, message: str, *args: Any) -> None:
        pass


class FakeSlack:
    def __init__(self) -> None:
        self.posts: list[Post] = []  # every request, answered or not
        self.faults: dict[str, list[Answer]] = {}
        self.violations: list[str] = []
        self._lock = threading.Lock()
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None
        self.base_url = ""

    # --- set-up -----------------------------------------------------------------------------------

    def start(self) -> FakeSlack:
        self._server = make_server("127.0.0.1", 0, self._app, threaded=True, request_handler=_Quiet)
        self.base_url = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def webhook(self, channel: str) -> str:
        return f"{self.base_url}/services/T0HANDBOOK/B{channel.upper().replace('-', '')}/{channel}-secret"

    def fail(self, channel: str, *answers: Answer) -> None:
        """The next requests to `channel` get these answers, in order; then Slack is fine again."""
        with self._lock:
            self.faults.setdefault(channel, []).extend(answers)

    def down(self, channel: str, times: int = 50) -> None:
        self.fail(channel, *[Answer(503, "service_unavailable")] * times)

    def recover(self, channel: str | None = None) -> None:
        with self._lock:
            for name in [channel] if channel else list(self.faults):
                self.faults.pop(name, None)

    # --- what was posted --------------------------------------------------------------------------

    def delivered(self, channel: str | None = None) -> list[Post]:
        """Posts Slack accepted (200), in order."""
        return [p for p in self.posts if p.status == 200 and (channel is None or p.channel == channel)]

    def assert_clean(self) -> None:
        assert not self.violations, "payloads Slack would refuse:\n" + "\n".join(self.violations)

    # --- the webhook ------------------------------------------------------------------------------

    def _app(self, environ: dict[str, Any], start_response: Any) -> Any:
        request = Request(environ)
        parts = request.path.strip("/").split("/")
        if request.method != "POST" or len(parts) != 4 or parts[0] != "services":
            return Response("no_service", 404, content_type="text/html")(environ, start_response)
        channel = parts[3].removesuffix("-secret")
        with self._lock:
            answer = self.faults[channel].pop(0) if self.faults.get(channel) else Answer()
        try:
            payload = json.loads(request.get_data(as_text=True))
        except ValueError:
            payload = None
            answer = Answer(400, "invalid_payload")
        found = problems(payload)
        if found and answer.status == 200:
            with self._lock:
                self.violations += [f"{channel}: {p}" for p in found]
            answer = Answer(400, "invalid_blocks")
        if not request.content_type.startswith("application/json"):
            answer = Answer(400, "invalid_payload")
        with self._lock:
            self.posts.append(Post(channel, payload, time.monotonic(), 0 if answer.delay else answer.status))
        if answer.delay:
            time.sleep(answer.delay)
        response = Response(answer.body, answer.status, content_type="text/html")
        for name, value in answer.headers.items():
            response.headers[name] = value
        return response(environ, start_response)
