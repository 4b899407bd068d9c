"""The sample data: what the generator produces, and what loading it (twice) writes on SQLite and PostgreSQL."""

from __future__ import annotations

import logging
import re
import statistics
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy.orm import aliased
from sqlmodel import col, select

from storage.categories import CATEGORIES
from storage.database import Database
from storage.models import ChannelIdentity, ComponentChangeRule, MealCard, MenuItem, SetComponent, Shop
from storage.sample import SampleData, generate_sample_data, insert_sample_data, load_sample_data, table_counts
from storage.sample.areas import AREAS, PLACES, area_by_code
from storage.sample.generate import SEOUL
from storage.sample.rows import Row
from storage.settings import SampleDataSettings

KEY = b"test-card-hash-key"
NOW = datetime(2025, 6, 16, 3, 0, tzinfo=UTC)  # a Monday, 12:00 in Seoul


def _settings(shared_dir: Path, **changes: object) -> SampleDataSettings:
    return SampleDataSettings(burger_dir=shared_dir / "data/burger").model_copy(update=changes)


@pytest.fixture(scope="module")
def data(shared_dir: Path) -> SampleData:
    return generate_sample_data(_settings(shared_dir), KEY, now=NOW)


def _items(data: SampleData, category: str | None = None) -> list[Row]:
    return [item for s in data.shops if category in (None, s.shop["category"]) for item in s.menu]


# The generator, without a database.


def test_counts_meet_the_minimums(data: SampleData) -> None:
    counts = data.counts()
    assert counts["shops"] >= 400
    assert counts["menu_items"] >= 4000
    assert counts["users"] == counts["meal_cards"] == 60
    assert counts["coupons"] == 30
    assert {s.shop["area"] for s in data.shops} == {"seoul-gangnam", "seoul-mapo", "chuncheon"}
    assert {p["code"] for p in data.programs} >= {"seoul-kkumnamu", "chuncheon"}


def test_generation_is_deterministic_for_a_seed(shared_dir: Path, data: SampleData) -> None:
    assert generate_sample_data(_settings(shared_dir), KEY, now=NOW) == data
    other = generate_sample_data(_settings(shared_dir, seed=7), KEY, now=NOW)
    assert [s.shop["name"] for s in other.shops] != [s.shop["name"] for s in data.shops]


def test_shops_stand_on_real_streets_inside_their_district(data: SampleData) -> None:
    for area in AREAS:
        shops = [s.shop for s in data.shops if s.shop["area"] == area.code]
        assert len(shops) >= 100
        streets = "|".join(street.name for street in area.streets)
        pattern = re.compile(rf"^{area.region} ({streets}) \d+(, \d층)?$")
        min_lat, max_lat, min_lon, max_lon = area.bounds
        for shop in shops:
            assert pattern.match(shop["address"]), shop["address"]
            assert min_lat <= shop["latitude"] <= max_lat and min_lon <= shop["longitude"] <= max_lon


def test_category_mix_and_card_acceptance(data: SampleData) -> None:
    shops = [s.shop for s in data.shops]
    assert len({shop["name"] for shop in shops}) == len(shops)
    categories = Counter(shop["category"] for shop in shops)
    assert set(categories) == set(CATEGORIES)
    assert {name for name, _ in categories.most_common(2)} == {"한식", "분식"}
    acceptance = Counter(shop["card_acceptance"] for shop in shops)
    assert 0.65 <= acceptance["Y"] / len(shops) <= 0.75
    assert min(acceptance["N"], acceptance["P"], acceptance["U"]) > 0
    assert 0.07 <= sum(shop["good_influence"] for shop in shops) / len(shops) <= 0.13


def test_prices_follow_korean_levels(data: SampleData) -> None:
    items = _items(data)
    assert sum(item["price"] <= 9500 for item in items) / len(items) > 0.6
    snacks = [i["price"] for i in _items(data, "분식") if i["kind"] == "main"]
    assert 3000 <= statistics.median(snacks) <= 9000
    whole = [i for c in ("치킨", "피자") for i in _items(data, c) if re.search(r"^[^반]*치킨$|\(L\)$", str(i["name"]))]
    assert whole and all(15000 <= i["price"] <= 25000 for i in whole)
    drinks = [i["price"] for i in items if i["kind"] == "drink"]
    assert all(1000 <= p <= 5500 for p in drinks)
    assert {"spicy", "pork", "beef", "seafood", "vegetarian"} <= {t for i in items for t in i["tags"]}
    assert 0 < sum(bool(i["sold_out"]) for i in items) < len(items) * 0.05


