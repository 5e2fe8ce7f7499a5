"""What the command prints always reaches the terminal: a file name that is not UTF-8 is shown escaped
under strict UTF-8 (or ASCII) output, and Ctrl-C at any moment is one line and exit 130."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

BASE = Path(__file__).parent / "corpus" / "base"
ROOT = Path(__file__).resolve().parents[1]
NAME = b"reviews/tr-0002-globex-caf\xe9.md"  # Latin-1 é: not UTF-8
SHOWN = "reviews/tr-0002-globex-caf\\xe9.md"


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    shutil.copytree(BASE, root)
    os.rename(root / "reviews" / "tr-0002-globex-support-risk.md", os.fsencode(root) + b"/" + NAME)
    return root


def _run(repo: Path, *args: str, encoding: str = "utf-8", **env: str) -> subprocess.CompletedProcess[bytes]:
    environment = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONIOENCODING": encoding, **env}
    return subprocess.run(
        [sys.executable, "-m", "generator", *args],
        cwd=repo,
        env=environment,
        capture_output=True,
        timeout=120,
    )


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8:strict", "ascii"])
def test_a_file_name_that_is_not_utf8_is_shown_escaped_in_text(repo: Path, encoding: str) -> None:
    result = _run(repo, "validate", encoding=encoding)
    assert result.stderr == b""
    lines = result.stdout.decode("ascii").splitlines()
    assert lines[-1] == "4 documents checked, 1 error in 1 file"
    assert lines[0].startswith(f"{SHOWN}:2:5: id: the file name does not follow the rule for TR-0002")


def test_a_file_name_that_is_not_utf8_is_shown_escaped_in_github_annotations(
    repo: Path, tmp_path: Path
) -> None:
    summary = tmp_path / "summary.md"
    result = _run(repo, "validate", "--format", "github", GITHUB_STEP_SUMMARY=str(summary))
    assert result.stderr == b""
    assert result.stdout.decode("utf-8").startswith("::error file=reviews/tr-0002-globex-caf\\xe9.md,line=2")
    assert f"`{SHOWN}`" in summary.read_text(encoding="utf-8")


def test_a_file_name_that_is_not_utf8_is_shown_escaped_in_json(repo: Path) -> None:
    result = _run(repo, "validate", "--format", "json")
    assert result.stderr == b""
    payload = json.loads(result.stdout.decode("utf-8"))
    assert [error["path"] for error in payload["errors"]] == [SHOWN]


def test_unicode_in_messages_survives_an_ascii_terminal(repo: Path) -> None:
    review = repo / "reviews" / "tr-0001-acme-air-gapped.md"
    review.write_text(review.read_text(encoding="utf-8").replace("moment: pre-sales", "moment: prè"), "utf-8")
    result = _run(repo, "validate", encoding="ascii")
    assert result.stderr == b""
    assert "moment: 'pr\\xe8' is not one of" in result.stdout.decode("ascii")


# --- Ctrl-C ------------------------------------------------------------------------------------------

# Ctrl-C arrives as KeyboardInterrupt wherever the interpreter is: here, while the first module the
# command needs beyond the standard library is being imported (the slowest part of start-up).
INTERRUPT_AT_IMPORT = """
import sys

AT = sys.argv[1]


class Interrupt:
    def find_spec(self, name, path=None, target=None):
        if name == AT:
            raise KeyboardInterrupt
        return None


sys.meta_path.insert(0, Interrupt())
sys.argv = ["handbook", *sys.argv[2:]]
import runpy
runpy.run_module("generator", run_name="__main__")
"""


@pytest.mark.parametrize(
    ("command", "module"),
    [
        (["validate"], "yaml"),
        (["validate"], "pydantic"),
        (["validate"], "generator.documents.validate"),
        (["build", "--quiet"], "generator.commands.build"),
        (["build", "--quiet"], "jinja2"),
        (["new", "review", "--title", "x"], "generator.authoring.new"),
        (["signoff", "check"], "github"),
    ],
)
def test_ctrl_c_during_start_up_is_one_line_and_exit_130(repo: Path, command: list[str], module: str) -> None:
    environment = {**os.environ, "PYTHONPATH": str(ROOT)}
    result = subprocess.run(
        [sys.executable, "-c", INTERRUPT_AT_IMPORT, module, *command],
        cwd=repo,
        env=environment,
        capture_output=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )
    assert result.returncode == 130, result.stderr
    assert result.stderr == b"handbook: interrupted\n"
    assert result.stdout == b""


# The interpreter and the package are up (a Ctrl-C before that is CPython's own business): from here
# on, start-up is ours.
READY_THEN_RUN = """
import os, runpy, sys
import generator
os.write(2, b"ready\\n")
sys.argv = ["handbook", "validate"]
runpy.run_module("generator", run_name="__main__")
"""


def _frames_in(traceback: bytes, package: str) -> bool:
    """Whether any frame of a printed traceback lies in the package's own files."""
    folder = f"{os.sep}{package}{os.sep}".encode()
    return any(line.strip().startswith(b'File "') and folder in line for line in traceback.splitlines())


@pytest.mark.parametrize("delay", [0.01, 0.03, 0.06, 0.1, 0.2, 0.4])
def test_a_real_ctrl_c_soon_after_start_never_shows_a_traceback(repo: Path, delay: float) -> None:
    environment = {**os.environ, "PYTHONPATH": str(ROOT)}
    child = subprocess.Popen(
        [sys.executable, "-c", READY_THEN_RUN],
        cwd=repo,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert child.stderr is not None
    assert child.stderr.readline() == b"ready\n"
    time.sleep(delay)
    child.send_signal(signal.SIGINT)
    _, err = child.communicate(timeout=60)
    if b"Traceback" in err and not _frames_in(err, "generator"):
        # On a loaded machine the signal can land in this script's own lines, after "ready" and before
        # runpy reaches the package: CPython's report, not ours.
        assert child.returncode in (1, -signal.SIGINT) and err.endswith(b"KeyboardInterrupt\n"), err
        return
    assert b"Traceback" not in err
    if child.returncode == 130:
        assert err == b"handbook: interrupted\n"
    elif child.returncode == -signal.SIGINT:
        assert err == b""  # arrived while the interpreter was exiting: it ends as a shell's Ctrl-C does
    else:
        assert (child.returncode, err) == (1, b"")  # finished before the signal: the normal report
