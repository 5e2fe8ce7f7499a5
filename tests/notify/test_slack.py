"""Delivery through the real WebhookClient: the retry schedule, the budget, and which addresses are used."""

from __future__ import annotations

import pytest

from generator.notify.messages import Message
from generator.notify.slack import SlackBudget, Webhook, webhook_problem
from tests.fakeslack.server import Answer, FakeSlack

MESSAGE = Message(text="hello", blocks=[{"type": "section", "text": {"type": "plain_text", "text": "hello"}}])


def channel(fake: FakeSlack, budget: SlackBudget) -> Webhook:
    return Webhook(fake.webhook("tech-reviews"), budget, timeout=0.5)


def test_server_errors_are_retried_after_1_2_4_and_8_seconds(fake_slack: FakeSlack):
    waits: list[float] = []
    budget = SlackBudget(60, sleep=waits.append)
    fake_slack.fail("tech-reviews", Answer(500, "error"), Answer(502), Answer(503), Answer(504))
    assert channel(fake_slack, budget).send(MESSAGE).ok
    assert waits == [1, 2, 4, 8] and len(fake_slack.delivered()) == 1


def test_the_budget_is_shared_by_the_whole_run(fake_slack: FakeSlack):
    waits: list[float] = []
    budget = SlackBudget(3, sleep=waits.append)
    fake_slack.down("tech-reviews")
    sent = channel(fake_slack, budget).send(MESSAGE)
    assert not sent.ok and waits == [1, 2]
    assert "retry budget (3s) cannot cover a wait of 4s" in sent.problem
    later = Webhook(fake_slack.webhook("tech-reviews"), budget, timeout=0.5).send(MESSAGE)
    assert not later.ok and len(fake_slack.posts) == 4  # nothing left to wait with: one try, no retry


def test_a_refused_payload_is_not_retried(fake_slack: FakeSlack):
    budget = SlackBudget(60, sleep=lambda _: None)
    fake_slack.fail("tech-reviews", Answer(400, "invalid_blocks"))
    sent = channel(fake_slack, budget).send(MESSAGE)
    assert (sent.ok, sent.problem) == (False, "Slack answered 400 invalid_blocks")
    assert len(fake_slack.posts) == 1


def test_an_unreachable_slack_is_a_problem_not_a_crash():
    budget = SlackBudget(0)
    sent = Webhook("http://127.0.0.1:9/services/T/B/x", budget, timeout=0.5).send(MESSAGE)
    assert not sent.ok and sent.problem.startswith("cannot reach Slack")


@pytest.mark.parametrize(
    ("url", "ok"),
    [
        ("https://hooks.slack.com/services/T0/B0/x", True),
        ("https://hooks.slack-gov.com/services/T0/B0/x", True),
        ("http://hooks.slack.com/services/T0/B0/x", False),
        ("https://hooks.slack.com.evil.example/services/x", False),
        ("https://evil.example/?u=hooks.slack.com", False),
        ("http://127.0.0.1:8080/services/T/B/x", True),
        ("file:///etc/passwd", False),
    ],
)
def test_only_slack_webhook_addresses_are_posted_to(url, ok):
    assert (webhook_problem(url) is None) is ok
