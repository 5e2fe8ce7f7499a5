"""handbook notify against a local fake Slack (real HTTP, the real slack-sdk WebhookClient)."""

from __future__ import annotations

import datetime as dt

from tests.fakeslack.blockkit import acted_on
from tests.fakeslack.server import Answer, FakeSlack
from tests.notify.conftest import REPO_URL, SITE, Handbook
from tests.notify.documents import (
    ACCOUNT,
    ACCOUNT_PATH,
    REVIEW_PATH,
    green_account,
    red_account,
    review,
    waiting_ledger,
    with_renewal,
)

REVIEW_PAGE = SITE + "reviews/tr-0001-acme-air-gapped.html"
ACCOUNT_PAGE = SITE + "accounts/acme.html"


def test_a_decision_is_posted_to_its_channel_once(handbook: Handbook, fake_slack: FakeSlack):
    handbook.write({REVIEW_PATH: review("approved")})
    assert handbook.notify() == 0
    [post] = fake_slack.delivered("tech-reviews")
    assert "TR-0001 was approved on 2026-01-20" in post.text
    assert "posted to #tech-reviews: review-decided:TR-0001:yes:2026-01-20" in handbook.out
    assert handbook.notify() == 0 and "nothing new to announce" in handbook.out
    assert len(fake_slack.posts) == 1


def test_a_review_entering_review_is_announced_with_its_links(handbook: Handbook, fake_slack: FakeSlack):
    handbook.write({REVIEW_PATH: review("in-review", opened="2026-01-19")})
    assert handbook.notify() == 0
    [post] = fake_slack.delivered("tech-reviews")
    assert "Feedback is due 2026-01-22" in post.text
    links = acted_on(post.payload).links
    assert REVIEW_PAGE in links
    assert {"https://docs.example.com/tdd/acme", "https://video.example.com/v/acme"} <= set(links)


def test_an_account_turning_red_and_leaving_red_each_post_once(handbook: Handbook, fake_slack: FakeSlack):
    handbook.write({ACCOUNT_PATH: red_account()})
    handbook.notify()
    handbook.write({ACCOUNT_PATH: green_account("A new champion signed the expansion plan.")})
    handbook.notify()
    handbook.notify()
    red, left = fake_slack.delivered("red-accounts")
    assert "Acme Corp is red since 2026-01-12" in red.text
    assert "An executive sponsor call with our CRO" in str(red.payload["blocks"])
    assert "Acme Corp is green again" in left.text and "A new champion" in left.text
    assert fake_slack.delivered("tech-reviews") == []


def test_a_renewal_entering_the_90_day_window_is_announced_once(handbook: Handbook, fake_slack: FakeSlack):
    handbook.write({ACCOUNT_PATH: with_renewal(ACCOUNT, "2026-04-21")})
    handbook.notify()
    handbook.notify(today="2026-01-22")
    [post] = fake_slack.delivered("red-accounts")
    assert "Acme Corp renews on 2026-04-21 (90 days)" in post.text


def test_the_daily_digest_lists_overdue_reviews_and_who_they_wait_on(
    handbook: Handbook, fake_slack: FakeSlack
):
    waiting_ledger(handbook.root / "build" / "ledger.json", dt.datetime(2026, 1, 12, 9, tzinfo=dt.UTC))
    assert handbook.notify("--digest") == 0
    assert handbook.notify("--digest") == 0
    [post] = fake_slack.delivered("tech-reviews")
    blocks = str(post.payload["blocks"])
    assert "support (sue, sam); ce-vp (vic)" in blocks and "4 business days late" in blocks
    assert f"{REPO_URL}/pull/9" in acted_on(post.payload).links
    handbook.notify("--digest", today="2026-01-22")
    assert len(fake_slack.delivered("tech-reviews")) == 2  # the next day's digest


def test_slack_down_for_a_run_keeps_the_event_and_the_next_run_posts_it_once(
    handbook: Handbook, fake_slack: FakeSlack
):
    fake_slack.down("tech-reviews")
    handbook.write({REVIEW_PATH: review("approved")})
    assert handbook.notify("--format", "github") == 0
    assert fake_slack.delivered() == [] and len(fake_slack.posts) == 5  # the first try and four retries
    assert "::warning title=Slack::#tech-reviews: 1 message not posted (Slack answered 503" in handbook.err
    assert "kept for the next run" in handbook.err
    assert "secret" not in handbook.out + handbook.err  # the webhook address is a secret: never shown
    fake_slack.recover()
    assert handbook.notify() == 0
    assert handbook.notify() == 0
    assert len(fake_slack.delivered("tech-reviews")) == 1


