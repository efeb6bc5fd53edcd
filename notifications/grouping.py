"""Writes that wait for each other: the items that arrive while one write is on its way to the
database go together in the next (group commit, as a database does with its log).

A burst of WeCom callbacks costs one statement and one commit per group instead of per
delivery, and a lone item is written at once: nothing waits for a timer. Each caller gets its
own item's result only after its group's write returned, so an answer never runs ahead of
what it acknowledges.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from typing import Generic, TypeVar

T = TypeVar("T")
R = TypeVar("R")

Write = Callable[[Sequence[T]], Awaitable[Sequence[R]]]


class Grouped(Generic[T, R]):
    def __init__(self, write: Write[T, R], *, max_group: int = 200) -> None:
        self._write = write
        self._max_group = max_group
        self._waiting: list[tuple[T, asyncio.Future[R]]] = []
        self._in_flight: list[tuple[T, asyncio.Future[R]]] = []
        self._writer: asyncio.Task[None] | None = None
        self.writes = 0  # statements issued, for tests and benchmarks

    async def add(self, item: T) -> R:
        """Write `item` with whatever else is waiting; its result, or the write's exception."""
        future: asyncio.Future[R] = asyncio.get_running_loop().create_future()
        self._waiting.append((item, future))
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._write_all(), name="grouped-write")
            self._writer.add_done_callback(self._writer_ended)
        # Shielded: a caller that goes away does not cancel the result its group shares.
        return await asyncio.shield(future)

    async def close(self) -> None:
        """Until the writes under way have finished."""
        if self._writer is not None:
            await self._writer

    def _writer_ended(self, task: asyncio.Task[None]) -> None:
        # Cancelled (shutdown), also before it began: nobody else would answer these callers.
        if task.cancelled():
            stranded = [*self._in_flight, *self._waiting]
            self._in_flight, self._waiting = [], []
            _fail(stranded, RuntimeError("write cancelled"))

    async def _write_all(self) -> None:
        while self._waiting:
            group = self._in_flight = self._waiting[:self._max_group]
            del self._waiting[:self._max_group]
            self.writes += 1
            try:
                results = await self._write([item for item, _ in group])
                if len(results) != len(group):
                    raise RuntimeError(f"{len(results)} results for {len(group)} items")
            except Exception as exc:  # every caller of the group answers with the failure
                _fail(group, exc)
                continue
            for (_, future), result in zip(group, results, strict=True):
                if not future.done():
                    future.set_result(result)
        self._in_flight = []


def _fail(group: list[tuple[T, asyncio.Future[R]]], exc: Exception) -> None:
    for _, future in group:
        if not future.done():
            future.set_exception(exc)
            future.exception()  # retrieved here: its caller may have gone away
