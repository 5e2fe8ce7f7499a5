"""The skeleton text `handbook new` writes for the author to replace, and the rule that refuses it.

Defined once: `handbook new` writes these texts, and outside a draft each one left in a document is an
error at its line. A draft review may still hold them (it is not submitted); an account plan has no
draft state, so its skeleton text must be replaced before the plan is merged.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from generator.documents.models.common import Fault, Faults
from generator.process.facts import RENEWAL_WINDOW_DAYS

REVIEW_GUIDANCE = {
    "Misalignment": "What the customer needs, and which documented limit or best practice it falls "
    "outside of (versions, scale, topology).",
    "Timeline": "By when the customer needs a decision or commitment, and what that date drives "
    "(trial start, production go-live, renewal).",
    "Requirement origin": "Is the requirement new or existing? If existing, why technical qualification "
    "did not catch it.",
    "Customer expectations": "What the customer expects from us, and what happens if we say no.",
    "Asks": "The concrete asks of Product, Engineering and/or Support (mirror them in the front "
    "matter's asks).",
}
ACCOUNT_GUIDANCE = {
    "Summary": "Who the customer is, what they bought, and where the account stands this quarter.",
    "How they use the product": "Teams, use cases, scale and internal initiatives the product supports.",
    "Value realization": "What value the customer perceives, with numbers; start the exercise "
    f"{RENEWAL_WINDOW_DAYS} days before renewal.",
    "Risks and challenges": "What could hurt health or the renewal, and what the account team does about it.",
    "Next steps": "Clear next steps with owners and dates (mirror them in the front matter's next_steps).",
}
ONBOARDING_GUIDANCE = {
    "Summary": ACCOUNT_GUIDANCE["Summary"],
    "Onboarding": "Where onboarding stands: the kickoff, the three core trainings, what is left before the "
    "first quarterly plan.",
}

# The front-matter lines of a new account plan, each an instruction to replace.
RED_STATUS = "Write the current status: what turned the account red, and what is known now."
RED_ASK = "Write what the account team needs from the business (people, product, exec sponsor)."
RED_FIRST_ACTION = "Write the first step of the action plan back to yellow or green."
OBJECTIVE = "Write this quarter's first objective for the account (measurable, with a date)."
NEXT_STEP = "Write the first next step: what, by whom, by when."
ASK = "TBD"

FRONT_MATTER_TEXTS = frozenset({RED_STATUS, RED_ASK, RED_FIRST_ACTION, OBJECTIVE, NEXT_STEP})
# Words that stand for content not written yet, alone or opening a value ("TBD: ask Support").
_WORDS = ("TBD", "TBC", "TODO", "FIXME")
_PLACEHOLDER = re.compile(r"^\W*(" + "|".join(_WORDS) + r")\b")
_HINT_LINE = re.compile(r"^\s*[_*]+(?P<text>.+?)[_*]+\s*$")

MESSAGE = "is the skeleton text 'handbook new' wrote, not content"
WORD_MESSAGE = "{word!r} is a placeholder, not content"


def placeholder_word(text: str) -> str | None:
    """The placeholder a value opens with ('TBD', 'TODO', ...), or None for real text."""
    found = _PLACEHOLDER.match(text)
    return found.group(1) if found else None


def _hint_for(text: str) -> str:
    """How to replace a skeleton line: the line itself is the instruction ("Write ...")."""
    return text[0].lower() + text[1:].rstrip(".") if text.startswith("Write ") else "write it"


def rules(data: Mapping[str, Any], draft: bool) -> Faults:
    """Every front-matter value still holding the skeleton's text or a placeholder, outside a draft."""
    if draft:
        return
    yield from _walk((), data)


# A value can be a skeleton text only if it opens with that text's first word.
_FIRST_WORDS = tuple({text.split()[0] for text in FRONT_MATTER_TEXTS})


# Every value the rule refuses holds one of these words as written: YAML folds line breaks into spaces
# and never joins two words, so only a backslash escape ("\\x54BD") can spell one that the text lacks.
_TELLING = (*_WORDS, *_FIRST_WORDS, "\\")


def front_may_hold_placeholders(front: str) -> bool:
    """Whether front-matter text can give `rules` anything (a few substring searches): most cannot,
    and their values need no walk."""
    return any(word in front for word in _TELLING)


def _walk(path: tuple[str | int, ...], value: Any) -> Iterator[Fault]:
    # Depth first, in the order written, without a generator per value (a front matter has hundreds).
    stack: list[tuple[tuple[str | int, ...], Any]] = [(path, value)]
    while stack:
        where, value = stack.pop()
        kind = type(value)
        if kind is str:
            fault = _text_fault(where, value)
            if fault is not None:
                yield fault
        elif kind is list:
            stack.extend(((*where, index), item) for index, item in reversed(list(enumerate(value))))
        elif kind is dict or isinstance(value, Mapping):
            items = [((*where, key), item) for key, item in value.items() if isinstance(key, str)]
            stack.extend(reversed(items))
        elif isinstance(value, list):
            stack.extend(((*where, index), item) for index, item in reversed(list(enumerate(value))))
        elif isinstance(value, str):
            fault = _text_fault(where, value)
            if fault is not None:
                yield fault


def _text_fault(where: tuple[str | int, ...], value: str) -> Fault | None:
    # The placeholder pattern skips leading non-word characters, spaces among them: the text as
    # written matches it exactly when the text with its spaces folded does.
    if value.lstrip().startswith(_FIRST_WORDS):
        text = " ".join(value.split())
        if text in FRONT_MATTER_TEXTS:
            return Fault(where, MESSAGE, _hint_for(text))
    word = placeholder_word(value)
    if word is not None:
        return Fault(where, WORD_MESSAGE.format(word=word), "write what it stands for, or remove it")
    return None


@dataclass(frozen=True)
class BodyPlaceholder:
    """A body line that is still skeleton: its offset in the body, the section it is in, and the fix."""

    offset: int
    section: str | None
    message: str
    hint: str


_BODY_HINTS = {
    text: name
    for guidance in (REVIEW_GUIDANCE, ACCOUNT_GUIDANCE, ONBOARDING_GUIDANCE)
    for name, text in guidance.items()
}


def may_hold_placeholders(body: str) -> bool:
    """Whether a body can hold a skeleton hint or a placeholder word at all (one substring search each):
    most bodies cannot, and their lines need no look."""
    return any(word in body for word in _WORDS) or any(hint in body for hint in _BODY_HINTS)


def body_placeholders(lines: list[str], section_at: Mapping[int, str]) -> Iterator[BodyPlaceholder]:
    """Lines of a body that are the skeleton's italic section hints, or only a placeholder word.
    `section_at` maps a line offset to the heading it is under."""
    for offset, line in enumerate(lines):
        hint = _HINT_LINE.match(line)
        section = section_at.get(offset)
        if hint and " ".join(hint.group("text").split()) in _BODY_HINTS:
            name = _BODY_HINTS[" ".join(hint.group("text").split())]
            yield BodyPlaceholder(
                offset,
                section,
                f"section '## {section or name}' still holds the skeleton's hint",
                "replace the hint with what it asks for",
            )
            continue
        stripped = line.strip().lstrip("-*+ ").strip()
        word = placeholder_word(stripped) if stripped else None
        if word is not None and len(stripped) <= len(word) + 1:
            where = f"section '## {section}'" if section else "the body"
            yield BodyPlaceholder(
                offset, section, f"{where} holds the placeholder {word!r}", "write what it stands for"
            )
