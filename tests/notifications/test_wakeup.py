"""Wake-ups cross processes through Redis pub/sub (the poll remains the safety net)."""

from __future__ import annotations

import asyncio
import os
import uuid

import pytest

from models.kv import connect_redis
from notifications.wakeup import OutboxWake, WakeBridge

REDIS_URL = os.environ.get("SUIJI_TEST_REDIS_URL", "")


async def test_a_wake_up_published_in_one_process_wakes_the_other():
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


async def test_redis_away_does_not_break_publishing():
    nowhere = connect_redis("redis://127.0.0.1:1/0")
    wake = OutboxWake(nowhere, "nowhere")
    await wake.start(listen=True)
    wake.wake()
    assert wake.event.is_set()  # this process's workers wake whatever Redis does
    await asyncio.sleep(0.1)
    await wake.close()  # neither publish nor the listener raised
    await nowhere.aclose()


def test_without_redis_only_this_process_wakes():
    wake = OutboxWake()
    wake.wake()
    assert wake.event.is_set() and not wake.crosses_processes
