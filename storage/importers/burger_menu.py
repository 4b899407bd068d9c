"""Importing a burger chain's menu (products.csv, set_items.csv, menu_categories.csv) into one shop.

The format is a fast-food chain's catalogue export:

- ``menu_categories.csv``: ``category_id, category_name`` in the order the menu lists them;
- ``products.csv``: ``product_id, category_id, product_name, product_type, price, stock_quantity, description``
  (``product_type``: burger, sides, beverage, toppings, set; a stock of 0 is sold out);
- ``set_items.csv``: ``set_item_id, set_product_id, component_product_id, is_default, quantity``.

The three files are read and checked as a whole before the database is touched, and the shop's menu is replaced in
one transaction: items are matched by their ``product_id`` (kept as ``external_code``), so a re-import updates them
in place; items the files no longer list are removed (past order lines keep their own names and prices); the shop's
sets and change rules are written anew, each change of a set's side or drink at the price difference
(`storage.set_menus`). A bad file writes nothing.
"""

from __future__ import annotations

import csv
import io
import logging
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Table, delete, insert, or_, update
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlmodel import SQLModel, col, select

from storage.database import Database
from storage.models import ComponentChangeRule, MenuItem, MenuKind, SetComponent, Shop
from storage.set_menus import ComponentSeed, change_rules

logger = logging.getLogger(__name__)

MENU_FILES = ("products.csv", "set_items.csv", "menu_categories.csv")
MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5_000

_COLUMNS = {
    "menu_categories.csv": ("category_id", "category_name"),
    "products.csv": ("product_id", "category_id", "product_name", "product_type", "price", "stock_quantity"),
    "set_items.csv": ("set_product_id", "component_product_id"),
}
# (kind, component group) by product type.
_TYPES: dict[str, tuple[MenuKind, str | None]] = {
    "burger": (MenuKind.MAIN, "burger"),
    "sides": (MenuKind.SIDE, "side"),
    "beverage": (MenuKind.DRINK, "drink"),
    "toppings": (MenuKind.TOPPING, "topping"),
    "set": (MenuKind.SET, None),
    "dessert": (MenuKind.DESSERT, None),
}


def _table(model: type[SQLModel]) -> Table:
    return SQLModel.metadata.tables[str(model.__tablename__)]


ITEMS, COMPONENTS, RULES = _table(MenuItem), _table(SetComponent), _table(ComponentChangeRule)
_TRUE = frozenset({"1", "true", "y", "yes"})
_FALSE = frozenset({"0", "false", "n", "no"})

# Tags the recommender filters on, read off a product's name and description.
_TAG_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("beef", re.compile(r"한우|불고기|쇠고기|소고기|비프|치즈버거|데리버거|더블X2")),
    ("pork", re.compile(r"베이컨|돼지")),
    ("chicken", re.compile(r"치킨|닭|너겟|T-Rex|지파이")),
    ("seafood", re.compile(r"새우|쥐포|오징어")),
    ("spicy", re.compile(r"핫 |매콤|매운|하바네로|칠리|실비김치|청양")),
)
_MEAT_TAGS = frozenset({"beef", "pork", "chicken", "seafood"})
_VEGETARIAN_SIDES = re.compile(r"포테이토|감자|치즈스틱|코울슬로")


class MenuFileError(ValueError):
    """The menu files cannot be imported as they are; the message names the file, the line and what is wrong."""


@dataclass(frozen=True, slots=True)
class MenuFiles:
    """The checked content of a menu folder: menu rows in the menu's order and the sets' components."""

    folder: Path
    menu: list[dict[str, Any]]
    components: list[ComponentSeed]

    @property
    def sets(self) -> int:
        return sum(1 for row in self.menu if row["kind"] == MenuKind.SET)


@dataclass(slots=True)
class MenuImportReport:
    shop_id: int
    shop_name: str
    products: int
    sets: int
    change_rules: int
    inserted: int = 0
    updated: int = 0
    removed: int = 0
    seconds: float = 0.0
    categories: dict[str, int] = field(default_factory=dict)


