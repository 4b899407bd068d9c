"""``kkini shop import-menu``: the shared burger chain's CSVs (../shared/data/burger) imported into the sample burger
shop, on SQLite and PostgreSQL; importing again updates in place; bad files change nothing and say where they are
wrong; the command prints its summary."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest
from sqlmodel import col, select

from storage.database import Database
from storage.importers.burger_menu import MenuFileError, import_menu
from storage.models import MenuItem
from storage.sample import load_sample_data, table_counts
from storage.sample.burger import BURGER_SHOP_KEY
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


async def menu_checksum(db: Database) -> str:
    """Every menu item's columns, in id order, hashed: equal checksums, equal menus."""
    async with db.session() as session:
        rows = (await session.exec(select(MenuItem).order_by(col(MenuItem.id)))).all()
    text = "\n".join(json.dumps(row.model_dump(), sort_keys=True, ensure_ascii=False, default=str) for row in rows)
    return hashlib.sha256(text.encode()).hexdigest()


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
