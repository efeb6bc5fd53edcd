"""Office hours: reply deadlines and reminders fall while people are at their desks.

A call-up's reply time is counted in clock hours (the campaign's `reply_hours`), but a deadline
that would fall at 04:51 on a Sunday is moved to the start of the next working period, never
earlier: moving a deadline forward only ever gives people more time. Working days come from the
working-day calendar (statutory holidays, adjusted weekends, the bureau's overrides); the hours
come from `SUIJI_OFFICE_HOURS`, installed once per process by `configure`.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from inspection.calendar import WorkingCalendar, load_calendar
from inspection.clock import BEIJING

_SPAN = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")
_MAX_DAYS = 60  # a longer run of non-working days means the calendar data is wrong


@dataclass(frozen=True)
class OfficeHours:
    """One working period a day, in Beijing time."""

    start: dt.time = dt.time(9, 0)
    end: dt.time = dt.time(17, 30)

    @classmethod
    def parse(cls, text: str) -> OfficeHours:
        """'09:00-17:30' → OfficeHours; ValueError naming what is wrong otherwise."""
        match = _SPAN.match(text)
        if not match:
            raise ValueError("expected HH:MM-HH:MM, e.g. 09:00-17:30")
        h1, m1, h2, m2 = (int(g) for g in match.groups())
        if not (0 <= h1 < 24 and 0 <= h2 < 24 and m1 < 60 and m2 < 60):
            raise ValueError("hours 0-23 and minutes 0-59")
        start, end = dt.time(h1, m1), dt.time(h2, m2)
        if end <= start:
            raise ValueError("the end must be later than the start")
        return cls(start, end)


_office = OfficeHours()


def configure(hours: OfficeHours) -> None:
    """Set the bureau's office hours for this process (from the settings, at start-up)."""
    global _office
    _office = hours


def office_hours() -> OfficeHours:
    return _office


def next_office_moment(moment: dt.datetime, calendar: WorkingCalendar,
                       hours: OfficeHours | None = None) -> dt.datetime:
    """`moment` itself when it is within office hours on a working day, else the start of the
    next working period (pure; the calendar is loaded by the caller)."""
    hours = hours or _office
    local = moment.astimezone(BEIJING)
    day = local.date()
    if calendar.is_workday(day):
        if local.time() < hours.start:
            return dt.datetime.combine(day, hours.start, BEIJING)
        if local.time() <= hours.end:
            return local
    for _ in range(_MAX_DAYS):
        day += dt.timedelta(days=1)
        if calendar.is_workday(day):
            return dt.datetime.combine(day, hours.start, BEIJING)
    raise ValueError(f"no working day within {_MAX_DAYS} days after {local.date()}")


async def in_office(moment: dt.datetime) -> dt.datetime:
    """`next_office_moment` with the working-day calendar from the database."""
    calendar = await load_calendar(start=moment.astimezone(BEIJING).date())
    return next_office_moment(moment, calendar)


async def reply_deadline(now: dt.datetime, hours: int) -> dt.datetime:
    """`hours` after `now`, moved forward into office hours on a working day."""
    return await in_office(now + dt.timedelta(hours=hours))


async def reminder_time(now: dt.datetime, deadline: dt.datetime) -> dt.datetime:
    """Halfway to the deadline, moved into office hours when that is still before the deadline;
    otherwise halfway as it is (a reminder late at night beats none before an early deadline)."""
    halfway = now + (deadline - now) / 2
    moved = await in_office(halfway)
    return moved if moved < deadline else halfway
