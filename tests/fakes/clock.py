"""`FakeClock`: the one clock of the test suite, moved by hand, with sleeps that wait for it instead of for real time."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class FakeClock:
    """Time that passes only when the test moves it.

    One moment, read three ways: ``clock()`` gives seconds (pass the clock where code takes ``time.monotonic`` or
    ``time.time``), ``clock.utc()`` the same moment as an aware UTC datetime (pass ``clock.utc`` where code takes a
    ``Callable[[], datetime]``), and ``clock.now`` is the seconds, settable (``clock.now += 61``).

    ``await clock.sleep(s)`` stands in for ``asyncio.sleep``: it returns once the clock has been moved to ``s``
    seconds past the moment it was called (`advance`, `set` or ``now``), and `sleeping` waits until code under test
    has reached its sleep, so a test can move time exactly when the code waits for it. With ``autojump`` a sleep
    moves the clock itself and returns at once (after yielding to the loop, as a real sleep does): for code that
    sleeps in a loop the test does not drive step by step. Every sleep asked for is recorded in ``slept``.
    """

    def __init__(self, start: float | datetime = 1000.0, *, autojump: bool = False) -> None:
        self._now = _seconds(start)
        self.autojump = autojump
        self.slept: list[float] = []
        self._sleepers: list[tuple[float, asyncio.Future[None]]] = []
        self._watchers: list[asyncio.Future[None]] = []

    def __call__(self) -> float:
        return self._now

    def utc(self) -> datetime:
        """The clock's moment as an aware UTC datetime (microsecond precision)."""
        return EPOCH + timedelta(seconds=self._now)

    @property
    def now(self) -> float:
        return self._now

    @now.setter
    def now(self, seconds: float) -> None:
        self._now = seconds
        self._wake()

    def advance(self, seconds: float = 0.0, **delta: float) -> None:
        """Move the clock forward by ``seconds`` plus a `timedelta`'s keywords (``advance(hours=1)``)."""
        self.now = self._now + seconds + timedelta(**delta).total_seconds()

    def set(self, moment: float | datetime) -> None:
        self.now = _seconds(moment)

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        loop = asyncio.get_running_loop()
        if self.autojump:
            self.advance(max(0.0, seconds))
        if self.autojump or seconds <= 0:
            await _yield(loop)
            return
        entry = (self._now + seconds, loop.create_future())
        self._sleepers.append(entry)
        self._notify()
        try:
            await entry[1]
        finally:
            if entry in self._sleepers:
                self._sleepers.remove(entry)

    async def sleeping(self, count: int = 1) -> None:
        """Wait until at least ``count`` sleeps are waiting on this clock."""
        while len(self._sleepers) < count:
            watcher = asyncio.get_running_loop().create_future()
            self._watchers.append(watcher)
            await watcher

    @property
    def sleepers(self) -> int:
        """How many sleeps are waiting for the clock now."""
        return len(self._sleepers)

    def _wake(self) -> None:
        due = [entry for entry in self._sleepers if entry[0] <= self._now]
        for entry in due:
            self._sleepers.remove(entry)
            if not entry[1].done():
                entry[1].set_result(None)

    def _notify(self) -> None:
        watchers, self._watchers = self._watchers, []
        for watcher in watchers:
            if not watcher.done():
                watcher.set_result(None)


def _seconds(moment: float | datetime) -> float:
    return (moment - EPOCH).total_seconds() if isinstance(moment, datetime) else float(moment)


async def _yield(loop: asyncio.AbstractEventLoop) -> None:
    """Give the other tasks one turn of the loop."""
    turn = loop.create_future()
    loop.call_soon(turn.set_result, None)
    await turn
