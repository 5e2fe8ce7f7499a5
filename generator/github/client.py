"""The GitHub connection: PyGithub with an explicit retry budget, and the guard that turns any failure
into one `GitHubFault` with its cause, so callers fail closed.

Retries follow the budget: at most six tries per request, exponential backoff, rate-limit waits
capped, a timeout on every request. What is read (facts.py) and the comment we own (comments.py)
sit beside it.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

import requests
import urllib3
from github import Auth, Github, GithubException, GithubRetry, RateLimitExceededException

from generator.errors import GitHubFault, UsageError
from generator.signoff.policy import PolicyError
from generator.signoff.report import CONTEXT

_REPOSITORY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]{0,38}/[A-Za-z0-9._-]{1,100}$")


def repository_name(value: str) -> str:
    if not _REPOSITORY.fullmatch(value) or value.endswith((".", "/.", "/..")):
        raise UsageError(f"{value!r} is not a repository (expected OWNER/NAME)")
    return value


def api_address(value: str) -> str:
    if not re.fullmatch(r"https?://[^\s/]+(/\S*)?", value):
        raise UsageError(f"{value!r} is not an API address (expected https://host[/prefix])")
    return value.rstrip("/")


T = TypeVar("T")


class NotJudged(Exception):
    """The pull request is not one the sign-off judges (it is not into the default branch)."""


@dataclass(frozen=True)
class Budget:
    """How hard to try: `tries` per request, backoff doubling from `backoff` s, waits capped at `max_wait`."""

    tries: int = 6
    backoff: float = 1.0
    max_wait: float = 60.0
    timeout: int = 15

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> Budget:
        """HANDBOOK_GITHUB_BACKOFF=0 (tests) turns off backoff, rate-limit waits and client throttling;
        HANDBOOK_GITHUB_TRIES lowers the tries (never above 6), HANDBOOK_GITHUB_TIMEOUT sets whole seconds."""
        budget = cls()
        try:
            backoff = max(0.0, float(env.get("HANDBOOK_GITHUB_BACKOFF", budget.backoff)))
            tries = min(budget.tries, max(1, int(env.get("HANDBOOK_GITHUB_TRIES", budget.tries))))
            timeout = max(1, int(env.get("HANDBOOK_GITHUB_TIMEOUT", budget.timeout)))
        except ValueError as exc:
            raise GitHubFault(f"bad HANDBOOK_GITHUB_* setting: {exc}") from exc
        return cls(tries, backoff, min(budget.max_wait, backoff * 60), timeout)


class _Retry(GithubRetry):
    """GitHub's retry rules, with Retry-After capped too (urllib3 would sleep as long as it says)."""

    def get_retry_after(self, response: Any) -> float | None:
        wait = super().get_retry_after(response)
        cap = self.max_rate_limit_wait
        return None if wait is None else min(wait, cap if cap is not None else wait)


def connect(api_url: str, token: str, budget: Budget | None = None) -> Github:
    budget = budget or Budget.from_env(os.environ)
    # PyGithub logs each retry through its own stderr handler; the command reports one cause instead.
    logging.getLogger("github").setLevel(logging.CRITICAL)
    retry = _Retry(
        total=budget.tries - 1,
        backoff_factor=budget.backoff,
        backoff_max=max(budget.max_wait, budget.backoff),
        secondary_rate_wait=budget.max_wait,
        max_rate_limit_wait=budget.max_wait,
        status_forcelist=[*range(500, 600), 429],  # GitHubRetry adds 403 (rate limits only)
        # Editing the comment is idempotent, so PATCH is retried too (PyGithub leaves it out).
        allowed_methods=urllib3.Retry.DEFAULT_ALLOWED_METHODS | {"GET", "POST", "PATCH"},
    )
    throttled = budget.backoff > 0
    try:
        return Github(
            base_url=api_url.rstrip("/"),
            auth=Auth.Token(token),
            lazy=True,
            retry=retry,
            timeout=budget.timeout,
            per_page=100,
            seconds_between_requests=0.25 if throttled else None,
            seconds_between_writes=1.0 if throttled else None,
        )
    except (AssertionError, ValueError) as exc:
        raise GitHubFault(f"cannot use the API address {api_url!r}: {exc or 'unsupported URL'}") from exc


def cause(exc: BaseException) -> str:
    """One line saying what went wrong, without the token or a traceback."""
    if isinstance(exc, RateLimitExceededException):
        return f"rate limited ({exc.status}): {_message(exc)}"
    if isinstance(exc, GithubException):
        return f"HTTP {exc.status}: {_message(exc)}"
    if isinstance(exc, requests.exceptions.RetryError):
        return f"gave up after retries: {_reason(exc)}"
    if isinstance(exc, requests.exceptions.Timeout):
        return "timed out"
    if isinstance(exc, requests.exceptions.ConnectionError):
        return f"cannot connect: {_reason(exc)}"
    return f"{type(exc).__name__}: {exc}"


def _message(exc: GithubException) -> str:
    data = exc.data
    if isinstance(data, dict) and data.get("message"):
        return str(data["message"])
    return str(data) if data else "no message"


def _reason(exc: BaseException) -> str:
    inner = exc.args[0] if exc.args else exc
    reason = getattr(inner, "reason", None)
    return str(reason or inner)


@contextmanager
def guard(what: str) -> Iterator[None]:
    """Any failure while talking to GitHub becomes a GitHubFault naming the step."""
    try:
        yield
    except (GitHubFault, PolicyError):
        raise
    except Exception as exc:  # PyGithub, requests, urllib3 and malformed answers alike: fail closed
        raise GitHubFault(f"{what}: {cause(exc)}") from exc


def _listed(what: str, items: Iterable[T]) -> list[T]:
    with guard(what):
        return list(items)


def post_status(gh: Github, repository: str, sha: str, state: str, description: str, url: str | None) -> None:
    with guard(f"posting the {state} status"):
        commit = gh.get_repo(repository).get_commit(sha)
        extra: dict[str, Any] = {"target_url": url} if url else {}
        commit.create_status(state=state, description=description[:140], context=CONTEXT, **extra)
