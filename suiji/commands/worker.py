"""`suiji worker`: run outbox workers (any number of processes, on any machines)."""

from __future__ import annotations

import argparse
import asyncio
import signal

from notifications.worker import WorkerOptions
from suiji import db
from suiji.app import build_runtime
from suiji.logs import setup_logging
from suiji.outbox import (
    attach_wecom,
    bootstrap_timers,
    build_workers,
    close_wake_bridge,
    open_session,
    open_wake_bridge,
    stop_workers,
)
from suiji.settings import Settings


async def _run(settings: Settings, args: argparse.Namespace) -> None:
    if not db.is_postgres(settings.database_url):
        await db.migrate(settings.database_url)
    await db.init_db(settings.database_url)
    await bootstrap_timers()
    runtime = build_runtime(settings)
    session = open_session()
    bridge = None
    try:
        attach_wecom(runtime, session)
        # Rows committed by `suiji serve` processes wake these workers at once.
        bridge = await open_wake_bridge(runtime, settings.redis_url, settings.redis_prefix,
                                        listen=True)
        options = WorkerOptions(batch=args.batch, lease=args.lease,
                                poll_interval=args.poll_interval, retry_base=args.retry_base,
                                max_attempts=args.max_attempts)
        workers = build_workers(runtime, args.concurrency, options)
        tasks = [asyncio.create_task(w.run(), name=w.name) for w in workers]
        loop = asyncio.get_running_loop()

        def stop_all() -> None:
            # Graceful: each loop finishes the row in hand, releases the rest of its batch.
            for w in workers:
                w.stop()

        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop_all)
        await asyncio.wait(tasks, return_when=asyncio.FIRST_EXCEPTION)
        await stop_workers(workers, tasks)
    finally:
        await close_wake_bridge(runtime, bridge)
        await session.close()
        await runtime.kv.close()
        await db.close_db()


def _worker(settings: Settings, args: argparse.Namespace) -> int:
    setup_logging(settings.log_level)
    if args.concurrency < 1:
        print("--concurrency 至少为 1 / must be at least 1")
        return 2
    asyncio.run(_run(settings, args))
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("worker", help="run outbox workers (WeCom messages and timers)")
    p.add_argument("--concurrency", type=int, default=4, help="concurrent loops (default 4)")
    p.add_argument("--batch", type=int, default=10, help="rows claimed at a time per loop")
    p.add_argument("--lease", type=float, default=120.0,
                   help="seconds a claimed row stays reserved (a killed worker's rows are "
                        "resent after this)")
    p.add_argument("--poll-interval", type=float, default=0.2,
                   help="idle poll, seconds: how soon rows from other processes are seen")
    p.add_argument("--retry-base", type=float, default=30.0,
                   help="first retry delay, seconds (doubles each attempt, capped at 6 h)")
    p.add_argument("--max-attempts", type=int, default=12)
    p.set_defaults(handler=_worker)
