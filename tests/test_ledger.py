"""Reading the sign-off ledger: a restored cache is untrusted input, so only a regular file under the
size limit, of this handbook's version and shape, is read; anything else is one clear error."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from generator.signoff.ledger import MAX_LEDGER_BYTES, LedgerError, load_ledger

CORPUS_BASE = Path(__file__).parent / "corpus" / "base"
DOC = "reviews/tr-0001-x.md"
AT = f'documents["{DOC}"]'
HINT = " (collect it again with `handbook signoff collect`)"


def change(**extra: Any) -> dict[str, Any]:
    return {
        "pull_request": 3,
        "title": "TR-0001: submit",
        "url": "https://github.com/o/r/pull/3",
        "author": "carl-ce",
        "merged_at": "2026-10-01T16:00:00Z",
        "signoffs": [{"role": "peer-ce", "login": "pia", "approved_at": "2026-10-01T09:00:00Z"}],
        **extra,
    }


def good(**extra: Any) -> dict[str, Any]:
    return {
        "version": 1,
        "repository": "o/r",
        "generated_at": "2026-11-23T06:00:00Z",
        "documents": {"reviews/tr-0001-x.md": [change()]},
        "seen_pull_requests": [3],
        "open_pull_requests": [
            {
                "pull_request": 7,
                "title": "TR-0001: draft",
                "url": "https://github.com/o/r/pull/7",
                "author": "carl-ce",
                "opened_at": "2026-11-03T09:00:00Z",
                "head_sha": "0" * 40,
                "documents": ["reviews/tr-0001-x.md"],
            }
        ],
        **extra,
    }


def write(tmp_path: Path, payload: Any) -> Path:
    path = tmp_path / "ledger.json"
    path.write_bytes(payload if isinstance(payload, bytes) else json.dumps(payload).encode())
    return path


def refusal(path: Path) -> str:
    with pytest.raises(LedgerError) as caught:
        load_ledger(path)
    return str(caught.value)


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_a_well_formed_ledger_is_read(here: Path) -> None:
    ledger = load_ledger(write(here, good()))
    assert ledger is not None and ledger.latest("reviews/tr-0001-x.md") is not None


def test_no_file_means_no_ledger_yet(here: Path) -> None:
    assert load_ledger(here / "absent.json") is None


def test_a_dangling_symlink_is_not_taken_for_no_ledger(here: Path) -> None:
    (here / "ledger.json").symlink_to(here / "gone.json")
    assert refusal(here / "ledger.json") == (
        "ledger.json:1:1: cannot read the sign-off ledger: it is a symbolic link to nothing"
        " (give the ledger's JSON file)"
    )


def test_a_fifo_is_refused_without_waiting_for_a_writer(here: Path) -> None:
    os.mkfifo(here / "ledger.json")
    assert refusal(here / "ledger.json") == (
        "ledger.json:1:1: cannot read the sign-off ledger: it is a pipe, not a ledger file"
        " (give the ledger's JSON file)"
    )


def test_a_device_is_refused_without_reading_it(here: Path) -> None:
    if not Path("/dev/zero").exists():
        pytest.skip("no /dev/zero")
    (here / "ledger.json").symlink_to("/dev/zero")
    assert "it is a device, not a ledger file" in refusal(here / "ledger.json")


def test_a_folder_is_refused(here: Path) -> None:
    (here / "ledger.json").mkdir()
    assert "it is a folder, not a ledger file" in refusal(here / "ledger.json")


def test_a_ledger_over_the_size_limit_is_refused_unread(here: Path) -> None:
    path = here / "ledger.json"
    with open(path, "wb") as handle:
        handle.truncate(MAX_LEDGER_BYTES + 1)  # sparse: costs no disk
    assert refusal(path) == (
        f"ledger.json:1:1: not a valid sign-off ledger: the file is {MAX_LEDGER_BYTES + 1:,} bytes, "
        f"over the {MAX_LEDGER_BYTES:,}-byte limit" + HINT
    )


def test_version_99_is_refused(here: Path) -> None:
    assert refusal(write(here, good(version=99))) == (
        "ledger.json:1:1: version: not a valid sign-off ledger: ledger version 99 is not supported "
        "(this handbook reads versions 1 and 2)" + HINT
    )


@pytest.mark.parametrize("version", [None, "1", True, 1.0, [1]])
def test_a_missing_or_non_numeric_version_is_refused(here: Path, version: Any) -> None:
    payload = good(version=version)
    if version is None:
        del payload["version"]
    assert refusal(write(here, payload)) == (
        "ledger.json:1:1: version: not a valid sign-off ledger: the ledger has no version number" + HINT
    )


@pytest.mark.parametrize(
    ("payload", "where", "why"),
    [
        (good(generated_at="2026-11-23T06:00:00"), "generated_at", "the timestamp has no time zone"),
        (
            good(documents={"reviews/tr-0001-x.md": [change(), change(merged_at="2026-10-02T10:00:00")]}),
            'documents["reviews/tr-0001-x.md"][1].merged_at',
            "the timestamp has no time zone",
        ),
        (
            good(
                documents={
                    "reviews/tr-0001-x.md": [
                        change(signoffs=[{"role": "p", "login": "x", "approved_at": "2026-10-01 09:00"}])
                    ]
                }
            ),
            'documents["reviews/tr-0001-x.md"][0].signoffs[0].approved_at',
            "the timestamp has no time zone",
        ),
        (good(generated_at="soon"), "generated_at", "not a timestamp"),
    ],
)
def test_every_timestamp_carries_a_time_zone(here: Path, payload: Any, where: str, why: str) -> None:
    message = refusal(write(here, payload))
    assert message.startswith(f"ledger.json:1:1: {where}: not a valid sign-off ledger: {why}")


def test_an_open_pull_request_without_a_time_zone_is_refused(here: Path) -> None:
    payload = good()
    payload["open_pull_requests"][0]["opened_at"] = "2026-11-03T09:00:00"
    assert "open_pull_requests[0].opened_at: not a valid sign-off ledger: the timestamp has no time zone" in (
        refusal(write(here, payload))
    )


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (b"", "ledger.json:1:1: not a valid sign-off ledger: the file is not JSON: Expecting value"),
        (b'{"version": 1,\n  oops}', "ledger.json:2:3: not a valid sign-off ledger: the file is not JSON"),
        (b"\xff\xfe{}", "ledger.json:1:1: not a valid sign-off ledger: the file is not UTF-8 text"),
        (
            b"[]",
            "ledger.json:1:1: not a valid sign-off ledger: expected a JSON object with a version, got a list",
        ),
        (b"[" * 100_000 + b"]" * 100_000, "ledger.json:1:1: not a valid sign-off ledger:"),
        (
            b"null",
            "ledger.json:1:1: not a valid sign-off ledger: expected a JSON object with a version, got",
        ),
    ],
)
def test_what_is_not_a_json_object_is_refused(here: Path, raw: bytes, expected: str) -> None:
    assert refusal(write(here, raw)).startswith(expected)


@pytest.mark.parametrize(
    ("payload", "where", "why"),
    [
        (good(extra="x"), "extra", "unknown field 'extra'"),
        (good(documents=[]), "documents", "expected an object"),
        (good(documents={DOC: [change(pull_request="3")]}), f"{AT}[0].pull_request", "expected a whole"),
        (good(documents={DOC: [change(pull_request=0)]}), f"{AT}[0].pull_request", "expected a pull"),
        (good(documents={DOC: [{"pull_request": 3}]}), f"{AT}[0].title", "required field 'title' is missing"),
        (good(documents={"../etc/passwd": [change()]}), 'documents["../etc/passwd"]', "not a document path"),
        (good(documents={"notes/x.md": [change()]}), 'documents["notes/x.md"]', "not a document path"),
        (good(seen_pull_requests=[-1]), "seen_pull_requests[0]", "expected a pull request number"),
        (good(documents={DOC: [change(), change()]}), f"{AT}[1].pull_request", "pull request #3 is listed"),
        (good(seen_pull_requests="1,2"), "seen_pull_requests", "expected a list"),
        (good(repository="not a repo"), "repository", "'not a repo' is not a repository"),
    ],
)  # fmt: skip
def test_a_ledger_of_the_wrong_shape_is_refused_at_its_field(
    here: Path, payload: Any, where: str, why: str
) -> None:
    assert refusal(write(here, payload)).startswith(
        f"ledger.json:1:1: {where}: not a valid sign-off ledger: {why}"
    )


def test_the_bundled_example_ledger_is_valid() -> None:
    assert load_ledger(Path(__file__).parents[1] / "examples" / "signoff-ledger.json") is not None


# --- through the commands -------------------------------------------------------------------------


def _handbook(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    return subprocess.run(
        [sys.executable, "-m", "generator", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_build_with_a_fifo_as_ledger_fails_at_once_without_building(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(CORPUS_BASE, repo)
    os.mkfifo(repo / "ledger.fifo")
    result = _handbook("build", "--ledger", "ledger.fifo", "--quiet", cwd=repo)
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == (
        "handbook: the site was not built: the sign-off ledger cannot be read\n"
        "  ledger.fifo:1:1: cannot read the sign-off ledger: it is a pipe, not a ledger file"
        " (give the ledger's JSON file)\n"
    )
    assert not (repo / "build" / "site").exists()


def test_build_with_a_ledger_of_version_99_fails(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(CORPUS_BASE, repo)
    (repo / "ledger.json").write_text(json.dumps(good(version=99)), encoding="utf-8")
    result = _handbook("build", "--ledger", "ledger.json", "--quiet", cwd=repo)
    assert result.returncode == 1
    assert "ledger.json:1:1: version: not a valid sign-off ledger: ledger version 99" in result.stderr
    assert "Traceback" not in result.stderr
