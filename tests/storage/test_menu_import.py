"""``kkini shop import-menu``: the shared burger chain's CSVs (../shared/data/burger) imported into the sample burger
shop, on SQLite and PostgreSQL; importing again updates in place; bad files change nothing and say where they are
wrong; the command prints its summary."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy.orm import aliased
from sqlmodel import col, select

from bots.cli import main
from storage.database import Database
from storage.importers.burger_menu import MenuFileError, import_menu, read_menu_files
from storage.models import ComponentChangeRule, MenuItem, Order, OrderLine, SetComponent, Shop
from storage.repositories import UserRepository
from storage.repositories.ordering import OrderingRepository
from storage.sample import load_sample_data, table_counts
from storage.sample.burger import BURGER_SHOP_KEY, BURGER_SHOP_NAME
from storage.settings import SampleDataSettings

KEY = b"menu-import-test-key"


@pytest.fixture
def chain_menu(shared_dir: Path) -> Path:
    return shared_dir / "data" / "burger"


@pytest.fixture
def menu_copy(chain_menu: Path, tmp_path: Path) -> Path:
    """A copy of the chain's files to spoil."""
    return Path(shutil.copytree(chain_menu, tmp_path / "burger"))


@pytest.fixture
async def sample_db(db: Database) -> Database:
    await load_sample_data(db, SampleDataSettings(), KEY)
    return db


async def shop_items(db: Database) -> dict[str, MenuItem]:
    async with db.session() as session:
        shop = (await session.exec(select(Shop).where(Shop.source_key == BURGER_SHOP_KEY))).one()
        rows = (await session.exec(select(MenuItem).where(MenuItem.shop_id == shop.id))).all()
    return {item.name: item for item in rows}


async def menu_checksum(db: Database) -> str:
    """Every menu item's columns, in id order, hashed: equal checksums, equal menus."""
    async with db.session() as session:
        rows = (await session.exec(select(MenuItem).order_by(col(MenuItem.id)))).all()
    text = "\n".join(json.dumps(row.model_dump(), sort_keys=True, ensure_ascii=False, default=str) for row in rows)
    return hashlib.sha256(text.encode()).hexdigest()


async def place_order_for(db: Database, item: MenuItem) -> int:
    async with db.session() as session:
        user = await UserRepository(session).by_identity("console", "demo07")
        assert user is not None and user.id is not None and item.id is not None
        order = Order(
            user_id=user.id,
            shop_id=item.shop_id,
            channel="console",
            subtotal=item.price,
            total=item.price,
            idempotency_key=f"import-{item.id}",
        )
        line = OrderLine(
            order_id=0, menu_item_id=item.id, name=item.name, quantity=1, unit_price=item.price, line_total=item.price
        )
        placed = await OrderingRepository(session).place(order, [line])
    assert placed.order.id is not None
    return placed.order.id


async def order_lines(db: Database, order_id: int) -> list[tuple[str, int | None]]:
    async with db.session() as session:
        rows = (await session.exec(select(OrderLine).where(OrderLine.order_id == order_id))).all()
    return [(line.name, line.menu_item_id) for line in rows]


