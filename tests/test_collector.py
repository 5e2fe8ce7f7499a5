"""The cycle collector is held back while a stage runs, and is itself again when the stage ends."""

from __future__ import annotations

import gc
import weakref

from generator import collector


class Node:
    def __init__(self) -> None:
        self.me = self  # a cycle: only the collector frees it


def test_a_relaxed_stage_puts_the_threshold_back_and_leaves_nothing_frozen() -> None:
    threshold, frozen = gc.get_threshold(), gc.get_freeze_count()
    with collector.relaxed():
        assert gc.get_threshold()[0] == collector.RENDER_THRESHOLD
        assert gc.get_freeze_count() > frozen  # what existed is left out of collections
    assert gc.get_threshold() == threshold
    assert gc.get_freeze_count() == frozen


def test_cycles_made_in_a_relaxed_stage_are_still_collected() -> None:
    with collector.relaxed():
        node = Node()
        gone = weakref.ref(node)
        del node
        for _ in range(collector.RENDER_THRESHOLD * 2):
            Node()  # enough young cycles to set the collector off by itself
        assert gone() is None


def test_a_paused_stage_collects_nothing_and_then_collects_again() -> None:
    assert gc.isenabled()
    with collector.paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    assert gc.get_freeze_count() == 0