def read_menu_files(folder: Path) -> MenuFiles:
    """Read and check the three files; `MenuFileError` for anything missing, malformed or inconsistent."""
    if not folder.is_dir():
        raise MenuFileError(f"{folder} is not a folder (expected {', '.join(MENU_FILES)} in it)")
    missing = [name for name in MENU_FILES if not (folder / name).is_file()]
    if missing:
        raise MenuFileError(f"{folder} lacks {', '.join(missing)}")
    categories = {row["category_id"]: (position, row["category_name"]) for position, row in _rows(folder, 2)}
    products: list[dict[str, Any]] = []
    index: dict[str, int] = {}
    lines: list[int] = []
    for line, row in _rows(folder, 0):
        where = f"products.csv line {line}"
        code = row["product_id"]
        if not code or len(code) > 40:
            raise MenuFileError(f"{where}: product_id must be 1 to 40 characters")
        if code in index:
            raise MenuFileError(f"{where}: product_id {code} appears twice")
        if row["category_id"] not in categories:
            raise MenuFileError(f"{where}: category_id {row['category_id']!r} is not in menu_categories.csv")
        kind_group = _TYPES.get(row["product_type"].lower())
        if kind_group is None:
            raise MenuFileError(
                f"{where}: product_type {row['product_type']!r} is not one of {', '.join(sorted(_TYPES))}"
            )
        name = " ".join(row["product_name"].split())
        if not name or len(name) > 120:
            raise MenuFileError(f"{where}: product_name must be 1 to 120 characters")
        price = _integer(row["price"], f"{where}: price")
        stock = _integer(row["stock_quantity"] or "0", f"{where}: stock_quantity")
        kind, group = kind_group
        description = " ".join((row.get("description") or "").split())
        index[code] = len(products)
        lines.append(line)
        products.append(
            {
                "name": name,
                "price": price,
                "kind": kind.value,
                "group": group,
                "category": categories[row["category_id"]][1][:20] or None,
                "description": description[:400] or None,
                "tags": [],
                "sold_out": stock <= 0,
                "external_code": code,
                "available_from": None,
                "available_until": None,
                "_rank": categories[row["category_id"]][0],
            }
        )
    if not products:
        raise MenuFileError(f"{folder / 'products.csv'} lists no products")
    components: list[ComponentSeed] = []
    seen: set[tuple[int, int]] = set()
    for line, row in _rows(folder, 1):
        where = f"set_items.csv line {line}"
        set_code, part_code = row["set_product_id"], row["component_product_id"]
        for code in (set_code, part_code):
            if code not in index:
                raise MenuFileError(f"{where}: product {code!r} is not in products.csv")
        set_index, part_index = index[set_code], index[part_code]
        if products[set_index]["kind"] != MenuKind.SET:
            raise MenuFileError(f"{where}: {set_code} is not a set (product_type set)")
        if products[part_index]["kind"] == MenuKind.SET:
            raise MenuFileError(f"{where}: a set cannot contain another set ({part_code})")
        if (set_index, part_index) in seen:
            raise MenuFileError(f"{where}: {set_code} lists {part_code} twice")
        seen.add((set_index, part_index))
        quantity = _integer(row.get("quantity") or "1", f"{where}: quantity", minimum=1)
        default = (row.get("is_default") or "1").strip().lower()
        if default not in _TRUE | _FALSE:
            raise MenuFileError(f"{where}: is_default must be 1 or 0, not {default!r}")
        components.append(ComponentSeed(set_index, part_index, quantity, default in _TRUE))
    for position, product in enumerate(products):
        if product["kind"] == MenuKind.SET and not any(
            c.set_index == position and c.is_default and products[c.component_index]["group"] == "burger"
            for c in components
        ):
            raise MenuFileError(
                f"products.csv line {lines[position]}: the set {product['external_code']} has no default burger "
                "in set_items.csv"
            )
    return _in_menu_order(folder, products, components)


