"""The PostgreSQL engine's pool: first come, first served, and no reset round trip."""

from __future__ import annotations

import asyncio
import itertools

import asyncpg
import pytest
from tortoise import connections

from suiji.pg import FairPool, PooledConnection


async def _pool(database_url: str, size: int) -> FairPool:
    return await FairPool(database_url.replace("postgres://", "postgresql://", 1),
                          min_size=size, max_size=size, max_queries=50000,
                          max_inactive_connection_lifetime=300.0, connect=None, setup=None,
                          init=None, reset=None, loop=None, connection_class=PooledConnection,
                          record_class=asyncpg.Record)


@pytest.mark.postgres_only
async def test_connections_are_granted_in_the_order_asked(is_postgres: bool,
                                                          database_url: str) -> None:
    if not is_postgres:
        pytest.skip("the PostgreSQL pool")
    # 30 tasks share 3 connections, 20 queries each. asyncpg's own pool granted 443-483 of these
    # 600 ahead of someone who had asked earlier; this one grants none.
    pool = await _pool(database_url, 3)
    counter = itertools.count()
    granted: list[int] = []

    async def worker() -> None:
        for _ in range(20):
            asked = next(counter)
            async with pool.acquire() as conn:
                granted.append(asked)
                assert await conn.fetchval("SELECT 1") == 1

    try:
        await asyncio.gather(*[worker() for _ in range(30)])
    finally:
        await pool.close()
    assert len(granted) == 600 and granted == sorted(granted)


@pytest.mark.postgres_only
async def test_a_second_release_changes_nothing(is_postgres: bool, database_url: str) -> None:
    if not is_postgres:
        pytest.skip("the PostgreSQL pool")
    pool = await _pool(database_url, 1)
    try:
        conn = await pool.acquire()
        await pool.release(conn)
        await pool.release(conn)
        async with pool.acquire():
            assert pool._turns.locked()  # still one at a time, not two
    finally:
        await pool.close()


@pytest.mark.postgres_only
async def test_the_app_uses_the_engine(is_postgres: bool) -> None:
    if not is_postgres:
        pytest.skip("the PostgreSQL pool")
    client = connections.get("default")
    async with client.acquire_connection() as conn:
        assert isinstance(conn._con, PooledConnection)
        assert conn._con.get_reset_query() == ""
    assert isinstance(client._pool, FairPool)
    assert client._pool._maxsize == 20
