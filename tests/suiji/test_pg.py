"""The PostgreSQL engine's pool: first come, first served, and no reset round trip."""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import inspect
import itertools
import tomllib
from importlib.metadata import version
from pathlib import Path

import asyncpg
import pytest
from asyncpg.pool import Pool
from packaging.requirements import Requirement
from tortoise import connections
from tortoise.backends.asyncpg.client import AsyncpgDBClient

from suiji import db
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
        async with asyncio.timeout(10), pool.acquire():
            with pytest.raises(TimeoutError):
                await pool.acquire(timeout=0.3)  # still one at a time, not two
    finally:
        await pool.close()


@pytest.mark.postgres_only
async def test_the_app_uses_the_engine(is_postgres: bool, clean_db: object) -> None:
    if not is_postgres:
        pytest.skip("the PostgreSQL pool")
    client = connections.get("default")
    async with client.acquire_connection() as conn:
        assert isinstance(conn._con, PooledConnection)
        assert conn._con.get_reset_query() == ""
    assert isinstance(client._pool, FairPool)
    assert client._pool._maxsize == 20


def test_the_pinned_asyncpg_and_tortoise_still_fit() -> None:
    # FairPool overrides asyncpg's private `Pool._acquire` and copies `create_pool`'s defaults,
    # FairAsyncpgClient overrides tortoise's `create_pool`; pyproject pins both packages to the
    # versions checked here, so an upgrade fails here first rather than in production.
    pins = {Requirement(r).name: Requirement(r).specifier for r in _dependencies()}
    for name in ("asyncpg", "tortoise-orm"):
        assert version(name) in pins[name], (name, version(name), pins[name])
    assert list(inspect.signature(Pool._acquire).parameters) == ["self", "timeout"]
    release = inspect.signature(Pool.release).parameters
    assert list(release) == ["self", "connection", "timeout"]
    assert release["timeout"].kind is inspect.Parameter.KEYWORD_ONLY
    defaults = inspect.signature(asyncpg.create_pool).parameters
    assert {name: defaults[name].default for name in
            ("max_queries", "max_inactive_connection_lifetime", "record_class", "loop")} == {
        "max_queries": 50000, "max_inactive_connection_lifetime": 300.0,
        "record_class": asyncpg.Record, "loop": None}
    assert set(inspect.signature(Pool.__init__).parameters) >= set(defaults) - {"dsn"}
    assert list(inspect.signature(PooledConnection.get_reset_query).parameters) == ["self"]
    assert list(inspect.signature(AsyncpgDBClient.create_pool).parameters) == ["self", "kwargs"]
    assert "self.connection_class" in inspect.getsource(AsyncpgDBClient.create_connection)


def _dependencies() -> list[str]:
    with (Path(__file__).parents[2] / "pyproject.toml").open("rb") as f:
        deps: list[str] = tomllib.load(f)["project"]["dependencies"]
    return deps


async def _kill(database_url: str, pids: list[int]) -> None:
    admin = await asyncpg.connect(database_url.replace("postgres://", "postgresql://", 1))
    try:
        for pid in pids:
            # With a timeout PostgreSQL waits until the backend has gone.
            assert await admin.fetchval("SELECT pg_terminate_backend($1, 5000)", pid)
    finally:
        await admin.close()


async def _killed(database_url: str, conns: list[asyncpg.Connection]) -> None:
    """Kill the backends behind `conns` and wait until asyncpg has noticed."""
    gone = [asyncio.Event() for _ in conns]
    for conn, event in zip(conns, gone, strict=True):
        conn.add_termination_listener(lambda _conn, event=event: event.set())
    await _kill(database_url, [await conn.fetchval("SELECT pg_backend_pid()") for conn in conns])
    async with asyncio.timeout(10):
        for event in gone:
            await event.wait()


@pytest.mark.postgres_only
async def test_a_pool_outlives_its_connections_being_killed(is_postgres: bool,
                                                            database_url: str) -> None:
    if not is_postgres:
        pytest.skip("the PostgreSQL pool")
    # A server restart, failover or idle timeout kills connections that are checked out. asyncpg
    # hands such a connection's slot back by itself before the caller releases it; the pool used
    # to lose the caller's turn then, and two kills wedged a pool of two for good.
    config = db.tortoise_config(f"{database_url}?minsize=2&maxsize=2")["connections"]["default"]
    engine = importlib.import_module(config["engine"])
    client = engine.client_class(connection_name="killed", **config["credentials"])
    await client.create_connection(with_db=True)
    try:
        assert isinstance(client._pool, FairPool)
        async with contextlib.AsyncExitStack() as held:
            conns = [await held.enter_async_context(client.acquire_connection())
                     for _ in range(2)]
            await _killed(database_url, conns)
            for conn in conns:
                with pytest.raises(asyncpg.InterfaceError):
                    await conn.fetchval("SELECT 1")
        async with asyncio.timeout(10):
            for _ in range(3):
                assert await client.execute_query_dict("SELECT 1 AS one") == [{"one": 1}]
            rows = await asyncio.gather(*[client.execute_query_dict("SELECT 2 AS two")
                                          for _ in range(6)])
            assert rows == [[{"two": 2}]] * 6
            async with client._pool.acquire(), client._pool.acquire():  # both turns back
                with pytest.raises(TimeoutError):
                    await client._pool.acquire(timeout=0.3)  # and none extra
    finally:
        await client.close()


@pytest.mark.postgres_only
async def test_a_killed_connection_released_twice_gives_one_turn_back(
        is_postgres: bool, database_url: str) -> None:
    if not is_postgres:
        pytest.skip("the PostgreSQL pool")
    pool = await _pool(database_url, 1)
    try:
        conn = await pool.acquire()
        await _killed(database_url, [conn])
        await pool.release(conn)
        await pool.release(conn)
        async with asyncio.timeout(10), pool.acquire() as again:
            assert await again.fetchval("SELECT 1") == 1
            with pytest.raises(TimeoutError):
                await pool.acquire(timeout=0.3)  # still one at a time, not two
    finally:
        await pool.close()


@pytest.mark.postgres_only
async def test_a_failed_acquisition_gives_its_turn_back(is_postgres: bool,
                                                        database_url: str) -> None:
    if not is_postgres:
        pytest.skip("the PostgreSQL pool")
    pool = await _pool(database_url, 1)
    dsn = database_url.replace("postgres://", "postgresql://", 1)
    try:
        # The next acquisition has to connect anew, to a database that does not exist.
        pool.set_connect_args(dsn.rpartition("/")[0] + "/suiji_no_such_database")
        await pool.expire_connections()
        with pytest.raises(asyncpg.InvalidCatalogNameError):
            await pool.acquire()
        pool.set_connect_args(dsn)
        async with asyncio.timeout(10), pool.acquire() as conn:
            assert await conn.fetchval("SELECT 1") == 1
            with pytest.raises(TimeoutError):
                await pool.acquire(timeout=0.3)
    finally:
        await pool.close()
