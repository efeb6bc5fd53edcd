"""Many rows in one statement batch, without building an ORM object per row.

The draw writes up to thousands of rows at once (entries, inspections, their campaign links);
Tortoise's bulk_create spends more time constructing model instances than the database spends
inserting them. Table and column names here are code constants, never input.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from tortoise import connections

from inspection import clock


async def insert(table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]], *,
                 timestamps: bool = True) -> None:
    if not rows:
        return
    conn = connections.get("default")
    cols = list(columns)
    values = [list(r) for r in rows]
    if timestamps:  # TimestampedModel's columns, set as the ORM would
        now = clock.now()  # Beijing-aware: SQLite compares these as text (inspection/clock.py)
        cols += ["created_at", "updated_at"]
        for v in values:
            v += [now, now]
    pg = conn.capabilities.dialect == "postgres"
    marks = ", ".join(f"${i}" if pg else "?" for i in range(1, len(cols) + 1))
    names = ", ".join(f'"{c}"' for c in cols)
    await conn.execute_many(f'INSERT INTO "{table}" ({names}) VALUES ({marks})',  # noqa: S608
                            values)
