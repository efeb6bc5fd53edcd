"""Keeping and applying WeCom deliveries: acknowledged once stored, applied right after.

1. `keep_group` (the callback route, before it answers WeCom): ONE insert of the receipt, keyed
   by the hash of the delivery's de-duplication key, with the decrypted message, `pending`;
   deliveries arriving while an insert is on its way share the next one
   (`notifications.grouping`). A second delivery of the same message (WeCom's retry, a replay,
   the same delivery reaching two processes) inserts nothing and is not applied again.
2. `apply` (the process's task queue, `notifications.taskqueue`): ONE transaction that takes the
   receipt if it is still pending and nobody holds it, marking it done (PostgreSQL: one
   statement, `FOR UPDATE SKIP LOCKED`; SQLite serialises transactions in its one process),
   applies the command and writes the answer to the outbox. A domain refusal rolls that back
   and, in a second transaction, answers with its reason and marks the receipt done. Any other
   failure leaves it pending: `failed` counts the attempt, and the sweep (`left_pending`) brings
   it back; after `MAX_ATTEMPTS` it is `failed` and logged.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
from collections.abc import Sequence
from typing import Any

from tortoise import connections, timezone
from tortoise.exceptions import IntegrityError

from bot import commands
from bot.parse import Inbound
from inspection import clock, messages
from inspection.audit import unit_of_work
from inspection.errors import DomainError
from models.enums import ReceiptState
from models.system import InboundReceipt

log = logging.getLogger(__name__)

# A receipt still pending this long after it was received was left by a process that died (or
# its attempt failed): any process's sweep may apply it. Far above the time a live process
# takes to apply what it received, so a sweep rarely races the owner (harmless if it does).
RECOVER_AFTER = 30.0
MAX_ATTEMPTS = 5

# A group of deliveries in one statement (`keep_group`); a key already stored, or twice in the
# group, inserts nothing more.
_KEEP_PG = """
INSERT INTO inbound_receipt (key, state, payload, attempts, last_error, created_at, updated_at)
SELECT k, 'pending', p::jsonb, 0, '', c, c
FROM unnest($1::text[], $2::text[], $3::timestamptz[]) AS d(k, p, c)
ON CONFLICT (key) DO NOTHING
RETURNING id, key
"""
# Takes the receipt if it is still pending and nobody holds it, and marks it done, in one
# statement: the CTE reads the row (and its message) as it was before the update.
_TAKE_PG = """
WITH taken AS (
    SELECT id, payload, created_at FROM inbound_receipt
    WHERE id = $1 AND state = 'pending' FOR UPDATE SKIP LOCKED)
UPDATE inbound_receipt r SET state = 'done', payload = NULL, updated_at = $2
FROM taken WHERE r.id = taken.id
RETURNING taken.payload, taken.created_at
"""


def reply_key(msg: Inbound) -> str:
    return "reply:" + hashlib.sha256(msg.dedup_key.encode()).hexdigest()[:40]


def receipt_key(msg: Inbound) -> str:
    return hashlib.sha256(msg.dedup_key.encode()).hexdigest()


def _postgres() -> bool:
    return bool(connections.get("default").capabilities.dialect == "postgres")


async def keep(msg: Inbound, *, received_at: dt.datetime) -> int | None:
    """Store the delivery; its receipt's id, or None when it was stored before (a duplicate)."""
    return (await keep_group([(msg, received_at)]))[0]


async def keep_group(deliveries: Sequence[tuple[Inbound, dt.datetime]]) -> list[int | None]:
    """Store these deliveries (message, received at) together, in order: each one's receipt
    id, or None for a duplicate (stored before, or earlier in the group)."""
    keys = [receipt_key(msg) for msg, _ in deliveries]
    if _postgres():
        rows = await connections.get("default").execute_query_dict(_KEEP_PG, [
            keys, [json.dumps(msg.to_payload(), ensure_ascii=False) for msg, _ in deliveries],
            [received for _, received in deliveries]])
        new = {row["key"]: int(row["id"]) for row in rows}
        # The first of a key in the group is the one stored; a later one is its duplicate.
        return [new.pop(key, None) for key in keys]
    ids: list[int | None] = []
    for key, (msg, received) in zip(keys, deliveries, strict=True):
        try:
            row = await InboundReceipt.create(key=key, payload=msg.to_payload(),
                                              created_at=clock.db_time(received))
        except IntegrityError:
            ids.append(None)
        else:
            ids.append(row.id)
    return ids