def test_a_rate_limit_is_honoured_for_as_long_as_retry_after_says(
    handbook: Handbook, fake_slack: FakeSlack, monkeypatch
):
    monkeypatch.setenv("HANDBOOK_SLACK_BACKOFF", "1")
    fake_slack.fail("tech-reviews", Answer(429, "rate_limited", {"Retry-After": "1"}))
    handbook.write({REVIEW_PATH: review("approved")})
    assert handbook.notify() == 0
    limited, accepted = fake_slack.posts
    assert (limited.status, accepted.status) == (429, 200)
    assert accepted.at - limited.at >= 1.0


def test_a_timeout_is_retried(handbook: Handbook, fake_slack: FakeSlack):
    fake_slack.fail("tech-reviews", Answer(delay=1.5))
    handbook.write({REVIEW_PATH: review("approved")})
    assert handbook.notify() == 0
    assert len(fake_slack.posts) == 2 and len(fake_slack.delivered()) == 1


def test_a_retry_after_longer_than_the_budget_is_not_waited_for(
    handbook: Handbook, fake_slack: FakeSlack, monkeypatch
):
    monkeypatch.setenv("HANDBOOK_SLACK_BACKOFF", "1")
    fake_slack.fail("tech-reviews", Answer(429, "rate_limited", {"Retry-After": "3600"}))
    handbook.write({REVIEW_PATH: review("approved")})
    assert handbook.notify() == 0
    assert len(fake_slack.posts) == 1
    assert "retry budget (30s) cannot cover a wait of 3600s" in handbook.err
    assert handbook.notify() == 0 and len(fake_slack.delivered()) == 1


def test_a_revoked_webhook_is_reported_and_the_message_kept(handbook: Handbook, fake_slack: FakeSlack):
    fake_slack.fail("tech-reviews", Answer(404, "no_service"))
    handbook.write({REVIEW_PATH: review("approved")})
    assert handbook.notify() == 0
    assert "Slack answered 404 no_service" in handbook.err and len(fake_slack.posts) == 1
    assert handbook.notify() == 0 and len(fake_slack.delivered()) == 1


def test_a_missing_webhook_secret_is_a_warning_and_nothing_is_lost(
    handbook: Handbook, fake_slack: FakeSlack, monkeypatch
):
    monkeypatch.delenv("SLACK_WEBHOOK_TECH_REVIEWS")
    handbook.write({REVIEW_PATH: review("approved")})
    assert handbook.notify() == 0
    assert "SLACK_WEBHOOK_TECH_REVIEWS is not set" in handbook.err
    monkeypatch.setenv("SLACK_WEBHOOK_TECH_REVIEWS", fake_slack.webhook("tech-reviews"))
    assert handbook.notify() == 0 and len(fake_slack.delivered()) == 1


def test_a_webhook_secret_that_is_not_slack_is_not_posted_to(
    handbook: Handbook, fake_slack: FakeSlack, monkeypatch
):
    monkeypatch.setenv("SLACK_WEBHOOK_TECH_REVIEWS", "https://collector.example/services/x")
    handbook.write({REVIEW_PATH: review("approved")})
    assert handbook.notify() == 0
    assert "SLACK_WEBHOOK_TECH_REVIEWS is not a Slack incoming-webhook address" in handbook.err
    assert "collector.example" not in handbook.err + handbook.out


def test_a_dry_run_prints_the_messages_and_posts_and_records_nothing(
    handbook: Handbook, fake_slack: FakeSlack
):
    before = handbook.state_path.read_bytes()
    handbook.write({REVIEW_PATH: review("approved")})
    assert handbook.notify("--dry-run") == 0
    assert "── to #tech-reviews · review-decided:TR-0001:yes:2026-01-20" in handbook.out
    assert "**✅ Approved · TR-0001: Air-gapped deployment at Acme**" in handbook.out
    assert fake_slack.posts == [] and handbook.state_path.read_bytes() == before


