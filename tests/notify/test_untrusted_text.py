"""Document text reaches Slack as text: no mention, foreign link or markup; long text cut at the limits."""

from __future__ import annotations

import pytest

from generator.notify.messages import escaped, inert, shorten, slack_length
from tests.fakeslack.blockkit import acted_on, strings, units
from tests.fakeslack.server import FakeSlack
from tests.notify.conftest import REPO_URL, SITE, Handbook
from tests.notify.documents import REVIEW_PATH, review

HOSTILE = (
    "<!channel> *URGENT* _now_ ~struck~ `code` <https://evil.example/login|Open the review> "
    "@here @everyone <@U024BE7LH> <#C024BE7LH> <!subteam^S0123|team> www.evil.example "
    "https://evil.example/phish &lt;!here&gt; > quoted"
)
# Titles are one line of at most 200 characters (validation): the title carries the worst of it.
HOSTILE_TITLE = (
    "<!channel> *URGENT* <https://evil.example/login|Open the review> @here <@U024BE7LH> www.evil.example"
)
OURS = {
    SITE + "reviews/tr-0001-acme-air-gapped.html",
    f"{REPO_URL}/pull/5",
    "https://docs.example.com/tdd/acme",
    "https://video.example.com/v/acme",
}


def hostile_review(title: str, rationale: str) -> str:
    approved = review("approved").replace("title: Air-gapped deployment at Acme", f"title: {title!r}")
    messaging = "  customer_messaging: Acme is told air-gapped installs upgrade more slowly.\n"
    return approved.replace(messaging, messaging + f"  rationale: {rationale!r}\n")


@pytest.fixture
def posted(handbook: Handbook, fake_slack: FakeSlack):
    handbook.write({REVIEW_PATH: hostile_review(HOSTILE_TITLE, HOSTILE)})
    assert handbook.notify() == 0, handbook.err
    [post] = fake_slack.delivered()
    return post.payload


def test_a_hostile_title_mentions_nobody(posted):
    assert acted_on(posted).mentions == []


def test_a_hostile_title_links_nowhere_but_our_pages(posted):
    assert set(acted_on(posted).links) <= OURS


def test_document_text_never_reaches_mrkdwn(posted):
    for kind, text in strings(posted):
        if kind == "mrkdwn":
            assert "URGENT" not in text and "evil" not in text
    assert all(
        obj.get("verbatim") is True
        for block in posted["blocks"]
        for obj in [block.get("text") or {}, *block.get("elements", [])]
        if obj.get("type") == "mrkdwn"
    )


def test_the_fallback_is_not_formatted_and_escapes_slacks_control_characters(posted):
    assert posted["mrkdwn"] is False and posted["unfurl_links"] is False
    assert "&lt;!channel&gt;" in posted["text"] and "<!channel>" not in posted["text"]


def test_a_hostile_title_still_reads_as_written(posted):
    header = posted["blocks"][0]["text"]
    assert header["type"] == "plain_text" and header["emoji"] is False
    shown = (
        header["text"].replace("\u2060", "").replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    )
    assert shown.startswith("✅ Approved · TR-0001: <!channel> *URGENT*")


def test_a_long_title_and_rationale_are_cut_at_slacks_limits_with_a_link_to_the_page(
    handbook: Handbook, fake_slack: FakeSlack
):
    handbook.write({REVIEW_PATH: hostile_review("Air-gapped " * 18, "Because " * 600)})
    assert handbook.notify() == 0
    [post] = fake_slack.delivered()  # the fake refuses (and fails the test on) anything over a limit
    blocks = post.payload["blocks"]
    assert blocks[0]["text"]["text"].endswith("…") and units(blocks[0]["text"]["text"]) <= 150
    [rationale] = [b for b in blocks if b.get("text", {}).get("text", "").startswith("Rationale")]
    assert units(rationale["text"]["text"]) <= 3000
    note = blocks[-1]["elements"][0]
    assert note["type"] == "mrkdwn" and "cut at Slack's limits" in note["text"]
    assert f"<{SITE}reviews/tr-0001-acme-air-gapped.html|the handbook page>" in note["text"]


@pytest.mark.parametrize("text", ["<!here>", "@channel", "https://x.example", "www.x.example", "<@U1|x>"])
def test_inert_text_keeps_no_sequence_slack_acts_on(text):
    payload = {
        "text": escaped(text),
        "blocks": [{"type": "section", "text": {"type": "plain_text", "text": inert(text)}}],
    }
    found = acted_on(payload)
    assert found.mentions == [] and found.links == []


def test_shortening_counts_as_slack_counts_emoji_and_stops_at_a_word():
    text, cut = shorten("🔴" * 100, 150)
    assert cut and slack_length(text) <= 150
    text, cut = shorten("alpha beta gamma delta", 15)
    assert (text, cut) == ("alpha beta…", True)
    assert shorten("short", 150) == ("short", False)


def test_shortening_never_leaves_half_an_escaped_character():
    text, cut = shorten(inert("a<<<<<<<<<<"), 9)
    assert cut and text == "a&lt;…"


def test_a_document_larger_than_any_message_is_announced_cut(handbook: Handbook, fake_slack: FakeSlack):
    asks = "".join(
        f"    - Ask number {n} of many, written out at some length to fill the section\n" for n in range(300)
    )
    text = review("in-review", opened="2026-01-19").replace(
        "  support:\n    - Agree on log bundles instead of screen sharing\n", "  support:\n" + asks
    )
    handbook.write({REVIEW_PATH: text})
    assert handbook.notify() == 0, handbook.err
    [post] = fake_slack.delivered()
    assert "cut at Slack's limits" in str(post.payload["blocks"][-1])
