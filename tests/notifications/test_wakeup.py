"""Wake-ups cross processes through Redis pub/sub (the poll remains the safety net)."""

from __future__ import annotations

import asyncio
import gc
import logging
import os
import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest

from models.kv import connect_redis
from notifications.wakeup import OutboxWake, WakeBridge
from tests.notifications.outbox_helpers import eventually

REDIS_URL = os.environ.get("SUIJI_TEST_REDIS_URL", "")


@pytest.fixture
async def loop_errors() -> AsyncIterator[list[dict[str, Any]]]:
    """What the event loop's exception handler hears during the test: a background task that
    failed with nobody awaiting it is reported there once collected (hence `gc.collect()`)."""
    loop = asyncio.get_running_loop()
    heard: list[dict[str, Any]] = []
    previous = loop.get_exception_handler()
    loop.set_exception_handler(lambda _loop, context: heard.append(context))
    yield heard
    loop.set_exception_handler(previous)


def _started(before: set[asyncio.Task[Any]], qualname: str) -> list[asyncio.Task[Any]]:
    return [t for t in asyncio.all_tasks() - before
            if t.get_coro().__qualname__ == qualname]  # type: ignore[union-attr]


async def test_a_wake_up_published_in_one_process_wakes_the_other(loop_errors):
    if not REDIS_URL:
        pytest.skip("needs Redis (SUIJI_TEST_REDIS_URL)")
    channel = f"suiji-test:{uuid.uuid4().hex[:8]}:outbox:wake"
    here, there = asyncio.Event(), asyncio.Event()
    a, b = connect_redis(REDIS_URL), connect_redis(REDIS_URL)  # as two processes would
    sender, receiver = WakeBridge(a, channel, here), WakeBridge(b, channel, there)
    await sender.start()
    await receiver.start()
    try:
        async with asyncio.timeout(5):
            # Subscribing is asynchronous: publish until the other side has heard one.
            while not there.is_set():
                sender.publish()
                await asyncio.sleep(0.05)
        there.clear()
        sender.publish()
        async with asyncio.timeout(1):
            await there.wait()
    finally:
        await sender.close()
        await receiver.close()
        await a.aclose()
        await b.aclose()
    gc.collect()
    assert loop_errors == []


async def test_redis_away_does_not_break_publishing(loop_errors, caplog):
    caplog.set_level(logging.WARNING, logger="notifications.wakeup")

    def warnings() -> list[tuple[str, str]]:
        return [(r.getMessage(), r.error) for r in caplog.records  # type: ignore[attr-defined]
                if r.name == "notifications.wakeup"]

    nowhere = connect_redis("redis://127.0.0.1:1/0")
    wake = OutboxWake(nowhere, "nowhere")
    before = asyncio.all_tasks()
    await wake.start(listen=True)
    [listener] = _started(before, "WakeBridge._listen")
    wake.wake()  # fire and forget: raises nothing here
    assert wake.event.is_set()  # this process's workers wake whatever Redis does
    [publishing] = _started(before, "WakeBridge._publish")
    assert await asyncio.wait_for(publishing, 10) is None  # the failure was handled inside
    assert ("outbox: wake-up not published", "ConnectionError") in warnings()
    # The listener's failure is handled too (logged once, then a pause before it listens again).
    both = [("outbox: wake-up channel lost", "ConnectionError"),
            ("outbox: wake-up not published", "ConnectionError")]
    await eventually(lambda: sorted(warnings()) == both, within=10)
    assert not listener.done()  # it survived the failure and will listen again
    await wake.close()
    assert listener.cancelled()
    await nowhere.aclose()
    gc.collect()
    assert loop_errors == []


def test_without_redis_only_this_process_wakes():
    wake = OutboxWake()
    wake.wake()
    assert wake.event.is_set() and not wake.crosses_processes
