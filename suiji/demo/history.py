"""The demo's past, played through the real domain: scripts say what happened when, and run in
time order with the domain's clock moved to each moment (`inspection.clock.travel`).

A script is an async generator that yields the moment of its next step, then does the step: it
can tell a whole story, and `History.run` plays only its past — a step due after now, and all
that follow it, stay undone (a visit not yet made, a report not yet written). Scripts may start
other scripts (`spawn`), e.g. a campaign its visits. Before each step the outbox timers due by
then run at their own moments, as the worker would have run them (the field window's end, a
penalty published when it takes effect, reminders). The WeCom messages of the past are not sent
afterwards: they are marked cancelled, with a note, so phones get no cards from months ago.
"""

from __future__ import annotations

import datetime as dt
import heapq
import itertools
from collections.abc import AsyncGenerator
from typing import Any

from inspection import clock, housekeeping
from models.enums import OutboxStatus
from models.kv import MemoryKV
from models.outbox import OutboxMessage
from notifications.wecom.topics import MESSAGE, UPDATE_CARD
from suiji.handlers import build_handlers
from suiji.settings import Settings

Script = AsyncGenerator[dt.datetime, None]
HISTORY_NOTE = "演示数据中的历史消息，未发送"


def timer_handlers(settings: Settings) -> dict[str, Any]:
    """The worker's handlers of internal timers (not WeCom, not the daily housekeeping)."""
    handlers = build_handlers(wecom_client=None, kv=MemoryKV(),
                              public_base_url=settings.public_base_url)
    return {topic: h for topic, h in handlers.items()
            if topic.startswith("timer.") and topic != housekeeping.TOPIC}


class History:
    def __init__(self, *, until: dt.datetime, handlers: dict[str, Any], first_row: int) -> None:
        self.until = until
        self.handlers = handlers
        self.first_row = first_row  # outbox rows from here on are this history's
        self.last = dt.datetime.min.replace(tzinfo=clock.BEIJING)
        self._queue: list[tuple[dt.datetime, int, Script]] = []
        self._new: list[Script] = []
        self._order = itertools.count()

    @classmethod
    async def begin(cls, settings: Settings) -> History:
        last = await OutboxMessage.all().order_by("-id").first()
        return cls(until=clock.now(), handlers=timer_handlers(settings),
                   first_row=(last.id if last else 0) + 1)

    def spawn(self, script: Script) -> None:
        """Start `script` (its first yield must come before any step)."""
        self._new.append(script)

    async def run(self) -> None:
        """Play every script's past, in time order; then the timers due by now; then settle."""
        while True:
            for script in self._new:
                await self._next(script, after=self.last)
            self._new.clear()
            if not self._queue:
                break
            when, _, script = heapq.heappop(self._queue)
            await self._timers(when)
            self.last = max(self.last, when)
            with clock.travel(when):
                await self._next(script, after=when)
        await self._timers(self.until)
        await self._settle()

    async def _next(self, script: Script, *, after: dt.datetime) -> None:
        try:
            when = await script.__anext__()
        except StopAsyncIteration:
            return
        if when < after:
            raise ValueError(f"a demo script goes back in time: {when} < {after}")
        if when > self.until:
            await script.aclose()  # still to come
            return
        heapq.heappush(self._queue, (when, next(self._order), script))

    async def _timers(self, until: dt.datetime) -> None:
        """Run this history's due timers in order, each at its moment (never before the last
        step), and mark them done as the worker does."""
        while True:
            row = await OutboxMessage.filter(
                id__gte=self.first_row, status=OutboxStatus.PENDING,
                topic__in=list(self.handlers), due_at__lte=clock.db_time(until),
            ).order_by("due_at", "id").first()
            if row is None:
                return
            self.last = max(self.last, row.due_at)
            with clock.travel(self.last):
                await self.handlers[row.topic](dict(row.payload))
                await OutboxMessage.filter(id=row.id).update(
                    status=OutboxStatus.SENT, sent_at=clock.now(), attempts=row.attempts + 1)

    async def _settle(self) -> None:
        """The past's WeCom messages stay unsent (see the module note)."""
        await OutboxMessage.filter(
            id__gte=self.first_row, status=OutboxStatus.PENDING, topic__in=[MESSAGE, UPDATE_CARD],
            due_at__lte=clock.db_time(self.until),
        ).update(status=OutboxStatus.CANCELLED, last_error=HISTORY_NOTE)
