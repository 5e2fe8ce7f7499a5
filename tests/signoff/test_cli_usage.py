"""`handbook signoff` called wrongly: one clear line and exit 2; GitHub unreachable: exit 3."""

from __future__ import annotations

import json
import socket

import pytest

from generator.commands import main


@pytest.fixture(autouse=True)
def actions_environment(monkeypatch):
    for name in ("GITHUB_EVENT_PATH", "GITHUB_REPOSITORY", "GITHUB_API_URL", "GITHUB_STEP_SUMMARY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("GITHUB_TOKEN", "t0ken")
    monkeypatch.setenv("HANDBOOK_GITHUB_BACKOFF", "0")


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(["signoff", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_without_a_repository_it_says_how_to_name_one(capsys):
    code, _, err = run(capsys, "check", "--pr", "3")
    assert code == 2
    assert err == "handbook: error: which repository? pass --repo OWNER/NAME or set GITHUB_REPOSITORY\n"


@pytest.mark.parametrize("repo", ["nope", "a/b/c", "../x", "owner/", "ow ner/x", "acme/handbook\n"])
def test_a_malformed_repository_is_a_usage_error(capsys, repo):
    code, _, err = run(capsys, "check", "--repo", repo, "--pr", "3")
    assert code == 2
    assert "is not a repository (expected OWNER/NAME)" in err


def test_without_a_pull_request_number_it_says_how_to_give_one(capsys):
    code, _, err = run(capsys, "check", "--repo", "o/r")
    assert code == 2
    assert "which pull request?" in err


def test_a_non_positive_number_is_a_usage_error(capsys):
    assert run(capsys, "check", "--repo", "o/r", "--pr", "0")[0] == 2


def test_a_missing_token_is_a_usage_error(capsys, monkeypatch):
    monkeypatch.delenv("GITHUB_TOKEN")
    code, _, err = run(capsys, "check", "--repo", "o/r", "--pr", "3")
    assert code == 2
    assert "GITHUB_TOKEN" in err


def test_an_unreadable_event_file_is_a_usage_error(capsys, monkeypatch, tmp_path):
    event = tmp_path / "event.json"
    event.write_text("{not json", encoding="utf-8")
    monkeypatch.setenv("GITHUB_EVENT_PATH", str(event))
    code, _, err = run(capsys, "check", "--repo", "o/r")
    assert code == 2
    assert "cannot read the event" in err


def test_an_event_that_is_not_about_a_pull_request_is_a_usage_error(capsys, monkeypatch, tmp_path):
    event = tmp_path / "event.json"
    event.write_text(json.dumps({"ref": "refs/heads/main", "repository": {"full_name": "o/r"}}), "utf-8")
    monkeypatch.setenv("GITHUB_EVENT_PATH", str(event))
    code, _, err = run(capsys, "check")
    assert code == 2
    assert "which pull request?" in err


@pytest.mark.parametrize("address", ["ftp://x", "https://api.github.com\n"])
def test_a_malformed_api_address_is_a_usage_error(capsys, address):
    code, _, err = run(capsys, "check", "--repo", "o/r", "--pr", "3", "--api-url", address)
    assert code == 2
    assert "is not an API address" in err


def test_an_unreachable_github_exits_3_with_the_cause(capsys):
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    code, out, err = run(
        capsys, "check", "--repo", "o/r", "--pr", "3", "--api-url", f"http://127.0.0.1:{port}"
    )
    assert code == 3
    assert out == ""
    assert "cannot connect" in err
    assert "Traceback" not in err


def test_collect_refuses_a_ledger_it_cannot_read(capsys, tmp_path):
    ledger = tmp_path / "ledger.json"
    ledger.write_text("[]", encoding="utf-8")
    code, _, err = run(capsys, "collect", "--repo", "o/r", "--out", str(ledger))
    assert code == 2
    assert "not a valid sign-off ledger" in err
