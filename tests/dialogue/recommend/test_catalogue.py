"""The snapshot's indexes, the Catalogue's reload policy and the per-user cache, without a database."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dialogue.recommend.catalogue import Catalogue, CatalogueSnapshot
from dialogue.recommend.personal import PersonalCache, UserContext
from storage.geo import distance_m
from tests.dialogue.recommend.builders import GANGNAM, MONDAY, around, at, shop, snapshot
from tests.fakes.clock import FakeClock

offsets = st.tuples(st.floats(-4000, 4000), st.floats(-4000, 4000))


@settings(max_examples=60, deadline=None)
@given(shops=st.lists(offsets, min_size=1, max_size=40), centre=offsets, radius=st.floats(50, 3000))
def test_near_finds_exactly_the_shops_within_the_radius(
    shops: list[tuple[float, float]], centre: tuple[float, float], radius: float
) -> None:
    catalogue = snapshot(*(shop(index, point=around(*offset)) for index, offset in enumerate(shops, start=1)))
    lat, lon = around(*centre)
    expected = {
        s.id
        for s in catalogue.shops.values()
        if s.latitude is not None
        and s.longitude is not None
        and distance_m(lat, lon, s.latitude, s.longitude) <= radius
    }
    assert {s.id for s, _ in catalogue.near(lat, lon, radius)} == expected


def test_indexes_by_area_and_category_include_shops_without_coordinates() -> None:
    catalogue = snapshot(
        shop(1, category="분식"), shop(2, category="한식", point=None), shop(3, area="seoul-mapo", point=None)
    )
    assert {s.id for s in catalogue.in_area("seoul-gangnam")} == {1, 2}
    assert {s.id for s in catalogue.in_category("분식")} == {1, 3}
    assert [s.id for s, _ in catalogue.near(*GANGNAM, 100)] == [1]
    assert catalogue.in_area("busan") == ()


def test_covers_the_days_whose_closures_are_known() -> None:
    catalogue = CatalogueSnapshot([], first_day=MONDAY - timedelta(days=1), last_day=MONDAY + timedelta(days=8))
    assert catalogue.covers(at("00:00")) and catalogue.covers(at("23:59", MONDAY + timedelta(days=1)))
    assert not catalogue.covers(at("00:00", MONDAY + timedelta(days=2)))
    assert not catalogue.covers(at("23:59", MONDAY - timedelta(days=1)))


class CountingLoader:
    def __init__(self) -> None:
        self.calls = 0
        self.fail = False
        self.gate: asyncio.Event | None = None
        self.entered = asyncio.Event()
        # Set as a load returns: the catalogue keeps the snapshot in the same step, before a waiter on this runs.
        self.returned = asyncio.Event()

    async def __call__(self, moment: datetime) -> CatalogueSnapshot:
        self.calls += 1
        self.entered.set()
        if self.gate is not None:
            await self.gate.wait()
        if self.fail:
            raise ConnectionError("database down")
        day = moment.date()
        self.returned.set()
        return CatalogueSnapshot(
            [shop(self.calls)], first_day=day - timedelta(days=3), last_day=day + timedelta(days=9)
        )


async def test_catalogue_serves_within_the_ttl_and_refreshes_in_the_background() -> None:
    clock, loader = FakeClock(), CountingLoader()
    catalogue = Catalogue(loader=loader, ttl_s=60, clock=clock)
    first = await catalogue.get(at("20:00"))
    assert await catalogue.get(at("20:01")) is first and loader.calls == 1
    clock.now += 61
    loader.returned.clear()
    assert await catalogue.get(at("20:02")) is first  # stale but served; a reload starts
    await loader.returned.wait()
    second = await catalogue.get(at("20:03"))
    assert second is not first and loader.calls == 2 and catalogue.reloads == 2
    await catalogue.aclose()


async def test_catalogue_waits_for_fresh_data_after_invalidate_or_when_far_too_old() -> None:
    clock, loader = FakeClock(), CountingLoader()
    catalogue = Catalogue(loader=loader, ttl_s=60, max_stale_s=120, clock=clock)
    first = await catalogue.get(at("20:00"))
    catalogue.invalidate()
    second = await catalogue.get(at("20:00"))
    assert second is not first and loader.calls == 2
    clock.now += 121
    third = await catalogue.get(at("20:00"))
    assert third is not second and loader.calls == 3


async def test_catalogue_reloads_for_a_moment_outside_its_closure_window() -> None:
    loader = CountingLoader()
    catalogue = Catalogue(loader=loader, clock=FakeClock())
    await catalogue.get(at("20:00"))
    await catalogue.get(at("20:00", MONDAY + timedelta(days=5)))
    assert loader.calls == 2


async def test_concurrent_callers_share_one_load() -> None:
    loader = CountingLoader()
    loader.gate = asyncio.Event()
    catalogue = Catalogue(loader=loader, clock=FakeClock())
    waiting = [asyncio.ensure_future(catalogue.get(at("20:00"))) for _ in range(5)]
    await loader.entered.wait()  # the first caller is loading; the others, started with it, wait for its load
    loader.gate.set()
    results = await asyncio.gather(*waiting)
    assert loader.calls == 1 and all(result is results[0] for result in results)


async def test_a_failed_reload_keeps_serving_the_last_snapshot_but_a_first_load_fails() -> None:
    clock, loader = FakeClock(), CountingLoader()
    catalogue = Catalogue(loader=loader, clock=clock)
    first = await catalogue.get(at("20:00"))
    loader.fail = True
    catalogue.invalidate()
    assert await catalogue.get(at("20:00")) is first
    with pytest.raises(ConnectionError):
        await Catalogue(loader=loader, clock=clock).get(at("20:00"))


async def test_personal_cache_ttl_forget_and_bound() -> None:
    clock = FakeClock()
    calls: list[int] = []

    async def loader(user_id: int) -> UserContext:
        calls.append(user_id)
        return UserContext(home_area=f"area-{user_id}-{len(calls)}")

    cache = PersonalCache(loader=loader, ttl_s=30, max_users=2, clock=clock)
    first = await cache.get(1)
    assert await cache.get(1) is first and calls == [1]
    clock.now += 31
    assert await cache.get(1) is not first
    cache.forget(1)
    await cache.get(1)
    await cache.get(2)
    await cache.get(3)  # user 1 is the least recently used and leaves
    await cache.get(1)
    assert calls == [1, 1, 1, 2, 3, 1]


def test_a_catalogue_needs_a_source() -> None:
    with pytest.raises(ValueError):
        Catalogue()
    with pytest.raises(ValueError):
        PersonalCache()
