"""The app runs one outbox worker in-process; the WeCom client is in the runtime."""

from __future__ import annotations

import asyncio

from tortoise.transactions import in_transaction

from inspection import outbox
from models.enums import OutboxStatus
from models.outbox import OutboxMessage
from notifications.runtime import RUNTIME
from suiji.app import create_app
from suiji.handlers import build_handlers
from tests.notifications.outbox_helpers import eventually


async def test_serve_runs_a_worker_that_wakes_on_commit(aiohttp_client, wecom_settings,
                                                        wecom_standin):
    client = await aiohttp_client(create_app(wecom_settings, manage_db=False, run_worker=True))
    runtime = client.app[RUNTIME]
    assert runtime.wecom_client is not None
    async with in_transaction():
        await outbox.enqueue(topic="wecom.message", key="m-1", payload={
            "touser": "zhangsan", "msgtype": "text", "text": {"content": "您已被抽中"}})
    runtime.wake_outbox()
    await eventually(lambda: wecom_standin.deliveries)

    async def sent() -> bool:
        return (await OutboxMessage.get(idempotency_key="m-1")).status == OutboxStatus.SENT

    await eventually(sent)


async def test_tests_get_no_worker_unless_they_ask(aiohttp_client, wecom_settings,
                                                   wecom_standin):
    client = await aiohttp_client(create_app(wecom_settings, manage_db=False))
    async with in_transaction():
        await outbox.enqueue(topic="wecom.message", key="m-1", payload={
            "touser": "zhangsan", "msgtype": "text", "text": {"content": "x"}})
    client.app[RUNTIME].wake_outbox()
    await asyncio.sleep(0.3)
    assert wecom_standin.deliveries == []


async def test_without_wecom_there_is_no_client_and_topics_hold(aiohttp_client, settings):
    client = await aiohttp_client(create_app(settings, manage_db=False))
    runtime = client.app[RUNTIME]
    assert runtime.wecom is None and runtime.wecom_client is None
    handlers = build_handlers(runtime)
    assert set(handlers) >= {"wecom.message", "wecom.update_card"}
    assert not handlers["wecom.message"].available  # type: ignore[union-attr]
    assert not handlers["wecom.update_card"].available  # type: ignore[union-attr]


def test_serve_runs_a_worker_by_default_tests_do_not(settings):
    from suiji.outbox import RUN_WORKER

    assert create_app(settings)[RUN_WORKER] is True  # `suiji serve`
    assert create_app(settings, manage_db=False)[RUN_WORKER] is False
    assert create_app(settings, manage_db=False, run_worker=True)[RUN_WORKER] is True


async def test_wake_ups_are_published_when_redis_is_configured(aiohttp_client, settings):
    client = await aiohttp_client(create_app(settings, manage_db=False))
    runtime = client.app[RUNTIME]
    assert (runtime.outbox_publish is not None) == bool(settings.redis_url)
    runtime.wake_outbox()
    assert runtime.outbox_wakeup.is_set()
