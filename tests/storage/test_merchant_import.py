"""The meal-card merchant importer writing to SQLite and PostgreSQL: the real lists, re-imports, and all or nothing."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, func
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select

from storage.database import Database
from storage.importers import MerchantFileError, import_merchants, parse_merchants
from storage.importers import merchants as merchants_module
from storage.models import Shop, ShopHours
from tests.storage.merchant_files import (
    CHUNCHEON_IMPORTED,
    CHUNCHEON_REJECTED,
    CHUNCHEON_ROWS,
    INCHEON_ROWS,
    bad_files,
    chuncheon_csv,
    csv_row,
    incheon_json,
    write_csv,
)

__all__ = ["chuncheon_csv", "incheon_json"]


async def shop_count(db: Database, source: str | None = None) -> int:
    statement = select(func.count()).select_from(Shop)
    if source is not None:
        statement = statement.where(col(Shop.source) == source)
    async with db.session() as session:
        return int((await session.exec(statement)).one())


async def shops_by_name(db: Database, source: str) -> dict[str, Shop]:
    async with db.session() as session:
        shops = (await session.exec(select(Shop).where(col(Shop.source) == source))).all()
    return {shop.name: shop for shop in shops}


@contextmanager
def counted_statements(db: Database) -> Iterator[list[str]]:
    statements: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    event.listen(db.engine.sync_engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(db.engine.sync_engine, "before_cursor_execute", record)


async def test_import_real_files(db: Database, chuncheon_csv: Path, incheon_json: Path) -> None:
    with counted_statements(db) as statements:
        chuncheon = await import_merchants(db, chuncheon_csv)
    incheon = await import_merchants(db, incheon_json)

    assert (chuncheon.imported, chuncheon.updated, chuncheon.unchanged) == (CHUNCHEON_IMPORTED, 0, 0)
    assert chuncheon.imported + len(chuncheon.rejected) == chuncheon.rows == CHUNCHEON_ROWS
    assert chuncheon.rejected_by_reason == CHUNCHEON_REJECTED
    assert chuncheon.sources == ("merchants:chuncheon",)
    assert (incheon.imported, len(incheon.rejected), incheon.rows) == (INCHEON_ROWS, 0, INCHEON_ROWS)
    # Bulk: a select, the inserts in a few batches, the transaction; never a statement per row.
    assert len(statements) < 20

    assert await shop_count(db) == CHUNCHEON_IMPORTED + INCHEON_ROWS
    chuncheon_shops = await shops_by_name(db, "merchants:chuncheon")
    incheon_shops = await shops_by_name(db, "merchants:incheon-seogu")
    assert all(shop.latitude is None and shop.longitude is None for shop in chuncheon_shops.values())
    assert all(shop.latitude is not None and shop.longitude is not None for shop in incheon_shops.values())
    for shop in [*chuncheon_shops.values(), *incheon_shops.values()]:
        assert shop.card_acceptance == "Y" and shop.hours_known is False and shop.source_key
    seven_eleven = chuncheon_shops["(주) 코리아세븐 춘천퇴계마루점"]
    assert (seven_eleven.category, seven_eleven.business_type) == ("편의점", "편의점")
    assert seven_eleven.address == "강원특별자치도 춘천시 퇴계농공로 12, 1동 109호 (석사동, 로얄프라자)"
    assert seven_eleven.area == "chuncheon"
    assert incheon_shops["장독대"].phone == "032-561-7454"
    assert incheon_shops["장독대"].latitude == pytest.approx(37.59287723)
    async with db.session() as session:
        assert (await session.exec(select(func.count()).select_from(ShopHours))).one() == 0


async def test_reimport_changes_nothing(db: Database, chuncheon_csv: Path, incheon_json: Path) -> None:
    await import_merchants(db, chuncheon_csv)
    await import_merchants(db, incheon_json)
    before = await shops_by_name(db, "merchants:chuncheon")

    again = await import_merchants(db, chuncheon_csv)
    incheon_again = await import_merchants(db, incheon_json)

    assert (again.imported, again.updated, again.unchanged) == (0, 0, CHUNCHEON_IMPORTED)
    assert (incheon_again.imported, incheon_again.updated, incheon_again.unchanged) == (0, 0, INCHEON_ROWS)
    assert await shop_count(db) == CHUNCHEON_IMPORTED + INCHEON_ROWS
    after = await shops_by_name(db, "merchants:chuncheon")
    assert {name: shop.id for name, shop in after.items()} == {name: shop.id for name, shop in before.items()}


def modified_copy(source: Path, target: Path) -> Path:
    """The Chuncheon list with one phone number changed and one shop added."""
    original = source.read_text(encoding="utf-8-sig")
    name, address = "(주) 아워홈 더플레이어스GC점", "강원특별자치도 춘천시 동산면 새술막길 438 1층"
    old_line = csv_row(name, "한식", address, "033-250-5042")
    assert original.count(old_line) == 1
    modified = original.replace(old_line, csv_row(name, "한식", address, "033 250 5043"))
    modified += csv_row("새봄분식", "분식", "강원특별자치도춘천시 중앙로 1, 1층", "0332540001") + "\n"
    target.write_text(modified, encoding="utf-8-sig")
    return target


async def test_modified_copy_updates_one_and_adds_one(db: Database, chuncheon_csv: Path, tmp_path: Path) -> None:
    await import_merchants(db, chuncheon_csv)
    copy = modified_copy(chuncheon_csv, tmp_path / "chuncheon_20250801.csv")

    report = await import_merchants(db, copy)

    assert (report.imported, report.updated, report.unchanged) == (1, 1, CHUNCHEON_IMPORTED - 1)
    assert report.rows == CHUNCHEON_ROWS + 1
    assert await shop_count(db, "merchants:chuncheon") == CHUNCHEON_IMPORTED + 1
    shops = await shops_by_name(db, "merchants:chuncheon")
    assert shops["(주) 아워홈 더플레이어스GC점"].phone == "033-250-5043"
    new = shops["새봄분식"]
    assert (new.category, new.address, new.phone) == ("분식", "강원특별자치도 춘천시 중앙로 1, 1층", "033-254-0001")


async def test_import_keeps_coordinates_found_since(db: Database, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "one.csv", csv_row("김밥나라", "한식", "강원특별자치도 춘천시 중앙로 1"))
    await import_merchants(db, path)
    async with db.session() as session:
        shop = (await session.exec(select(Shop))).one()
        shop.latitude, shop.longitude, shop.card_acceptance = 37.88, 127.73, "P"
        session.add(shop)

    report = await import_merchants(db, path)

    assert (report.imported, report.updated, report.unchanged) == (0, 0, 1)
    async with db.session() as session:
        shop = (await session.exec(select(Shop))).one()
    assert (shop.latitude, shop.longitude, shop.card_acceptance) == (37.88, 127.73, "P")


async def test_bad_files_write_nothing(db: Database, tmp_path: Path) -> None:
    for label, (path, _message) in bad_files(tmp_path).items():
        with pytest.raises(MerchantFileError):
            await import_merchants(db, path)
        assert await shop_count(db) == 0, label


async def test_a_failure_while_writing_leaves_nothing_half_written(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_csv(
        tmp_path / "two.csv",
        csv_row("김밥나라", "한식", "강원특별자치도 춘천시 중앙로 1"),
        csv_row("춘천반점", "중식", "강원특별자치도 춘천시 중앙로 2"),
    )
    await import_merchants(db, path)
    parsed = parse_merchants(
        write_csv(
            tmp_path / "three.csv",
            csv_row("김밥나라", "한식", "강원특별자치도 춘천시 중앙로 1", "033-254-0001"),
            csv_row("춘천반점", "중식", "강원특별자치도 춘천시 중앙로 2", "033-254-0002"),
            csv_row("새봄분식", "분식", "강원특별자치도 춘천시 중앙로 3"),
        )
    )
    # The new shop is inserted first; then an update breaks a NOT NULL constraint and the import must roll back.
    parsed.records[1] = dataclasses.replace(parsed.records[1], category=None)  # type: ignore[arg-type]
    monkeypatch.setattr(merchants_module, "parse_merchants", lambda _path: parsed)

    with pytest.raises(IntegrityError):
        await import_merchants(db, path)

    shops = await shops_by_name(db, "merchants:chuncheon")
    assert sorted(shops) == ["김밥나라", "춘천반점"]
    assert all(shop.phone is None for shop in shops.values())
