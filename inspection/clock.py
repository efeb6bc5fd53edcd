"""The bureau's time zone. Dates users see and deadlines are in Beijing time.

`now()` is Beijing-aware on purpose: on SQLite tortoise stores datetimes as text in the configured
zone (Asia/Shanghai) and compares filter values as text, so a UTC-aware value in a filter would
compare wrongly. Always take "now" from here, never from `datetime.now(UTC)`.
"""

import datetime as dt
from zoneinfo import ZoneInfo

BEIJING = ZoneInfo("Asia/Shanghai")


def now() -> dt.datetime:
    return dt.datetime.now(BEIJING)


def today() -> dt.date:
    return dt.datetime.now(BEIJING).date()


def db_time(value: dt.datetime) -> dt.datetime:
    """A datetime in the zone the database compares in (see the module note)."""
    if value.tzinfo is None:
        raise ValueError("naive datetime")
    return value.astimezone(BEIJING)


def short_time(at: dt.datetime) -> str:
    """A moment as people write it in a message, in Beijing time: 3月2日 9:00."""
    local = at.astimezone(BEIJING)
    return f"{local.month}月{local.day}日 {local.hour}:{local.minute:02d}"
