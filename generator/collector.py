"""Python's cycle collector, held back where a stage makes many objects that it cannot free.

A collection of the oldest generation walks every live object. Reading a repository and rendering
its site make millions of objects that live until the stage ends, so the collector would walk them
again and again and find nothing: at 5,000 documents that was a fifth of the render and a third of
the reading, and it grew faster than the repository.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator

# Young objects a render makes before the collector looks at them (Python's default is 700).
RENDER_THRESHOLD = 100_000


@contextlib.contextmanager
def paused() -> Iterator[None]:
    """No collection at all: for reading documents, whose objects hold no cycles."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            _into_the_oldest()
            gc.enable()


@contextlib.contextmanager
def relaxed() -> Iterator[None]:
    """What exists already (the documents a render reads) is left out of collections, and the young
    are collected less often: for rendering, whose templates do leave some cycles to collect."""
    threshold = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(RENDER_THRESHOLD, *threshold[1:])
    try:
        yield
    finally:
        gc.set_threshold(*threshold)
        gc.unfreeze()


def before_exit() -> None:
    """No collection from here on, for a process about to exit: its last collections would walk every
    object of the run (a tenth of a pull request's check) to free memory the exit gives back."""
    gc.disable()
    gc.freeze()


def _into_the_oldest() -> None:
    # Through the permanent generation into the oldest: the next collection is not a sweep of all.
    gc.freeze()
    gc.unfreeze()
