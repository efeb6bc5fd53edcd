"""Wiring of the outbox workers: the cleanup context that runs them over the app's resources.

`suiji serve` runs one loop in-process; `suiji worker` runs `--concurrency` loops. Both stop
gracefully: the row in hand is finished (notifications.worker_pool).
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator

from aiohttp import web
from tortoise.exceptions import IntegrityError

from inspection import housekeeping
from inspection.audit import unit_of_work
from notifications.appkeys import CONFIG, KV, OUTBOX_WAKE, OUTBOX_WORKERS, STORAGE, WECOM
from notifications.worker import OutboxWorker, WorkerOptions, default_name
from notifications.worker_pool import WorkerPool
from suiji.handlers import build_handlers
from suiji.resources import Context

log = logging.getLogger(__name__)


async def bootstrap_timers() -> None:
    """Make sure the self-rescheduling timers exist (the daily housekeeping run): on a fresh
    install, and after a failed run broke the chain. Called wherever workers start and by
    `suiji migrate`; cheap when the row exists."""
    try:
        async with unit_of_work():
            row = await housekeeping.ensure_scheduled()
    except IntegrityError:
        return  # another process inserted the same run at the same moment
    if row is not None:
        log.info("outbox: daily housekeeping scheduled", extra={"due_at": row.due_at.isoformat()})


def build_pool(app: web.Application, count: int,
               options: WorkerOptions | None = None) -> WorkerPool:
    client = app.get(WECOM)
    if client is None:
        log.warning("outbox: WeCom is not configured; WeCom messages stay in the outbox")
    handlers = build_handlers(wecom_client=client, kv=app[KV],
                              public_base_url=app[CONFIG].public_base_url,
                              storage=app.get(STORAGE))
    wake = app[OUTBOX_WAKE].event
    return WorkerPool([OutboxWorker(handlers=handlers, name=default_name(i), options=options,
                                    wake=wake, log_held=i == 0) for i in range(count)])


def workers(count: int = 1, options: WorkerOptions | None = None) -> Context:
    """Runs after the resources it sends with (`suiji.resources.contexts`)."""
    async def ctx(app: web.Application) -> AsyncIterator[None]:
        await bootstrap_timers()
        pool = app[OUTBOX_WORKERS] = build_pool(app, count, options)
        pool.start()
        yield
        await pool.close()

    return ctx
