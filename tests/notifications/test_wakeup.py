"""Wake-ups cross processes through Redis pub/sub (the poll remains the safety net)."""

from __future__ import annotations

import asyncio
import os
import uuid

import pytest

from notifications.wakeup import WakeBridge

REDIS_URL = os.environ.get("SUIJI_TEST_REDIS_URL", "")


async def test_a_wake_up_published_in_one_process_wakes_the_other():
    if not REDIS_URL:
        pytest.skip("needs Redis (SUIJI_TEST_REDIS_URL)")
    channel = f"suiji-test:{uuid.uuid4().hex[:8]}:outbox:wake"
    here, there = asyncio.Event(), asyncio.Event()
    sender, receiver = WakeBridge(REDIS_URL, channel, here), WakeBridge(REDIS_URL, channel, there)
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


async def test_redis_away_does_not_break_publishing():
    bridge = WakeBridge("redis://127.0.0.1:1/0", "nowhere", asyncio.Event())
    await bridge.start()
    bridge.publish()
    await asyncio.sleep(0.1)
    await bridge.close()  # neither publish nor the listener raised
