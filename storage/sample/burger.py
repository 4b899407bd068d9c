"""The burger shop that takes orders through kkini, built from the burger chain's catalogue CSVs.

The catalogue is read at load time from ``SampleDataSettings.burger_dir``: ``menu_categories.csv`` gives the order
of the categories, ``products.csv`` the items with their prices, ``set_items.csv`` what each set comes with. Changing a
set's side or drink to another item of the same group costs the price difference, never less than nothing
(포테이토 (미디움) 2,000 -> 양념감자 (어니언) 2,600 = +600; 콜라 (미디움) -> 사이다 (미디움) = +0).
"""

from __future__ import annotations

import csv
import logging
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from storage.models import CardAcceptance, MenuKind
from storage.sample.rows import SAMPLE_SOURCE, ChangeRuleSeed, ComponentSeed, Row, ShopSeed

logger = logging.getLogger(__name__)

BURGER_FILES = ("products.csv", "set_items.csv", "menu_categories.csv")
BURGER_SHOP_KEY = "burgeria-gangnam-station"
BURGER_SHOP_NAME = "버거리아 강남역점"

# (kind, component group) by catalogue category, then by product type for categories not listed here.
_BY_CATEGORY: dict[str, tuple[MenuKind, str | None]] = {
    "CAT_BURGER": (MenuKind.MAIN, "burger"),
    "CAT_SIDES": (MenuKind.SIDE, "side"),
    "CAT_BEVERAGE": (MenuKind.DRINK, "drink"),
    "CAT_TOPPINGS": (MenuKind.TOPPING, "topping"),
    "CAT_SET": (MenuKind.SET, None),
}
_BY_TYPE: dict[str, tuple[MenuKind, str | None]] = {
    "burger": (MenuKind.MAIN, "burger"),
    "sides": (MenuKind.SIDE, "side"),
    "beverage": (MenuKind.DRINK, "drink"),
    "toppings": (MenuKind.TOPPING, "topping"),
    "set": (MenuKind.SET, None),
}
CHANGEABLE_GROUPS = ("side", "drink")

# Tags read off a product's name and description.
_TAG_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("beef", re.compile(r"한우|불고기|쇠고기|소고기|비프|치즈버거|데리버거|더블X2")),
    ("pork", re.compile(r"베이컨")),
    ("chicken", re.compile(r"치킨|닭|너겟|T-Rex|지파이")),
    ("seafood", re.compile(r"새우|쥐포")),
    ("spicy", re.compile(r"핫 |매콤|하바네로|칠리|실비김치|청양")),
)
MEAT_TAGS = frozenset({"beef", "pork", "chicken", "seafood"})
_VEGETARIAN_SIDES = re.compile(r"포테이토|양념감자 \((어니언|치즈)\)|치즈스틱|코울슬로|못난이치즈감자")


@dataclass(frozen=True, slots=True)
class BurgerProduct:
    product_id: str
    category_id: str
    name: str
    product_type: str
    price: int
    stock: int
    description: str


def _set_tags(component_tags: set[str]) -> list[str]:
    """A set is vegetarian only when nothing in it has meat or fish."""
    if component_tags & MEAT_TAGS:
        component_tags = component_tags - {"vegetarian"}
    return sorted(component_tags)


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def _tags(product: BurgerProduct) -> list[str]:
    text = f"{product.name} {product.description}"
    tags = [tag for tag, pattern in _TAG_PATTERNS if pattern.search(text)]
    if not tags and _VEGETARIAN_SIDES.search(product.name):
        tags.append("vegetarian")
    return tags


def read_products(folder: Path) -> list[BurgerProduct]:
    """Products in catalogue order: by the category order of menu_categories.csv, then as products.csv lists them.

    Categories without products (chicken, dips, combos in the 2025 catalogue) contribute nothing.
    """
    category_order = [row["category_id"].strip() for row in _read(folder / "menu_categories.csv")]
    products: list[BurgerProduct] = []
    for line, row in enumerate(_read(folder / "products.csv"), start=2):
        try:
            products.append(
                BurgerProduct(
                    product_id=row["product_id"].strip(),
                    category_id=row["category_id"].strip(),
                    name=row["product_name"].strip(),
                    product_type=row["product_type"].strip(),
                    price=int(row["price"]),
                    stock=int(row["stock_quantity"] or 0),
                    description=" ".join(row["description"].split()),
                )
            )
        except (KeyError, ValueError) as error:
            raise ValueError(f"{folder / 'products.csv'} line {line}: {error}") from error
    rank = {category: position for position, category in enumerate(category_order)}
    return sorted(products, key=lambda product: rank.get(product.category_id, len(rank)))


