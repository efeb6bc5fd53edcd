"""Writing to the outbox: the domain's only way to tell the outside world anything.

Rows are written in the caller's transaction, so a message exists if and only if the change
that caused it committed. Topics are handled in `notifications`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from tortoise import connections, timezone

from inspection import clock
from models.enums import OutboxStatus
from models.outbox import OutboxMessage

_written: ContextVar[list[int] | None] = ContextVar("outbox_written", default=None)


@contextmanager
def noting() -> Iterator[list[int]]:
    """Note the ids of the rows written inside, so the caller can send them right after its
    commit instead of waiting for a worker to find them (a WeCom delivery's answer, its cards)."""
    written: list[int] = []
    token = _written.set(written)
    try:
        yield written
    finally:
        _written.reset(token)


# One statement on PostgreSQL: the row, or nothing when its key was written before (no look-up
# first, and no unique violation to abort the caller's transaction when two write it at once).
_ENQUEUE_PG = """
INSERT INTO outbox (topic, payload, idempotency_key, status, due_at, attempts, last_error,
                    locked_by, result, created_at, updated_at)
VALUES ($1, $2::jsonb, $3, 'pending', $4, 0, '', '', '{}'::jsonb, $5, $5)
ON CONFLICT (idempotency_key) DO NOTHING
RETURNING *
"""


async def enqueue(*, topic: str, payload: dict[str, Any], key: str,
                  due_at: dt.datetime | None = None) -> OutboxMessage:
    """Queue one message or timer. The same `key` twice is one row (the first wins)."""
    when = clock.db_time(due_at) if due_at else clock.now()
    conn = connections.get("default")
    if conn.capabilities.dialect == "postgres":
        fields = OutboxMessage._meta.fields_map
        found = await conn.execute_query_dict(_ENQUEUE_PG, [
            topic, fields["payload"].to_db_value(payload, OutboxMessage), key, when, timezone.now()])
        if not found:
            return await OutboxMessage.get(idempotency_key=key)
        row = OutboxMessage._init_from_db(**found[0])
    else:
        existing = await OutboxMessage.get_or_none(idempotency_key=key)
        if existing is not None:
            return existing
        row = await OutboxMessage.create(topic=topic, payload=payload, idempotency_key=key,
                                         due_at=when, status=OutboxStatus.PENDING)
    written = _written.get()
    if written is not None:
        written.append(row.id)
    return row


async def cancel(*, key: str) -> bool:
    """Cancel a pending row (e.g. a reminder made moot by an answer)."""
    return await cancel_all(keys=[key])


async def cancel_all(*, keys: list[str]) -> bool:
    """Cancel the pending rows among `keys`, in one statement; True if any was pending."""
    updated = await OutboxMessage.filter(
        idempotency_key__in=keys, status=OutboxStatus.PENDING
    ).update(status=OutboxStatus.CANCELLED)
    return updated > 0


async def reschedule(*, key: str, due_at: dt.datetime) -> bool:
    """Move a pending timer (e.g. a deadline confirmed later than first counted)."""
    updated = await OutboxMessage.filter(
        idempotency_key=key, status=OutboxStatus.PENDING
    ).update(due_at=clock.db_time(due_at))
    return updated > 0
