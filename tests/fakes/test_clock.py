"""The suite's one fake clock: readings, sleeps that wait for the test to move it, and autojump."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from tests.fakes.clock import FakeClock


def test_seconds_and_datetime_read_the_same_moment() -> None:
    evening = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
    clock = FakeClock(evening)
    assert clock.utc() == evening and clock() == evening.timestamp()
    clock.advance(hours=1, seconds=30)
    assert clock.utc() == datetime(2026, 11, 24, 10, 0, 30, tzinfo=UTC)
    clock.now += 0.5
    assert clock() == evening.timestamp() + 3630.5
    clock.set(evening)
    assert clock.utc() == evening


async def test_a_sleep_returns_only_once_the_clock_has_moved_past_it() -> None:
    clock = FakeClock()
    woken: list[float] = []

    async def nap(seconds: float) -> None:
        await clock.sleep(seconds)
        woken.append(seconds)

    naps = [asyncio.create_task(nap(seconds)) for seconds in (10, 20)]
    await clock.sleeping(2)
    clock.advance(9.5)
    assert clock.sleepers == 2  # neither is due: advance wakes only the sleeps it reaches
    clock.advance(0.5)
    await naps[0]
    assert woken == [10] and clock.sleepers == 1
    clock.now = 1030
    await naps[1]
    assert woken == [10, 20] and clock.slept == [10, 20] and clock.sleepers == 0


async def test_a_cancelled_sleep_leaves_no_sleeper_and_autojump_moves_the_clock_itself() -> None:
    clock = FakeClock()
    napping = asyncio.create_task(clock.sleep(5))
    await clock.sleeping()
    napping.cancel()
    await asyncio.gather(napping, return_exceptions=True)
    assert clock.sleepers == 0
    jumping = FakeClock(autojump=True)
    await jumping.sleep(2)
    await jumping.sleep(0)
    assert jumping() == 1002 and jumping.slept == [2, 0]