def _kind_and_group(product: BurgerProduct) -> tuple[MenuKind, str | None]:
    return _BY_CATEGORY.get(product.category_id) or _BY_TYPE.get(product.product_type) or (MenuKind.MAIN, None)


def missing_files(folder: Path) -> list[str]:
    """The catalogue files absent from ``folder``; empty when the burger shop can be built."""
    return [name for name in BURGER_FILES if not (folder / name).is_file()]


def burger_shop(folder: Path, now: datetime) -> ShopSeed | None:
    """The burger shop with its catalogue, or None (and a warning) when the catalogue folder is missing."""
    missing = missing_files(folder)
    if missing:
        logger.warning(
            "burger catalogue not found in %s (missing %s); loading the sample data without the burger shop",
            folder,
            ", ".join(missing),
        )
        return None
    products = read_products(folder)
    index = {product.product_id: position for position, product in enumerate(products)}
    seed = ShopSeed(shop=_shop_row(now), hours=_daily(opens=600, closes=1320))

    components: list[ComponentSeed] = []
    set_tags: dict[int, set[str]] = {}
    for row in _read(folder / "set_items.csv"):
        set_id, component_id = row["set_product_id"].strip(), row["component_product_id"].strip()
        if set_id not in index or component_id not in index:
            raise ValueError(f"set_items.csv names an unknown product: {set_id} -> {component_id}")
        component = ComponentSeed(
            set_index=index[set_id],
            component_index=index[component_id],
            quantity=int(row.get("quantity") or 1),
            is_default=row.get("is_default", "1").strip() in ("1", "true", "True"),
        )
        components.append(component)
        if component.is_default:
            set_tags.setdefault(component.set_index, set()).update(_tags(products[component.component_index]))

    for position, product in enumerate(products):
        kind, group = _kind_and_group(product)
        tags = _set_tags(set_tags.get(position, set())) if kind is MenuKind.SET else _tags(product)
        seed.menu.append(
            {
                "name": product.name,
                "price": product.price,
                "kind": kind.value,
                "group": group,
                "description": product.description[:400] or None,
                "tags": tags,
                "sold_out": product.stock <= 0,
                "external_code": product.product_id,
            }
        )
    seed.components = components
    seed.change_rules = change_rules(seed.menu, components)
    return seed


def change_rules(menu: list[Row], components: list[ComponentSeed]) -> list[ChangeRuleSeed]:
    """From every set's default side or drink to each other orderable item of its group, at the price difference."""
    rules: dict[tuple[int, int], ChangeRuleSeed] = {}
    for component in components:
        source = menu[component.component_index]
        if not component.is_default or source["group"] not in CHANGEABLE_GROUPS:
            continue
        for target_index, target in enumerate(menu):
            if target_index == component.component_index or target["group"] != source["group"] or target["sold_out"]:
                continue
            delta = max(0, int(target["price"]) - int(source["price"]))
            rules[(component.component_index, target_index)] = ChangeRuleSeed(
                component.component_index, target_index, delta
            )
    return list(rules.values())


def _shop_row(now: datetime) -> Row:
    return {
        "name": BURGER_SHOP_NAME,
        "category": "햄버거",
        "business_type": "패스트푸드",
        "area": "seoul-gangnam",
        "address": "서울특별시 강남구 테헤란로 107",
        "latitude": 37.49885,
        "longitude": 127.02905,
        "phone": "02-555-0410",
        "card_acceptance": CardAcceptance.YES.value,
        "good_influence": True,
        "hours_known": True,
        "status_override": None,
        "override_until": None,
        "accepts_orders": True,
        "slack_channel": "#kkini-burgeria",
        "popularity": 92.0,
        "source": SAMPLE_SOURCE,
        "source_key": BURGER_SHOP_KEY,
        "created_at": now,
        "updated_at": now,
    }


def _daily(opens: int, closes: int) -> list[Row]:
    return [
        {"weekday": day, "opens_at": opens, "closes_at": closes, "break_start": None, "break_end": None}
        for day in range(7)
    ]
