"""Working days: China's statutory holidays and adjusted working weekends (chinesecalendar),
corrected by the bureau's own `CalendarOverride` rows.

Deadlines in the guideline are counted in working days (R17: 20, R19: 10). Counting starts on the
day after the start date, as Chinese administrative practice counts periods ("次日起算").
For a year the library has no data for yet (the State Council publishes the next year's schedule
around November), weekdays are assumed and the result carries a warning to check it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import chinese_calendar

from models.system import CalendarOverride

_MAX_SPAN_DAYS = 3660  # a deadline of up to ~10 years; anything longer is an input error


@dataclass
class WorkingCalendar:
    overrides: dict[dt.date, bool] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def is_workday(self, day: dt.date) -> bool:
        if day in self.overrides:
            return self.overrides[day]
        try:
            return bool(chinese_calendar.is_workday(day))
        except NotImplementedError:
            message = (f"{day.year}年法定节假日安排尚未收录，按周一至周五为工作日推算，"
                       "请在节假日安排公布后核对")
            if message not in self.warnings:
                self.warnings.append(message)
            return day.weekday() < 5

    def add_working_days(self, start: dt.date, days: int) -> dt.date:
        """The `days`-th working day after `start` (start itself not counted)."""
        if days < 0:
            raise ValueError("days must be non-negative")
        current, counted = start, 0
        while counted < days:
            current += dt.timedelta(days=1)
            if (current - start).days > _MAX_SPAN_DAYS:
                raise ValueError("deadline too far in the future")
            if self.is_workday(current):
                counted += 1
        return current

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """Working days after `start` up to and including `end` (0 if end <= start)."""
        count, current = 0, start
        while current < end:
            current += dt.timedelta(days=1)
            if self.is_workday(current):
                count += 1
        return count


async def load_calendar(*, start: dt.date | None = None,
                        end: dt.date | None = None) -> WorkingCalendar:
    """The calendar with the bureau's overrides (optionally only those in [start, end])."""
    query = CalendarOverride.all()
    if start is not None:
        query = query.filter(day__gte=start)
    if end is not None:
        query = query.filter(day__lte=end)
    rows = await query.values_list("day", "is_workday")
    return WorkingCalendar(overrides={day: bool(work) for day, work in rows})


async def add_working_days(start: dt.date, days: int) -> tuple[dt.date, list[str]]:
    """Due date `days` working days after `start`, with any warnings about missing data."""
    calendar = await load_calendar(start=start)
    due = calendar.add_working_days(start, days)
    return due, calendar.warnings