def test_hours_have_breaks_closed_days_and_late_nights(data: SampleData) -> None:
    hours = {s.key: s.hours for s in data.shops}
    assert sum(any(h["break_start"] == 900 for h in rows) for rows in hours.values()) >= 30
    assert sum(6 not in {h["weekday"] for h in rows} for rows in hours.values()) >= 20  # closed on Sundays
    assert sum(0 not in {h["weekday"] for h in rows} for rows in hours.values()) >= 5  # closed on Mondays
    assert sum(any(h["closes_at"] > 1440 for h in rows) for rows in hours.values()) >= 10
    assert any(all(h["opens_at"] == 0 and h["closes_at"] == 1440 for h in rows) for rows in hours.values())
    today = NOW.astimezone(SEOUL).date()
    closures = [c["day"] for s in data.shops for c in s.closures]
    assert today in closures and len(closures) >= 10
    assert {s.shop["status_override"] for s in data.shops} >= {"open", "closed", "break"}


def test_places_name_landmarks_of_every_area() -> None:
    names = {place.name: place for place in PLACES}
    assert {"강남역", "역삼역", "선릉역", "홍대입구역", "합정역", "망원역", "공덕역", "춘천역", "남춘천역"} <= set(
        names
    )
    assert "홍대" in names["홍대입구역"].aliases and "강남" in names["강남역"].aliases
    assert {place.kind for place in PLACES} >= {"station", "school", "park"}
    for place in PLACES:
        min_lat, max_lat, min_lon, max_lon = area_by_code(place.area).bounds
        assert min_lat <= place.lat <= max_lat and min_lon <= place.lon <= max_lon, place.name
    aliases = [alias for place in PLACES for alias in place.aliases]
    assert len(aliases) == len(set(aliases)) and not set(aliases) & set(names)


def test_demo_users_hold_cards_of_both_programmes(data: SampleData) -> None:
    assert [u.external_id for u in data.users] == [f"demo{n:02d}" for n in range(1, 61)]
    cards = [u.card for u in data.users]
    balances = [card["balance"] for card in cards]
    assert min(balances) == 0 and max(balances) == 200_000 and any(0 < b < 5000 for b in balances)
    assert Counter(card["program_code"] for card in cards) == {"seoul-kkumnamu": 40, "chuncheon": 20}
    assert all(re.fullmatch(r"\d{4}-\*{4}-\*{4}-\d{4}", card["number_masked"]) for card in cards)
    assert len({card["number_hash"] for card in cards}) == 60
    assert {card["status"] for card in cards} == {"ACTIVE", "SUSPENDED", "EXPIRED"}
    today = NOW.astimezone(SEOUL).date()
    assert any(c["spent_on"] == today and c["spent_today"] == c["daily_limit"] for c in cards)
    assert any(u.user["preferences"].get("dislikes") == ["spicy"] for u in data.users)


def test_coupons_cover_every_scope_and_window(data: SampleData) -> None:
    coupons = [seed.coupon for seed in data.coupons]
    assert {c["scope"] for c in coupons} == {"ALL", "SHOP", "CATEGORY", "FOODCARD"}
    for coupon in coupons:
        if coupon["discount_type"] == "FIXED":
            assert 500 <= coupon["amount"] <= 3000
        else:
            assert 5 <= coupon["amount"] <= 20 and coupon["max_discount"]
    assert sum(NOW < c["valid_until"] <= NOW + timedelta(days=3) for c in coupons) >= 3
    assert sum(c["valid_until"] < NOW for c in coupons) >= 2
    assert sum(len(user.wallet) > 0 for user in data.users) >= 55


def _burger_item(data: SampleData, name: str) -> int:
    return next(i for i, item in enumerate(data.shops[0].menu) if item["name"] == name)


