"""The app runs one outbox worker in-process; each resource sits under its own key."""

from __future__ import annotations

import asyncio

from tortoise.transactions import in_transaction

from inspection import outbox
from models.enums import OutboxStatus
from models.kv import RedisKV
from models.outbox import OutboxMessage
from notifications.appkeys import KV, OUTBOX_WAKE, OUTBOX_WORKERS, REDIS, RUN_WORKER, WECOM
from suiji.app import create_app
from suiji.handlers import build_handlers
from tests.notifications.outbox_helpers import eventually


async def test_serve_runs_a_worker_that_wakes_on_commit(aiohttp_client, wecom_settings,
                                                        wecom_standin):
    client = await aiohttp_client(create_app(wecom_settings, manage_db=False, run_worker=True))
    assert WECOM in client.app and len(client.app[OUTBOX_WORKERS].workers) == 1
    async with in_transaction():
        await outbox.enqueue(topic="wecom.message", key="m-1", payload={
            "touser": "zhangsan", "msgtype": "text", "text": {"content": "您已被抽中"}})
    client.app[OUTBOX_WAKE].wake()
    await eventually(lambda: wecom_standin.deliveries)

    async def sent() -> bool:
        return (await OutboxMessage.get(idempotency_key="m-1")).status == OutboxStatus.SENT

    await eventually(sent)


async def test_tests_get_no_worker_unless_they_ask(aiohttp_client, wecom_settings,
                                                   wecom_standin):
    client = await aiohttp_client(create_app(wecom_settings, manage_db=False))
    assert OUTBOX_WORKERS not in client.app
    async with in_transaction():
        await outbox.enqueue(topic="wecom.message", key="m-1", payload={
            "touser": "zhangsan", "msgtype": "text", "text": {"content": "x"}})
    client.app[OUTBOX_WAKE].wake()
    await asyncio.sleep(0.3)
    assert wecom_standin.deliveries == []


async def test_without_wecom_there_is_no_client_and_topics_hold(aiohttp_client, settings):
    client = await aiohttp_client(create_app(settings, manage_db=False))
    assert WECOM not in client.app
    handlers = build_handlers(wecom_client=None, kv=client.app[KV])
    assert set(handlers) >= {"wecom.message", "wecom.update_card"}
    assert not handlers["wecom.message"].available  # type: ignore[union-attr]
    assert not handlers["wecom.update_card"].available  # type: ignore[union-attr]


def test_serve_runs_a_worker_by_default_tests_do_not(settings):
    assert create_app(settings)[RUN_WORKER] is True  # `suiji serve`
    assert create_app(settings, manage_db=False)[RUN_WORKER] is False
    assert create_app(settings, manage_db=False, run_worker=True)[RUN_WORKER] is True


async def test_one_redis_pool_for_the_store_and_the_wake_ups(aiohttp_client, settings):
    client = await aiohttp_client(create_app(settings, manage_db=False))
    wake = client.app[OUTBOX_WAKE]
    assert wake.crosses_processes == bool(settings.redis_url)
    wake.wake()
    assert wake.event.is_set()
    if not settings.redis_url:
        assert REDIS not in client.app
        return
    redis = client.app[REDIS]
    kv = client.app[KV]
    assert isinstance(kv, RedisKV)
    assert kv._redis is redis and wake._bridge is not None and wake._bridge._redis is redis
    await kv.set("probe", "1", ttl=10)  # so that the pool holds at least one open connection
    pool = redis.connection_pool
    opened = [*pool._available_connections, *pool._in_use_connections]
    assert any(c.is_connected for c in opened)
    await client.close()
    assert not any(c.is_connected for c in opened)
