"""The comment, the status line and the JSON shown for a verdict."""

from __future__ import annotations

import json

from generator.signoff.engine import ChangedFile, verdict
from generator.signoff.report import MARKER, as_json, comment, description
from tests.signoff.builders import EVERYONE, approve, pull, review_file, shipped_policy

POLICY = shipped_policy()


def test_the_status_names_the_missing_roles():
    result = verdict(POLICY, pull(review_file("in-review", "approved"), reviews=(approve("pat"),)), EVERYONE)
    assert description(result) == "missing: engineering, support, ce-vp"


def test_the_status_names_who_holds_a_blocking_concern():
    reviews = (approve("pia", state="CHANGES_REQUESTED"),)
    result = verdict(POLICY, pull(review_file("draft", "in-review"), reviews=reviews), EVERYONE)
    assert description(result) == "missing: peer-ce; changes requested by pia"


def test_the_comment_is_a_table_of_documents_and_roles_with_who_and_when():
    reviews = (approve("pat"), approve("eve", on="0" * 40))
    body = comment(verdict(POLICY, pull(review_file("in-review", "approved"), reviews=reviews), EVERYONE))
    assert body.startswith(MARKER)
    assert "| document | product | engineering | support | ce-vp | state |" in body
    assert "| `reviews/tr-0001-acme.md` | ✅ pat, 2026-01-05 09:01 UTC | ❌ missing | ❌ missing |" in body
    assert "| eve | approved an older commit (0000000), not the head |" in body


def test_a_hostile_file_name_cannot_break_the_table_or_mention_anyone():
    path = ".github/x|` @everyone <img src=x onerror=alert(1)>\n| injected |.yml"
    body = comment(verdict(POLICY, pull(ChangedFile(path=path)), EVERYONE))
    row = next(line for line in body.splitlines() if line.startswith("| `.github"))
    assert row.count(" | ") == 2  # document, signoff-admins, state: the pipes in the name are escaped
    assert "\n| injected" not in body
    assert "`.github/x\\|' @everyone" in row


def test_json_has_the_documented_shape():
    result = verdict(POLICY, pull(review_file("draft", "in-review"), reviews=(approve("pia"),)), EVERYONE)
    payload = json.loads(json.dumps(as_json(result)))
    assert payload["pull_request"] == 7 and payload["satisfied"] is True
    document = payload["documents"][0]
    assert document["path"] == "reviews/tr-0001-acme.md"
    assert document["required"] == ["peer-ce"] and document["missing"] == []
    assert document["roles"] == {"peer-ce": {"satisfied": True, "by": ["pia"]}}
    assert payload["not_counted"] == []


def test_a_huge_comment_is_cut_to_fit_githubs_limit():
    files = [ChangedFile(path=f"generator/signoff/module_{i:05d}_{'x' * 80}.py") for i in range(1500)]
    body = comment(verdict(POLICY, pull(*files), EVERYONE))
    assert len(body) < 65_536
    assert body.rstrip().endswith("the job summary has the whole table.")
