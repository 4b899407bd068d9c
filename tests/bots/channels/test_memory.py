"""The server's garbage-collector setting: start-up objects frozen, start-up garbage collected first."""

from __future__ import annotations

import gc
import weakref

from bots.http.memory import freeze_long_lived_objects


class Node:
    def __init__(self) -> None:
        self.other: Node | None = None


def test_freezing_keeps_live_objects_and_collects_garbage_first() -> None:
    kept = Node()
    garbage = Node()
    garbage.other = Node()
    garbage.other.other = garbage  # a cycle only the collector frees
    gone = weakref.ref(garbage)
    del garbage
    try:
        freeze_long_lived_objects()
        assert gone() is None, "garbage left by start-up is collected, not frozen for good"
        assert gc.get_freeze_count() > 0 and kept.other is None
    finally:
        gc.unfreeze()  # the rest of the test session keeps the usual collector
