"""Reading a file that must be a regular file of bounded size, without ever blocking or following a link.

One reader for every file a user or a pull request controls (documents, assets, the sign-off ledger):
the open is non-blocking and checked with fstat, so a FIFO, device or folder is refused, not read, and
a file is never read past its limit. Callers turn the exceptions into their own messages.
"""

from __future__ import annotations

import errno
import os
import stat
import sys
from pathlib import Path

# Where opening a link with O_NOFOLLOW fails with ELOOP, the open itself tells a link: no lstat first
# (a third of the cost of reading a small file). Elsewhere (FreeBSD says EMLINK) the link is looked for.
_OPEN_SAYS_LINK = hasattr(os, "O_NOFOLLOW") and sys.platform in ("linux", "darwin")


class SymbolicLink(Exception):
    """The path is a symbolic link, and links are not followed."""


class NotRegular(Exception):
    """The path is a folder, device, pipe or socket: `what` names it ("folder", "pipe"...)."""

    def __init__(self, what: str) -> None:
        super().__init__(what)
        self.what = what


class TooLarge(Exception):
    """The file has more than the limit: `size` is what it has (or the limit plus one, when read)."""

    def __init__(self, size: int) -> None:
        super().__init__(size)
        self.size = size


def file_type(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "folder"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "device"
    return "pipe" if stat.S_ISFIFO(mode) else "special file"


def read_regular(path: Path, limit: int, *, follow_links: bool = False) -> bytes:
    """The bytes of the regular file at `path`, at most `limit` of them.

    Raises SymbolicLink (unless `follow_links`), NotRegular, TooLarge, or the OSError of the open or
    read (FileNotFoundError when nothing is there).
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0)
    if not follow_links:
        if not _OPEN_SAYS_LINK and os.path.islink(path):
            raise SymbolicLink()
        flags |= getattr(os, "O_NOFOLLOW", 0)
    try:
        handle = os.open(path, flags)
    except OSError as exc:
        if exc.errno == errno.ELOOP and not follow_links:  # the link appeared between the check and the open
            raise SymbolicLink() from None
        raise
    try:
        info = os.fstat(handle)
        if not stat.S_ISREG(info.st_mode):
            raise NotRegular(file_type(info.st_mode))
        if info.st_size > limit:
            raise TooLarge(info.st_size)
        raw = _read_upto(handle, min(info.st_size, limit) + 1, limit)
    finally:
        os.close(handle)
    if len(raw) > limit:
        raise TooLarge(len(raw))
    return raw


def _read_upto(handle: int, expected: int, limit: int) -> bytes:
    """Everything the file holds, or its first `limit` + 1 bytes. The first read asks for the size fstat
    gave (plus one, to see it did not grow): a buffer of `limit` bytes for each small file was most of
    the cost of reading a repository. A file larger than it said (or a /proc file, which says 0) is
    read on to its end or past the limit."""
    first = os.read(handle, expected)
    if len(first) < expected:
        return first
    chunks, total = [first], len(first)
    while total <= limit:
        more = os.read(handle, min(1 << 16, limit + 1 - total))
        if not more:
            break
        chunks.append(more)
        total += len(more)
    return b"".join(chunks)
