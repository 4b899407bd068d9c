"""How an ingest tells what it is doing: steps as lines, and the embedding as a count with an ETA.

``kkini knowledge ingest`` shows a progress bar (``bots.cli.knowledge``); ``kkini serve`` shows lines on its
console, which ``LineProgress`` makes from any ``Callable[[str], None]``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Protocol, runtime_checkable


@runtime_checkable
class IngestProgress(Protocol):
    def step(self, line: str) -> None:
        """A step begins ("seller: analysing 2,717 entries")."""
        ...

    def start(self, total: int, what: str) -> None:
        """``total`` texts are about to be embedded (``what`` names them for the reader)."""
        ...

    def advance(self, count: int) -> None:
        """``count`` more texts are embedded (and stored: an interrupted ingest keeps them)."""
        ...

    def finish(self) -> None:
        """The embedding is over (all done, or interrupted)."""
        ...


class LineProgress:
    """``IngestProgress`` as lines: each step, and the embedding at every tenth with its rate and time left."""

    def __init__(self, say: Callable[[str], None], *, clock: Callable[[], float] = time.monotonic) -> None:
        self.say = say
        self.clock = clock
        self.total = 0
        self.done = 0
        self.what = ""
        self._started = 0.0
        self._next = 0

    def step(self, line: str) -> None:
        self.say(line)

    def start(self, total: int, what: str) -> None:
        self.total, self.done, self.what = total, 0, what
        self._started = self.clock()
        self._next = max(1, total // 10)
        self.say(f"{what}: embedding {total:,} texts")

    def advance(self, count: int) -> None:
        self.done += count
        if self.done < self._next or self.done >= self.total:
            return
        while self._next <= self.done:
            self._next += max(1, self.total // 10)
        self.say(f"{self.what}: {eta_line(self.done, self.total, self.clock() - self._started)}")

    def finish(self) -> None:
        if self.total:
            self.say(f"{self.what}: embedded {self.done:,} of {self.total:,} in {self.clock() - self._started:.1f} s")


def eta_line(done: int, total: int, elapsed: float) -> str:
    """ "1,200 of 6,530 (18%), 9.8/s, about 9 min 4 s left"."""
    rate = done / elapsed if elapsed > 0 else 0.0
    left = (total - done) / rate if rate > 0 else 0.0
    minutes, seconds = divmod(round(left), 60)
    remaining = f"{minutes} min {seconds} s" if minutes else f"{seconds} s"
    return f"{done:,} of {total:,} ({done / total:.0%}), {rate:.1f}/s, about {remaining} left"


def as_progress(progress: IngestProgress | Callable[[str], None] | None) -> IngestProgress:
    """An ``IngestProgress`` from what a caller passed: itself, lines for a plain callable, or silence."""
    if progress is None:
        return LineProgress(lambda _line: None)
    if isinstance(progress, IngestProgress):
        return progress
    return LineProgress(progress)
