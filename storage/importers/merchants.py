"""Importing a public meal-card merchant list into ``shops``: an upsert keyed by (source, source_key).

The whole file is read and normalised before the database is touched, and written in one transaction: a file
that cannot be read writes nothing, and a failure while writing leaves nothing half-written. Existing shops of
the file's sources are fetched in one query; new ones are inserted and changed ones updated in bulk.
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, cast

from sqlalchemy import Table, bindparam, insert, inspect, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.database import Database
from storage.importers.merchant_records import MerchantRecord, RowIssue, count_by_reason, parse_merchants
from storage.models import Shop, utcnow

logger = logging.getLogger(__name__)

SHOPS = cast(Table, inspect(Shop).local_table)

# The columns an import owns: a later import of the same shop overwrites them. Everything else (acceptance
# corrections, hours, orders, popularity) belongs to other parts of kkini and is set only when a shop is created.
OWNED_COLUMNS: tuple[str, ...] = (
    "name",
    "category",
    "business_type",
    "area",
    "address",
    "phone",
    "latitude",
    "longitude",
)


@dataclass(slots=True)
class ImportReport:
    """What an import did. ``imported + updated + unchanged + len(rejected) == rows``.

    ``not_in_file`` counts shops of the same sources that this file no longer lists; they are left in place.
    """

    path: Path
    format: str
    rows: int
    sources: tuple[str, ...]
    imported: int = 0
    updated: int = 0
    unchanged: int = 0
    not_in_file: int = 0
    rejected: list[RowIssue] = field(default_factory=list)
    warnings: list[RowIssue] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def rejected_by_reason(self) -> dict[str, int]:
        return count_by_reason(self.rejected)

    @property
    def warnings_by_reason(self) -> dict[str, int]:
        return count_by_reason(self.warnings)

    def summary(self) -> str:
        """A few lines for an operator: the counts, then rejections and warnings counted by reason."""
        lines = [
            f"{self.path.name} ({self.format}, {', '.join(self.sources) or 'no source'}): {self.rows} rows, "
            f"{self.imported} imported, {self.updated} updated, {self.unchanged} unchanged, "
            f"{len(self.rejected)} rejected in {self.seconds:.2f} s"
        ]
        lines += [f"  rejected {count:>5}  {reason}" for reason, count in self.rejected_by_reason.items()]
        lines += [f"  warning  {count:>5}  {reason}" for reason, count in self.warnings_by_reason.items()]
        if self.not_in_file:
            lines.append(f"  {self.not_in_file} shop(s) of these sources are no longer in the file (left in place)")
        lines += [f"  note: {note}" for note in self.notes]
        return "\n".join(lines)


@dataclass(frozen=True, slots=True)
class WriteCounts:
    imported: int
    updated: int
    unchanged: int
    not_in_file: int


async def import_merchants(db: Database, path: Path) -> ImportReport:
    """Import a meal-card merchant list (Chuncheon-style CSV or data.go.kr JSON) into ``shops``.

    Shops are matched on (source, source_key): "merchants:<area>" and a key from the normalised name and
    address, so importing the same file again inserts nothing and updates only rows whose data changed.
    Raises ``MerchantFileError`` when the file as a whole cannot be imported; nothing is written then.
    """
    started = time.perf_counter()
    parsed = await asyncio.to_thread(parse_merchants, path)
    async with db.session() as session:
        counts = await write_records(await session.connection(), parsed.records)
    report = ImportReport(
        path=path,
        format=str(parsed.format),
        rows=parsed.rows,
        sources=tuple(sorted({record.source for record in parsed.records})),
        imported=counts.imported,
        updated=counts.updated,
        unchanged=counts.unchanged,
        not_in_file=counts.not_in_file,
        rejected=parsed.rejected,
        warnings=parsed.warnings,
        notes=parsed.notes,
        seconds=time.perf_counter() - started,
    )
    logger.info(
        "imported %s: %d new, %d updated, %d unchanged, %d rejected in %.2f s",
        path.name,
        report.imported,
        report.updated,
        report.unchanged,
        len(report.rejected),
        report.seconds,
    )
    return report


async def write_records(connection: AsyncConnection, records: Sequence[MerchantRecord]) -> WriteCounts:
    """Upsert records on a connection inside the caller's transaction: one select, one bulk insert, one bulk update.

    Records must have distinct (source, source_key) pairs, as ``parse_merchants`` guarantees.
    """
    sources = sorted({record.source for record in records})
    if not sources:
        return WriteCounts(0, 0, 0, 0)
    result = await connection.execute(
        select(SHOPS.c.id, SHOPS.c.source, SHOPS.c.source_key, *(SHOPS.c[name] for name in OWNED_COLUMNS)).where(
            SHOPS.c.source.in_(sources), SHOPS.c.source_key.is_not(None)
        )
    )
    existing = {(row.source, row.source_key): row._mapping for row in result}
    now = utcnow()
    inserts: list[dict[str, Any]] = []
    updates: list[dict[str, Any]] = []
    for record in records:
        current = existing.get((record.source, record.source_key))
        if current is None:
            inserts.append(_new_shop(record, now))
            continue
        wanted = _owned_values(record, current)
        if any(_differs(wanted[name], current[name]) for name in OWNED_COLUMNS):
            updates.append({"shop_id": current["id"], **wanted, "updated_at": now})
    if inserts:
        await connection.execute(insert(SHOPS), inserts)
    if updates:
        await connection.execute(update(SHOPS).where(SHOPS.c.id == bindparam("shop_id")), updates)
    seen = {(record.source, record.source_key) for record in records}
    return WriteCounts(
        imported=len(inserts),
        updated=len(updates),
        unchanged=len(records) - len(inserts) - len(updates),
        not_in_file=sum(1 for key in existing if key not in seen),
    )


def _owned_values(record: MerchantRecord, current: Mapping[Any, Any] | None) -> dict[str, Any]:
    values = {name: getattr(record, name) for name in OWNED_COLUMNS}
    if record.latitude is None and current is not None:
        # A list without coordinates (Chuncheon's) must not erase coordinates found since, by geocoding or by hand.
        values["latitude"], values["longitude"] = current["latitude"], current["longitude"]
    return values


def _new_shop(record: MerchantRecord, now: datetime) -> dict[str, Any]:
    return {
        **_owned_values(record, None),
        "card_acceptance": record.card_acceptance,
        "hours_known": record.hours_known,
        "good_influence": False,
        "accepts_orders": False,
        "popularity": 0.0,
        "source": record.source,
        "source_key": record.source_key,
        "created_at": now,
        "updated_at": now,
    }


def _differs(wanted: Any, current: Any) -> bool:
    if isinstance(wanted, float) and isinstance(current, float):
        return not math.isclose(wanted, current, rel_tol=0.0, abs_tol=1e-9)
    return bool(wanted != current)
