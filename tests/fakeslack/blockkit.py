"""Block Kit's rules for an incoming-webhook message, and what Slack would act on in one.

Limits from Slack's reference (docs.slack.dev/reference/block-kit/blocks, .../block-elements/button-element,
.../composition-objects/text-object) and the message payload (40,000 characters of `text`, 50 blocks),
restated here so the fake server checks payloads independently of the code that builds them. Lengths
are counted in UTF-16 code units, as Slack counts them.

`acted_on` is deliberately stricter than Slack: it treats every string in the payload, plain_text
included, as if Slack parsed it, and reports each mention, broadcast and address it would link.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

MAX_TEXT = 40_000
MAX_BLOCKS = 50
TEXT_OBJECT_MAX = 3000
HEADER_MAX = 150
SECTION_TEXT_MAX = 3000
SECTION_FIELDS_MAX = 10
SECTION_FIELD_MAX = 2000
CONTEXT_ELEMENTS_MAX = 10
ACTIONS_ELEMENTS_MAX = 25
BUTTON_TEXT_MAX = 75
BUTTON_URL_MAX = 3000
ACTION_ID_MAX = 255
BLOCK_ID_MAX = 255
_PAYLOAD_KEYS = {"text", "blocks", "mrkdwn", "unfurl_links", "unfurl_media", "attachments", "metadata"}


def units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def problems(payload: Any) -> list[str]:
    """Everything in `payload` that Slack would refuse (invalid_blocks / invalid_payload), or []."""
    found: list[str] = []
    if not isinstance(payload, dict):
        return ["the payload is not a JSON object"]
    unknown = set(payload) - _PAYLOAD_KEYS
    if unknown:
        found.append(f"unknown payload fields {sorted(unknown)}")
    text = payload.get("text")
    blocks = payload.get("blocks")
    if not isinstance(text, str) or not text.strip():
        found.append("no plain-text fallback `text`")
    elif units(text) > MAX_TEXT:
        found.append(f"text is {units(text)} characters, over {MAX_TEXT}")
    if blocks is None:
        return found
    if not isinstance(blocks, list) or not blocks:
        return [*found, "blocks is not a non-empty list"]
    if len(blocks) > MAX_BLOCKS:
        found.append(f"{len(blocks)} blocks, over {MAX_BLOCKS}")
    action_ids: list[str] = []
    for index, block in enumerate(blocks):
        found += [f"blocks[{index}]: {p}" for p in _block(block, action_ids)]
    duplicates = {a for a in action_ids if action_ids.count(a) > 1}
    if duplicates:
        found.append(f"action_id used twice: {sorted(duplicates)}")
    return found


def _text_object(obj: Any, limit: int, plain_only: bool = False) -> list[str]:
    if not isinstance(obj, dict) or obj.get("type") not in ("plain_text", "mrkdwn"):
        return [f"not a text object: {obj!r:.80}"]
    if plain_only and obj["type"] != "plain_text":
        return ["must be plain_text"]
    text = obj.get("text")
    out = []
    if not isinstance(text, str) or not text:
        out.append("text object without text")
    elif units(text) > min(limit, TEXT_OBJECT_MAX):
        out.append(f"text is {units(text)} characters, over {min(limit, TEXT_OBJECT_MAX)}")
    if "emoji" in obj and obj["type"] != "plain_text":
        out.append("emoji is only for plain_text")
    if "verbatim" in obj and obj["type"] != "mrkdwn":
        out.append("verbatim is only for mrkdwn")
    extra = set(obj) - {"type", "text", "emoji", "verbatim"}
    if extra:
        out.append(f"unknown text object fields {sorted(extra)}")
    return out


def _button(element: Any, action_ids: list[str]) -> list[str]:
    if not isinstance(element, dict) or element.get("type") != "button":
        return [f"not a button: {element!r:.80}"]
    out = [f"button text: {p}" for p in _text_object(element.get("text"), BUTTON_TEXT_MAX, plain_only=True)]
    url = element.get("url")
    if url is not None and (not isinstance(url, str) or units(url) > BUTTON_URL_MAX):
        out.append("button url missing or over 3000 characters")
    action_id = element.get("action_id")
    if action_id is not None:
        if not isinstance(action_id, str) or units(action_id) > ACTION_ID_MAX:
            out.append("action_id over 255 characters")
        action_ids.append(str(action_id))
    return out


def _block(block: Any, action_ids: list[str]) -> list[str]:
    if not isinstance(block, dict):
        return ["not an object"]
    kind = block.get("type")
    out = []
    if "block_id" in block and (
        not isinstance(block["block_id"], str) or units(block["block_id"]) > BLOCK_ID_MAX
    ):
        out.append("block_id over 255 characters")
    if kind == "header":
        out += _text_object(block.get("text"), HEADER_MAX, plain_only=True)
    elif kind == "section":
        text, fields = block.get("text"), block.get("fields")
        if text is None and not fields:
            out.append("a section needs text or fields")
        if text is not None:
            out += _text_object(text, SECTION_TEXT_MAX)
        if fields is not None:
            if not isinstance(fields, list) or len(fields) > SECTION_FIELDS_MAX:
                out.append(f"fields: at most {SECTION_FIELDS_MAX}")
            else:
                for item in fields:
                    out += _text_object(item, SECTION_FIELD_MAX)
        if block.get("accessory") is not None:
            out += _button(block["accessory"], action_ids)
    elif kind == "actions":
        elements = block.get("elements")
        if not isinstance(elements, list) or not 1 <= len(elements) <= ACTIONS_ELEMENTS_MAX:
            out.append(f"actions: 1 to {ACTIONS_ELEMENTS_MAX} elements")
        else:
            for element in elements:
                out += _button(element, action_ids)
    elif kind == "context":
        elements = block.get("elements")
        if not isinstance(elements, list) or not 1 <= len(elements) <= CONTEXT_ELEMENTS_MAX:
            out.append(f"context: 1 to {CONTEXT_ELEMENTS_MAX} elements")
        else:
            for element in elements:
                out += _text_object(element, TEXT_OBJECT_MAX)
    elif kind != "divider":
        out.append(f"block type {kind!r} is not one this project sends")
    return out


# --- what Slack would act on ------------------------------------------------------------------------

_CONTROL = re.compile(r"<([^<>]*)>")
_BROADCAST = re.compile(r"(?<![\w\u2060])@(channel|here|everyone|group)\b", re.IGNORECASE)
_BARE_URL = re.compile(r"\b(?:https?://|www\.)[^\s<>|]+", re.IGNORECASE)


@dataclass
class ActedOn:
    mentions: list[str] = field(default_factory=list)  # <!channel>, <@U…>, <#C…>, <!subteam^…>, @here
    links: list[str] = field(default_factory=list)  # every address a reader could follow
    formatted: list[str] = field(default_factory=list)  # untrusted text Slack would format (mrkdwn)


def strings(payload: Any) -> list[tuple[str, str]]:
    """(kind, text) of every text in the payload: 'fallback', 'plain_text', 'mrkdwn'."""
    out = [("fallback", str(payload.get("text") or ""))]

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("type") in ("plain_text", "mrkdwn") and isinstance(node.get("text"), str):
                out.append((node["type"], node["text"]))
                return
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(payload.get("blocks") or [])
    return out


def buttons(payload: Any) -> list[str]:
    found: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("type") == "button" and isinstance(node.get("url"), str):
                found.append(node["url"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(payload.get("blocks") or [])
    return found


def acted_on(payload: Any) -> ActedOn:
    result = ActedOn(links=buttons(payload))
    for _, text in strings(payload):
        for inner in _CONTROL.findall(text):
            target = inner.split("|", 1)[0]
            if target[:1] in ("!", "@", "#"):
                result.mentions.append(f"<{inner}>")
            else:
                result.links.append(target)
        result.mentions += [f"@{m}" for m in _BROADCAST.findall(text)]
        without_controls = _CONTROL.sub(" ", text)
        result.links += [url.replace("&amp;", "&") for url in _BARE_URL.findall(without_controls)]
    return result
