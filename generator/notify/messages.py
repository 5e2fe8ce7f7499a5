"""What each event says in Slack: a Block Kit message and its plain-text fallback (pure functions).

Untrusted text stays text. Every value from a document, the ledger or a pull request goes into
`plain_text` objects only (Slack applies no markup there), with `emoji` off, escaped as Slack
documents (&amp; &lt; &gt;, so no <!channel>, <@U…> or <url|label> survives), and with the rest of
what Slack could act on broken by an invisible word joiner: `@channel`/`@here`/`@everyone`, and
`://`/`www.` (auto-linked addresses). The `mrkdwn` parts of a message hold only our own labels and links (the
page, the pull request, the document's TDD and video), with `verbatim` on so Slack adds nothing. The
fallback `text` is escaped the same way and sent with `mrkdwn: false`.

Long values are cut at Slack's limits (counted in UTF-16 units, as Slack counts) and the message
then says so, with a link to the page where the whole text is.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlsplit

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    HeaderBlock,
    MarkdownTextObject,
    PlainTextObject,
    SectionBlock,
)

from generator.notify.events import (
    AccountLeftRed,
    AccountRed,
    Event,
    OverdueDigest,
    RenewalWindow,
    ReviewDecided,
    ReviewInReview,
)

# Block Kit's limits (docs.slack.dev/reference/block-kit): characters per text, items per message.
HEADER_LIMIT = 150
SECTION_LIMIT = 3000
FIELD_LIMIT = 2000
FIELDS_PER_SECTION = 10
BUTTON_TEXT_LIMIT = 75
URL_LIMIT = 3000
BLOCKS_PER_MESSAGE = 50
# Slack truncates `text` past 40,000 characters and advises staying under 4,000.
FALLBACK_LIMIT = 3000

_JOIN = "\u2060"  # WORD JOINER: invisible, and it breaks every sequence Slack parses
_INVISIBLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]")
_BROADCAST = re.compile(r"@(?=(?:channel|here|everyone|group)\b)", re.IGNORECASE)
_AUTOLINK = re.compile(r"(?<=:)(?=//)|(?<=\bwww)(?=\.)", re.IGNORECASE)
_CUT_MARK = "…"
_PARTIAL_ENTITY = re.compile(r"&[a-z]{0,3}$")


@dataclass(frozen=True)
class SiteLinks:
    """Where our links point: the published site and the GitHub repository (None: no such link)."""

    site_url: str | None = None
    repo_url: str | None = None

    def page(self, source: str | None) -> str | None:
        if not self.site_url or not source:
            return None
        return (
            self.site_url.rstrip("/")
            + "/"
            + quote(source[:-3] + ".html" if source.endswith(".md") else source)
        )

    def pull_request(self, number: int | None) -> str | None:
        if not self.repo_url or number is None:
            return None
        return f"{self.repo_url.rstrip('/')}/pull/{number}"


@dataclass
class Message:
    """One Slack message: Block Kit blocks, the plain-text fallback, and whether anything was cut."""

    text: str
    blocks: list[dict[str, Any]]
    cut: bool = False

    def payload(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "blocks": self.blocks,
            "mrkdwn": False,
            "unfurl_links": False,
            "unfurl_media": False,
        }


# --- text made inert -------------------------------------------------------------------------------


def inert(value: str) -> str:
    """Untrusted text for Slack: shown as written, never acted on (mentions, links, broadcasts)."""
    text = _INVISIBLE.sub("", value.replace("\t", " ").replace("\r\n", "\n").replace("\r", "\n"))
    # Slack's documented escaping: with < and > as entities no <!channel>, <@U…> or <url|label> remains.
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _AUTOLINK.sub(_JOIN, _BROADCAST.sub("@" + _JOIN, text))


def escaped(value: str) -> str:
    """Text for the fallback `text`: the same escaping (it is sent with mrkdwn off)."""
    return inert(value)


def slack_length(text: str) -> int:
    """Length as Slack counts it (UTF-16 code units): an emoji counts two."""
    return len(text.encode("utf-16-le")) // 2


def shorten(text: str, limit: int) -> tuple[str, bool]:
    """`text` within `limit`, cut at a word when it can be, with an ellipsis; and whether it was cut."""
    if slack_length(text) <= limit:
        return text, False
    room = limit - slack_length(_CUT_MARK)
    kept = text
    while slack_length(kept) > room:
        kept = kept[: max(len(kept) - max(slack_length(kept) - room, 1), 0)]
    space = kept.rfind(" ", max(len(kept) - 40, 0))
    if space > 0:
        kept = kept[:space]
    kept = _PARTIAL_ENTITY.sub("", kept)  # never half of an &amp;
    return kept.rstrip() + _CUT_MARK, True


def safe_url(url: str | None) -> str | None:
    """A web address fit for a link: http(s) only, and nothing that could end Slack's <url|label>."""
    if not url:
        return None
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or slack_length(url) > URL_LIMIT:
        return None
    return "".join(quote(c, safe="") if c in "<>|" or c.isspace() or ord(c) < 32 else c for c in url)


