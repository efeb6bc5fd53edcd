"""Dates for the demo: working days counted back and forth from today, office moments on them,
the names a bureau gives a field window ("2026年第三季度"), and a lottery drawing as public
entropy. Everything is relative to the real today, so the demo is right whenever it is run.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

from inspection import clock
from inspection.calendar import WorkingCalendar, load_calendar

QUARTERS = "一二三四"


@dataclass(frozen=True)
class Days:
    """Working days (statutory holidays and adjusted weekends included) around `today`."""

    calendar: WorkingCalendar
    today: dt.date

    @classmethod
    async def load(cls) -> Days:
        return cls(await load_calendar(), clock.today())

    def is_workday(self, day: dt.date) -> bool:
        return self.calendar.is_workday(day)

    def on_or_after(self, day: dt.date) -> dt.date:
        while not self.is_workday(day):
            day += dt.timedelta(days=1)
        return day

    def on_or_before(self, day: dt.date) -> dt.date:
        while not self.is_workday(day):
            day -= dt.timedelta(days=1)
        return day

    def after(self, day: dt.date, n: int) -> dt.date:
        """The n-th working day after `day` (n = 0: `day` if a working day, else the next)."""
        return self.calendar.add_working_days(day, n) if n else self.on_or_after(day)

    def before(self, day: dt.date, n: int) -> dt.date:
        """The n-th working day before `day` (n = 0: `day` if a working day, else the last)."""
        if n == 0:
            return self.on_or_before(day)
        for _ in range(n):
            day = self.on_or_before(day - dt.timedelta(days=1))
        return day

    def ago(self, n: int) -> dt.date:
        """n working days before today."""
        return self.before(self.today, n)

    def between(self, start: dt.date, end: dt.date) -> int:
        """Working days after `start` up to and including `end`."""
        return self.calendar.working_days_between(start, end)


def at(day: dt.date, hhmm: str) -> dt.datetime:
    """A moment on `day`, Beijing time: at(day, "09:30")."""
    hour, minute = (int(p) for p in hhmm.split(":"))
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=clock.BEIJING)


def quarter(day: dt.date) -> int:
    return (day.month - 1) // 3 + 1


def period(start: dt.date, end: dt.date) -> str:
    """How a bureau names a field window in a campaign's title: a quarter when the window lies
    in one ("2026年第三季度"), else its months ("2026年12月至2027年1月")."""
    if start.year == end.year and quarter(start) == quarter(end):
        return f"{start.year}年第{QUARTERS[quarter(start) - 1]}季度"
    if start.year == end.year:
        return f"{start.year}年{start.month}月至{end.month}月"
    return f"{start.year}年{start.month}月至{end.year}年{end.month}月"


def lottery(day: dt.date) -> str:
    """The public entropy a draw meeting takes: the numbers of that day's 体彩排列3 (drawn every
    evening; made up here, the same for the same day), with the date written in it, so the
    reveal can check that the source comes after the commitment (R10)."""
    digest = hashlib.sha256(f"fc3d:{day.isoformat()}".encode()).digest()
    numbers = " ".join(str(b % 10) for b in digest[:3])
    return f"{day.year}年{day.month}月{day.day}日体彩排列3开奖号码 {numbers}"


def last_office_moment(now: dt.datetime, days: Days) -> dt.datetime:
    """`now` when it falls in office hours on a working day, else the end of the last working
    afternoon (16:30): when a meeting held "today" can have been held."""
    local = now.astimezone(clock.BEIJING)
    day = local.date()
    if days.is_workday(day) and dt.time(9, 30) <= local.time() <= dt.time(16, 30):
        return local.replace(second=0, microsecond=0)
    if days.is_workday(day) and local.time() > dt.time(16, 30):
        return at(day, "16:30")
    return at(days.before(day, 1), "16:30")
