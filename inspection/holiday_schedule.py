"""The working-day calendar kept by the bureau: each year's State Council holiday schedule
(国务院办公厅关于部分节假日安排的通知), entered by 政策法规科 over the API or the CLI.

chinesecalendar's data ends with the last year it shipped; past it, deadlines are counted on
weekdays and marked provisional (inspection/calendar.py). Entering a year's schedule — its
holidays and its adjusted working weekends (调休上班) — makes the year known: every open deadline
that was provisional is recounted in the same transaction (`confirm_deadlines`), and audited.
From 1 November, while next year's schedule is missing, the daily housekeeping run tells
政策法规科 once a year (`warn_missing`).

Like housekeeping, this module sits above the parts whose deadlines it confirms.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from chinese_calendar import constants as library

from inspection import audit, messages
from inspection.calendar import WorkingCalendar, library_covers, load_calendar
from inspection.credit import blacklist, reports
from inspection.errors import Forbidden, Problem, ValidationFailed
from inspection.fieldwork import rectification
from inspection.publication import duties
from inspection.rosters.admin import admin_userids
from inspection.rosters.importing import RowErrors, text
from inspection.rosters.tabular import Column, parse_date, read_sheet
from models.enums import StaffStatus
from models.org import Staff
from models.outbox import OutboxMessage
from models.system import HolidaySchedule

MIN_YEAR, MAX_YEAR = 2000, 2100
MAX_HOLIDAYS, MAX_WORKDAYS = 60, 30
WARN_FROM = (11, 1)  # month, day: the State Council usually publishes next year's in November
SOURCE_LABELS = {"bureau": "本局录入", "library": "系统内置", "none": "尚未收录"}
SHEET_COLUMNS = [
    Column("day", "日期", ("date", "公历日期"), True),
    Column("kind", "安排", ("类型", "放假或上班", "type"), True),
    Column("note", "说明", ("节日", "名称", "备注", "note")),
]
_HOLIDAY_WORDS = {"放假", "休息", "休假", "假日", "节假日", "holiday", "off"}
_WORKDAY_WORDS = {"上班", "调休上班", "补班", "工作日", "workday", "work"}
_WEEKDAYS = "一二三四五六日"


@dataclass
class YearSchedule:
    year: int
    source: str  # bureau / library / none
    holidays: list[dt.date]
    workdays: list[dt.date]
    basis: str = ""
    entered_by: str | None = None
    updated_at: dt.datetime | None = None

    @property
    def known(self) -> bool:
        return self.source != "none"


def require_admin(staff: Staff) -> None:
    if not staff.is_admin or staff.status != StaffStatus.ACTIVE:
        raise Forbidden("只有政策法规科可以维护节假日安排", "admin_only")


def _check_year(year: int) -> None:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ValidationFailed([Problem(f"年度须在 {MIN_YEAR} 至 {MAX_YEAR} 之间", field="year",
                                        code="bad_year")])


async def year_schedule(*, year: int) -> YearSchedule:
    """What the system knows of a year: the bureau's entry, else the library's data."""
    _check_year(year)
    row = await HolidaySchedule.get_or_none(year=year).prefetch_related("entered_by")
    if row is not None:
        return YearSchedule(year, "bureau", [dt.date.fromisoformat(d) for d in row.holidays],
                            [dt.date.fromisoformat(d) for d in row.workdays], row.basis,
                            row.entered_by.name if row.entered_by else None, row.updated_at)
    if library_covers(year):
        return YearSchedule(year, "library",
                            sorted(d for d in library.holidays if d.year == year),
                            sorted(d for d in library.workdays if d.year == year))
    return YearSchedule(year, "none", [], [])


def _weekday(day: dt.date) -> str:
    return f"{day.isoformat()}（周{_WEEKDAYS[day.weekday()]}）"


def _dates(year: int, days: list[dt.date], name: str, problems: list[Problem]) -> set[dt.date]:
    seen: set[dt.date] = set()
    for i, day in enumerate(days):
        if day.year != year:
            problems.append(Problem(f"{day.isoformat()} 不在 {year} 年内", field=f"{name}.{i}",
                                    code="outside_year"))
        elif day in seen:
            problems.append(Problem(f"{day.isoformat()} 重复", field=f"{name}.{i}",
                                    code="duplicate"))
        seen.add(day)
    return seen


def _runs(days: list[dt.date]) -> list[list[dt.date]]:
    """Consecutive days grouped: one group per holiday period."""
    runs: list[list[dt.date]] = []
    for day in sorted(days):
        if runs and day - runs[-1][-1] == dt.timedelta(days=1):
            runs[-1].append(day)
        else:
            runs.append([day])
    return runs


def validate(*, year: int, holidays: list[dt.date], workdays: list[dt.date],
             basis: str) -> tuple[list[dt.date], list[dt.date], str]:
    """A year's schedule as the State Council publishes it, or every reason it cannot be:
    dates inside the year, none both off and worked, worked days only on weekends, and every
    holiday period more than an ordinary weekend. Returns the sorted lists and the basis."""
    _check_year(year)
    problems: list[Problem] = []
    if not holidays:
        problems.append(Problem("请填写放假日期", field="holidays", code="required"))
    if len(holidays) > MAX_HOLIDAYS or len(workdays) > MAX_WORKDAYS:
        problems.append(Problem(f"放假日期不超过 {MAX_HOLIDAYS} 天，调休上班日不超过 "
                                f"{MAX_WORKDAYS} 天", field="holidays", code="too_many"))
    off = _dates(year, holidays, "holidays", problems)
    worked = _dates(year, workdays, "workdays", problems)
    for i, day in enumerate(workdays):
        if day in off:
            problems.append(Problem(f"{day.isoformat()} 不能既放假又上班", field=f"workdays.{i}",
                                    code="both"))
        elif day.weekday() < 5:
            problems.append(Problem(f"调休上班日须为周六或周日，{_weekday(day)} 本来就是工作日",
                                    field=f"workdays.{i}", code="not_weekend"))
    for run in _runs([d for d in off if d.year == year]):
        if all(d.weekday() >= 5 for d in run):
            # A holiday period that takes no working day off is a plain weekend: a typo.
            problems.append(Problem(
                f"{run[0].isoformat()} 至 {run[-1].isoformat()} 只是普通周末，不是节假日，请核对",
                field=f"holidays.{holidays.index(run[0])}", code="weekend_only"))
    basis = basis.strip()
    if not basis or len(basis) > 200:
        problems.append(Problem("请填写依据（国务院办公厅通知的文号或标题），不超过 200 字",
                                field="basis", code="required"))
    if problems:
        raise ValidationFailed(problems, f"{year} 年节假日安排有误，未保存")
    return sorted(off), sorted(worked), basis


async def confirm_deadlines(*, actor: str) -> dict[str, int]:
    """Recount every open deadline that was provisional, with the calendar as it now stands."""
    calendar: WorkingCalendar = await load_calendar()
    return {
        "rectification_orders": await rectification.confirm_deadlines(calendar=calendar,
                                                                       actor=actor),
        "publication_duties": await duties.confirm_due_dates(calendar=calendar, actor=actor),
        "reports": await reports.confirm_due_dates(calendar=calendar, actor=actor),
        "blacklist_hearings": await blacklist.confirm_hearings(calendar=calendar, actor=actor),
    }


async def set_schedule(*, year: int, holidays: list[dt.date], workdays: list[dt.date],
                       basis: str, actor: str, entered_by_id: int | None = None
                       ) -> tuple[YearSchedule, dict[str, int]]:
    """Enter (or correct) a year's schedule, audited, and confirm the provisional deadlines.
    Returns the year as now known and how many deadlines of each kind were recounted."""
    off, worked, basis = validate(year=year, holidays=holidays, workdays=workdays, basis=basis)
    values: dict[str, Any] = {"holidays": [d.isoformat() for d in off],
                              "workdays": [d.isoformat() for d in worked], "basis": basis}
    row = await HolidaySchedule.filter(year=year).select_for_update().first()
    before = None if row is None else audit.snapshot(row, ["holidays", "workdays", "basis"])
    if row is None:
        row = await HolidaySchedule.create(year=year, entered_by_id=entered_by_id, **values)
    elif before != values:
        for name, value in values.items():
            setattr(row, name, value)
        row.entered_by_id = entered_by_id
        await row.save()
    if before != values:
        await audit.record(actor=actor, action="calendar.schedule_set", obj=row, before=before,
                           after={"year": year, **values})
    confirmed = await confirm_deadlines(actor=actor)
    return await year_schedule(year=year), confirmed


async def year_for(*, staff: Staff, year: int) -> YearSchedule:
    """A year's schedule for 政策法规科 (the staff API)."""
    require_admin(staff)
    return await year_schedule(year=year)


