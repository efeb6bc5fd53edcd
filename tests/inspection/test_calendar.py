import datetime as dt

from inspection.calendar import WorkingCalendar, add_working_days
from models.system import CalendarOverride

D = dt.date


def test_national_day_2026_is_skipped():
    cal = WorkingCalendar()
    # 2026-09-30 (Wed) is a working day; 10-01..10-07 are the National Day holiday.
    assert cal.add_working_days(D(2026, 9, 30), 1) == D(2026, 10, 8)
    assert cal.warnings == []


def test_adjusted_working_saturday_counts():
    cal = WorkingCalendar()
    # 2026-10-10 (Saturday) is an adjusted working day (调休上班).
    assert cal.is_workday(D(2026, 10, 10))
    assert cal.add_working_days(D(2026, 10, 9), 1) == D(2026, 10, 10)


def test_twenty_working_days_from_the_day_before_the_holiday():
    # R17: a decision of 2026-09-30 is due 20 working days later.
    cal = WorkingCalendar()
    due = cal.add_working_days(D(2026, 9, 30), 20)
    assert due == D(2026, 11, 3)
    assert cal.working_days_between(D(2026, 9, 30), due) == 20


def test_zero_days_is_the_start_day():
    assert WorkingCalendar().add_working_days(D(2026, 5, 6), 0) == D(2026, 5, 6)


def test_local_override_wins():
    cal = WorkingCalendar(overrides={D(2026, 10, 8): False})
    assert cal.add_working_days(D(2026, 9, 30), 1) == D(2026, 10, 9)


def test_year_without_data_warns_and_uses_weekdays():
    cal = WorkingCalendar()
    assert cal.add_working_days(D(2026, 12, 31), 1) == D(2027, 1, 1)  # a Friday, assumed working
    assert cal.warnings and "2027" in cal.warnings[0]


async def test_overrides_are_loaded_from_the_database(clean_db):
    await CalendarOverride.create(day=D(2026, 10, 8), is_workday=False, reason="区级调整")
    due, warnings = await add_working_days(D(2026, 9, 30), 1)
    assert due == D(2026, 10, 9) and warnings == []
