"""Working days: China's statutory holidays and adjusted working weekends, from the bureau's own
entries first and chinesecalendar after them.

Deadlines in the guideline are counted in working days (R17: 20, R19: 10). Counting starts on the
day after the start date, as Chinese administrative practice counts periods ("次日起算").

Where a day's status comes from, first match wins:
1. a local `CalendarOverride` (e.g. a district-specific 调休);
2. the year's State Council schedule as 政策法规科 entered it (`HolidaySchedule`,
   inspection/holiday_schedule.py);
3. chinesecalendar, whose data ends with the last year it shipped;
4. otherwise weekdays are assumed: the result is *provisional* (`Due.provisional`), carries a
   warning, and every deadline counted so is shown as 暂定 until the year's schedule is entered
   and the deadline confirmed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import NamedTuple

import chinese_calendar

from models.system import CalendarOverride, HolidaySchedule

_MAX_SPAN_DAYS = 3660  # a deadline of up to ~10 years; anything longer is an input error
# Appended to a deadline shown to anyone (notice, page, reminder) while it is provisional.
PROVISIONAL_NOTE = "（暂定，待国务院公布节假日安排后确认）"


def library_covers(year: int) -> bool:
    """Does chinesecalendar know this year's holidays? (Asked, not hard-coded: a newer release
    of the library extends its range.)"""
    try:
        chinese_calendar.is_workday(dt.date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


@dataclass(frozen=True)
class Schedule:
    # One year's State Council schedule: days off (holidays) and weekend days worked (workdays).
    holidays: frozenset[dt.date]
    workdays: frozenset[dt.date]

    def is_workday(self, day: dt.date) -> bool:
        return day in self.workdays or (day.weekday() < 5 and day not in self.holidays)


class Due(NamedTuple):
    """A due date and the warnings of its count. Unpacks as `(day, warnings)`."""

    day: dt.date
    warnings: list[str]

    @property
    def provisional(self) -> bool:
        # The warnings are exactly the years counted as plain weekdays (no schedule known).
        return bool(self.warnings)


def _assumed_warning(year: int) -> str:
    return f"{year}年法定节假日安排尚未收录，按周一至周五为工作日推算，请在节假日安排公布后核对"


@dataclass
class WorkingCalendar:
    overrides: dict[dt.date, bool] = field(default_factory=dict)
    schedules: dict[int, Schedule] = field(default_factory=dict)
    # Years some count had to take as plain weekdays: no schedule known for them.
    assumed_years: set[int] = field(default_factory=set)

    @property
    def warnings(self) -> list[str]:
        return [_assumed_warning(y) for y in sorted(self.assumed_years)]

    def knows(self, year: int) -> bool:
        """Is the year's schedule known (entered by the bureau, or in chinesecalendar)?"""
        return year in self.schedules or library_covers(year)

    def is_workday(self, day: dt.date) -> bool:
        if day in self.overrides:
            return self.overrides[day]
        schedule = self.schedules.get(day.year)
        if schedule is not None:
            return schedule.is_workday(day)
        try:
            return bool(chinese_calendar.is_workday(day))
        except NotImplementedError:
            self.assumed_years.add(day.year)
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

    def due(self, start: dt.date, days: int) -> Due:
        """`add_working_days` with the warnings of this one count (provisional or not)."""
        earlier, self.assumed_years = self.assumed_years, set()
        try:
            day = self.add_working_days(start, days)
            assumed = self.assumed_years
        finally:
            self.assumed_years = earlier | self.assumed_years
        return Due(day, [_assumed_warning(y) for y in sorted(assumed)])

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """Working days after `start` up to and including `end` (0 if end <= start)."""
        count, current = 0, start
        while current < end:
            current += dt.timedelta(days=1)
            if self.is_workday(current):
                count += 1
        return count


def schedule_of(row: HolidaySchedule) -> Schedule:
    return Schedule(frozenset(dt.date.fromisoformat(d) for d in row.holidays),
                    frozenset(dt.date.fromisoformat(d) for d in row.workdays))


async def load_calendar(*, start: dt.date | None = None,
                        end: dt.date | None = None) -> WorkingCalendar:
    """The calendar with the bureau's overrides (optionally only those in [start, end]) and
    every year's schedule it entered."""
    query = CalendarOverride.all()
    if start is not None:
        query = query.filter(day__gte=start)
    if end is not None:
        query = query.filter(day__lte=end)
    rows = await query.values_list("day", "is_workday")
    schedules = {s.year: schedule_of(s) for s in await HolidaySchedule.all()}
    return WorkingCalendar(overrides={day: bool(work) for day, work in rows},
                           schedules=schedules)


async def add_working_days(start: dt.date, days: int) -> Due:
    """Due date `days` working days after `start`; `.provisional` (with a warning per year) when
    some year of the count has no known holiday schedule."""
    calendar = await load_calendar(start=start)
    return calendar.due(start, days)
