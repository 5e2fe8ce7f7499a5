"""Fault injection: rules that make matching requests fail, stall or get rate limited.

A rule matches when its regex fully matches "METHOD /path" (path without query string and without the
base-url prefix), and, if `page` is set, the request's `page` query value (1 when absent). The first
active matching rule wins; `times=n` disarms it after n hits, `times=None` never does.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any

from tests.fakegithub.handlers import DOCS

# GitHub's real wording; PyGithub recognises rate limits by these message prefixes/suffixes.
SECONDARY_RATE_LIMIT = (
    "You have exceeded a secondary rate limit. Please wait a few minutes before you try again. "
    "If you reach out to GitHub Support for help, please include the request ID "
    "0000:0000:0000000:0000000:00000000."
)
PRIMARY_RATE_LIMIT = (
    "API rate limit exceeded for user ID 1. If you reach out to GitHub Support for help, "
    "please include the request ID 0000:0000:0000000:0000000:00000000."
)
RATE_LIMIT_DOCS = "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api"


def error_body(status: int, message: str | None = None) -> dict[str, Any]:
    phrase = HTTPStatus(status).phrase if status in HTTPStatus._value2member_map_ else "Error"
    return {"message": message or phrase, "documentation_url": DOCS, "status": str(status)}


@dataclass
class Fault:
    """One armed rule. `status=None` means answer normally (after `delay` seconds)."""

    pattern: str
    status: int | None
    times: int | None = None
    page: int | None = None
    body: Any = None  # JSON-able, or str/bytes sent as is; None -> GitHub-style error body
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    hits: int = 0
    regex: re.Pattern[str] = field(init=False)

    def __post_init__(self) -> None:
        self.regex = re.compile(self.pattern)

    @property
    def active(self) -> bool:
        return self.times is None or self.hits < self.times

    def matches(self, method: str, path: str, page: int) -> bool:
        if not self.active or not self.regex.fullmatch(f"{method} {path}"):
            return False
        return self.page is None or self.page == page

    def response_body(self) -> Any:
        assert self.status is not None
        return self.body if self.body is not None else error_body(self.status)


def secondary_rate_limit_fault(pattern: str, retry_after: int | None, status: int, **kwargs: Any) -> Fault:
    headers = {"X-RateLimit-Limit": "5000", "X-RateLimit-Remaining": "4990", "X-RateLimit-Resource": "core"}
    if retry_after is not None:
        headers["Retry-After"] = str(retry_after)
    body = {"message": SECONDARY_RATE_LIMIT, "documentation_url": RATE_LIMIT_DOCS, "status": str(status)}
    return Fault(pattern, status, body=body, headers=headers, **kwargs)


def primary_rate_limit_fault(pattern: str, reset_in: int, **kwargs: Any) -> Fault:
    reset = int(time.time()) + reset_in
    headers = {
        "X-RateLimit-Limit": "5000",
        "X-RateLimit-Remaining": "0",
        "X-RateLimit-Used": "5000",
        "X-RateLimit-Reset": str(reset),
        "X-RateLimit-Resource": "core",
    }
    body = {"message": PRIMARY_RATE_LIMIT, "documentation_url": RATE_LIMIT_DOCS, "status": "403"}
    return Fault(pattern, 403, body=body, headers=headers, **kwargs)
