"""The demo's staged past (suiji/demo/history.py): scripts interleaved in time order, each step
on its own clock, the future left undone, the past's timers run and its messages never sent."""

from __future__ import annotations

import datetime as dt

import pytest

from inspection import clock, outbox
from models.enums import OutboxStatus
from models.outbox import OutboxMessage
from suiji.demo.history import HISTORY_NOTE, History, Script

pytestmark = pytest.mark.usefixtures("clean_db")
T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=clock.BEIJING)


def hours(n: float) -> dt.datetime:
    return T0 + dt.timedelta(hours=n)


async def test_scripts_interleave_and_the_future_stays_undone() -> None:
    seen: list[tuple[str, dt.datetime]] = []
    ran: list[dict] = []

    async def on_timer(payload: dict) -> None:
        ran.append({**payload, "at": clock.now()})

    history = History(until=hours(10), handlers={"timer.test": on_timer}, first_row=1)

    async def one(name: str, steps: list[float]) -> Script:
        for n in steps:
            yield hours(n)
            seen.append((name, clock.now()))
            if name == "a" and n == 1:
                await outbox.enqueue(topic="timer.test", payload={"n": 1}, key="t1",
                                     due_at=hours(2.5))
                await outbox.enqueue(topic="wecom.message", payload={}, key="m1")
                history.spawn(one("c", [1.5]))

    history.spawn(one("a", [1, 3, 12]))
    history.spawn(one("b", [2, 4]))
    await history.run()
    assert [(name, round((at - T0).total_seconds() / 3600, 1)) for name, at in seen] == [
        ("a", 1.0), ("c", 1.5), ("b", 2.0), ("a", 3.0), ("b", 4.0)]  # a at 12: still to come
    assert len(ran) == 1 and hours(2.5) <= ran[0]["at"] < hours(2.6)
    timer = await OutboxMessage.get(idempotency_key="t1")
    assert timer.status == OutboxStatus.SENT
    message = await OutboxMessage.get(idempotency_key="m1")
    assert message.status == OutboxStatus.CANCELLED and message.last_error == HISTORY_NOTE


async def test_a_script_cannot_go_back_in_time() -> None:
    async def backwards() -> Script:
        yield hours(2)
        yield hours(1)

    history = History(until=hours(10), handlers={}, first_row=1)
    history.spawn(backwards())
    with pytest.raises(ValueError):
        await history.run()
