"""The outbox loops of one process, started and stopped together.

`suiji serve` runs one loop, `suiji worker` `--concurrency` of them. Stopping is graceful: each
loop finishes the row in hand and releases the rest of its batch; a loop still busy after the
grace period is cancelled, and its rows are sent again once their lease runs out.

`direct` sends rows right after the commit that wrote them, from the task that committed them (a
WeCom delivery's lane): the first loop's topics and options under its name + ":now", so its
leases are told apart from the loops'.
"""

from __future__ import annotations

import asyncio
import logging

from notifications.worker import OutboxWorker

log = logging.getLogger(__name__)

# How long a stopping worker may take to finish the row in hand.
STOP_GRACE = 30.0


class WorkerPool:
    def __init__(self, workers: list[OutboxWorker]) -> None:
        if not workers:
            raise ValueError("a worker pool runs at least one loop")
        self.workers = workers
        first = workers[0]
        self.direct = OutboxWorker(handlers=first.handlers, name=f"{first.name}:now",
                                   options=first.options, log_held=False)
        self._tasks: list[asyncio.Task[None]] = []

    async def deliver_now(self, ids: list[int]) -> int:
        """Send these rows now if they are due and unclaimed; how many were taken (0 while
        stopping: the loops will find them)."""
        if self.direct.stopping or not ids:
            return 0
        return await self.direct.deliver_now(ids)

    def start(self) -> None:
        self._tasks = [asyncio.create_task(w.run(), name=w.name) for w in self.workers]

    def stop(self) -> None:
        """Ask every loop to stop after the row in hand (safe from a signal handler)."""
        for w in [*self.workers, self.direct]:
            w.stop()

    async def wait(self) -> None:
        """Until every loop has stopped, or one has failed."""
        if self._tasks:
            await asyncio.wait(self._tasks, return_when=asyncio.FIRST_EXCEPTION)

    async def close(self, grace: float = STOP_GRACE) -> None:
        self.stop()
        if not self._tasks:
            return
        done, pending = await asyncio.wait(self._tasks, timeout=grace)
        for t in pending:
            t.cancel()
        for t in done:
            if not t.cancelled() and t.exception() is not None:
                log.error("outbox: worker ended with an error", exc_info=t.exception())
