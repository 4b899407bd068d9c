"""Row counts per table, for ``kkini data stats`` and for checking what a load wrote."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlmodel import SQLModel

import storage.models  # noqa: F401 - registers every table on SQLModel.metadata
from storage.database import Database


async def table_counts(db: Database) -> dict[str, int]:
    """{table name: row count} for every table of the model, sorted by name."""
    counts: dict[str, int] = {}
    async with db.session() as session:
        connection = await session.connection()
        for name in sorted(SQLModel.metadata.tables):
            table = SQLModel.metadata.tables[name]
            counts[name] = int((await connection.execute(select(func.count()).select_from(table))).scalar_one())
    return counts