async def enter_for(*, staff: Staff, year: int, holidays: list[dt.date],
                    workdays: list[dt.date], basis: str) -> tuple[YearSchedule, dict[str, int]]:
    """`set_schedule` by 政策法规科 (the staff API)."""
    require_admin(staff)
    return await set_schedule(year=year, holidays=holidays, workdays=workdays, basis=basis,
                              actor=audit.staff_actor(staff.id), entered_by_id=staff.id)


def read_schedule_file(data: bytes, filename: str) -> tuple[list[dt.date], list[dt.date]]:
    """A schedule sheet (CSV or XLSX): one row per day, 日期 and 安排 (放假 or 上班)."""
    sheet = read_sheet(data, filename, SHEET_COLUMNS)
    errors = RowErrors(SHEET_COLUMNS)
    holidays: list[dt.date] = []
    workdays: list[dt.date] = []
    for row, values in sheet.rows:
        try:
            day = parse_date(values.get("day"))
        except ValueError:
            day = None
        if day is None:
            errors.add(row, "day", f"日期「{text(values, 'day')}」无效，应如 2027-01-01", "bad_date")
        kind = text(values, "kind").lower()
        if kind not in _HOLIDAY_WORDS | _WORKDAY_WORDS:
            errors.add(row, "kind", f"安排「{text(values, 'kind')}」无效，应为 放假 或 上班",
                       "bad_kind")
        elif day is not None:
            (holidays if kind in _HOLIDAY_WORDS else workdays).append(day)
    errors.raise_if_any()
    return holidays, workdays


async def warn_missing(*, today: dt.date) -> list[int]:
    """From 1 November, tell 政策法规科 that next year's schedule is missing (once per year);
    the current year's too, should it ever be. Returns the years warned about this run."""
    years = [today.year] + ([today.year + 1] if (today.month, today.day) >= WARN_FROM else [])
    calendar = await load_calendar(start=today)
    missing = [y for y in years if not calendar.knows(y)]
    users = await admin_userids() if missing else []
    warned = []
    for year in missing:
        key = f"calendar-missing:{year}"
        if not users or await OutboxMessage.exists(idempotency_key=key):
            continue  # told already this year (the outbox keeps every row it sent)
        await messages.send(template=messages.Template.CALENDAR_MISSING, to=users,
                            facts={"year": year}, key=key)
        warned.append(year)
    return warned

