"""Reading a large repository in two processes: the same results, in the same order, sooner.

`in_parallel(work, count, workers)` splits `range(count)` into contiguous parts; the first is done
here, each other one in a forked child that sends its results back pickled through a pipe (between
our own processes only: nothing read from disk is unpickled). A child that fails or dies is not
trusted for anything: its part is done again here, so the outcome is what one process gives.
Workers are used only where it pays (many documents, more than one CPU, no other threads that a fork
could leave holding a lock) and never when HANDBOOK_WORKERS=1. `apart(work)` begins one piece of work
in a child the same way, while this process does another (the site's lists while its documents'
pages are rendered).
"""

from __future__ import annotations

import contextlib
import functools
import itertools
import os
import pickle
import signal
import threading

try:
    import fcntl
except ImportError:  # not on Windows: pipes stay as the system makes them
    fcntl = None  # type: ignore[assignment]
from collections.abc import Callable
from typing import Generic, TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")

# What a pipe between our processes holds. A result is sent in pieces of a pipe's capacity, each a
# switch between the two processes: at Linux's default 64 KB that was 0.5 s for a 40 MB result (a large
# site's documents or lists) on this virtual machine; at a megabyte (the most Linux allows a user by
# default) a few hundredths.
PIPE_BYTES = 1 << 20
# Below this many documents a fork and a transfer cost more than they save.
MIN_PER_WORKER = 500
# How much more than a child's part this process reads when the children send documents back: each
# child pickles what it read and this process reads it back (a quarter of what the reading took), and
# a child reads more slowly (it shares the machine with the build's other early children).
DOCUMENTS_HERE = 1.5
ENVIRONMENT = "HANDBOOK_WORKERS"


def default_workers() -> int:
    """Two where the machine has two CPUs or more, unless HANDBOOK_WORKERS says otherwise."""
    wanted = os.environ.get(ENVIRONMENT, "").strip()
    if wanted.isdigit() and int(wanted) >= 1:
        return min(int(wanted), os.cpu_count() or 1)
    return min(2, os.cpu_count() or 1)


def in_parallel(
    work: Callable[[int, int], list[Item]], count: int, workers: int, here_weight: float = 1.0
) -> list[Item]:
    """work(start, end) for the parts of range(count), concatenated in order (see parts_of)."""
    parts = min(workers, count // MIN_PER_WORKER) if hasattr(os, "fork") else 1
    if parts <= 1 or threading.active_count() > 1:
        return work(0, count)
    first, *others = parts_of(count, parts, here_weight)
    children = [_fork(functools.partial(work, *part)) for part in others]
    results = work(*first)
    for part, child in zip(others, children, strict=True):
        received: list[Item] | None = _collect(child)
        results += received if received is not None else work(*part)
    return results


def parts_of(count: int, parts: int, here_weight: float = 1.0) -> list[tuple[int, int]]:
    """range(count) in `parts` contiguous (start, end) parts, the first (done here) `here_weight` times
    a child's: with DOCUMENTS_HERE, a 60 % part here is ready when a child's 40 % has arrived (in a
    build at 10,000 documents; at 1,000, 55 % to 60 % here take the same time)."""
    weights = [here_weight, *[1.0] * (parts - 1)]
    total = sum(weights)
    bounds = [0]
    for weight in weights[:-1]:
        bounds.append(min(count, bounds[-1] + round(count * weight / total)))
    bounds.append(count)
    return list(itertools.pairwise(bounds))


class WorkApart(Generic[Result]):
    """Work begun in a forked child (see `apart`)."""

    def __init__(self, child: tuple[int, int] | None) -> None:
        self._child = child

    def result(self) -> Result | None:
        """What the work returned, or None when it could not be done apart (no fork, the child failed
        or died): then the caller does it itself, and the outcome is the same."""
        child, self._child = self._child, None
        received: Result | None = _collect(child)
        return received

    @property
    def begun(self) -> bool:
        """Whether the work runs in a child (else `result()` is None, and the caller does it)."""
        return self._child is not None

    @property
    def pid(self) -> int | None:
        """The child's process id, until its result is taken or it is cancelled."""
        return self._child[0] if self._child is not None else None

    def cancel(self) -> None:
        """The result is not wanted after all: the child is stopped and reaped."""
        child, self._child = self._child, None
        if child is not None:
            pid, reading = child
            os.kill(pid, signal.SIGKILL)
            os.close(reading)
            os.waitpid(pid, 0)


def apart(work: Callable[[], Result]) -> WorkApart[Result]:
    """work() begun in a forked child, while this process goes on with something else; its result is
    sent back pickled (between our own processes only). Nothing is forked where a fork is unsafe
    (other threads could leave a lock held) or impossible: `result()` is None then."""
    if not hasattr(os, "fork") or threading.active_count() > 1:
        return WorkApart(None)
    return WorkApart(_fork(work))


def widen(pipe: int) -> None:
    """The pipe made to hold PIPE_BYTES, where the system lets it (Linux; elsewhere it stays as it is)."""
    with contextlib.suppress(OSError, AttributeError):
        fcntl.fcntl(pipe, fcntl.F_SETPIPE_SZ, PIPE_BYTES)


def _fork(work: Callable[[], object]) -> tuple[int, int] | None:
    try:
        reading, writing = os.pipe()
        widen(writing)
        pid = os.fork()
    except OSError:
        return None
    if pid == 0:  # the child: its work, pickled into the pipe, and out without running any cleanup
        code = 1
        try:
            os.close(reading)
            found = work()
            with os.fdopen(writing, "wb") as stream:
                pickle.dump(found, stream, protocol=pickle.HIGHEST_PROTOCOL)
            code = 0
        finally:
            os._exit(code)
    os.close(writing)
    return pid, reading


def _collect(child: tuple[int, int] | None) -> Result | None:
    """The child's result, or None when it failed (nothing it sent is used then)."""
    if child is None:
        return None
    pid, reading = child
    received: Result | None = None
    with os.fdopen(reading, "rb") as stream:
        try:
            received = pickle.load(stream)  # as it arrives: the whole payload is never held at once
        except Exception:
            received = None
        while stream.read(1 << 16):  # whatever follows is drained, so the child can end
            received = None
    _, status = os.waitpid(pid, 0)
    return received if os.waitstatus_to_exitcode(status) == 0 else None
