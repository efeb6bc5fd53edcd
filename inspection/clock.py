"""The bureau's time zone. Dates users see and deadlines are in Beijing time.

`now()` is Beijing-aware on purpose: on SQLite tortoise stores datetimes as text in the configured
zone (Asia/Shanghai) and compares filter values as text, so a UTC-aware value in a filter would
compare wrongly. Always take "now" from here, never from `datetime.now(UTC)`.

`travel` moves the domain's clock for the calling task only: `suiji demo` stages a history (a
campaign approved months ago, visited, reported and closed) through the real domain functions.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from zoneinfo import ZoneInfo

BEIJING = ZoneInfo("Asia/Shanghai")
# How far the calling task's clock is moved from the real one (`travel`); zero everywhere else.
_SHIFT: ContextVar[dt.timedelta] = ContextVar("inspection_clock_shift", default=dt.timedelta(0))


def now() -> dt.datetime:
    return dt.datetime.now(BEIJING) + _SHIFT.get()


def today() -> dt.date:
    return now().date()


@contextmanager
def travel(to: dt.datetime) -> Iterator[dt.datetime]:
    """Within the block, `now()` starts at `to` and runs on as time passes (so events stay in
    order), and `today()` follows it; yields that moment.

    For `suiji demo` only. The shift is a context variable: only the task that entered the block
    (and tasks it starts) sees it, never a server's other requests or the outbox worker in the
    same process. Modules that imported `now` or `today` by name see it too (the same functions).
    Blocks nest; leaving one restores the clock it found.
    """
    if to.tzinfo is None:
        raise ValueError("naive datetime")
    token = _SHIFT.set(to - dt.datetime.now(BEIJING))
    try:
        yield now()
    finally:
        _SHIFT.reset(token)


def db_time(value: dt.datetime) -> dt.datetime:
    """A datetime in the zone the database compares in (see the module note)."""
    if value.tzinfo is None:
        raise ValueError("naive datetime")
    return value.astimezone(BEIJING)


def short_time(at: dt.datetime) -> str:
    """A moment as people write it in a message, in Beijing time: 3月2日 9:00."""
    local = at.astimezone(BEIJING)
    return f"{local.month}月{local.day}日 {local.hour}:{local.minute:02d}"
