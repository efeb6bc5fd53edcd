"""Short-lived state: Redis when configured, else an in-process store with the same interface.

Only what may be lost lives here: the WeCom access token, callback de-duplication keys,
rate-limit counters, short locks, mini-program sessions. With Redis, the store runs on a client
it is given (`connect_redis`): one connection pool per process, which the outbox wake-ups share,
opened and closed by whoever made it.
"""

from __future__ import annotations

import asyncio
import functools
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from redis.asyncio import Redis


class KVUnavailable(Exception):
    """The store cannot be reached (Redis down, refused, timed out). Adapters answer 503 with
    Retry-After; nothing was changed by the request that met it, since every use of the store
    comes before the request's transaction commits."""


@functools.cache
def _unreachable() -> tuple[type[BaseException], ...]:
    # Looked up once: every request's session check passes through `_reachable`.
    from redis.exceptions import ConnectionError as RedisConnectionError
    from redis.exceptions import TimeoutError as RedisTimeoutError

    return (RedisConnectionError, RedisTimeoutError, OSError)


@contextmanager
def _reachable() -> Iterator[None]:
    try:
        yield
    except _unreachable() as exc:
        raise KVUnavailable(type(exc).__name__) from None


class KeyValue(Protocol):
    async def get(self, key: str) -> str | None: ...
    async def get_many(self, keys: list[str]) -> list[str | None]: ...
    async def set(self, key: str, value: str, *, ttl: float | None = None) -> None: ...
    async def set_if_absent(self, key: str, value: str, *, ttl: float) -> bool: ...
    async def delete(self, key: str) -> None: ...
    async def delete_if_equals(self, key: str, value: str) -> bool: ...
    async def incr(self, key: str, *, ttl: float) -> int: ...
    async def incr_many(self, keys: list[tuple[str, float]]) -> list[int]: ...
    async def ping(self) -> bool: ...


class MemoryKV:
    """One process only. Expired keys are dropped lazily on access and on writes."""

    def __init__(self, prefix: str = "") -> None:
        self._prefix = prefix
        self._data: dict[str, tuple[str, float | None]] = {}
        self._lock = asyncio.Lock()

    def _live(self, key: str) -> str | None:
        entry = self._data.get(self._prefix + key)
        if entry is None:
            return None
        value, expires = entry
        if expires is not None and expires <= time.monotonic():
            del self._data[self._prefix + key]
            return None
        return value

    def _put(self, key: str, value: str, ttl: float | None) -> None:
        expires = time.monotonic() + ttl if ttl else None
        self._data[self._prefix + key] = (value, expires)

    async def get(self, key: str) -> str | None:
        return self._live(key)

    async def get_many(self, keys: list[str]) -> list[str | None]:
        return [self._live(key) for key in keys]

    async def set(self, key: str, value: str, *, ttl: float | None = None) -> None:
        self._put(key, value, ttl)

    async def set_if_absent(self, key: str, value: str, *, ttl: float) -> bool:
        async with self._lock:
            if self._live(key) is not None:
                return False
            self._put(key, value, ttl)
            return True

    async def delete(self, key: str) -> None:
        self._data.pop(self._prefix + key, None)

    async def delete_if_equals(self, key: str, value: str) -> bool:
        async with self._lock:
            if self._live(key) == value:
                del self._data[self._prefix + key]
                return True
            return False

    async def incr(self, key: str, *, ttl: float) -> int:
        async with self._lock:
            current = self._live(key)
            if current is None:
                self._put(key, "1", ttl)
                return 1
            value = int(current) + 1
            # Keep the original expiry: a fixed window, as with Redis INCR + EXPIRE NX.
            self._data[self._prefix + key] = (str(value), self._data[self._prefix + key][1])
            return value

    async def incr_many(self, keys: list[tuple[str, float]]) -> list[int]:
        return [await self.incr(key, ttl=ttl) for key, ttl in keys]

    async def ping(self) -> bool:
        return True


_DELETE_IF_EQUALS = """
if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end
"""


def connect_redis(url: str) -> Redis:
    """A client with its own connection pool; the caller closes it (`aclose`)."""
    from redis import asyncio as redis_asyncio

    # A dead host fails in seconds instead of hanging the request (reads keep no timeout: the
    # outbox wake-ups block on a subscription for as long as nothing happens).
    return redis_asyncio.from_url(url, decode_responses=True, socket_connect_timeout=3)


class RedisKV:
    def __init__(self, redis: Redis, prefix: str = "suiji:") -> None:
        self._redis = redis
        self._prefix = prefix

    async def get(self, key: str) -> str | None:
        with _reachable():
            value = await self._redis.get(self._prefix + key)
        return None if value is None else str(value)

    async def get_many(self, keys: list[str]) -> list[str | None]:
        """One round trip (MGET) for several keys."""
        with _reachable():
            values = await self._redis.mget([self._prefix + key for key in keys])
        return [None if value is None else str(value) for value in values]

    async def set(self, key: str, value: str, *, ttl: float | None = None) -> None:
        with _reachable():
            await self._redis.set(self._prefix + key, value, px=int(ttl * 1000) if ttl else None)

    async def set_if_absent(self, key: str, value: str, *, ttl: float) -> bool:
        with _reachable():
            return bool(await self._redis.set(self._prefix + key, value, px=int(ttl * 1000),
                                              nx=True))

    async def delete(self, key: str) -> None:
        with _reachable():
            await self._redis.delete(self._prefix + key)

    async def delete_if_equals(self, key: str, value: str) -> bool:
        with _reachable():
            result = await self._redis.eval(_DELETE_IF_EQUALS, 1, self._prefix + key, value)
        return bool(result)

    async def incr(self, key: str, *, ttl: float) -> int:
        return (await self.incr_many([(key, ttl)]))[0]

    async def incr_many(self, keys: list[tuple[str, float]]) -> list[int]:
        """`incr` of each (key, ttl), in one round trip: INCR, and PEXPIRE NX for a fixed
        window."""
        with _reachable():
            async with self._redis.pipeline(transaction=True) as pipe:
                for key, ttl in keys:
                    pipe.incr(self._prefix + key)
                    pipe.pexpire(self._prefix + key, int(ttl * 1000), nx=True)
                results = await pipe.execute()
        return [int(v) for v in results[::2]]

    async def ping(self) -> bool:
        with _reachable():
            return bool(await self._redis.ping())
