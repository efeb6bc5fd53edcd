"""Routes of the working-day calendar kept by 政策法规科: a year's State Council holiday schedule
(holidays and adjusted working weekends), read and entered over inspection/holiday_schedule.py.
Entering a year confirms every deadline that was counted as provisional."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import BaseModel, Field, StringConstraints

from inspection import holiday_schedule as hs
from miniprogram_api.framework import Call, Route
from miniprogram_api.rosters import ADMIN
from miniprogram_api.schemas import Request


class CalendarYearIn(Request):
    holidays: list[dt.date] = Field(max_length=hs.MAX_HOLIDAYS,
                                    description="放假日期（含节假日期间的周末）")
    workdays: list[dt.date] = Field(default_factory=list, max_length=hs.MAX_WORKDAYS,
                                    description="调休上班的周六、周日")
    basis: Annotated[str, StringConstraints(max_length=200)] = Field(
        description="依据：国务院办公厅通知的文号或标题")


class CalendarYearOut(BaseModel):
    year: int
    source: str = Field(description="bureau 本局录入 / library 系统内置 / none 尚未收录")
    source_label: str
    known: bool = Field(description="false：该年期限按周一至周五推算，标为暂定")
    holidays: list[dt.date]
    workdays: list[dt.date]
    basis: str
    entered_by: str | None
    updated_at: dt.datetime | None


class Confirmed(BaseModel):
    rectification_orders: int = Field(description="重新确认期限的限期改正指令")
    publication_duties: int = Field(description="重新确认期限的公示任务")
    reports: int = Field(description="重新确认期限的抽查工作报告")
    blacklist_hearings: int = Field(description="重新确认陈述、申辩期限的黑名单事先告知")


class CalendarYearSet(CalendarYearOut):
    confirmed: Confirmed


def _out(y: hs.YearSchedule) -> CalendarYearOut:
    return CalendarYearOut(year=y.year, source=y.source, source_label=hs.SOURCE_LABELS[y.source],
                           known=y.known, holidays=y.holidays, workdays=y.workdays,
                           basis=y.basis, entered_by=y.entered_by, updated_at=y.updated_at)


async def get_year(call: Call[None, None]) -> CalendarYearOut:
    return _out(await hs.year_for(staff=call.me, year=call.path["year"]))


async def put_year(call: Call[CalendarYearIn, None]) -> CalendarYearSet:
    b = call.body
    year, confirmed = await hs.enter_for(staff=call.me, year=call.path["year"],
                                         holidays=b.holidays, workdays=b.workdays, basis=b.basis)
    return CalendarYearSet(**_out(year).model_dump(), confirmed=Confirmed(**confirmed))


def routes() -> list[Route]:
    path = "/calendar/{year}"
    return [
        Route("GET", path, "getHolidaySchedule", "某年的节假日安排（放假日期、调休上班日）及来源",
              "calendar", ADMIN, get_year, CalendarYearOut, errors=(403, 422)),
        Route("PUT", path, "putHolidaySchedule",
              "录入或更正某年的节假日安排（国务院办公厅通知）；暂定期限随之确认", "calendar",
              ADMIN, put_year, CalendarYearSet, body=CalendarYearIn, errors=(403,)),
    ]