async def _take(receipt_id: int) -> tuple[Inbound, dt.datetime] | None:
    """Inside the caller's transaction: the pending message, now marked done (undone with the
    transaction if it rolls back); None if done already or held by another process."""
    payload: Any
    if _postgres():
        rows = await connections.get("default").execute_query_dict(
            _TAKE_PG, [receipt_id, timezone.now()])
        if not rows:
            return None
        payload, received = rows[0]["payload"], rows[0]["created_at"]
        if isinstance(payload, str):
            payload = json.loads(payload)
    else:
        row = await InboundReceipt.filter(id=receipt_id, state=ReceiptState.PENDING).first()
        if row is None:
            return None
        payload, received = row.payload, row.created_at
        await InboundReceipt.filter(id=receipt_id).update(state=ReceiptState.DONE, payload=None,
                                                          updated_at=timezone.now())
    return Inbound.from_payload(payload or {}), received


def _error_text(exc: DomainError) -> str:
    details = [p.message for p in exc.problems if p.message not in exc.message]
    return "；".join([exc.message, *details])


async def apply(receipt_id: int) -> bool:
    """Apply a kept delivery once; False when it was done already or another process has it."""
    try:
        async with unit_of_work():
            taken = await _take(receipt_id)
            if taken is None:
                return False
            msg, received = taken
            # The answer counts from when WeCom delivered it, not from when it was applied.
            reply = await commands.dispatch(msg, now=received.astimezone(clock.BEIJING))
            if reply:
                await messages.send_text(to=[msg.from_user], content=reply, key=reply_key(msg))
        return True
    except DomainError as exc:
        log.info("inbound refused", extra={"code": exc.code, "from_user": msg.from_user})
        text = _error_text(exc)
    async with unit_of_work():
        if await _take(receipt_id) is None:
            return False
        # The refusal is this delivery's answer: once.
        await messages.send_text(to=[msg.from_user], content=text, key=reply_key(msg))
    return True


async def failed(receipt_id: int, exc: BaseException) -> None:
    """Count a failed attempt; the sweep tries again, until MAX_ATTEMPTS."""
    row = await InboundReceipt.filter(id=receipt_id, state=ReceiptState.PENDING).first()
    if row is None:
        return
    attempts = row.attempts + 1
    state = ReceiptState.FAILED if attempts >= MAX_ATTEMPTS else ReceiptState.PENDING
    await InboundReceipt.filter(id=receipt_id, state=ReceiptState.PENDING).update(
        attempts=attempts, state=state, last_error=f"{type(exc).__name__}: {exc}"[:2000])
    if state is ReceiptState.FAILED:
        log.error("inbound gave up", extra={"receipt": receipt_id, "attempts": attempts})


async def left_pending(*, older_than: float = RECOVER_AFTER,
                       limit: int = 500) -> list[tuple[int, str]]:
    """Receipts nobody finished: (id, sender), oldest first."""
    before = clock.db_time(clock.now() - dt.timedelta(seconds=older_than))
    rows = await InboundReceipt.filter(state=ReceiptState.PENDING, created_at__lt=before) \
        .order_by("id").limit(limit).values_list("id", "payload")
    return [(int(i), str((p or {}).get("from_user", ""))) for i, p in rows]


async def process_now(msg: Inbound) -> None:
    """Keep and apply at once, in the caller's transaction (the worker's `wecom.inbound` rows,
    written by versions that handed slow callbacks to the outbox)."""
    receipt_id = await keep(msg, received_at=clock.now())
    if receipt_id is not None:
        await apply(receipt_id)
