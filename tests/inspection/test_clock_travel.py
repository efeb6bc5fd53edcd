"""`clock.travel` (for `suiji demo`): moves the calling task's clock only, everywhere it is read."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest

from inspection import clock
from inspection.fieldwork import inspections, rectification

THEN = dt.datetime(2026, 3, 2, 9, 30, tzinfo=clock.BEIJING)


def test_travel_moves_now_and_today_and_comes_back() -> None:
    before = clock.now()
    with clock.travel(THEN) as at:
        assert THEN <= at <= clock.now() < THEN + dt.timedelta(seconds=5)  # time runs on
        assert clock.today() == dt.date(2026, 3, 2)
        # Modules that imported `now`/`today` by name read the same clock.
        assert THEN <= inspections.now() < THEN + dt.timedelta(seconds=5)  # type: ignore[attr-defined]
        assert rectification.today() == dt.date(2026, 3, 2)  # type: ignore[attr-defined]
        with clock.travel(THEN + dt.timedelta(days=30)):
            assert clock.today() == dt.date(2026, 4, 1)
        assert clock.today() == dt.date(2026, 3, 2)
    assert clock.now() - before < dt.timedelta(seconds=5)


async def test_other_tasks_keep_the_real_time() -> None:
    seen: list[dt.date] = []
    entered, done = asyncio.Event(), asyncio.Event()

    async def request() -> None:  # e.g. a server's request handled meanwhile
        await entered.wait()
        seen.append(clock.today())
        done.set()

    other = asyncio.create_task(request())
    with clock.travel(THEN):
        entered.set()
        await done.wait()
        assert clock.today() == dt.date(2026, 3, 2)
    await other
    assert seen == [dt.datetime.now(clock.BEIJING).date()]


def test_travel_refuses_a_naive_moment() -> None:
    with pytest.raises(ValueError), clock.travel(dt.datetime(2026, 3, 2, 9, 30)):
        pass