def _in_menu_order(folder: Path, products: list[dict[str, Any]], components: list[ComponentSeed]) -> MenuFiles:
    """Products by the categories' order (then as the file lists them), tagged; components re-pointed."""
    order = sorted(range(len(products)), key=lambda position: products[position]["_rank"])
    moved = {old: new for new, old in enumerate(order)}
    menu = [{key: value for key, value in products[old].items() if key != "_rank"} for old in order]
    components = [
        ComponentSeed(moved[c.set_index], moved[c.component_index], c.quantity, c.is_default) for c in components
    ]
    for row in menu:
        if row["kind"] != MenuKind.SET:
            row["tags"] = _tags(row)
    for position, row in enumerate(menu):
        if row["kind"] == MenuKind.SET:
            parts = [menu[c.component_index] for c in components if c.set_index == position and c.is_default]
            tags = {tag for part in parts for tag in part["tags"]}
            if tags & _MEAT_TAGS:
                tags.discard("vegetarian")
            row["tags"] = sorted(tags)
    return MenuFiles(folder, menu, components)


def _tags(row: Mapping[str, Any]) -> list[str]:
    text = f"{row['name']} {row['description'] or ''}"
    tags = [tag for tag, pattern in _TAG_PATTERNS if pattern.search(text)]
    if not tags and row["group"] == "side" and _VEGETARIAN_SIDES.search(row["name"]):
        tags.append("vegetarian")
    return tags


def _rows(folder: Path, which: int) -> list[tuple[int, dict[str, str]]]:
    """(line number, row with stripped values) of one of `MENU_FILES`, its header checked."""
    name = MENU_FILES[which]
    path = folder / name
    if path.stat().st_size > MAX_FILE_BYTES:
        raise MenuFileError(f"{name} is larger than {MAX_FILE_BYTES // 1024 // 1024} MB")
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        raise MenuFileError(
            f"{name} line {line}: not UTF-8 text ({error.reason} at byte {error.start}); save the file as UTF-8"
        ) from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [column.strip() for column in reader.fieldnames or ()]
    absent = [column for column in _COLUMNS[name] if column not in header]
    if absent:
        raise MenuFileError(
            f"{name} line 1: the header lacks the column(s) {', '.join(absent)} (it has {', '.join(header)})"
        )
    reader.fieldnames = header
    rows: list[tuple[int, dict[str, str]]] = []
    try:
        for row in reader:
            if None in row:
                raise MenuFileError(f"{name} line {reader.line_num}: more values than columns")
            if not any((value or "").strip() for value in row.values()):
                continue
            if len(rows) >= MAX_ROWS:
                raise MenuFileError(f"{name} has more than {MAX_ROWS} rows")
            rows.append((reader.line_num, {key: (value or "").strip() for key, value in row.items()}))
    except csv.Error as error:
        raise MenuFileError(f"{name} line {reader.line_num}: {error}") from None
    return rows


def _integer(text: str, what: str, minimum: int = 0) -> int:
    try:
        value = int(text.replace(",", ""))
    except ValueError:
        raise MenuFileError(f"{what} must be a whole number, not {text!r}") from None
    if value < minimum or value > 10_000_000:
        raise MenuFileError(f"{what} must be between {minimum} and 10,000,000, not {value}")
    return value


async def find_shop(db: Database, shop: str) -> Shop:
    """The shop named by its id, its source key or its exact name; LookupError for none or several."""
    async with db.session() as session:
        conditions = [col(Shop.source_key) == shop, col(Shop.name) == shop]
        if shop.isdigit():
            conditions.append(col(Shop.id) == int(shop))
        found = (await session.exec(select(Shop).where(or_(*conditions)).limit(3))).all()
    if not found:
        raise LookupError(f"no shop with the id, key or name {shop!r} (see kkini shop list)")
    if len(found) > 1:
        raise LookupError(f"{len(found)} shops are called {shop!r}; give its id (see kkini shop list)")
    return found[0]


