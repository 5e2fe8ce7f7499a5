"""The one bounded reader of user-controlled files (documents/regular.py): all of a file, to its limit."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.documents.regular import TooLarge, read_regular


def test_a_file_of_exactly_the_limit_is_read_whole(tmp_path: Path) -> None:
    path = tmp_path / "a.md"
    path.write_bytes(b"x" * 100)
    assert read_regular(path, 100) == b"x" * 100


def test_a_file_one_byte_over_the_limit_is_refused_with_its_size(tmp_path: Path) -> None:
    path = tmp_path / "a.md"
    path.write_bytes(b"x" * 101)
    with pytest.raises(TooLarge) as refused:
        read_regular(path, 100)
    assert refused.value.size == 101


def test_an_empty_file_is_empty(tmp_path: Path) -> None:
    path = tmp_path / "a.md"
    path.write_bytes(b"")
    assert read_regular(path, 100) == b""


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs Linux's /proc")
def test_a_file_that_says_it_is_empty_is_still_read_to_its_end() -> None:
    # /proc files are regular files whose size says 0: what the reader gets is what they hold.
    status = Path("/proc/self/status")
    raw = read_regular(status, 1 << 20, follow_links=True)
    assert raw.startswith(b"Name:") and raw.endswith(b"\n") and len(raw) > 200


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs Linux's /proc")
def test_a_file_that_says_it_is_empty_is_still_refused_past_the_limit() -> None:
    with pytest.raises(TooLarge) as refused:
        read_regular(Path("/proc/self/status"), 10, follow_links=True)
    assert refused.value.size == 11