def test_burger_catalogue_sets_and_change_rules(data: SampleData) -> None:
    burger = data.shops[0]
    assert burger.shop["accepts_orders"] and burger.shop["card_acceptance"] == "Y"
    assert Counter(item["kind"] for item in burger.menu) == {
        "set": 19,
        "main": 19,
        "side": 15,
        "drink": 16,
        "topping": 5,
    }
    bulgogi_set = _burger_item(data, "한우불고기버거 세트")
    assert burger.menu[bulgogi_set]["price"] == 10200 and burger.menu[bulgogi_set]["external_code"] == "G00001"
    defaults = {burger.menu[c.component_index]["name"] for c in burger.components if c.set_index == bulgogi_set}
    assert defaults == {"한우불고기버거", "포테이토 (미디움)", "콜라 (미디움)"}
    rules = {(r.from_index, r.to_index): r.price_delta for r in burger.change_rules}
    fries, onion = _burger_item(data, "포테이토 (미디움)"), _burger_item(data, "양념감자 (어니언)")
    cola, cider = _burger_item(data, "콜라 (미디움)"), _burger_item(data, "사이다 (미디움)")
    assert rules[(fries, onion)] == 600 and rules[(cola, cider)] == 0
    assert rules[(fries, _burger_item(data, "코울슬로"))] == 0  # cheaper: no refund
    assert all(delta >= 0 for delta in rules.values())
    groups = {(burger.menu[a]["group"], burger.menu[b]["group"]) for a, b in rules}
    assert groups == {("side", "side"), ("drink", "drink")}


# Loading into SQLite and PostgreSQL.


async def test_load_twice_writes_the_same_rows(db: Database, shared_dir: Path) -> None:
    settings = _settings(shared_dir)
    first = await load_sample_data(db, settings, KEY)
    counts = await table_counts(db)
    assert first.burger_loaded and first.inserted == first.generated
    assert {table: counts[table] for table in first.inserted} == first.inserted
    assert counts["shops"] >= 400 and counts["menu_items"] >= 4000

    again = await load_sample_data(db, settings, KEY)
    assert again.total_inserted == 0
    # The full comparison (not only the fast path) finds nothing missing either.
    assert sum((await insert_sample_data(db, generate_sample_data(settings, KEY))).values()) == 0
    assert await table_counts(db) == counts
    assert list(counts) == sorted(counts)

    async with db.session() as session:
        rows = (
            await session.exec(
                select(ChannelIdentity.external_id, MealCard.balance)
                .join(MealCard, col(MealCard.user_id) == ChannelIdentity.user_id)
                .where(ChannelIdentity.channel == "console")
            )
        ).all()
    holders = dict(rows)
    assert set(holders) == {f"demo{n:02d}" for n in range(1, 61)}
    assert min(holders.values()) == 0 and max(holders.values()) == 200_000


async def test_burger_rules_in_the_database(db: Database, shared_dir: Path) -> None:
    await load_sample_data(db, _settings(shared_dir), KEY)
    source, target = aliased(MenuItem), aliased(MenuItem)
    async with db.session() as session:
        shop = (await session.exec(select(Shop).where(col(Shop.accepts_orders)))).one()
        set_item = (
            await session.exec(
                select(MenuItem).where(MenuItem.shop_id == shop.id, MenuItem.name == "한우불고기버거 세트")
            )
        ).one()
        components = (await session.exec(select(SetComponent).where(SetComponent.set_item_id == set_item.id))).all()
        rules = (
            await session.exec(
                select(source.name, target.name, ComponentChangeRule.price_delta)
                .join(source, col(source.id) == ComponentChangeRule.from_item_id)
                .join(target, col(target.id) == ComponentChangeRule.to_item_id)
                .where(ComponentChangeRule.shop_id == shop.id)
            )
        ).all()
    assert shop.name == "버거리아 강남역점" and shop.slack_channel == "#kkini-burgeria"
    assert len(components) == 3 and all(component.is_default for component in components)
    deltas = {(a, b): delta for a, b, delta in rules}
    assert deltas[("포테이토 (미디움)", "양념감자 (어니언)")] == 600
    assert deltas[("콜라 (미디움)", "사이다 (미디움)")] == 0
    assert min(deltas.values()) >= 0


async def test_missing_burger_folder_loads_everything_else(
    db: Database, shared_dir: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="storage.sample"):
        report = await load_sample_data(db, _settings(shared_dir, burger_dir=tmp_path / "nowhere"), KEY)
    assert not report.burger_loaded
    assert any("burger catalogue not found" in record.getMessage() for record in caplog.records)
    counts = await table_counts(db)
    assert counts["shops"] >= 400 and counts["users"] == 60
    assert counts["set_components"] == counts["component_change_rules"] == 0
    assert counts["coupons"] == 28  # the burger shop's two coupons wait for the shop

    # Once the catalogue is there, a second load adds the burger shop and its coupons, and nothing else.
    later = await load_sample_data(db, _settings(shared_dir), KEY)
    assert later.inserted["shops"] == 1 and later.inserted["users"] == 0
    assert (await table_counts(db))["coupons"] == 30
