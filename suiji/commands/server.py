"""`suiji serve` and `suiji migrate`."""

from __future__ import annotations

import argparse
import asyncio

from aiohttp import web

from suiji import db
from suiji.app import create_app
from suiji.logs import setup_logging
from suiji.outbox import bootstrap_timers
from suiji.settings import Settings


def _serve(settings: Settings, args: argparse.Namespace) -> int:
    setup_logging(settings.log_level)
    web.run_app(create_app(settings, run_worker=not args.no_worker), host=args.host, port=args.port, print=None,
                access_log_format='%a "%r" %s %b %Tf')
    return 0


def _migrate(settings: Settings, args: argparse.Namespace) -> int:
    async def main() -> None:
        try:
            await db.migrate(settings.database_url)
            # A fresh install gets its daily housekeeping timer here (docs/outbox.md).
            await db.init_db(settings.database_url)
            await bootstrap_timers()
        finally:
            await db.close_db()

    asyncio.run(main())
    print("数据库已迁移到最新版本 / database migrated")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("serve", help="run the web app (and one outbox worker)")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8080)
    p.add_argument("--no-worker", action="store_true",
                   help="no in-process outbox worker (when `suiji worker` processes send)")
    p.set_defaults(handler=_serve)
    p = sub.add_parser("migrate", help="apply database migrations")
    p.set_defaults(handler=_migrate)
