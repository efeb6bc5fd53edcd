"""Writing to the outbox: one row per key, the first writer's, inside the caller's transaction,
also when two transactions write the same key at once."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest

from inspection import audit, clock, outbox
from models.enums import OutboxStatus
from models.outbox import OutboxMessage

pytestmark = pytest.mark.usefixtures("clean_db")

DUE = dt.datetime(2026, 12, 1, 9, 30, tzinfo=clock.BEIJING)


async def test_the_row_comes_back_as_written() -> None:
    with outbox.noting() as written:
        async with audit.unit_of_work():
            row = await outbox.enqueue(topic="wecom.message", key="k1", due_at=DUE,
                                       payload={"to": ["zhang"], "facts": {"content": "您好"}})
    stored = await OutboxMessage.get(idempotency_key="k1")
    assert written == [stored.id] == [row.id]
    assert (row.topic, row.payload, row.status, row.attempts) == (
        "wecom.message", {"to": ["zhang"], "facts": {"content": "您好"}},
        OutboxStatus.PENDING, 0)
    assert row.due_at == DUE == stored.due_at
    assert stored.payload == row.payload and stored.locked_until is None


async def test_the_same_key_twice_is_the_first_row_and_noted_once() -> None:
    with outbox.noting() as written:
        async with audit.unit_of_work():
            first = await outbox.enqueue(topic="wecom.message", key="k", payload={"n": 1})
            again = await outbox.enqueue(topic="wecom.message", key="k", payload={"n": 2})
    assert again.id == first.id and again.payload == {"n": 1}
    assert written == [first.id]
    assert [r.payload for r in await OutboxMessage.all()] == [{"n": 1}]


@pytest.mark.postgres_only
async def test_two_transactions_writing_one_key_at_once_both_commit_one_row() -> None:
    # The second insert waits for the first transaction's row; it must then find that row, not
    # abort its own transaction with a unique violation (the caller's whole change would go).
    first_wrote = asyncio.Event()
    release_first = asyncio.Event()

    async def first() -> int:
        async with audit.unit_of_work():
            row = await outbox.enqueue(topic="timer.x", key="shared", payload={"by": "first"})
            first_wrote.set()
            await release_first.wait()
            return row.id

    async def second() -> int:
        await first_wrote.wait()
        async with audit.unit_of_work():
            row = await outbox.enqueue(topic="timer.x", key="shared", payload={"by": "second"})
            return row.id

    task_first = asyncio.create_task(first())
    task_second = asyncio.create_task(second())
    await first_wrote.wait()
    await asyncio.sleep(0.2)  # the second is now waiting on the first's uncommitted row
    release_first.set()
    ids = await asyncio.gather(task_first, task_second)
    rows = await OutboxMessage.all()
    assert [r.payload for r in rows] == [{"by": "first"}]
    assert ids == [rows[0].id, rows[0].id]
