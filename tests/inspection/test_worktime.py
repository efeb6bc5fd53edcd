"""Office hours on working days (pure; the calendar is given)."""

from __future__ import annotations

import datetime as dt

import pytest

from inspection.calendar import WorkingCalendar
from inspection.clock import BEIJING
from inspection.worktime import OfficeHours, next_office_moment

HOURS = OfficeHours(dt.time(9, 0), dt.time(17, 30))


def bj(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=BEIJING)


@pytest.mark.parametrize(("moment", "expected"), [
    (bj(2026, 3, 2, 10, 0), bj(2026, 3, 2, 10, 0)),  # Monday morning: unchanged
    (bj(2026, 3, 2, 17, 30), bj(2026, 3, 2, 17, 30)),  # closing time is still in
    (bj(2026, 3, 2, 4, 51), bj(2026, 3, 2, 9, 0)),  # before opening: the same day
    (bj(2026, 3, 2, 18, 0), bj(2026, 3, 3, 9, 0)),  # after closing: the next day
    (bj(2026, 3, 8, 4, 51), bj(2026, 3, 9, 9, 0)),  # Sunday night: Monday
    (bj(2026, 9, 30, 19, 0), bj(2026, 10, 8, 9, 0)),  # National Day holiday (data in the library)
])
def test_next_office_moment(moment: dt.datetime, expected: dt.datetime):
    assert next_office_moment(moment, WorkingCalendar(), HOURS) == expected


def test_the_bureaus_overrides_win():
    calendar = WorkingCalendar(overrides={dt.date(2026, 3, 3): False})
    assert next_office_moment(bj(2026, 3, 2, 18, 0), calendar, HOURS) == bj(2026, 3, 4, 9, 0)


@pytest.mark.parametrize("text", ["9-17", "17:30-09:00", "25:00-26:00", "", "09:00-09:00"])
def test_bad_office_hours_are_refused(text: str):
    with pytest.raises(ValueError):
        OfficeHours.parse(text)


def test_office_hours_parse():
    assert OfficeHours.parse(" 8:30 - 17:00 ") == OfficeHours(dt.time(8, 30), dt.time(17, 0))
