"""The PostgreSQL engine for tortoise (`"engine": "suiji.pg"`): asyncpg's pool with two changes
that matter under load. Measured in benchmarks/README.md ("My inspections").

- Connections skip asyncpg's reset query on every release (`PooledConnection`).
- Waiting for a connection is first come, first served (`FairPool`).
"""

from __future__ import annotations

import asyncio
from typing import Any

import asyncpg
from asyncpg.pool import Pool, PoolConnectionProxy
from tortoise.backends.asyncpg.client import AsyncpgDBClient


class PooledConnection(asyncpg.Connection):
    """A pooled connection that skips asyncpg's reset query on every release.

    Outside a transaction every ORM query borrows a connection and gives it back, and the default
    reset (`SELECT pg_advisory_unlock_all(); CLOSE ALL; UNLISTEN *; RESET ALL`) doubled the round
    trips of a read. Nothing here leaves session state behind: advisory locks are transaction-scoped
    (`pg_advisory_xact_lock`), there are no LISTENs, cursors or session-level SETs. asyncpg still
    rolls back an open transaction on release whatever this returns.
    """

    def get_reset_query(self) -> str:
        return ""


class FairPool(Pool):
    """asyncpg's pool with connections handed out in the order they were asked for.

    asyncpg queues free connections in an asyncio.Queue, which lets a newcomer take a freed
    connection before the waiter that was woken for it runs; the waiter then queues again at the
    back. With more requests than connections a few requests lose this race over and over, which
    was the long tail of the staff API's latency. A FIFO semaphore (asyncio's is fair) sized to
    the pool in front of it means nobody overtakes.

    A turn is counted per acquisition, not read off the connection: when PostgreSQL kills a
    checked-out connection (restart, failover, idle timeout) asyncpg frees its slot by itself and
    detaches the caller's proxy, so the connection no longer tells whether the caller's release
    is the first. Relies on asyncpg internals; pyproject pins the versions tests/suiji/test_pg.py
    checks.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Bounded: a turn given back twice is a bug here, and must not let one more caller in
        # than there are connections.
        self._turns = asyncio.BoundedSemaphore(kwargs["max_size"])
        # The proxies handed out and not yet released, one per turn taken. Keyed by id so that
        # release() can look up whatever it is given and leave rejecting it to asyncpg.
        self._lent: dict[int, PoolConnectionProxy] = {}

    async def _acquire(self, timeout: float | None) -> Any:  # noqa: ASYNC109 (asyncpg's)
        async with asyncio.timeout(timeout):
            await self._turns.acquire()
        try:
            proxy = await super()._acquire(timeout)
        except BaseException:
            self._turns.release()
            raise
        self._lent[id(proxy)] = proxy
        return proxy

    async def release(self, connection: Any, *,
                      timeout: float | None = None) -> None:  # noqa: ASYNC109 (asyncpg's)
        # Settled before the first await, so of two releases of one proxy, even concurrent ones,
        # exactly one gives the turn back, whatever asyncpg does with the connection.
        owned = self._lent.get(id(connection)) is connection
        if owned:
            del self._lent[id(connection)]
        try:
            await super().release(connection, timeout=timeout)
        finally:
            # After asyncpg has queued the connection again, so the waiter this wakes finds it.
            if owned:
                self._turns.release()


class FairAsyncpgClient(AsyncpgDBClient):
    connection_class = PooledConnection

    async def create_pool(self, **kwargs: Any) -> Pool:
        # asyncpg.create_pool's defaults, with our pool class (it has no parameter for one).
        options = {"max_queries": 50000, "max_inactive_connection_lifetime": 300.0,
                   "record_class": asyncpg.Record, "loop": None, **kwargs}
        return await FairPool(None, **options)


client_class = FairAsyncpgClient
