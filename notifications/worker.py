"""The outbox worker: claims due rows, delivers them, retries with back-off (DESIGN: "The
outbox is the queue"). See docs/outbox.md for states, the retry schedule and the guarantees.

Two kinds of topic:
- external (`External` subclasses, e.g. WeCom): the call to the other system happens OUTSIDE
  any database transaction, under a lease (`locked_until`, `locked_by`); then the row is marked
  sent. A crash in between lets the lease expire and the row is sent again, which the other
  system must absorb (WeCom: `enable_duplicate_check`, unique card `task_id`).
- internal (plain `async def handler(payload) -> None`): the handler and marking the row sent
  run in ONE transaction, so the handler's effects happen exactly once.
"""

from __future__ import annotations

import abc
import asyncio
import datetime as dt
import logging
import os
import random
import socket
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

from tortoise import connections
from tortoise.expressions import Q

from inspection import audit, clock
from inspection.audit import unit_of_work
from inspection.errors import DomainError
from models.enums import OutboxStatus
from models.outbox import OutboxMessage

log = logging.getLogger(__name__)

Handler = Callable[[dict[str, Any]], Awaitable[None]]


class Retry(Exception):  # a control-flow signal
    """Deliver later. `delay`: exact seconds (else exponential back-off); `counts`: whether
    this uses one of the row's attempts (holding back for a rate limit does not)."""

    def __init__(self, reason: str, *, delay: float | None = None, counts: bool = True) -> None:
        super().__init__(reason)
        self.reason = reason
        self.delay = delay
        self.counts = counts


class GiveUp(Exception):
    """Never deliverable: mark the row failed with this reason (operators can retry it)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class External(abc.ABC):
    """A topic delivered to another system outside the database transaction."""

    # False: the system is not configured; rows stay pending (and are logged once).
    available: bool = True

    @abc.abstractmethod
    async def deliver(self, row: OutboxMessage) -> dict[str, Any]:
        """Deliver the row; return what to keep in `OutboxMessage.result`."""

    def describe(self, payload: dict[str, Any]) -> dict[str, Any]:
        """What to log about a held row (no secrets)."""
        return {}


Topic = Handler | External
# How often a worker looks for newly held rows to log (WeCom not configured).
HELD_CHECK_INTERVAL = 5.0

# One statement: concurrent workers skip each other's locked rows (SKIP LOCKED) and the lease
# is taken atomically, without a transaction held over the send. $5 picks the rows: the batch
# size for a loop's due rows, or the ids a process just committed (`deliver_now`). The claimed
# rows come back whole, so sending them needs no second read.
_CLAIM_TEMPLATE_PG = """
UPDATE outbox SET locked_until = $1, locked_by = $2
WHERE id IN (
    SELECT id FROM outbox
    WHERE status = 'pending' AND due_at <= $3
      AND (locked_until IS NULL OR locked_until < $3)
      AND NOT (topic = ANY($4::text[]))
      {rows}
    FOR UPDATE SKIP LOCKED)