# --- building blocks -------------------------------------------------------------------------------


@dataclass
class _Builder:
    """Collects blocks, cutting each untrusted value at its limit and noting that it did."""

    links: SiteLinks
    page: str | None
    blocks: list[Block] = field(default_factory=list)
    cut: bool = False
    actions: int = 0  # action ids must be unique within a message

    def _plain(self, text: str, limit: int) -> PlainTextObject:
        shown, was_cut = shorten(inert(text), limit)
        self.cut |= was_cut
        return PlainTextObject(text=shown or " ", emoji=False)

    def header(self, text: str) -> None:
        self.blocks.append(HeaderBlock(text=self._plain(text, HEADER_LIMIT)))

    def fields(self, pairs: Sequence[tuple[str, str]]) -> None:
        items = [self._plain(f"{label}\n{value}", FIELD_LIMIT) for label, value in pairs if value]
        for start in range(0, len(items), FIELDS_PER_SECTION):
            self.blocks.append(SectionBlock(fields=items[start : start + FIELDS_PER_SECTION]))

    def text(self, text: str, link: tuple[str, str | None] | None = None) -> None:
        accessory = None
        url = safe_url(link[1]) if link else None
        if link and url:
            accessory = ButtonElement(text=link[0][:BUTTON_TEXT_LIMIT], url=url, action_id=self._action())
        self.blocks.append(SectionBlock(text=self._plain(text, SECTION_LIMIT), accessory=accessory))

    def note(self, text: str) -> None:
        self.blocks.append(ContextBlock(elements=[self._plain(text, FIELD_LIMIT)]))

    def buttons(self, labelled: Sequence[tuple[str, str | None]]) -> None:
        elements = [
            ButtonElement(text=label[:BUTTON_TEXT_LIMIT], url=url, action_id=self._action())
            for label, url in ((label, safe_url(url)) for label, url in labelled)
            if url
        ]
        if elements:
            self.blocks.append(ActionsBlock(elements=elements))

    def _action(self) -> str:
        self.actions += 1
        return f"link-{self.actions}"

    def done(self, fallback: str) -> Message:
        page = safe_url(self.links.page(self.page))
        if self.cut:
            where = f"<{_mrkdwn_url(page)}|the handbook page>" if page else "the handbook page"
            # Our own words and our own link only: nothing from the document reaches mrkdwn.
            self.blocks.append(
                ContextBlock(
                    elements=[
                        MarkdownTextObject(
                            text=f"Some text was cut at Slack's limits; read it all on {where}.",
                            verbatim=True,
                        )
                    ]
                )
            )
        blocks = self.blocks[:BLOCKS_PER_MESSAGE]
        text, _ = shorten(escaped(fallback) + (f" {page}" if page else ""), FALLBACK_LIMIT)
        return Message(text=text, blocks=[block.to_dict() for block in blocks], cut=self.cut)


def _mrkdwn_url(url: str) -> str:
    return url.replace("&", "&amp;")


