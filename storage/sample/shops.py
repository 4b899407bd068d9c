"""Generated shops of the three sample areas, with menus, weekly hours, closed dates and staff overrides."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

from storage.models import CardAcceptance, StatusOverride
from storage.sample.areas import AREAS, Area, Street, nearest_branch, shop_location
from storage.sample.burger import BURGER_SHOP_NAME
from storage.sample.menus import MENUS, CategoryMenu, Dish
from storage.sample.names import shop_name
from storage.sample.rows import SAMPLE_SOURCE, Row, ShopSeed
from storage.sample.timetables import closure_days, weekly_hours

# Share of shops per category in every area: many 한식/분식, a few of the rest.
CATEGORY_WEIGHTS: dict[str, int] = {
    "한식": 18,
    "분식": 17,
    "중식": 8,
    "일식": 7,
    "양식": 5,
    "치킨": 7,
    "피자": 4,
    "햄버거": 3,
    "국밥": 7,
    "도시락": 4,
    "카페/디저트": 9,
    "제과점": 4,
    "편의점": 7,
}

# The registered business type (업종명) of a category, as municipal merchant lists write it.
BUSINESS_TYPES: dict[str, str] = {
    "햄버거": "패스트푸드",
    "카페/디저트": "카페",
    "국밥": "한식",
    "도시락": "일반대중음식",
}

ACCEPTANCE_SHARES: tuple[tuple[str, float], ...] = (
    (CardAcceptance.YES.value, 0.70),
    (CardAcceptance.NO.value, 0.10),
    (CardAcceptance.PARTIAL.value, 0.08),
    (CardAcceptance.UNKNOWN.value, 0.12),
)
GOOD_INFLUENCE_SHARE = 0.10
SOLD_OUT_CHANCE = 0.015


def shop_key(area: Area, index: int) -> str:
    """``Shop.source_key`` of the area's ``index``-th generated shop (from 1)."""
    return f"{area.code}-{index:03d}"


def allocate(total: int, weights: dict[str, int]) -> dict[str, int]:
    """Split ``total`` by ``weights`` with largest remainders, so the mix is exact and every share is present."""
    whole = sum(weights.values())
    exact = {key: total * weight / whole for key, weight in weights.items()}
    counts = {key: int(value) for key, value in exact.items()}
    for key in sorted(exact, key=lambda k: exact[k] - counts[k], reverse=True)[: total - sum(counts.values())]:
        counts[key] += 1
    return counts


def _shuffled_labels(rng: random.Random, total: int, shares: tuple[tuple[str, float], ...]) -> list[str]:
    counts = allocate(total, {label: round(share * 1000) for label, share in shares})
    labels = [label for label, count in counts.items() for _ in range(count)]
    rng.shuffle(labels)
    return labels


