"""Housekeeping of stored idempotent answers: a phone retries within minutes or hours, never
after a week, so older records only take space."""

from __future__ import annotations

import datetime as dt

from models.system import IdempotencyRecord

RETRY_WINDOW = dt.timedelta(days=7)


async def purge(*, now: dt.datetime, older_than: dt.timedelta = RETRY_WINDOW) -> int:
    """Delete records created before `now - older_than`; returns how many."""
    return await IdempotencyRecord.filter(created_at__lt=now - older_than).delete()
