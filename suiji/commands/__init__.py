"""CLI commands. Each module has `register(subparsers)`; `suiji.cli` lists the modules."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

from inspection import worktime
from inspection.worktime import OfficeHours
from suiji import db
from suiji.settings import Settings

T = TypeVar("T")


def run_with_db(settings: Settings, work: Callable[[], Awaitable[T]], *,
                migrate_sqlite: bool = True) -> T:
    """Open the database, run `work`, always close (aiosqlite's thread would keep us alive)."""

    async def main() -> T:
        worktime.configure(OfficeHours.parse(settings.office_hours))
        if migrate_sqlite and not db.is_postgres(settings.database_url):
            await db.migrate(settings.database_url)
        await db.init_db(settings.database_url)
        try:
            return await work()
        finally:
            await db.close_db()

    return asyncio.run(main())
