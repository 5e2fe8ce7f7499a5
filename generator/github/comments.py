"""The comments the App owns on a pull request (the sign-off report, the reminder): found by their
marker and their author, so nobody else's comment is ever edited or believed; edited in place.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from github import Github

from generator.github.client import guard

_PUSHED = re.compile(
    r"^<!-- handbook/pushed (?P<sha>[0-9a-f]{40}) by (?P<login>[A-Za-z0-9-]{1,39}(?:\[bot\])?) -->$", re.M
)


def is_ours(comment: Any, marker: str, bot: str | None) -> bool:
    """Our marker, written by a bot (or by the configured login): people cannot hijack the comment."""
    if not (comment.body or "").startswith(marker) or comment.user is None:
        return False
    login = str(comment.user.login).lower()
    if bot:
        return login == bot.lower()
    return bool(comment.user.type == "Bot" or login.endswith("[bot]"))


def ours(comments: Iterable[Any], marker: str, bot: str | None) -> list[Any]:
    return [comment for comment in comments if is_ours(comment, marker, bot)]


def upsert_comment(gh: Github, repository: str, number: int, body: str, marker: str, bot: str | None) -> str:
    """Edit our one comment with this marker in place, or create it; returns its URL."""
    with guard("updating the sign-off comment"):
        pr = gh.get_repo(repository).get_pull(number)
        found = ours(pr.get_issue_comments(), marker, bot)
        if found:
            found[0].edit(body)
            return str(found[0].html_url)
        return str(pr.create_issue_comment(body).html_url)


def pushed_record(head_sha: str, logins: Iterable[str]) -> str:
    """The lines the App's comment keeps: who pushed the head (only the App writes its comment)."""
    return "".join(f"<!-- handbook/pushed {head_sha} by {login} -->\n" for login in sorted(set(logins)))


def recorded_pushers(pr: Any, head_sha: str, marker: str, bot: str | None) -> set[str]:
    """Who pushed `head_sha`, as earlier runs recorded it in our comment."""
    with guard("reading the sign-off comment"):
        bodies = [str(c.body or "") for c in ours(pr.get_issue_comments(), marker, bot)[:1]]
    return {m["login"] for body in bodies for m in _PUSHED.finditer(body) if m["sha"] == head_sha}
