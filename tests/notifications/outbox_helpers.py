"""Shared helpers for the outbound tests: fast workers, WeCom topics, enqueue and drain."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any

from tortoise.transactions import in_transaction

from inspection import outbox
from models.enums import OutboxStatus
from models.outbox import OutboxMessage
from notifications.wecom.client import WeComClient
from notifications.wecom.ratelimit import RateLimiter
from notifications.wecom.topics import MESSAGE, UPDATE_CARD, WeComCardUpdateTopic, WeComMessageTopic
from notifications.worker import OutboxWorker, Topic, WorkerOptions

FAST = WorkerOptions(batch=10, lease=30, poll_interval=0.02, max_attempts=60,
                     retry_base=0.01, retry_cap=0.05)
# Throttling pauses shortened so that tests do not wait WeCom's real minute.
FAST_BACKOFF = {45009: 0.05, 45033: 0.01, -1: 0.01}


def wecom_handlers(client: WeComClient | None, kv, **limits: Any) -> dict[str, Topic]:
    limiter = None
    if client is not None:
        limiter = RateLimiter(kv, corp_id=client.config.corp_id, agent_id=client.config.agent_id,
                              backoff=FAST_BACKOFF, **limits)
    return {MESSAGE: WeComMessageTopic(client, limiter),
            UPDATE_CARD: WeComCardUpdateTopic(client, limiter)}


def make_worker(handlers: dict[str, Topic], *, name: str = "w0", seed: int = 7,
                options: WorkerOptions = FAST, **kw: Any) -> OutboxWorker:
    return OutboxWorker(handlers=handlers, name=name, options=options, seed=seed, **kw)


async def enqueue(topic: str, payload: dict[str, Any], key: str, **kw: Any) -> OutboxMessage:
    async with in_transaction():
        return await outbox.enqueue(topic=topic, payload=payload, key=key, **kw)


def text(touser: str, content: str) -> dict[str, Any]:
    return {"touser": touser, "msgtype": "text", "text": {"content": content}}


async def drain(*workers: OutboxWorker, within: float = 30.0) -> None:
    """Run the workers until no row is pending, or fail after `within` seconds."""
    deadline = time.monotonic() + within
    while await OutboxMessage.filter(status=OutboxStatus.PENDING).exists():
        if time.monotonic() > deadline:
            pending = await OutboxMessage.filter(status=OutboxStatus.PENDING).values(
                "id", "attempts", "last_error", "due_at")
            raise AssertionError(f"rows still pending: {pending[:5]}")
        done = await asyncio.gather(*(w.run_once() for w in workers))
        if not any(done):
            await asyncio.sleep(0.01)


async def eventually(check: Callable[[], Any | Awaitable[Any]], within: float = 5.0) -> None:
    """Wait until `check()` is true (it may be async), polling every 10 ms."""
    async with asyncio.timeout(within):
        while True:
            value = check()
            if asyncio.iscoroutine(value):
                value = await value
            if value:
                return
            await asyncio.sleep(0.01)


async def none_pending() -> bool:
    return not await OutboxMessage.filter(status=OutboxStatus.PENDING).exists()
