"""Grouped writes: what arrives while a write is on its way goes into the next one; a lone item
is written at once; a failure reaches exactly the callers of its group."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import pytest

from notifications.grouping import Grouped


class Store:
    def __init__(self) -> None:
        self.groups: list[list[int]] = []
        self.gate: asyncio.Event | None = None
        self.fail_with: set[int] = set()

    async def write(self, items: Sequence[int]) -> list[int]:
        self.groups.append(list(items))
        if self.gate is not None:
            await self.gate.wait()
        if self.fail_with & set(items):
            raise ConnectionError("database went away")
        return [i * 10 for i in items]


async def test_a_lone_item_is_written_at_once() -> None:
    store = Store()
    grouped = Grouped(store.write)
    async with asyncio.timeout(1):
        assert await grouped.add(7) == 70
    assert store.groups == [[7]] and grouped.writes == 1


async def test_items_arriving_during_a_write_share_the_next() -> None:
    store = Store()
    store.gate = asyncio.Event()
    grouped = Grouped(store.write)
    first = asyncio.create_task(grouped.add(1))
    await asyncio.sleep(0)  # the first write is on its way, held at the gate
    later = [asyncio.create_task(grouped.add(i)) for i in range(2, 7)]
    await asyncio.sleep(0)
    assert store.groups == [[1]]
    store.gate.set()
    assert await first == 10
    assert [await t for t in later] == [20, 30, 40, 50, 60]  # each caller its own result
    assert store.groups == [[1], [2, 3, 4, 5, 6]] and grouped.writes == 2


async def test_a_group_is_at_most_max_group_items() -> None:
    store = Store()
    store.gate = asyncio.Event()
    grouped = Grouped(store.write, max_group=3)
    tasks = [asyncio.create_task(grouped.add(i)) for i in range(8)]
    await asyncio.sleep(0)
    store.gate.set()
    assert await asyncio.gather(*tasks) == [i * 10 for i in range(8)]
    assert store.groups == [[0, 1, 2], [3, 4, 5], [6, 7]]


async def test_a_failed_write_fails_its_own_group_only() -> None:
    store = Store()
    store.gate = asyncio.Event()
    store.fail_with = {2}
    grouped = Grouped(store.write)
    first = asyncio.create_task(grouped.add(1))
    await asyncio.sleep(0)
    failing = [asyncio.create_task(grouped.add(i)) for i in (2, 3)]
    await asyncio.sleep(0)
    store.gate.set()
    assert await first == 10
    for task in failing:
        with pytest.raises(ConnectionError):
            await task
    assert await grouped.add(4) == 40  # the next write is not held by the failure
    assert store.groups == [[1], [2, 3], [4]]


async def test_a_caller_that_goes_away_leaves_the_others_and_its_item_written() -> None:
    store = Store()
    store.gate = asyncio.Event()
    grouped = Grouped(store.write)
    leaving = asyncio.create_task(grouped.add(1))
    staying = asyncio.create_task(grouped.add(2))
    await asyncio.sleep(0)
    leaving.cancel()
    store.gate.set()
    assert await staying == 20
    with pytest.raises(asyncio.CancelledError):
        await leaving
    await grouped.close()
    assert store.groups == [[1, 2]]


async def test_a_write_returning_the_wrong_number_of_results_fails_its_callers() -> None:
    async def short(items: Sequence[int]) -> list[int]:
        return [1]

    grouped: Grouped[int, int] = Grouped(short)
    first = asyncio.create_task(grouped.add(1))
    second = asyncio.create_task(grouped.add(2))
    with pytest.raises(RuntimeError, match="1 results for 2 items"):
        await first
    with pytest.raises(RuntimeError):
        await second


@pytest.mark.parametrize("started", [False, True], ids=["before-it-began", "mid-write"])
async def test_a_write_cancelled_at_shutdown_answers_its_callers(started: bool) -> None:
    store = Store()
    store.gate = asyncio.Event()
    grouped = Grouped(store.write)
    caller = asyncio.create_task(grouped.add(1))
    await asyncio.sleep(0)
    if started:
        await asyncio.sleep(0)
        assert store.groups == [[1]]  # held at the gate
    assert grouped._writer is not None
    grouped._writer.cancel()
    with pytest.raises(RuntimeError, match="write cancelled"):
        async with asyncio.timeout(1):
            await caller