def test_without_the_section_nothing_is_posted(handbook: Handbook, fake_slack: FakeSlack):
    (handbook.root / "handbook.yml").write_text("fiscal_year_start: 2\n", encoding="utf-8")
    handbook.write({REVIEW_PATH: review("approved")})
    assert handbook.notify() == 0
    assert "notifications are off" in handbook.out and fake_slack.posts == []


def test_a_broken_configuration_is_one_positioned_error(handbook: Handbook, fake_slack: FakeSlack):
    (handbook.root / "handbook.yml").write_text("notifications:\n  enabled: sure\n", encoding="utf-8")
    assert handbook.notify() == 1
    assert "handbook.yml:2:12: notifications.enabled: 'sure' is not true or false" in handbook.out
    assert "Traceback" not in handbook.err


def test_a_state_file_that_is_not_one_stops_notify_without_touching_it(
    handbook: Handbook, fake_slack: FakeSlack
):
    handbook.state_path.write_text('{"something": "else"}', encoding="utf-8")
    handbook.write({REVIEW_PATH: review("approved")})
    assert handbook.notify() == 1
    assert "notify-state.json: not a notify state" in handbook.err
    assert (
        handbook.state_path.read_text(encoding="utf-8") == '{"something": "else"}' and fake_slack.posts == []
    )


def test_a_dry_run_before_the_first_run_shows_the_messages_and_says_nothing_would_post(
    handbook: Handbook, fake_slack: FakeSlack
):
    handbook.state_path.unlink()
    assert handbook.notify("--dry-run") == 0
    assert "first run: a real run would count 1 current event(s) as already announced" in handbook.out
    assert "── to #tech-reviews · review-in-review:TR-0001:2026-01-05" in handbook.out
    assert not handbook.state_path.exists() and fake_slack.posts == []


def test_an_event_routed_nowhere_is_previewed_as_such(handbook: Handbook, fake_slack: FakeSlack):
    config = (handbook.root / "handbook.yml").read_text(encoding="utf-8")
    (handbook.root / "handbook.yml").write_text(config.replace("    review-decided: [tech-reviews]\n", ""))
    handbook.write({REVIEW_PATH: review("approved")})
    assert handbook.notify("--dry-run") == 0
    assert "── to no channel (not routed in handbook.yml) · review-decided:TR-0001" in handbook.out


def test_once_a_channel_failed_its_other_messages_wait_for_the_next_run(
    handbook: Handbook, fake_slack: FakeSlack
):
    fake_slack.down("tech-reviews")
    handbook.write({REVIEW_PATH: review("approved"), ACCOUNT_PATH: red_account()})
    assert handbook.notify() == 0
    assert len(fake_slack.delivered("red-accounts")) == 1  # another channel is not held up
    assert [p.status for p in fake_slack.posts if p.channel == "tech-reviews"] == [503] * 5
    fake_slack.recover()
    assert handbook.notify() == 0
    assert len(fake_slack.delivered("tech-reviews")) == 1 and len(fake_slack.delivered("red-accounts")) == 1


def test_a_message_for_two_channels_is_posted_again_only_where_it_failed(
    handbook: Handbook, fake_slack: FakeSlack
):
    config = (handbook.root / "handbook.yml").read_text(encoding="utf-8")
    both = config.replace("review-decided: [tech-reviews]", "review-decided: [tech-reviews, red-accounts]")
    (handbook.root / "handbook.yml").write_text(both, encoding="utf-8")
    fake_slack.fail("red-accounts", Answer(410, "channel_is_archived"))
    handbook.write({REVIEW_PATH: review("approved")})
    assert handbook.notify() == 0 and "Slack answered 410 channel_is_archived" in handbook.err
    assert handbook.notify() == 0
    assert len(fake_slack.delivered("tech-reviews")) == 1 and len(fake_slack.delivered("red-accounts")) == 1


def test_invalid_documents_stop_notify_with_their_faults_and_nothing_is_posted(
    handbook: Handbook, fake_slack: FakeSlack
):
    handbook.write({REVIEW_PATH: review("approved").replace("moment: pre-sales", "moment: later")})
    assert handbook.notify() == 1
    assert "the documents do not validate (see handbook validate); nothing was posted" in handbook.err
    assert "tr-0001-acme-air-gapped.md:5:9: moment:" in handbook.err
    assert fake_slack.posts == []
