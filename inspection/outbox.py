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


async def enqueue(*, topic: str, payload: dict[str, Any], key: str,
                  due_at: dt.datetime | None = None) -> OutboxMessage:
    """Queue one message or timer. The same `key` twice is one row (the first wins)."""
    existing = await OutboxMessage.get_or_none(idempotency_key=key)
    if existing is not None:
        return existing
    row = await OutboxMessage.create(
        topic=topic, payload=payload, idempotency_key=key,
        due_at=clock.db_time(due_at) if due_at else clock.now(), status=OutboxStatus.PENDING,
    )
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
