"""Waking outbox workers at once after a commit.

A process that commits outbox rows calls `OutboxWake.wake()`: its own workers' event is set, and
with Redis configured a message goes out on one pub/sub channel, so that every process listening
on it sets its event too and an idle worker anywhere sends without waiting for its poll. Losing a
wake-up costs at most one poll interval: the poll stays the safety net.

The channel runs on the process's one Redis client (`models.kv.connect_redis`), the pool the
key-value store uses as well; its owner closes it after this.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from redis.asyncio import Redis

log = logging.getLogger(__name__)


class WakeBridge:
    """The Redis side: publish a wake-up, or listen and set `event` on each one heard."""

    def __init__(self, redis: Redis, channel: str, event: asyncio.Event) -> None:
        self._redis = redis
        self._channel = channel
        self._event = event
        self._listener: asyncio.Task[None] | None = None
        self._pubsub: Any = None
        self._pending: set[asyncio.Task[None]] = set()

    async def start(self, *, listen: bool = True) -> None:
        """`listen=False`: only publish (a process without workers of its own)."""
        if listen:
            self._listener = asyncio.create_task(self._listen(), name="outbox-wake-listener")

    async def _listen(self) -> None:
        while True:
            try:
                self._pubsub = self._redis.pubsub(ignore_subscribe_messages=True)
                await self._pubsub.subscribe(self._channel)
                async for _ in self._pubsub.listen():
                    self._event.set()
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                # Redis away: workers still poll; try to listen again shortly.
                log.warning("outbox: wake-up channel lost", extra={"error": type(exc).__name__})
                await asyncio.sleep(1.0)

    def publish(self) -> None:
        """Fire and forget: called from synchronous code right after a commit."""
        task = asyncio.get_running_loop().create_task(self._publish())
        self._pending.add(task)
        task.add_done_callback(self._pending.discard)

    async def _publish(self) -> None:
        try:
            await self._redis.publish(self._channel, "1")
        except Exception as exc:
            log.warning("outbox: wake-up not published", extra={"error": type(exc).__name__})

    async def close(self) -> None:
        # Bounded: redis-py can sit on a cancelled connect; shutdown must not hang on it.
        if self._listener is not None:
            self._listener.cancel()
            await asyncio.wait([self._listener], timeout=1.0)
        if self._pending:
            await asyncio.wait(self._pending, timeout=1.0)
        with contextlib.suppress(Exception):
            async with asyncio.timeout(1.0):
                if self._pubsub is not None:
                    await self._pubsub.aclose()


class OutboxWake:
    """This process's wake-up event, and the bridge to other processes when Redis is there."""

    def __init__(self, redis: Redis | None = None, channel: str = "") -> None:
        self.event = asyncio.Event()
        self._bridge = WakeBridge(redis, channel, self.event) if redis is not None else None

    @property
    def crosses_processes(self) -> bool:
        return self._bridge is not None

    async def start(self, *, listen: bool) -> None:
        """`listen`: this process runs workers that other processes should wake."""
        if self._bridge is not None:
            await self._bridge.start(listen=listen)

    def wake(self) -> None:
        """Call after committing outbox rows: workers send them at once."""
        self.event.set()
        if self._bridge is not None:
            self._bridge.publish()

    async def close(self) -> None:
        if self._bridge is not None:
            await self._bridge.close()