def _bullets(items: Sequence[str]) -> str:
    return "\n".join(f"• {item}" for item in items)


def _review_buttons(
    b: _Builder, page: str, pull_request: int | None, extra: Sequence[tuple[str, str | None]] = ()
) -> None:
    number = f"Pull request #{pull_request}" if pull_request is not None else ""
    b.buttons([("Open the review", b.links.page(page)), (number, b.links.pull_request(pull_request)), *extra])


# --- one message per kind --------------------------------------------------------------------------


def render(event: Event, links: SiteLinks) -> Message:
    if isinstance(event, ReviewInReview):
        return _in_review(event, links)
    if isinstance(event, ReviewDecided):
        return _decided(event, links)
    if isinstance(event, AccountRed):
        return _red(event, links)
    if isinstance(event, AccountLeftRed):
        return _left_red(event, links)
    if isinstance(event, RenewalWindow):
        return _renewal(event, links)
    return _digest(event, links)


def _in_review(e: ReviewInReview, links: SiteLinks) -> Message:
    b = _Builder(links, e.page)
    b.header(f"🔎 In review · {e.review_id}: {e.title}")
    b.fields(
        [
            ("Customer", e.customer_name),
            ("Moment", e.moment),
            ("Triggers", ", ".join(e.triggers)),
            ("Author", e.author),
            ("Feedback due", f"{e.feedback_due.isoformat()} ({e.feedback_business_days} business days)"),
            ("Decision needed by", e.decision_needed_by.isoformat()),
        ]
    )
    for team, asks in e.asks.items():
        b.text(f"Asks of {team.capitalize()}\n{_bullets(asks)}")
    _review_buttons(b, e.page, e.pull_request, [("TDD", e.tdd), ("Video", e.video)])
    return b.done(
        f"{e.review_id} is in review: {e.title} ({e.customer_name}). "
        f"Feedback is due {e.feedback_due.isoformat()}."
    )


_DECIDER_LABELS = {"ce_vp": "CE VP", "vp_engineering": "VP Engineering", "sales_vp": "Sales VP"}


def _decided(e: ReviewDecided, links: SiteLinks) -> Message:
    b = _Builder(links, e.page)
    approved = e.outcome == "yes"
    b.header(f"{'✅ Approved' if approved else '⛔ Denied'} · {e.review_id}: {e.title}")
    deciders = ", ".join(f"{_DECIDER_LABELS.get(role, role)} {who}" for role, who in e.deciders.items())
    b.fields(
        [
            ("Outcome", "yes (approved)" if approved else "no (denied)"),
            ("Customer", e.customer_name),
            ("Recommended by", e.recommended_by),
            ("Decided on", e.decided_on.isoformat()),
            ("Deciders", deciders),
        ]
    )
    if e.customer_messaging:
        b.text(f"What the customer is told\n{e.customer_messaging}")
    if e.rationale:
        b.text(f"Rationale\n{e.rationale}")
    _review_buttons(b, e.page, e.pull_request)
    verdict = "approved" if approved else "denied"
    return b.done(
        f"{e.review_id} was {verdict} on {e.decided_on.isoformat()}: {e.title} ({e.customer_name})."
    )


def _red(e: AccountRed, links: SiteLinks) -> Message:
    b = _Builder(links, e.page)
    b.header(f"🔴 Red account · {e.name}")
    owners = ", ".join(f"{role.upper()} {who}" for role, who in e.owners.items())
    score = f" (score {e.score})" if e.score is not None else ""
    b.fields([("Red since", e.since.isoformat()), ("Owners", owners), ("Why", e.reason + score)])
    b.text(f"Current status\n{e.current_status}")
    b.text(f"Asks of the business\n{_bullets(e.asks)}")
    plan = [
        f"{item.action} ({item.owner}, due {item.due.isoformat()}{', done' if item.done else ''})"
        for item in e.action_plan
    ]
    b.text(f"Action plan\n{_bullets(plan)}")
    b.buttons([("Open the account plan", links.page(e.page))])
    return b.done(f"{e.name} is red since {e.since.isoformat()}: {e.reason}")


