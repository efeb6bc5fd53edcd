"""WeCom's sending limits, shared by every process through the key-value store.

WeCom drops (silently) an app's messages to one member beyond 30 a minute or 1,000 an hour, so
we count per member in fixed windows and hold a message back to the next window instead of
sending it into the void. Throttling answers from WeCom (45009 frequency, 45033 concurrency,
-1 busy) pause the whole app for a while.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterable

from models.kv import KeyValue

PER_MINUTE = 30
PER_HOUR = 1000
# How long the whole app pauses after a throttling answer, by errcode (seconds).
APP_BACKOFF = {45009: 60.0, 45033: 1.0, -1: 1.0}


class RateLimiter:
    def __init__(self, kv: KeyValue, *, corp_id: str, agent_id: int,
                 per_minute: int = PER_MINUTE, per_hour: int = PER_HOUR,
                 backoff: dict[int, float] | None = None,
                 clock: Callable[[], float] = time.time) -> None:
        self._kv = kv
        self._prefix = f"wecom:rl:{corp_id}:{agent_id}:"
        self._per_minute = per_minute
        self._per_hour = per_hour
        self._backoff = APP_BACKOFF if backoff is None else backoff
        self._clock = clock

    @staticmethod
    def members(body: dict[str, object]) -> list[str]:
        """The members a `message/send` body addresses ("@all" counts as one bucket)."""
        raw = body.get("touser")
        if not isinstance(raw, str) or not raw:
            return []
        return sorted({m for m in raw.split("|") if m})

    async def reserve(self, members: Iterable[str]) -> float:
        """Count one message to each member. 0.0 if within limits, else seconds to wait.

        Counting before checking keeps the limit exact across processes; a message held back
        still used one unit of its window, which errs on the side of WeCom's limit.
        """
        now = self._clock()
        wait = 0.0
        minute, hour = int(now // 60), int(now // 3600)
        # Every member's two windows in one round trip to the store.
        counts = await self._kv.incr_many([
            item for member in members
            for item in ((f"{self._prefix}m:{member}:{minute}", 120.0),
                         (f"{self._prefix}h:{member}:{hour}", 7200.0))])
        for per_min, per_hour in zip(counts[::2], counts[1::2], strict=True):
            if per_min > self._per_minute:
                wait = max(wait, (minute + 1) * 60 - now)
            if per_hour > self._per_hour:
                wait = max(wait, (hour + 1) * 3600 - now)
        return wait

    async def app_paused_for(self) -> float:
        """Seconds left of an app-wide pause after a throttling answer (0.0 if none)."""
        until = await self._kv.get(f"{self._prefix}pause")
        if until is None:
            return 0.0
        return max(0.0, float(until) - self._clock())

    async def pause_app(self, errcode: int) -> float:
        seconds = self._backoff.get(errcode, 0.0)
        if seconds > 0:
            until = self._clock() + seconds
            await self._kv.set(f"{self._prefix}pause", repr(until), ttl=math.ceil(seconds) + 1)
        return seconds
