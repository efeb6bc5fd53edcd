"""Waking outbox workers in other processes at once (Redis pub/sub).

A process that commits outbox rows sets its own workers' event (`Runtime.wake_outbox`); with
Redis configured it also publishes on one channel, and every process subscribed to it sets its
event, so an idle worker anywhere sends without waiting for its poll. Losing a wake-up costs at
most one poll interval: the poll stays the safety net.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

log = logging.getLogger(__name__)


class WakeBridge:
    def __init__(self, redis_url: str, channel: str, event: asyncio.Event) -> None:
        from redis import asyncio as redis_asyncio

        self._redis: Any = redis_asyncio.from_url(redis_url, decode_responses=True)
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
                await self._redis.aclose()
