"""Gapless document numbers (notices, and any other numbered series).

The counter row is created if absent (INSERT … ON CONFLICT DO NOTHING, so concurrent first issues
do not collide) and then locked with SELECT … FOR UPDATE in the caller's transaction: a number is
taken if and only if the document that uses it commits, so there are neither gaps nor duplicates.
SQLite serialises writers, so the lock is a no-op there and concurrency is tested on PostgreSQL.
"""

from __future__ import annotations

from tortoise import connections

from models.notices import NumberCounter


async def next_number(*, series: str, year: int) -> int:
    """Take the next number of `series` in `year`. Call inside the issuing transaction."""
    conn = connections.get("default")
    if conn.capabilities.dialect == "postgres":
        sql = ("INSERT INTO number_counter (series, year, last_value, created_at, updated_at) "
               "VALUES ($1, $2, 0, now(), now()) ON CONFLICT (series, year) DO NOTHING")
    else:
        sql = ("INSERT INTO number_counter (series, year, last_value, created_at, updated_at) "
               "VALUES (?, ?, 0, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP) "
               "ON CONFLICT (series, year) DO NOTHING")
    await conn.execute_query(sql, [series, year])
    counter = await NumberCounter.filter(series=series, year=year).select_for_update().get()
    counter.last_value += 1
    await counter.save(update_fields=["last_value", "updated_at"])
    return counter.last_value
