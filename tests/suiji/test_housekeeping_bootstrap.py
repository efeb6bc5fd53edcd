"""The daily housekeeping timer exists on a fresh install: `suiji migrate` and every worker
start-up add it when no run is pending, and never a second one (docs/outbox.md)."""

from __future__ import annotations

import asyncio

import pytest

from inspection import clock, housekeeping
from models.enums import OutboxStatus
from models.outbox import OutboxMessage
from suiji.app import create_app
from suiji.outbox import bootstrap_timers
from tests.suiji.cli_helpers import run_cli

pytestmark = pytest.mark.usefixtures("clean_db")


async def runs() -> list[OutboxMessage]:
    return list(await OutboxMessage.filter(topic=housekeeping.TOPIC))


async def test_migrate_schedules_the_first_run_once(settings, tmp_path):
    for _ in range(2):
        result = run_cli(settings, tmp_path, "migrate")
        assert result.returncode == 0, result.stderr
    [row] = await runs()
    assert row.status == OutboxStatus.PENDING
    assert row.due_at == housekeeping.next_run(row.created_at)


async def test_the_in_process_worker_bootstraps_on_start(aiohttp_client, settings):
    await aiohttp_client(create_app(settings, manage_db=False, run_worker=True))
    await aiohttp_client(create_app(settings, manage_db=False, run_worker=True))
    [row] = await runs()
    assert row.status == OutboxStatus.PENDING and row.due_at > clock.now()


async def test_simultaneous_bootstraps_leave_one_row():
    # On PostgreSQL both may find no pending run and insert the same key; the loser's
    # IntegrityError is absorbed.
    await asyncio.gather(*(bootstrap_timers() for _ in range(4)))
    assert len(await runs()) == 1
