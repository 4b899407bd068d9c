"""The sample data: what the generator produces, and what loading it (twice) writes on SQLite and PostgreSQL."""

from __future__ import annotations

import re
import statistics
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.orm import aliased
from sqlmodel import col, select

from storage.categories import CATEGORIES
from storage.database import Database
from storage.models import ChannelIdentity, ComponentChangeRule, MealCard, MenuItem, SetComponent, Shop
from storage.sample import SampleData, generate_sample_data, insert_sample_data, load_sample_data, table_counts
from storage.sample.areas import AREAS, PLACES, area_by_code
from storage.sample.burger import BREAKFAST, BURGER_SHOP_KEY, BURGER_SHOP_NAME, SECTIONS, SOFT_SERVE
from storage.sample.generate import SEOUL
from storage.sample.rows import Row
from storage.settings import SampleDataSettings

KEY = b"test-card-hash-key"
NOW = datetime(2025, 6, 16, 3, 0, tzinfo=UTC)  # a Monday, 12:00 in Seoul


def _settings(**changes: object) -> SampleDataSettings:
    return SampleDataSettings().model_copy(update=changes)


@pytest.fixture(scope="module")
def data() -> SampleData:
    return generate_sample_data(_settings(), KEY, now=NOW)


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


def test_generation_is_deterministic_for_a_seed(data: SampleData) -> None:
    assert generate_sample_data(_settings(), KEY, now=NOW) == data
    other = generate_sample_data(_settings(seed=7), KEY, now=NOW)
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
    assert {card["status"] for card in cards} == {"ACTIVE", "SUSPENDED", "EXPIRED", "LOST"}
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
    assert burger.key == BURGER_SHOP_KEY and burger.shop["name"] == BURGER_SHOP_NAME
    assert burger.shop["accepts_orders"] and burger.shop["card_acceptance"] == "Y"
    assert {(h["opens_at"], h["closes_at"]) for h in burger.hours} == {(7 * 60, 25 * 60)}  # 07:00-01:00, daily
    assert list(dict.fromkeys(item["category"] for item in burger.menu)) == list(SECTIONS)  # sets first
    assert Counter(item["kind"] for item in burger.menu) == {
        "set": 13,
        "main": 14,
        "side": 11,
        "drink": 11,
        "dessert": 7,
        "topping": 5,
    }
    assert sum(item["category"] in ("버거", "사이드", "음료", "디저트") for item in burger.menu) >= 40
    assert len({item["name"] for item in burger.menu}) == len(burger.menu)
    bulgogi_set = _burger_item(data, "불고기버거 세트")
    assert burger.menu[bulgogi_set]["price"] == 6900 and burger.menu[bulgogi_set]["kind"] == "set"
    defaults = {burger.menu[c.component_index]["name"] for c in burger.components if c.set_index == bulgogi_set}
    assert defaults == {"불고기버거", "감자튀김 (M)", "콜라 (M)"}
    for position, item in enumerate(burger.menu):  # every set: one burger, one side, one drink
        if item["kind"] == "set":
            parts = [burger.menu[c.component_index]["group"] for c in burger.components if c.set_index == position]
            assert sorted(parts) == ["burger", "drink", "side"], item["name"]
    rules = {(r.from_index, r.to_index): r for r in burger.change_rules}
    fries, cola = _burger_item(data, "감자튀김 (M)"), _burger_item(data, "콜라 (M)")
    for flavour in ("칠리", "치즈", "어니언"):
        assert rules[(fries, _burger_item(data, f"양념감자 ({flavour})"))].price_delta == 600
    assert rules[(cola, _burger_item(data, "사이다 (M)"))].price_delta == 0
    assert rules[(fries, _burger_item(data, "코울슬로"))].price_delta == 0  # cheaper: no refund
    water = rules[(cola, _burger_item(data, "생수"))]
    assert (water.price_delta, water.allow_discount) == (-500, True)  # the shop's own rule
    assert [rule for rule in rules.values() if rule.price_delta < 0] == [water]
    groups = {(burger.menu[a]["group"], burger.menu[b]["group"]) for a, b in rules}
    assert groups == {("side", "side"), ("drink", "drink")}


def test_burger_items_sold_out_or_sold_only_at_some_hours(data: SampleData) -> None:
    menu = data.shops[0].menu
    assert {item["name"] for item in menu if item["sold_out"]} == {
        "김치 라이스버거",
        "김치 라이스버거 세트",
        "오징어링",
        "딸기 선데",
    }
    hours = {item["name"]: (item["available_from"], item["available_until"]) for item in menu}
    timed = {name: span for name, span in hours.items() if span != (None, None)}
    assert timed == {
        "에그 불고기 머핀": BREAKFAST,
        "에그 치즈 머핀": BREAKFAST,
        "에그 불고기 머핀 세트": BREAKFAST,
        "소프트콘": SOFT_SERVE,
        "초코 선데": SOFT_SERVE,
    }
    assert BREAKFAST == (7 * 60, 10 * 60 + 30) and SOFT_SERVE == (11 * 60, 22 * 60)


# Loading into SQLite and PostgreSQL.


async def test_load_twice_writes_the_same_rows(db: Database) -> None:
    settings = _settings()
    first = await load_sample_data(db, settings, KEY)
    counts = await table_counts(db)
    assert first.inserted == first.generated and first.inserted["set_components"] == 39
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


async def test_burger_rules_in_the_database(db: Database) -> None:
    await load_sample_data(db, _settings(), KEY)
    source, target = aliased(MenuItem), aliased(MenuItem)
    async with db.session() as session:
        shop = (await session.exec(select(Shop).where(col(Shop.accepts_orders)))).one()
        items = {
            item.name: item for item in (await session.exec(select(MenuItem).where(MenuItem.shop_id == shop.id))).all()
        }
        set_item = items["불고기버거 세트"]
        components = (await session.exec(select(SetComponent).where(SetComponent.set_item_id == set_item.id))).all()
        rules = (
            await session.exec(
                select(source.name, target.name, ComponentChangeRule.price_delta, ComponentChangeRule.allow_discount)
                .join(source, col(source.id) == ComponentChangeRule.from_item_id)
                .join(target, col(target.id) == ComponentChangeRule.to_item_id)
                .where(ComponentChangeRule.shop_id == shop.id)
            )
        ).all()
    assert (shop.name, shop.source_key, shop.slack_channel) == (
        BURGER_SHOP_NAME,
        BURGER_SHOP_KEY,
        "#kkini-dundeun-burger",
    )
    assert (set_item.price, set_item.category) == (6900, "세트")
    names = {item.id: name for name, item in items.items()}
    assert {names[c.component_item_id] for c in components} == {"불고기버거", "감자튀김 (M)", "콜라 (M)"}
    assert len(components) == 3 and all(component.is_default for component in components)
    deltas = {(a, b): (delta, discount) for a, b, delta, discount in rules}
    assert deltas[("감자튀김 (M)", "양념감자 (칠리)")] == (600, False)
    assert deltas[("콜라 (M)", "사이다 (M)")] == (0, False)
    assert deltas[("콜라 (M)", "생수")] == (-500, True)
    assert min(delta for delta, _ in deltas.values()) == -500
    muffin, cone = items["에그 불고기 머핀"], items["소프트콘"]
    assert (muffin.available_from, muffin.available_until, muffin.category) == (420, 630, "버거")
    assert (cone.available_from, cone.available_until, cone.category) == (660, 1320, "디저트")
    assert items["오징어링"].sold_out and not items["치즈스틱"].sold_out
