"""Routes of publication duties (R3, R13, R17): the list (by state, due date, section, kind), one
duty, one-call publish and withhold with a legal reason. Over inspection/publication/admin.py.
WeCom reminders link to `/app/#/publication/{id}`, which reads GET /publications/{id}."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import BaseModel, Field, StringConstraints

from inspection import clock
from inspection.publication import admin as pa
from miniprogram_api.framework import Call, Route
from miniprogram_api.schemas import Id, Request
from models.enums import PublicationKind
from models.publication import Publication

OFFICER = "initiating section (own section's duties), policy-section admin (all)"
Reason = Annotated[str, StringConstraints(min_length=2, max_length=2000, strip_whitespace=True)]


class DutyQuery(Request):
    state: pa.DutyState | None = Field(None, description="pending 待公示 / overdue 已逾期 / "
                                       "published 已公示 / withheld 不予公示")
    due_by: dt.date | None = Field(None, description="公示期限不晚于此日")
    section_id: Id | None = Field(None, description="责任科室")
    kind: PublicationKind | None = None
    page: int = Field(1, ge=1, le=10_000)
    page_size: int = Field(20, ge=1, le=100)


class DutyOut(BaseModel):
    id: int
    kind: PublicationKind
    kind_label: str
    title: str = Field(description="公示事项（含单位和文号）")
    object_type: str
    object_id: int
    section_id: int | None
    due_on: dt.date | None
    due_provisional: bool = Field(description="公示期限按周一至周五推算，暂定，待节假日安排录入后确认")
    state: pa.DutyState
    state_label: str
    published_at: dt.datetime | None
    auto_publish_at: dt.datetime | None = Field(description="届时自动公示（未决定不予公示的）")
    withdrawn_at: dt.datetime | None
    withdrawn_reason: str
    withdrawn_basis: str
    app_path: str = Field(description="应用内链接")
    window_path: str = Field(description="公示窗口页面")


class DutyPage(BaseModel):
    items: list[DutyOut]
    total: int
    page: int
    page_size: int


class WithholdIn(Request):
    reason: Reason = Field(description="不予公示的理由")
    basis: Reason = Field(description="法律依据，如《政府信息公开条例》第十四条")


def duty_out(d: Publication, today: dt.date) -> DutyOut:
    return DutyOut(id=d.id, kind=PublicationKind(d.kind), title=d.title,
                   object_type=d.object_type, object_id=d.object_id,
                   section_id=d.section_id,
                   due_on=d.due_on, due_provisional=d.due_provisional,
                   published_at=d.published_at,
                   auto_publish_at=d.auto_publish_at, withdrawn_at=d.withdrawn_at,
                   withdrawn_reason=d.withdrawn_reason, withdrawn_basis=d.withdrawn_basis,
                   **pa.describe(d, today))


async def list_duties(call: Call[None, DutyQuery]) -> DutyPage:
    q = call.query
    page = await pa.list_duties(staff=call.me, state=q.state, due_by=q.due_by,
                                section_id=q.section_id, kind=q.kind, page=q.page,
                                page_size=q.page_size)
    today = clock.today()
    return DutyPage(items=[duty_out(d, today) for d in page.items], total=page.total,
                    page=page.page, page_size=page.page_size)


async def get_duty(call: Call[None, None]) -> DutyOut:
    duty = await pa.duty_for(staff=call.me, publication_id=call.path["publication_id"])
    return duty_out(duty, clock.today())


async def publish(call: Call[None, None]) -> DutyOut:
    duty = await pa.publish(staff=call.me, publication_id=call.path["publication_id"])
    return duty_out(duty, clock.today())


async def withhold(call: Call[WithholdIn, None]) -> DutyOut:
    duty = await pa.withhold(staff=call.me, publication_id=call.path["publication_id"],
                             reason=call.body.reason, basis=call.body.basis)
    return duty_out(duty, clock.today())


def routes() -> list[Route]:
    pid = "/publications/{publication_id}"
    return [
        Route("GET", "/publications", "listPublicationDuties",
              "公示任务清单（可按状态、期限、科室、类别筛选；期限近的在前）", "publication",
              OFFICER, list_duties, DutyPage, query=DutyQuery, errors=(403,)),
        Route("GET", pid, "getPublicationDuty", "一项公示任务", "publication", OFFICER,
              get_duty, DutyOut, errors=(403,)),
        Route("POST", pid + "/publish", "publishDuty", "公示：即刻在公示窗口公开", "publication",
              OFFICER, publish, DutyOut, creates=True, errors=(403, 409)),
        Route("POST", pid + "/withhold", "withholdDuty",
              "依法不予公示（须在公示期限前，写明理由和法律依据）", "publication", OFFICER,
              withhold, DutyOut, body=WithholdIn, creates=True, errors=(403, 409)),
    ]
