"""CLI commands. Each module has `register(subparsers)`; `suiji.cli` lists the modules."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Awaitable, Callable
from typing import NoReturn, TypeVar

from inspection import worktime
from inspection.audit import unit_of_work
from inspection.errors import DomainError, Problem
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


def format_problem(p: Problem) -> str:
    """`第 N 行「字段」：原因`, as far as the problem names a row and a field."""
    where = f"第 {p.row} 行" if p.row is not None else ""
    if p.field:
        where += f"「{p.field}」"
    return f"{where}：{p.message}" if where else p.message


def refuse(exc: DomainError, *, heading: str = "操作失败", exit_code: int = 1) -> NoReturn:
    """End the command on a domain refusal: its message and code, then every problem, on
    stderr; the exit status says it failed."""
    print(f"{heading}：{exc.message}（{exc.code}）", file=sys.stderr)
    for p in exc.problems:
        print(format_problem(p), file=sys.stderr)
    raise SystemExit(exit_code)


def run_unit(settings: Settings, work: Callable[[], Awaitable[T]], *, transaction: bool = True,
             heading: str = "操作失败", exit_code: int = 1) -> T:
    """Run one unit of work the way every command does: the database opened and closed around
    it, one transaction (`transaction=False` for a read), and a refusal (`DomainError`) printed
    by `refuse` — nothing changed — instead of a traceback."""

    async def unit() -> T:
        if not transaction:
            return await work()
        async with unit_of_work():
            return await work()

    try:
        return run_with_db(settings, unit)
    except DomainError as exc:
        refuse(exc, heading=heading, exit_code=exit_code)
