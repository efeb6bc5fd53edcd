"""Daily housekeeping as one self-rescheduling outbox timer (docs/outbox.md, "Daily
housekeeping").

Each run, at 02:30 Beijing time, purges idempotency records past the retry window, marks item
versions superseded once their successor has taken effect (R7), moves blacklist listings whose
term has ended to expired (R23), tells 政策法规科 of law-enforcement certificates expiring within
60 days (R8) and, from 1 November, of next year's missing holiday schedule, removes files of the
evidence store that no row references and writes cut off midway (`fieldwork/orphans.py`),
publishes the audit chain's head (`audit_heads.py`) — each job idempotent, each message once —
and then enqueues the next run. The next
run is always the next 02:30 after *now*, keyed by its date: a run that comes late (the machine
was down for days) schedules one run, not one per missed day, and two chains that meet on the same
date collapse into one row.

`ensure_scheduled` is the bootstrap (`suiji migrate`, worker start-up): it adds the next run when
no pending one exists, so a fresh install, or a chain broken by a failed run, starts again.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from inspection import audit, audit_heads, clock, holiday_schedule, outbox
from inspection.credit import blacklist
from inspection.errors import StorageUnavailable
from inspection.fieldwork import evidence, orphans
from inspection.items import catalogue as items
from inspection.rosters import certificates
from models.enums import OutboxStatus, ReceiptState
from models.outbox import OutboxMessage
from models.system import IdempotencyRecord, InboundReceipt

log = logging.getLogger(__name__)

TOPIC = "timer.daily_housekeeping"
RUN_AT = dt.time(2, 30)  # Beijing: after the day has turned, before anyone works
# A phone retries a request within minutes or hours, never after a week: older stored answers
# (miniprogram_api/framework.py replays them) only take space.
IDEMPOTENCY_RETENTION = dt.timedelta(days=7)
# Callbacks older than their 5-minute timestamp window are refused anyway; three days is plenty.
RECEIPT_RETENTION = dt.timedelta(days=3)


def next_run(after: dt.datetime) -> dt.datetime:
    """The first 02:30 Beijing time strictly after `after`."""
    local = clock.db_time(after)
    run = dt.datetime.combine(local.date(), RUN_AT, tzinfo=clock.BEIJING)
    return run if run > local else run + dt.timedelta(days=1)


def run_key(run: dt.datetime) -> str:
    return f"housekeeping:{clock.db_time(run).date().isoformat()}"


async def schedule_next(*, now: dt.datetime) -> OutboxMessage:
    """Enqueue the run after `now` (the same date twice is one row)."""
    run = next_run(now)
    return await outbox.enqueue(topic=TOPIC, payload={"day": run.date().isoformat()},
                                key=run_key(run), due_at=run)


async def ensure_scheduled(*, now: dt.datetime | None = None) -> OutboxMessage | None:
    """Bootstrap: enqueue the next run unless one is pending; return the new row, if any.

    Two processes bootstrapping at once may both insert the same key; the loser gets an
    IntegrityError, which its caller may ignore (the other one's row stands).
    """
    if await OutboxMessage.exists(topic=TOPIC, status=OutboxStatus.PENDING):
        return None
    return await schedule_next(now=now or clock.now())


async def purge_idempotency_records(*, now: dt.datetime,
                                    older_than: dt.timedelta = IDEMPOTENCY_RETENTION) -> int:
    """Delete stored idempotent answers created before `now - older_than`; returns how many."""
    # db_time: on SQLite datetimes compare as text in Beijing time (docs/architecture.md, Time).
    cutoff = clock.db_time(now - older_than)
    return await IdempotencyRecord.filter(created_at__lt=cutoff).delete()


async def purge_inbound_receipts(*, now: dt.datetime,
                                 older_than: dt.timedelta = RECEIPT_RETENTION) -> int:
    """Forget WeCom deliveries received before `now - older_than`; returns how many. One still
    pending is kept: it has not been applied yet (its message is in it)."""
    return await InboundReceipt.filter(created_at__lt=clock.db_time(now - older_than)) \
        .exclude(state=ReceiptState.PENDING).delete()


async def sweep_store(*, storage: evidence.Storage | None, now: dt.datetime) -> dict[str, int]:
    """The evidence store's sweep; an unreachable store skips it for today (logged), so that
    the day's other jobs still run."""
    if storage is None:
        return {}
    try:
        swept = await orphans.sweep(storage=storage, now=now)
    except StorageUnavailable as exc:
        log.warning("housekeeping: evidence store unreachable, files not swept today",
                    extra={"error": str(exc)})
        return {}
    return {"orphan_files_removed": swept.orphans_removed,
            "partial_files_removed": swept.partials_removed,
            "stored_files_kept": swept.files_kept}


async def run_daily(*, now: dt.datetime,
                    storage: evidence.Storage | None = None) -> dict[str, int]:
    """The day's jobs; returns how many records each touched. Without `storage` (the tests of
    the other jobs, `suiji demo`) the evidence store is not swept."""
    today = clock.db_time(now).date()
    head = await audit_heads.publish(now=now)
    return {
        **await sweep_store(storage=storage, now=now),
        "audit_head_seq": head.seq if head else 0,
        "idempotency_records_purged": await purge_idempotency_records(now=now),
        "inbound_receipts_purged": await purge_inbound_receipts(now=now),
        "item_versions_superseded": await items.supersede_due(actor=audit.SYSTEM, today=today),
        "blacklist_expired": len(await blacklist.expire(today=today, actor=audit.SYSTEM)),
        "certificates_warned": await certificates.warn_expiring(today=today),
        "holiday_schedules_missing": len(await holiday_schedule.warn_missing(today=today)),
    }


async def on_daily_housekeeping(payload: dict[str, Any], *,
                                storage: evidence.Storage | None = None) -> None:
    """Outbox handler for "timer.daily_housekeeping" (runs in the worker's transaction: the
    jobs and the next run's row commit together, or not at all and the row is retried; files
    the sweep removed stay removed — they were garbage either way)."""
    now = clock.now()
    done = await run_daily(now=now, storage=storage)
    following = await schedule_next(now=now)
    log.info("housekeeping: daily run done", extra={
        "day": payload.get("day"), **done, "next_run": following.due_at.isoformat()})