def _price(dish: Dish, factor: float, step: int, rng: random.Random) -> int:
    price = round(rng.uniform(dish.low, dish.high) * factor / step) * step
    # The area's level shifts prices, but never more than 10% under or 5% over the national range.
    floor = -(-int(dish.low * 0.9) // step) * step
    ceiling = int(dish.high * 1.05) // step * step
    return max(step, floor, min(price, ceiling))


def menu_rows(menu: CategoryMenu, factor: float, rng: random.Random, signature: str | None) -> list[Row]:
    """A shop's menu: a sample of each part of its category's menu, priced at the shop's level."""
    picked: list[Dish] = []
    for part, (low, high) in zip((menu.mains, menu.sides, menu.drinks, menu.extras), menu.counts, strict=True):
        picked.extend(rng.sample(part, min(len(part), rng.randint(low, high))))
    if signature and not any(signature in dish.name for dish in picked):
        promised = [dish for dish in menu.mains + menu.extras if signature in dish.name]
        if promised:
            picked[0] = rng.choice(promised)
    return [
        {
            "name": dish.name,
            "price": _price(dish, factor, menu.step, rng),
            "kind": dish.kind,
            "group": None,
            "description": dish.description,
            "tags": list(dish.tags),
            "sold_out": rng.random() < SOLD_OUT_CHANCE,
            "external_code": None,
        }
        for dish in picked
    ]


def _phone(area: Area, rng: random.Random) -> str | None:
    if rng.random() < 0.12:
        return None
    prefix = rng.choice(area.phone_prefixes)
    exchange_digits = 2 if prefix.startswith("02-") else 1
    return f"{prefix}{rng.randrange(10**exchange_digits):0{exchange_digits}d}-{rng.randrange(10000):04d}"


def _address(area: Area, street: Street, number: int, rng: random.Random) -> str:
    address = area.street_address(street, number)
    if rng.random() < 0.15:
        address += f", {rng.choice((1, 2, 2, 3))}층"
    return address


def _area_shops(area: Area, rng: random.Random, now: datetime, taken: set[str]) -> list[ShopSeed]:
    categories = [c for c, n in allocate(area.shop_count, CATEGORY_WEIGHTS).items() for _ in range(n)]
    rng.shuffle(categories)
    acceptance = _shuffled_labels(rng, len(categories), ACCEPTANCE_SHARES)
    good = _shuffled_labels(rng, len(categories), (("1", GOOD_INFLUENCE_SHARE), ("0", 1 - GOOD_INFLUENCE_SHARE)))
    streets, weights = list(area.streets), [street.weight for street in area.streets]
    seeds: list[ShopSeed] = []
    for index, category in enumerate(categories, start=1):
        street = rng.choices(streets, weights)[0]
        number, lat, lon = shop_location(area, street, rng)
        name, signature = shop_name(category, area, rng, taken, nearest_branch(area, lat, lon))
        factor = 1.0 if category == "편의점" else area.price_level * rng.uniform(0.93, 1.07)
        shop: Row = {
            "name": name,
            "category": category,
            "business_type": BUSINESS_TYPES.get(category, category),
            "area": area.code,
            "address": _address(area, street, number, rng),
            "latitude": lat,
            "longitude": lon,
            "phone": _phone(area, rng),
            "card_acceptance": acceptance[index - 1],
            "good_influence": good[index - 1] == "1",
            "hours_known": True,
            "status_override": None,
            "override_until": None,
            "accepts_orders": False,
            "slack_channel": None,
            "popularity": round(rng.betavariate(2, 5) * 100, 1),
            "source": SAMPLE_SOURCE,
            "source_key": shop_key(area, index),
            "created_at": now,
            "updated_at": now,
        }
        seeds.append(
            ShopSeed(
                shop=shop,
                hours=weekly_hours(category, rng, office_district=area.code == "seoul-gangnam"),
                menu=menu_rows(MENUS[category], factor, rng, signature),
            )
        )
    return seeds


# (status, hours until the override lapses; None = until staff lift it). One has already lapsed.
_OVERRIDES: tuple[tuple[str, float | None], ...] = (
    (StatusOverride.CLOSED.value, 24.0),
    (StatusOverride.CLOSED.value, 3.0),
    (StatusOverride.CLOSED.value, None),
    (StatusOverride.CLOSED.value, -20.0),
    (StatusOverride.BREAK.value, 1.0),
    (StatusOverride.BREAK.value, 0.5),
    (StatusOverride.OPEN.value, 2.0),
    (StatusOverride.OPEN.value, 5.0),
)


def _mark_exceptions(seeds: list[ShopSeed], rng: random.Random, today: date, now: datetime) -> None:
    """A few staff overrides and irregular closed dates, on shops that are otherwise ordinary."""
    chosen = rng.sample(range(len(seeds)), len(_OVERRIDES) + 18)
    for position, (status, hours) in zip(chosen, _OVERRIDES, strict=False):
        seeds[position].shop["status_override"] = status
        seeds[position].shop["override_until"] = None if hours is None else now + timedelta(hours=hours)
    for number, position in enumerate(chosen[len(_OVERRIDES) :]):
        seeds[position].closures = closure_days(rng, today, include_today=number < 3)


def generate_shops(seed: int, now: datetime, today: date) -> list[ShopSeed]:
    """Every generated shop of every area, deterministic for ``seed`` (dates relative to ``now``/``today``)."""
    seeds: list[ShopSeed] = []
    taken: set[str] = {BURGER_SHOP_NAME}  # names are unique across areas, so that a name finds one shop
    for area in AREAS:
        seeds.extend(_area_shops(area, random.Random(f"{seed}:shops:{area.code}"), now, taken))
    _mark_exceptions(seeds, random.Random(f"{seed}:exceptions"), today, now)
    return seeds
