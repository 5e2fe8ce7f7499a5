"""Posting to Slack through slack-sdk's WebhookClient, within a retry budget (the I/O edge).

A 5xx, a 429 (waiting as long as its Retry-After says) or a timeout is retried by the SDK's retry
hook, drawing on one budget of waiting time for the whole run; when the budget cannot cover the
next wait, the message stays queued and the run reports a warning. Any other answer (a revoked or
archived webhook, a refused payload) is reported the same way and not retried in this run. Nothing
here raises: the caller learns, per message, whether Slack took it.
"""

from __future__ import annotations

import http.client
import logging
import socket
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.error import URLError
from urllib.parse import urlsplit

from slack_sdk.http_retry.handler import RetryHandler
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState
from slack_sdk.webhook import WebhookClient

from generator.notify.messages import Message

# Slack's own webhook hosts; plain http only to this machine (the tests' fake Slack).
SLACK_HOSTS = ("hooks.slack.com", "hooks.slack-gov.com")
_LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")
MAX_ATTEMPTS = 5
_TRANSIENT = (TimeoutError, socket.timeout, URLError, ConnectionError, http.client.HTTPException)


@dataclass
class SlackBudget:
    """Seconds this run may still spend waiting before a retry; `scale` shortens every wait (tests)."""

    seconds: float
    scale: float = 1.0
    sleep: Callable[[float], None] = time.sleep
    waited: list[float] = field(default_factory=list)

    def take(self, seconds: float) -> bool:
        wait = max(seconds, 0.0) * self.scale
        if sum(self.waited) + wait > self.seconds:
            return False
        self.waited.append(wait)
        if wait:
            self.sleep(wait)
        return True


class _BudgetRetry(RetryHandler):
    """slack-sdk's retry hook: 5xx, 429 and timeouts retried while the run's budget lasts."""

    def __init__(self, budget: SlackBudget, attempts: int = MAX_ATTEMPTS) -> None:
        super().__init__(max_retry_count=attempts - 1)
        self.budget = budget
        self.gave_up: str | None = None

    def _can_retry(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        if response is not None:
            transient = response.status_code == 429 or response.status_code >= 500
        else:
            transient = isinstance(error, _TRANSIENT)
        if not transient:
            return False
        wait = _wait(state.current_attempt, response)
        if not self.budget.take(wait):
            self.gave_up = f"the retry budget ({self.budget.seconds:g}s) cannot cover a wait of {wait:g}s"
            return False
        return True

    def prepare_for_next_attempt(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> None:
        # The wait was taken in _can_retry, where it is known whether the budget covers it.
        state.next_attempt_requested = True
        state.increment_current_attempt()


def _wait(attempt: int, response: HttpResponse | None) -> float:
    if response is not None and response.status_code == 429:
        for name, values in response.headers.items():
            if name.lower() == "retry-after" and values:
                try:
                    return max(float(values[0]), 0.0)
                except ValueError:
                    break
        return 1.0
    return float(2**attempt)  # 1, 2, 4, 8 seconds


@dataclass(frozen=True)
class Sent:
    ok: bool
    problem: str = ""  # why not, in one line


def webhook_problem(url: str) -> str | None:
    """Why a webhook address is refused, or None: only Slack's hosts over https (or this machine)."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if host in _LOCAL_HOSTS and parts.scheme in ("http", "https"):
        return None
    if parts.scheme != "https" or host not in SLACK_HOSTS:
        return "is not a Slack incoming-webhook address (expected https://hooks.slack.com/services/...)"
    return None


class Webhook:
    """One channel's webhook, with the run's retry budget."""

    def __init__(self, url: str, budget: SlackBudget, timeout: float) -> None:
        self.budget = budget
        self.retry = _BudgetRetry(budget)
        quiet = logging.getLogger("handbook.notify.slack")
        quiet.disabled = True
        self.client = WebhookClient(
            url, timeout=max(1, round(timeout)), retry_handlers=[self.retry], logger=quiet
        )
        self.client.timeout = timeout  # type: ignore[assignment]  # urllib takes fractions too
        self.down: str | None = None  # set when Slack failed: later messages wait for the next run

    def send(self, message: Message) -> Sent:
        # The SDK's logger is off: it would log request bodies and errors that name the URL, a secret.
        if self.down:
            return Sent(False, self.down)
        self.retry.gave_up = None
        try:
            response = self.client.send_dict(message.payload())
        except Exception as exc:  # the SDK raises what urllib raises once retries are over
            self.down = _explain(exc, self.retry.gave_up)
            return Sent(False, self.down)
        if response.status_code == 200:
            return Sent(True)
        body = _short(str(response.body))
        problem = f"Slack answered {response.status_code} {body}".rstrip()
        if self.retry.gave_up:
            problem += f"; {self.retry.gave_up}"
        if response.status_code == 429 or response.status_code >= 500 or self.retry.gave_up:
            self.down = problem
        return Sent(False, problem)


def _short(text: str) -> str:
    line = " ".join(text.split())
    return line if len(line) <= 120 else line[:117] + "..."


def _explain(exc: Exception, gave_up: str | None) -> str:
    reason = getattr(exc, "reason", None) or exc
    if isinstance(reason, TimeoutError | socket.timeout) or "timed out" in str(reason):
        text = "Slack did not answer in time"
    else:
        text = f"cannot reach Slack: {_short(str(reason))}"
    return f"{text}; {gave_up}" if gave_up else text


def channel_urls(names: list[str], env: Mapping[str, str], env_names: Mapping[str, str]) -> dict[str, Any]:
    """Channel name -> its webhook address, or the reason there is none (never the address in a message)."""
    found: dict[str, Any] = {}
    for name in names:
        variable = env_names[name]
        url = (env.get(variable) or "").strip()
        if not url:
            found[name] = Sent(False, f"{variable} is not set (the webhook secret of channel {name})")
            continue
        problem = webhook_problem(url)
        found[name] = Sent(False, f"{variable} {problem}") if problem else url
    return found