async def import_menu(db: Database, folder: Path, shop: str) -> MenuImportReport:
    """Replace the menu of ``shop`` (id, source key or exact name) with the one in ``folder``, in one transaction.

    The shop takes orders through kkini afterwards. `MenuFileError` for bad files and `LookupError` for an unknown
    shop, both before anything is written.
    """
    started = time.perf_counter()
    files = read_menu_files(folder)
    target = await find_shop(db, shop)
    assert target.id is not None
    async with db.engine.begin() as connection:
        report = await _replace_menu(connection, target.id, files)
        await connection.execute(update(Shop).where(col(Shop.id) == target.id).values(accepts_orders=True))
    report.shop_name = target.name
    report.seconds = time.perf_counter() - started
    logger.info(
        "menu of %s imported from %s: %d inserted, %d updated, %d removed",
        target.name,
        folder,
        report.inserted,
        report.updated,
        report.removed,
    )
    return report


async def _replace_menu(connection: AsyncConnection, shop_id: int, files: MenuFiles) -> MenuImportReport:
    report = MenuImportReport(shop_id, "", products=len(files.menu), sets=files.sets, change_rules=0)
    shop_items = select(ITEMS.c.id).where(ITEMS.c.shop_id == shop_id)
    await connection.execute(delete(COMPONENTS).where(COMPONENTS.c.set_item_id.in_(shop_items)))
    await connection.execute(delete(RULES).where(RULES.c.shop_id == shop_id))
    stale: set[int] = set()
    by_code: dict[str, int] = {}
    for row in await connection.execute(select(ITEMS.c.id, ITEMS.c.external_code).where(ITEMS.c.shop_id == shop_id)):
        stale.add(int(row.id))
        if row.external_code:
            by_code[str(row.external_code)] = int(row.id)
    ids: list[int] = []
    for product in files.menu:
        values = {**product, "shop_id": shop_id}
        item_id = by_code.pop(product["external_code"], None)
        if item_id is None:
            inserted = await connection.execute(insert(ITEMS).values(values).returning(ITEMS.c.id))
            item_id = int(inserted.scalar_one())
            report.inserted += 1
        else:
            await connection.execute(update(ITEMS).where(ITEMS.c.id == item_id).values(values))
            stale.discard(item_id)
            report.updated += 1
        ids.append(item_id)
        category = str(product["category"])
        report.categories[category] = report.categories.get(category, 0) + 1
    if stale:
        await connection.execute(delete(ITEMS).where(ITEMS.c.id.in_(sorted(stale))))
        report.removed = len(stale)
    if files.components:
        await connection.execute(
            insert(COMPONENTS),
            [
                {
                    "set_item_id": ids[c.set_index],
                    "component_item_id": ids[c.component_index],
                    "quantity": c.quantity,
                    "is_default": c.is_default,
                }
                for c in files.components
            ],
        )
    rules = change_rules(files.menu, files.components)
    if rules:
        await connection.execute(
            insert(RULES),
            [
                {
                    "shop_id": shop_id,
                    "from_item_id": ids[rule.from_index],
                    "to_item_id": ids[rule.to_index],
                    "price_delta": rule.price_delta,
                    "allow_discount": rule.allow_discount,
                }
                for rule in rules
            ],
        )
    report.change_rules = len(rules)
    return report


def summary(report: MenuImportReport) -> dict[str, Any]:
    return {
        "shop_id": report.shop_id,
        "shop": report.shop_name,
        "products": report.products,
        "sets": report.sets,
        "change_rules": report.change_rules,
        "inserted": report.inserted,
        "updated": report.updated,
        "removed": report.removed,
        "categories": report.categories,
        "seconds": round(report.seconds, 2),
    }