async def test_the_chain_menu_replaces_the_sample_shops_menu(sample_db: Database, chain_menu: Path) -> None:
    before = await shop_items(sample_db)
    order_id = await place_order_for(sample_db, before["불고기버거 세트"])

    report = await import_menu(sample_db, chain_menu, BURGER_SHOP_KEY)

    assert (report.shop_name, report.products, report.sets) == (BURGER_SHOP_NAME, 74, 19)
    assert (report.inserted, report.updated, report.removed) == (74, 0, len(before))
    assert report.categories == {"버거": 19, "사이드": 15, "음료": 16, "토핑": 5, "세트": 19}
    items = await shop_items(sample_db)
    assert len(items) == 74 and not set(items) & {"불고기버거 세트", "감자튀김 (M)"}
    assert (items["리아 불고기버거 세트"].price, items["리아 불고기버거 세트"].external_code) == (6900, "G00003")
    # The order keeps the line's own name; the item it named is gone.
    assert await order_lines(sample_db, order_id) == [("불고기버거 세트", None)]

    by_id = {item.id: item for item in items.values()}
    source, target = aliased(MenuItem), aliased(MenuItem)
    async with sample_db.session() as session:
        components = (await session.exec(select(SetComponent))).all()
        shop = (await session.exec(select(Shop).where(Shop.source_key == BURGER_SHOP_KEY))).one()
        rules = (
            await session.exec(
                select(source.name, target.name, ComponentChangeRule.price_delta)
                .join(source, col(source.id) == ComponentChangeRule.from_item_id)
                .join(target, col(target.id) == ComponentChangeRule.to_item_id)
                .where(ComponentChangeRule.shop_id == shop.id)
            )
        ).all()
    assert shop.accepts_orders
    parts: dict[str, list[MenuItem]] = {}
    for component in components:
        if component.set_item_id in by_id:
            parts.setdefault(by_id[component.set_item_id].name, []).append(by_id[component.component_item_id])
    assert len(parts) == 19
    for set_name, contents in parts.items():  # each set: its burger, 포테이토 (미디움), 콜라 (미디움)
        assert sorted(item.group or "" for item in contents) == ["burger", "drink", "side"], set_name
        assert {item.name for item in contents if item.group != "burger"} == {"포테이토 (미디움)", "콜라 (미디움)"}
    assert {item.name for item in parts["리아 불고기버거 세트"]} == {
        "리아 불고기버거",
        "포테이토 (미디움)",
        "콜라 (미디움)",
    }
    deltas = {(a, b): delta for a, b, delta in rules}
    assert deltas[("포테이토 (미디움)", "양념감자 (어니언)")] == 600
    assert deltas[("콜라 (미디움)", "사이다 (미디움)")] == 0
    assert deltas[("포테이토 (미디움)", "코울슬로")] == 0  # 1,900 < 2,000: no refund
    assert len(deltas) == report.change_rules == 14 + 15 and min(deltas.values()) == 0


async def test_importing_again_updates_in_place(sample_db: Database, chain_menu: Path) -> None:
    await import_menu(sample_db, chain_menu, BURGER_SHOP_KEY)
    first = {name: item.id for name, item in (await shop_items(sample_db)).items()}
    counts = await table_counts(sample_db)

    again = await import_menu(sample_db, chain_menu, str((await shop_items(sample_db))["데리버거"].shop_id))

    assert (again.inserted, again.updated, again.removed) == (0, 74, 0)
    assert {name: item.id for name, item in (await shop_items(sample_db)).items()} == first
    assert await table_counts(sample_db) == counts


async def test_an_item_no_longer_listed_goes_and_its_order_lines_keep_their_name(
    sample_db: Database, chain_menu: Path, menu_copy: Path
) -> None:
    await import_menu(sample_db, chain_menu, BURGER_SHOP_KEY)
    stick = (await shop_items(sample_db))["롱 치즈스틱"]
    order_id = await place_order_for(sample_db, stick)
    products = menu_copy / "products.csv"
    products.write_text(
        "".join(line for line in products.read_text().splitlines(keepends=True) if not line.startswith("B00008,"))
    )

    report = await import_menu(sample_db, menu_copy, BURGER_SHOP_KEY)

    assert (report.products, report.inserted, report.removed) == (73, 0, 1)
    assert "롱 치즈스틱" not in await shop_items(sample_db)
    assert await order_lines(sample_db, order_id) == [("롱 치즈스틱", None)]


def _spoil(folder: Path, name: str, old: str, new: str) -> None:
    path = folder / name
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


BAD_FILES: list[tuple[str, str, str, str, str]] = [
    # (file, text in it, replaced by, where the message says it is wrong, what it names)
    ("products.csv", "product_type,price", "product_type,cost", "products.csv line 1", "price"),
    ("products.csv", "A00002,CAT_BURGER", "A00002,CAT_DESSERT", "products.csv line 3", "CAT_DESSERT"),
    (
        "products.csv",
        "A00002,CAT_BURGER,더블 한우불고기버거,burger",
        "A00002,CAT_BURGER,더블 한우불고기버거,pizza",
        "products.csv line 3",
        "pizza",
    ),
    ("products.csv", "A00002,", "A00001,", "products.csv line 3", "A00001 appears twice"),
    ("products.csv", "5000,2000,두툼한", "5천원,2000,두툼한", "products.csv line 4", "5천원"),
    ("set_items.csv", "7,G00003,A00003", "7,G00003,A99999", "set_items.csv line 8", "A99999"),
    (
        "menu_categories.csv",
        "category_id,category_name",
        "category_id,name",
        "menu_categories.csv line 1",
        "category_name",
    ),
    ("set_items.csv", "7,G00003,A00003,1,1\n", "", "products.csv line 59", "G00003 has no default burger"),
]