_LEFT_ICON = {"green": "🟢", "yellow": "🟡"}


def _left_red(e: AccountLeftRed, links: SiteLinks) -> Message:
    b = _Builder(links, e.page)
    if e.status == "removed":
        b.header(f"⚪ No longer tracked as red · {e.name}")
        b.text(f"Red since {e.since.isoformat()}. {e.reason}")
        return b.done(f"{e.name} (red since {e.since.isoformat()}): {e.reason}")
    b.header(f"{_LEFT_ICON.get(e.status, '🟢')} Out of red · {e.name}")
    b.fields([("Health now", e.status), ("Red since", e.since.isoformat())])
    b.text(f"How it was resolved\n{e.reason}")
    b.buttons([("Open the account plan", links.page(e.page))])
    return b.done(f"{e.name} is {e.status} again (red since {e.since.isoformat()}): {e.reason}")


def _renewal(e: RenewalWindow, links: SiteLinks) -> Message:
    b = _Builder(links, e.page)
    b.header(f"📅 Renewal in {e.days_left} days · {e.name}")
    b.fields(
        [
            ("Renewal", e.renewal_date.isoformat()),
            ("Health", f"{e.health}: {e.reason}"),
            ("Value realization", e.value_realization or "not recorded in the plan yet"),
        ]
    )
    b.note(f"The value-realization exercise starts {e.window_days} days before a renewal.")
    b.buttons([("Open the account plan", links.page(e.page))])
    return b.done(f"{e.name} renews on {e.renewal_date.isoformat()} ({e.days_left} days); health {e.health}.")


# Header, the items, a final "and N more" note and the cut note.
_DIGEST_ITEMS = BLOCKS_PER_MESSAGE - 4


def _digest(e: OverdueDigest, links: SiteLinks) -> Message:
    b = _Builder(links, None)
    count = len(e.items)
    b.header(
        f"⏰ {count} tech review{'s' if count != 1 else ''} past the feedback deadline · {e.day.isoformat()}"
    )
    for item in e.items[:_DIGEST_ITEMS]:
        waiting = "; ".join(f"{w.role} ({', '.join(w.people) or 'nobody can fill it'})" for w in item.waiting)
        late = f"{item.business_days_late} business day{'s' if item.business_days_late != 1 else ''}"
        b.text(
            f"#{item.pull_request} {item.title}\n{', '.join(item.reviews)}\n"
            f"Feedback was due {item.due.isoformat()}: {late} late.\nWaiting on {waiting}",
            (f"Pull request #{item.pull_request}", links.pull_request(item.pull_request)),
        )
    if count > _DIGEST_ITEMS:
        b.note(f"And {count - _DIGEST_ITEMS} more on the open reviews dashboard.")
    numbers = ", ".join(f"#{item.pull_request}" for item in e.items)
    return b.done(
        f"{count} tech review pull request{'s' if count != 1 else ''} past the feedback deadline: {numbers}."
    )


# --- a readable preview (dry run, README) ----------------------------------------------------------


def preview(message: Message) -> str:
    """The message roughly as Slack shows it: one line per block, buttons as [label](address)."""
    lines: list[str] = []
    for block in message.blocks:
        kind = block["type"]
        if kind == "header":
            lines.append(f"**{_shown(block['text']['text'])}**")
        elif kind == "section":
            if "text" in block:
                lines += _shown(block["text"]["text"]).split("\n")
            for item in block.get("fields", []):
                label, _, value = _shown(item["text"]).partition("\n")
                lines.append(f"{label}: {value}")
            accessory = block.get("accessory")
            if accessory:
                lines.append(f"[{accessory['text']['text']}]({accessory['url']})")
        elif kind == "actions":
            lines.append("  ".join(f"[{e['text']['text']}]({e['url']})" for e in block["elements"]))
        elif kind == "context":
            lines += [f"_{_shown(e['text'])}_" for e in block["elements"]]
    return "\n".join(lines)


def _shown(text: str) -> str:
    return text.replace(_JOIN, "").replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