RETURNING *
"""
_CLAIM_DUE_PG = _CLAIM_TEMPLATE_PG.format(rows="ORDER BY due_at, id LIMIT $5")
_CLAIM_IDS_PG = _CLAIM_TEMPLATE_PG.format(rows="AND id = ANY($5::bigint[])")
# Taken by the lease holder around an internal handler: a worker that re-claims the row after
# the lease ran out skips it (SKIP LOCKED) until this transaction ends.
_LOCK_ROW_PG = """
SELECT id FROM outbox WHERE id = $1 AND locked_by = $2 AND status = 'pending' FOR UPDATE
"""


@dataclass(frozen=True)
class WorkerOptions:
    batch: int = 10
    # Longer than a batch of calls can take (each WeCom call times out after 10 s).
    lease: float = 120.0
    # Idle poll: how soon rows written by other processes are seen.
    poll_interval: float = 0.2
    max_attempts: int = 12
    retry_base: float = 30.0
    retry_cap: float = 6 * 3600.0


def retry_delay(attempts: int, options: WorkerOptions, rng: random.Random) -> float:
    """Exponential back-off with ±25 % jitter so that retries of many rows spread out."""
    base = min(options.retry_cap, options.retry_base * (2 ** max(0, attempts - 1)))
    return base * rng.uniform(0.75, 1.25)


def db_now() -> dt.datetime:
    """Now, in the database's configured zone. SQLite keeps datetimes as text in that zone
    (+08:00) and compares them as text, so a UTC parameter would compare wrongly."""
    return clock.now().astimezone(clock.BEIJING)


def default_name(index: int = 0) -> str:
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{index}"


class OutboxWorker:
    def __init__(self, *, handlers: Mapping[str, Topic], name: str | None = None,
                 options: WorkerOptions | None = None, wake: asyncio.Event | None = None,
                 seed: int | None = None, log_held: bool = True) -> None:
        self.handlers = dict(handlers)
        self.name = (name or default_name())[:64]
        self.options = options or WorkerOptions()
        self._wake = wake or asyncio.Event()
        self._stop = asyncio.Event()
        self._rng = random.Random(seed)  # jitter only, not security
        self._held_seen = 0
        self._held_next_check = 0.0
        # Several loops in one process: one of them logs held rows, so each is logged once.
        self._log_held_rows = log_held
        self.delivered = 0

    @property
    def held_topics(self) -> list[str]:
        return sorted(t for t, h in self.handlers.items()
                      if isinstance(h, External) and not h.available)

    def stop(self) -> None:
        """Ask the loop to stop after the row in hand (SIGTERM)."""
        self._stop.set()

    @property
    def stopping(self) -> bool:
        return self._stop.is_set()

    # --- the loop ----------------------------------------------------------------------------

    async def run(self) -> None:
        log.info("outbox: worker started", extra={"worker": self.name})
        failures = 0
        while not self.stopping:
            try:
                done = await self.run_once()
                failures = 0
            except Exception:
                # Database gone, deadlock victim, ...: keep the loop alive, slow down.
                failures += 1
                log.exception("outbox: worker cycle failed", extra={"worker": self.name})
                done = 0
                await self._idle(min(30.0, 0.5 * 2 ** min(failures, 6)))
                continue
            if done == 0:
                await self._idle(self.options.poll_interval)
        log.info("outbox: worker stopped", extra={"worker": self.name})

    async def _idle(self, seconds: float) -> None:
        waits = [asyncio.ensure_future(self._wake.wait()), asyncio.ensure_future(self._stop.wait())]
        try:
            await asyncio.wait(waits, timeout=seconds, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for w in waits:
                w.cancel()
        self._wake.clear()

    async def run_once(self) -> int:
        """Claim and process one batch of due rows; return how many were claimed."""
        await self._log_held()
        rows = await self._claim()
        for i, row in enumerate(rows):
            if self.stopping:
                await self._release(rows[i:])
                break
            await self._process(row)
        return len(rows)

    # --- claiming ----------------------------------------------------------------------------

    async def deliver_now(self, ids: list[int]) -> int:
        """Send these rows now, those still due and unclaimed (a process that just committed
        them: its answer need not wait for a loop to find them); how many were taken. A row this
        cannot send stays for the loops, as if it had never been tried here."""
        rows = await self._claim(ids=ids) if ids else []
        # Side by side: a decline's card update and the next inspector's card go to different
        # people, and neither should wait for the other's round trip to WeCom.
        await asyncio.gather(*(self._process(row) for row in rows))
        return len(rows)

    async def _claim(self, *, ids: list[int] | None = None) -> list[OutboxMessage]:
        now = db_now()
        until = now + dt.timedelta(seconds=self.options.lease)
        conn = connections.get("default")
        if conn.capabilities.dialect == "postgres":
            sql, rows = (_CLAIM_DUE_PG, self.options.batch) if ids is None else (_CLAIM_IDS_PG, ids)
            found = await conn.execute_query_dict(sql, [until, self.name, now, self.held_topics,
                                                        rows])
            return sorted((OutboxMessage._init_from_db(**r) for r in found),
                          key=lambda r: (r.due_at, r.id))
        # SQLite has no row locks; the transaction serialises claims in this process.
        async with unit_of_work():
            query = OutboxMessage.filter(
                status=OutboxStatus.PENDING, due_at__lte=now,
            ).filter(Q(locked_until__isnull=True) | Q(locked_until__lt=now))
            if ids is not None:
                query = query.filter(id__in=ids)
            held = self.held_topics
            if held:
                query = query.exclude(topic__in=held)
            limit = self.options.batch if ids is None else len(ids)
            taken = list(await query.order_by("due_at", "id").limit(limit)
                         .values_list("id", flat=True))
            if not taken:
                return []
            await OutboxMessage.filter(id__in=taken).update(locked_until=until,
                                                            locked_by=self.name)
        return list(await OutboxMessage.filter(id__in=taken).order_by("due_at", "id"))

    async def _release(self, rows: list[OutboxMessage]) -> None:
        if rows:
            await OutboxMessage.filter(id__in=[r.id for r in rows], locked_by=self.name,
                                       status=OutboxStatus.PENDING).update(locked_until=None)

    def _mine(self, row: OutboxMessage) -> Any:
        return OutboxMessage.filter(id=row.id, locked_by=self.name, status=OutboxStatus.PENDING)

    async def _lock_mine(self, row: OutboxMessage) -> OutboxMessage | None:
        conn = connections.get("default")
        if conn.capabilities.dialect == "postgres":
            found = await conn.execute_query_dict(_LOCK_ROW_PG, [row.id, self.name])
            if not found:
                return None
        return await self._mine(row).first()

    # --- processing --------------------------------------------------------------------------

    async def _process(self, row: OutboxMessage) -> None:
        handler = self.handlers.get(row.topic)
        if handler is None:
            await self._fail(row, "no handler", attempts=row.attempts)
            return
        if isinstance(handler, External):
            await self._deliver_external(handler, row)
        else:
            await self._run_internal(handler, row)

    async def _deliver_external(self, handler: External, row: OutboxMessage) -> None:
        if row.locked_until is not None and row.locked_until <= db_now():
            return  # our lease ran out while earlier rows of the batch were slow
        try:
            result = await handler.deliver(row)
        except Retry as r:
            await self._retry(row, r)
        except GiveUp as g:
            await self._fail(row, g.reason, attempts=row.attempts + 1)
        except Exception as exc:
            log.exception("outbox: delivery crashed", extra={"outbox_id": row.id,
                                                             "topic": row.topic})
            await self._retry(row, Retry(f"{type(exc).__name__}: {exc}"[:500]))
        else:
            updated = await self._mine(row).update(
                status=OutboxStatus.SENT, sent_at=db_now(), result=result,
                attempts=row.attempts + 1, locked_until=None, last_error="")
            if updated:
                self.delivered += 1
            else:
                log.warning("outbox: lease lost before marking sent; WeCom's duplicate check "
                            "absorbs the resend", extra={"outbox_id": row.id})

    async def _run_internal(self, handler: Handler, row: OutboxMessage) -> None:
        error: Retry | GiveUp | None = None
        try:
            async with unit_of_work():
                # Re-read under a row lock: only the lease holder runs the handler, once.
                current = await self._lock_mine(row)
                if current is None:
                    return
                await handler(dict(current.payload))
                await OutboxMessage.filter(id=row.id).update(
                    status=OutboxStatus.SENT, sent_at=db_now(), attempts=row.attempts + 1,
                    locked_until=None, last_error="")
            self.delivered += 1
            return
        except Retry as r:
            error = r
        except GiveUp as g:
            error = g
        except DomainError as exc:
            # The domain refused: the same input will be refused again.
            error = GiveUp(f"{exc.code}: {exc.message}")
        except Exception as exc:
            log.exception("outbox: handler failed", extra={"outbox_id": row.id,
                                                           "topic": row.topic})
            error = Retry(f"{type(exc).__name__}: {exc}"[:500])
        if isinstance(error, GiveUp):
            await self._fail(row, error.reason, attempts=row.attempts + 1)
        else:
            await self._retry(row, error)

    async def _retry(self, row: OutboxMessage, r: Retry) -> None:
        attempts = row.attempts + (1 if r.counts else 0)
        if r.counts and attempts >= self.options.max_attempts:
            await self._fail(row, f"gave up after {attempts} attempts: {r.reason}",
                             attempts=attempts)
            return
        delay = r.delay if r.delay is not None else retry_delay(attempts, self.options, self._rng)
        await self._mine(row).update(
            due_at=db_now() + dt.timedelta(seconds=delay), attempts=attempts,
            last_error=r.reason[:2000], locked_until=None)
        log.info("outbox: delivery postponed", extra={
            "outbox_id": row.id, "topic": row.topic, "attempts": attempts,
            "delay_s": round(delay, 3), "reason": r.reason[:200]})

    async def _fail(self, row: OutboxMessage, reason: str, *, attempts: int) -> None:
        async with unit_of_work():
            updated = await self._mine(row).update(
                status=OutboxStatus.FAILED, attempts=attempts, last_error=reason[:2000],
                locked_until=None)
            if updated:
                # R21: giving up is a state change operators must be able to trace.
                await audit.record(actor=audit.SYSTEM, action="outbox.failed",
                                   object_type="outbox", object_id=row.id,
                                   before={"status": "pending"},
                                   after={"status": "failed", "reason": reason[:500],
                                          "topic": row.topic, "attempts": attempts})
        log.warning("outbox: row failed", extra={"outbox_id": row.id, "topic": row.topic,
                                                 "reason": reason[:200]})

    # --- held rows (the other system is not configured) ----------------------------------------

    async def _log_held(self) -> None:
        held = self.held_topics
        now = time.monotonic()
        if not held or not self._log_held_rows or now < self._held_next_check:
            return
        self._held_next_check = now + HELD_CHECK_INTERVAL
        rows = await OutboxMessage.filter(
            topic__in=held, status=OutboxStatus.PENDING, id__gt=self._held_seen,
        ).order_by("id").limit(100)
        for row in rows:
            handler = self.handlers[row.topic]
            assert isinstance(handler, External)
            log.warning("outbox: not configured, row held", extra={
                "outbox_id": row.id, "topic": row.topic,
                **handler.describe(row.payload if isinstance(row.payload, dict) else {})})
            self._held_seen = row.id
