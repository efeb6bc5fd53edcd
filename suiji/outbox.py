"""Wiring of the outbound side: the WeCom client per process and the outbox workers.

`suiji serve` runs one worker in-process (`setup`, a cleanup context); `suiji worker` runs
`--concurrency` loops (`run_workers`). Both stop gracefully: the row in hand is finished.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator

import aiohttp
from aiohttp import web
from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from inspection import housekeeping
from notifications.runtime import RUNTIME, Runtime
from notifications.wakeup import WakeBridge
from notifications.wecom.client import WeComClient
from notifications.worker import OutboxWorker, WorkerOptions, default_name
from suiji.handlers import build_handlers

log = logging.getLogger(__name__)

RUN_WORKER = web.AppKey("run_worker", bool)
# How long a stopping worker may take to finish the row in hand.
STOP_GRACE = 30.0


def open_session() -> aiohttp.ClientSession:
    # One pool per process; per-call timeouts are set by the client.
    return aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=50),
                                 headers={"User-Agent": "suiji"})


def attach_wecom(runtime: Runtime, session: aiohttp.ClientSession) -> None:
    if runtime.wecom is not None:
        runtime.wecom_client = WeComClient(session, runtime.wecom, runtime.kv)


async def open_wake_bridge(runtime: Runtime, redis_url: str | None, prefix: str, *,
                           listen: bool) -> WakeBridge | None:
    """With Redis, wake-ups cross processes; without, each process has only its own.
    `listen`: this process runs workers that others should wake."""
    if not redis_url:
        return None
    bridge = WakeBridge(redis_url, f"{prefix}outbox:wake", runtime.outbox_wakeup)
    await bridge.start(listen=listen)
    runtime.outbox_publish = bridge.publish
    return bridge


async def close_wake_bridge(runtime: Runtime, bridge: WakeBridge | None) -> None:
    if bridge is not None:
        runtime.outbox_publish = None
        await bridge.close()


async def bootstrap_timers() -> None:
    """Make sure the self-rescheduling timers exist (the daily housekeeping run): on a fresh
    install, and after a failed run broke the chain. Called wherever workers start and by
    `suiji migrate`; cheap when the row exists."""
    try:
        async with in_transaction():
            row = await housekeeping.ensure_scheduled()
    except IntegrityError:
        return  # another process inserted the same run at the same moment
    if row is not None:
        log.info("outbox: daily housekeeping scheduled", extra={"due_at": row.due_at.isoformat()})


def build_workers(runtime: Runtime, count: int,
                  options: WorkerOptions | None = None) -> list[OutboxWorker]:
    if runtime.wecom is None:
        log.warning("outbox: WeCom is not configured; WeCom messages stay in the outbox")
    handlers = build_handlers(runtime)
    return [OutboxWorker(handlers=handlers, name=default_name(i), options=options,
                         wake=runtime.outbox_wakeup, log_held=i == 0) for i in range(count)]


async def stop_workers(workers: list[OutboxWorker], tasks: list[asyncio.Task[None]]) -> None:
    for w in workers:
        w.stop()
    done, pending = await asyncio.wait(tasks, timeout=STOP_GRACE) if tasks else (set(), set())
    for t in pending:
        t.cancel()
    for t in done:
        if not t.cancelled() and t.exception() is not None:
            log.error("outbox: worker ended with an error", exc_info=t.exception())


def setup(app: web.Application) -> None:
    async def outbox_ctx(app: web.Application) -> AsyncIterator[None]:
        from suiji.app import SETTINGS  # here: suiji.app imports this module

        runtime = app[RUNTIME]
        settings = app[SETTINGS]
        session = open_session()
        attach_wecom(runtime, session)
        run_worker = app.get(RUN_WORKER, False)
        bridge = await open_wake_bridge(runtime, settings.redis_url, settings.redis_prefix,
                                        listen=run_worker)
        workers: list[OutboxWorker] = []
        tasks: list[asyncio.Task[None]] = []
        if run_worker:
            await bootstrap_timers()
            workers = build_workers(runtime, 1)
            tasks = [asyncio.create_task(w.run(), name=w.name) for w in workers]
        yield
        await stop_workers(workers, tasks)
        await close_wake_bridge(runtime, bridge)
        runtime.wecom_client = None
        await session.close()

    app.cleanup_ctx.append(outbox_ctx)
