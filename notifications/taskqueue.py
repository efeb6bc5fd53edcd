"""Work a process has acknowledged and kept in the database, applied right after in-process.

The WeCom callback answers as soon as the delivery is stored (`bot.inbound.keep`) and hands its
id here; a few lanes apply the kept items one transaction each (`apply`). Items of one sender
(`lane_key`) go to one lane, so a person's messages are applied in the order they arrived here.

Nothing is lost with the process: an item is only forgotten once `apply` committed it. A sweep
at start-up and every `sweep_interval` asks `left_pending` for items that nobody finished (a
process killed with its queue full, an `apply` that failed) and applies them here; the store
makes sure each is applied once however many processes try (`bot.inbound.apply`).

The lanes are a separate, small concurrency budget: at most `lanes` database connections and
transactions of this process are busy applying, the rest stay free for requests and for the
outbox worker, which therefore keeps sending while callbacks pour in (docs/outbox.md).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import zlib
from collections.abc import Awaitable, Callable

log = logging.getLogger(__name__)

Apply = Callable[[int], Awaitable[None]]
LeftPending = Callable[[], Awaitable[list[tuple[int, str]]]]
Failed = Callable[[int, BaseException], Awaitable[None]]


# Two: applying is CPU work in the process that also answers the callback; on two cores four
# lanes applied no faster and left the callback less of the process (docs/callup.md, "The
# callback"; benchmarks/README.md, "The burst").
LANES = 2


class TaskQueue:
    def __init__(self, *, apply: Apply, left_pending: LeftPending, failed: Failed,
                 lanes: int = LANES, sweep_interval: float = 10.0, name: str = "inbound") -> None:
        self._apply, self._left_pending, self._failed = apply, left_pending, failed
        self._queues: list[asyncio.Queue[int]] = [asyncio.Queue() for _ in range(lanes)]
        self._sweep_interval = sweep_interval
        self._name = name
        self._held: set[int] = set()  # ids queued or being applied here
        self._tasks: list[asyncio.Task[None]] = []
        self._closing = False
        self.applied = 0

    def submit(self, item_id: int, lane_key: str) -> None:
        """Apply the kept item soon. Synchronous: call it right before answering the sender."""
        if self._closing or item_id in self._held:
            return
        self._held.add(item_id)
        lane = zlib.crc32(lane_key.encode()) % len(self._queues)
        self._queues[lane].put_nowait(item_id)

    def start(self) -> None:
        self._tasks = [asyncio.create_task(self._lane(q), name=f"{self._name}-lane-{i}")
                       for i, q in enumerate(self._queues)]
        self._tasks.append(asyncio.create_task(self._sweeper(), name=f"{self._name}-sweep"))

    async def drain(self) -> None:
        """Until everything submitted so far is applied (or has failed its attempt)."""
        await asyncio.gather(*(q.join() for q in self._queues))

    async def sweep(self) -> int:
        """Queue what `left_pending` finds; return how many were new here."""
        found = 0
        for item_id, lane_key in await self._left_pending():
            if item_id not in self._held:
                found += 1
                self.submit(item_id, lane_key)
        if found:
            log.warning(f"{self._name}: recovered items left pending", extra={"count": found})
        return found

    async def close(self, grace: float = 10.0) -> None:
        """Finish the items in hand (within `grace`); what is still queued stays pending in the
        database for the next sweep, here after a restart or in another process."""
        self._closing = True
        for q in self._queues:
            while not q.empty():
                self._held.discard(q.get_nowait())
                q.task_done()
        for q in self._queues:
            q.put_nowait(-1)  # wakes an idle lane to stop
        if self._tasks:
            self._tasks[-1].cancel()
            _, pending = await asyncio.wait(self._tasks, timeout=grace)
            for t in pending:
                t.cancel()
            with contextlib.suppress(Exception):
                await asyncio.wait(self._tasks, timeout=1.0)

    async def _lane(self, queue: asyncio.Queue[int]) -> None:
        while True:
            item_id = await queue.get()
            try:
                if item_id < 0:
                    return
                await self._run(item_id)
            finally:
                self._held.discard(item_id)
                queue.task_done()

    async def _run(self, item_id: int) -> None:
        try:
            await self._apply(item_id)
            self.applied += 1
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            log.exception(f"{self._name}: applying failed; the sweep retries it",
                          extra={"item": item_id})
            try:
                await self._failed(item_id, exc)
            except Exception:
                log.exception(f"{self._name}: the failure could not be recorded",
                              extra={"item": item_id})

    async def _sweeper(self) -> None:
        while True:
            try:
                await self.sweep()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception(f"{self._name}: sweep failed")
            await asyncio.sleep(self._sweep_interval)
