"""Writing the sample data: bulk inserts in one transaction, skipping whatever is already there.

Rows are identified across loads by natural keys: programmes by code, places by name, shops by
(``source`` = "sample", ``source_key``), coupons by code, users by their console identity (``demo01``), cards by
``card_id``, wallet entries by (user, coupon). A shop that exists is taken as complete with its hours, menu, sets
and rules, since a shop and its children are always written in the same transaction. Loading twice therefore
leaves the same rows, and a second load only reads keys. It works the same on SQLite and PostgreSQL:
``INSERT ... RETURNING`` with ``sort_by_parameter_order`` hands back the new ids in the order of the rows.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Table, func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlmodel import SQLModel

from storage.database import Database
from storage.models import (
    CardProgram,
    Channel,
    ChannelIdentity,
    ComponentChangeRule,
    Coupon,
    MealCard,
    MenuItem,
    Place,
    SetComponent,
    Shop,
    ShopClosure,
    ShopHours,
    User,
    UserCoupon,
    utcnow,
)
from storage.sample.generate import SampleKeys, generate_sample_data, sample_keys
from storage.sample.people import identity_row
from storage.sample.rows import SAMPLE_SOURCE, Row, SampleData, ShopSeed
from storage.settings import SampleDataSettings

logger = logging.getLogger(__name__)

_MODELS: tuple[type[SQLModel], ...] = (
    CardProgram,
    Place,
    Shop,
    ShopHours,
    ShopClosure,
    MenuItem,
    SetComponent,
    ComponentChangeRule,
    Coupon,
    User,
    ChannelIdentity,
    MealCard,
    UserCoupon,
)


def _table(model: type[SQLModel]) -> Table:
    return SQLModel.metadata.tables[str(model.__tablename__)]


@dataclass(slots=True)
class LoadReport:
    inserted: dict[str, int]
    """Rows inserted per table (every table the loader writes, zero included)."""
    elapsed_s: float
    generated: dict[str, int] = field(default_factory=dict)
    """Rows the generator produced per table, whether or not they were already present; empty on the fast path."""

    @property
    def total_inserted(self) -> int:
        return sum(self.inserted.values())


async def load_sample_data(
    db: Database, settings: SampleDataSettings, card_hash_key: bytes, *, now: datetime | None = None
) -> LoadReport:
    """Generate the sample data for ``settings`` and insert whatever of it the database lacks.

    When every keyed row (programmes, places, shops, coupons, demo identities, cards) is already there, nothing is
    generated and the report counts zero inserts; otherwise the full comparison of ``insert_sample_data`` runs.
    """
    started = time.perf_counter()
    keys = sample_keys(settings)
    if await _all_present(db, keys):
        elapsed = round(time.perf_counter() - started, 4)
        logger.info("sample data already present (checked in %.3f s)", elapsed)
        inserted = {str(model.__tablename__): 0 for model in _MODELS}
        return LoadReport(inserted=inserted, elapsed_s=elapsed)
    data = generate_sample_data(settings, card_hash_key, now=now)
    try:
        inserted = await insert_sample_data(db, data, now=now)
    except IntegrityError:
        # Another replica loaded the same rows at the same moment; its commit is visible now, so compare again.
        logger.info("sample data: a concurrent load won the race; comparing again")
        inserted = await insert_sample_data(db, data, now=now)
    report = LoadReport(
        inserted=inserted,
        elapsed_s=round(time.perf_counter() - started, 4),
        generated=data.counts(),
    )
    logger.info("sample data: %d rows inserted in %.2f s", report.total_inserted, report.elapsed_s)
    return report


async def _all_present(db: Database, keys: SampleKeys) -> bool:
    """Whether every keyed row is there, in one round trip: the fast path of a repeated load.

    Children (hours, menus, wallets) are written in the same transaction as the row they hang off, so present
    keys mean a complete load, unless someone deleted sample rows by hand (``insert_sample_data`` called directly
    re-adds missing keyed rows and wallet entries, though not the children of a shop that is still there).
    """
    checks: list[tuple[type[SQLModel], str, list[str], dict[str, str]]] = [
        (CardProgram, "code", keys.programs, {}),
        (Place, "name", keys.places, {}),
        (Shop, "source_key", keys.shops, {"source": SAMPLE_SOURCE}),
        (Coupon, "code", keys.coupons, {}),
        (ChannelIdentity, "external_id", keys.console_ids, {"channel": Channel.CONSOLE.value}),
        (MealCard, "card_id", keys.card_ids, {}),
    ]
    counts = []
    for model, column, values, equal in checks:
        table = _table(model)
        query = select(func.count()).select_from(table).where(table.c[column].in_(values))
        for name, value in equal.items():
            query = query.where(table.c[name] == value)
        counts.append(query.scalar_subquery())
    async with db.session() as session:
        connection = await session.connection()
        found = (await connection.execute(select(*counts))).one()
    return all(count == len(values) for count, (_, _, values, _) in zip(found, checks, strict=True))


async def insert_sample_data(db: Database, data: SampleData, *, now: datetime | None = None) -> dict[str, int]:
    """Insert the rows of ``data`` that are missing, in one transaction; rows inserted per table."""
    async with db.session() as session:
        connection = await session.connection()
        writer = _SampleWriter(connection, data, now or utcnow())
        await writer.write()
        return writer.inserted


class _SampleWriter:
    def __init__(self, connection: AsyncConnection, data: SampleData, now: datetime) -> None:
        self._connection = connection
        self._data = data
        self._now = now
        self.inserted: dict[str, int] = {str(model.__tablename__): 0 for model in _MODELS}

    async def write(self) -> None:
        await self._programs_and_places()
        shop_ids = await self._shops()
        coupon_ids = await self._coupons(shop_ids)
        user_ids = await self._users()
        await self._wallets(user_ids, coupon_ids)

    async def _insert(self, model: type[SQLModel], rows: Sequence[Row]) -> None:
        if rows:
            await self._connection.execute(insert(_table(model)), list(rows))
            self.inserted[str(model.__tablename__)] += len(rows)

    async def _insert_returning(self, model: type[SQLModel], rows: Sequence[Row], *columns: str) -> list[Any]:
        """Insert ``rows`` and return ``columns`` of each new row, in the order of ``rows``."""
        if not rows:
            return []
        table = _table(model)
        statement = insert(table).returning(*(table.c[name] for name in columns), sort_by_parameter_order=True)
        result = await self._connection.execute(statement, list(rows))
        self.inserted[str(model.__tablename__)] += len(rows)
        return list(result.all())

    async def _existing(
        self, model: type[SQLModel], key: str, value: str | None = None, **where: Any
    ) -> dict[Any, Any]:
        """{key: value} (or {key: key}) of the rows of ``model`` matching ``where`` (column -> value or list)."""
        table = _table(model)
        statement = select(table.c[key], table.c[value or key])
        for column, wanted in where.items():
            statement = statement.where(
                table.c[column].in_(wanted) if isinstance(wanted, list) else table.c[column] == wanted
            )
        result = await self._connection.execute(statement)
        return {row[0]: row[1] for row in result.all()}

    async def _programs_and_places(self) -> None:
        programs = await self._existing(CardProgram, "code")
        await self._insert(CardProgram, [row for row in self._data.programs if row["code"] not in programs])
        places = await self._existing(Place, "name")
        await self._insert(Place, [row for row in self._data.places if row["name"] not in places])

    async def _shops(self) -> dict[str, int]:
        shop_ids: dict[str, int] = await self._existing(Shop, "source_key", "id", source=SAMPLE_SOURCE)
        new = [seed for seed in self._data.shops if seed.key not in shop_ids]
        returned = await self._insert_returning(Shop, [seed.shop for seed in new], "id", "source_key")
        for seed, (shop_id, key) in zip(new, returned, strict=True):
            if key != seed.key:
                raise RuntimeError("INSERT ... RETURNING handed back shops out of order")
            shop_ids[key] = shop_id
        await self._shop_children(new, shop_ids)
        return shop_ids

    async def _shop_children(self, seeds: list[ShopSeed], shop_ids: dict[str, int]) -> None:
        await self._insert(ShopHours, [{**row, "shop_id": shop_ids[s.key]} for s in seeds for row in s.hours])
        await self._insert(ShopClosure, [{**row, "shop_id": shop_ids[s.key]} for s in seeds for row in s.closures])
        # Only shops with sets or change rules need their menu items' ids back.
        linked = [seed for seed in seeds if seed.components or seed.change_rules]
        plain = [seed for seed in seeds if not (seed.components or seed.change_rules)]
        await self._insert(MenuItem, [{**row, "shop_id": shop_ids[s.key]} for s in plain for row in s.menu])
        rows = [{**row, "shop_id": shop_ids[s.key]} for s in linked for row in s.menu]
        ids = iter(row[0] for row in await self._insert_returning(MenuItem, rows, "id"))
        components: list[Row] = []
        rules: list[Row] = []
        for seed in linked:
            item_ids = [next(ids) for _ in seed.menu]
            components.extend(
                {
                    "set_item_id": item_ids[c.set_index],
                    "component_item_id": item_ids[c.component_index],
                    "quantity": c.quantity,
                    "is_default": c.is_default,
                }
                for c in seed.components
            )
            rules.extend(
                {
                    "shop_id": shop_ids[seed.key],
                    "from_item_id": item_ids[r.from_index],
                    "to_item_id": item_ids[r.to_index],
                    "price_delta": r.price_delta,
                    "allow_discount": r.allow_discount,
                }
                for r in seed.change_rules
            )
        await self._insert(SetComponent, components)
        await self._insert(ComponentChangeRule, rules)

    async def _coupons(self, shop_ids: dict[str, int]) -> dict[str, int]:
        codes = [seed.code for seed in self._data.coupons]
        coupon_ids: dict[str, int] = await self._existing(Coupon, "code", "id", code=codes)
        new = [
            seed
            for seed in self._data.coupons
            if seed.code not in coupon_ids and (seed.shop_key is None or seed.shop_key in shop_ids)
        ]
        rows = [{**seed.coupon, "shop_id": shop_ids[seed.shop_key] if seed.shop_key else None} for seed in new]
        for coupon_id, code in await self._insert_returning(Coupon, rows, "id", "code"):
            coupon_ids[code] = coupon_id
        return coupon_ids

    async def _users(self) -> dict[str, int]:
        external_ids = [seed.external_id for seed in self._data.users]
        user_ids: dict[str, int] = await self._existing(
            ChannelIdentity, "external_id", "user_id", channel=Channel.CONSOLE.value, external_id=external_ids
        )
        cards = await self._existing(MealCard, "card_id", card_id=[seed.card["card_id"] for seed in self._data.users])
        new = [seed for seed in self._data.users if seed.external_id not in user_ids]
        returned = await self._insert_returning(User, [seed.user for seed in new], "id")
        for seed, (user_id,) in zip(new, returned, strict=True):
            user_ids[seed.external_id] = user_id
        await self._insert(ChannelIdentity, [identity_row(seed, user_ids[seed.external_id], self._now) for seed in new])
        await self._insert(
            MealCard,
            [{**seed.card, "user_id": user_ids[seed.external_id]} for seed in new if seed.card["card_id"] not in cards],
        )
        return user_ids

    async def _wallets(self, user_ids: dict[str, int], coupon_ids: dict[str, int]) -> None:
        table = _table(UserCoupon)
        result = await self._connection.execute(
            select(table.c.user_id, table.c.coupon_id).where(table.c.user_id.in_(list(user_ids.values())))
        )
        held = {(row[0], row[1]) for row in result.all()}
        rows: list[Row] = []
        for seed in self._data.users:
            user_id = user_ids[seed.external_id]
            for entry in seed.wallet:
                coupon_id = coupon_ids.get(entry.code)
                if coupon_id is None or (user_id, coupon_id) in held:
                    continue
                held.add((user_id, coupon_id))
                rows.append(
                    {
                        "user_id": user_id,
                        "coupon_id": coupon_id,
                        "issued_at": entry.issued_at,
                        "used_at": entry.used_at,
                        "order_id": None,
                        "expiry_reminded_at": None,
                    }
                )
        await self._insert(UserCoupon, rows)