@pytest.mark.parametrize(("name", "old", "new", "where", "what"), BAD_FILES)
async def test_a_bad_file_changes_nothing_and_says_where(
    sample_db: Database, menu_copy: Path, name: str, old: str, new: str, where: str, what: str
) -> None:
    _spoil(menu_copy, name, old, new)
    counts, checksum = await table_counts(sample_db), await menu_checksum(sample_db)
    with pytest.raises(MenuFileError) as raised:
        await import_menu(sample_db, menu_copy, BURGER_SHOP_KEY)
    assert str(raised.value).startswith(f"{where}:") and what in str(raised.value), raised.value
    assert await table_counts(sample_db) == counts and await menu_checksum(sample_db) == checksum


async def test_a_file_that_is_not_utf8_or_missing_changes_nothing(sample_db: Database, menu_copy: Path) -> None:
    counts, checksum = await table_counts(sample_db), await menu_checksum(sample_db)
    products = menu_copy / "products.csv"
    lines = products.read_text().splitlines(keepends=True)
    products.write_bytes("".join(lines[:5]).encode() + lines[5].encode("cp949") + "".join(lines[6:]).encode())
    with pytest.raises(MenuFileError, match=r"^products\.csv line 6: not UTF-8 text"):
        await import_menu(sample_db, menu_copy, BURGER_SHOP_KEY)
    (menu_copy / "set_items.csv").unlink()
    with pytest.raises(MenuFileError, match=r"lacks set_items\.csv"):
        await import_menu(sample_db, menu_copy, BURGER_SHOP_KEY)
    assert await table_counts(sample_db) == counts and await menu_checksum(sample_db) == checksum


async def test_an_unknown_shop_changes_nothing(sample_db: Database, chain_menu: Path) -> None:
    counts, checksum = await table_counts(sample_db), await menu_checksum(sample_db)
    with pytest.raises(LookupError, match="no shop with the id, key or name '없는 버거집'"):
        await import_menu(sample_db, chain_menu, "없는 버거집")
    assert await table_counts(sample_db) == counts and await menu_checksum(sample_db) == checksum


def test_the_files_are_read_as_a_whole_in_the_categories_order(chain_menu: Path) -> None:
    files = read_menu_files(chain_menu)
    assert len(files.menu) == 74 and files.sets == 19 and len(files.components) == 57
    assert [row["category"] for row in files.menu][:1] == ["버거"]  # the categories' order: 버거 first


def test_the_command_prints_its_summary_and_refuses_a_bad_folder(tmp_path: Path, chain_menu: Path) -> None:
    env = {"KKINI_DATA_DIR": str(tmp_path / "data")}
    runner = CliRunner()
    loaded = runner.invoke(main, ["data", "load"], env=env)
    assert loaded.exit_code == 0, loaded.output

    imported = runner.invoke(main, ["shop", "import-menu", str(chain_menu), "--shop", BURGER_SHOP_KEY], env=env)
    assert imported.exit_code == 0, imported.output
    summary = json.loads(imported.stdout)
    assert summary["shop"] == BURGER_SHOP_NAME and (summary["products"], summary["sets"]) == (74, 19)
    assert (summary["inserted"], summary["updated"], summary["change_rules"]) == (74, 0, 29)
    listed = json.loads(runner.invoke(main, ["shop", "list", "--orders", "--json"], env=env).stdout)
    assert [(shop["key"], shop["menu_items"]) for shop in listed] == [(BURGER_SHOP_KEY, 74)]

    (tmp_path / "empty").mkdir()
    refused = runner.invoke(main, ["shop", "import-menu", str(tmp_path / "empty"), "--shop", BURGER_SHOP_KEY], env=env)
    assert refused.exit_code == 1 and "lacks products.csv, set_items.csv, menu_categories.csv" in refused.output
    unknown = runner.invoke(main, ["shop", "import-menu", str(chain_menu), "--shop", "nowhere"], env=env)
    assert unknown.exit_code == 1 and "no shop with the id, key or name 'nowhere'" in unknown.output
