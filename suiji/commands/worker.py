"""`suiji worker`: run outbox workers (any number of processes, on any machines)."""

from __future__ import annotations

import argparse
import asyncio
import signal

from aiohttp import web

from notifications.appkeys import CONFIG, OUTBOX_WORKERS
from notifications.worker import WorkerOptions
from suiji import outbox, resources
from suiji.logs import setup_logging
from suiji.settings import Settings


def worker_app(settings: Settings, count: int, options: WorkerOptions) -> web.Application:
    """The resources of `suiji serve` and the outbox loops, without routes: one lifecycle
    (cleanup contexts) for both commands."""
    app = web.Application()
    config = app[CONFIG] = resources.app_config(settings)
    # Rows committed by `suiji serve` processes wake these workers at once.
    app.cleanup_ctx.extend(resources.contexts(settings, config, manage_db=True, listen=True))
    app.cleanup_ctx.append(outbox.workers(count, options))
    return app


async def _run(settings: Settings, args: argparse.Namespace) -> None:
    options = WorkerOptions(batch=args.batch, lease=args.lease,
                            poll_interval=args.poll_interval, retry_base=args.retry_base,
                            max_attempts=args.max_attempts)
    app = worker_app(settings, args.concurrency, options)
    # What aiohttp's runner does around a server, without the server. A failed start closes
    # what had opened: cleanup runs only the contexts that started.
    app.on_startup.freeze()
    try:
        await app.startup()
        app.freeze()
        pool = app[OUTBOX_WORKERS]
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            # Graceful: each loop finishes the row in hand, releases the rest of its batch.
            loop.add_signal_handler(sig, pool.stop)
        await pool.wait()
    finally:
        await app.cleanup()


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
