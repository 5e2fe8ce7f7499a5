"""What the site's search knows about each document: one entry per review, account plan and person.

Material indexes every section of every page it is given, labels and all; at 2,000 reviews that is
15 MB the browser must load before the first result. Document pages are kept out of Material's own
index (`search: exclude`), and these entries take their place: the words people type (a review's id
in any form, a customer's name and slug, a person's handle) as tags, which Material's search weighs
far above text, and a short clean snippet instead of the whole body. The build writes them beside the
pages; the site's mkdocs hook adds them to Material's index (generator/site/hooks.py).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass

from markupsafe import escape

from generator.documents.models.review import TRIGGER_LABELS
from generator.site.index import AccountEntry, Handbook, Person, ReviewEntry

# Where the build writes the entries among the pages: a dot file, which mkdocs never publishes.
ENTRIES_FILE = "assets/.search-entries.json"
# The people's entries, apart: they read no body, so an edited body leaves them as they were.
PEOPLE_ENTRIES_FILE = "assets/.search-people.json"
SNIPPET_CHARS = 220
_ID_NUMBER = re.compile(r"^[A-Za-z]+-0*(\d+)$")
_MARKUP = re.compile(r"!?\[([^\]]*)\]\([^)]*\)|<[^>]*>|[*_`#>|]+")
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class SearchEntry:
    """One search result: the page (docs-tree path), its title and snippet as HTML-escaped text, and
    the exact words that should find it first."""

    page: str
    title: str
    text: str
    tags: tuple[str, ...]


def review_tags(review_id: str) -> tuple[str, ...]:
    """`TR-0042` is found as TR-0042, tr-0042, 0042 and 42."""
    tags = [review_id]
    found = _ID_NUMBER.match(review_id)
    if found:
        digits = review_id.split("-", 1)[1]
        tags += [digits, found.group(1)]
    return tuple(dict.fromkeys(tags))


def snippet(body: str, limit: int = SNIPPET_CHARS) -> str:
    """The first paragraph of a body, as plain text, cut at a word near `limit` characters."""
    paragraph: list[str] = []
    fenced = False
    for line in body.splitlines():
        stripped = line.strip()
        if stripped.startswith(("```", "~~~")):
            fenced = not fenced
            continue
        if fenced or stripped.startswith(("#", "|", "<!--")) or not stripped:
            if paragraph and not fenced:
                break
            continue
        paragraph.append(stripped)
    text = _SPACE.sub(" ", _MARKUP.sub(lambda m: m.group(1) or " ", " ".join(paragraph))).strip()
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0]
    return f"{cut}…"


def _join(*parts: str) -> str:
    return " · ".join(part for part in parts if part)


def review_entry(handbook: Handbook, entry: ReviewEntry) -> SearchEntry:
    review = entry.review
    account = handbook.account_by_id.get(review.customer)
    customer = account.plan.name if account else review.customer
    facts = _join(
        customer,
        review.status.value.replace("-", " "),
        review.moment.value.replace("-", " "),
        ", ".join(TRIGGER_LABELS[t] for t in dict.fromkeys(review.triggers)),
        f"by @{review.author}",
    )
    text = _join(facts, snippet(entry.body))
    return SearchEntry(
        entry.source, str(escape(f"{review.id} {review.title}")), str(escape(text)), review_tags(review.id)
    )


def account_entry(entry: AccountEntry) -> SearchEntry:
    plan = entry.plan
    facts = _join(
        plan.segment.value.replace("-", " "),
        f"tier {plan.tier}",
        f"health {plan.health.status.value}: {plan.health.reason}",
        f"AE @{plan.ae}",
        f"CE @{plan.ce}",
        f"TA @{plan.ta}" if plan.ta else "",
        f"renews {plan.renewal_date.isoformat()}" if plan.renewal_date else "",
    )
    return SearchEntry(
        f"accounts/{plan.id}.md",
        str(escape(plan.name)),
        str(escape(_join(facts, snippet(entry.body)))),
        tuple(dict.fromkeys((plan.name, plan.id))),
    )


def person_entry(person: Person) -> SearchEntry:
    def count(n: int, what: str) -> str:
        return f"{n} {what}{'' if n == 1 else 's'}" if n else ""

    facts = _join(
        count(len(person.reviews), "tech review"),
        count(len(person.accounts), "account plan"),
        f"{len(person.waiting)} waiting on them" if person.waiting else "",
    )
    return SearchEntry(
        f"people/{person.key}.md", str(escape(f"@{person.handle}")), str(escape(facts)), (person.handle,)
    )


def document_entries(handbook: Handbook) -> list[SearchEntry]:
    found = [review_entry(handbook, e) for e in handbook.reviews]
    found += [account_entry(e) for e in handbook.accounts]
    return found


def people_entries(people: Iterable[Person]) -> list[SearchEntry]:
    return [person_entry(p) for p in people]


def entries_json(found: list[SearchEntry]) -> str:
    """The entries as Material's index holds them, but with docs-tree paths (the hook makes them URLs)."""
    rows = [{"page": e.page, "title": e.title, "text": e.text, "tags": list(e.tags)} for e in found]
    return json.dumps(rows, ensure_ascii=False, separators=(",", ":"))
