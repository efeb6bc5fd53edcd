"""Request and response bodies. The same models validate requests and write the OpenAPI document."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from models.enums import (
    EvidenceReview,
    FindingResult,
    FollowUpResult,
    InspectionState,
    NoticeKind,
    NoticeStatus,
    PenaltyProcedure,
    RectificationState,
)

Text = Annotated[str, StringConstraints(max_length=2000)]
ShortText = Annotated[str, StringConstraints(max_length=200)]
Id = Annotated[int, Field(ge=1, le=2**31 - 1)]


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(_has_nul(v) for v in value)
    return False


class Request(BaseModel):
    model_config = ConfigDict(extra="forbid")

    @field_validator("*", mode="after")
    @classmethod
    def _no_nul(cls, value: Any) -> Any:
        # PostgreSQL text and jsonb cannot hold U+0000: refused here as bad input (422 naming the
        # field), not left to fail as a database error (500). SQLite would store it silently.
        if _has_nul(value):
            raise ValueError("不能包含空字符（U+0000）")
        return value


# --- login ---------------------------------------------------------------------------------

class LoginIn(Request):
    code: Annotated[str, StringConstraints(min_length=1, max_length=128, strip_whitespace=True)] = Field(
        description="wx.qy.login 返回的 code")


class StaffOut(BaseModel):
    id: int
    name: str
    section: str
    roles: list[str] = Field(description="admin / initiator / leader / inspector")


class LoginOut(BaseModel):
    token: str = Field(description="放在 Authorization: Bearer 头中")
    expires_in: int = Field(description="闲置多少秒后失效")
    staff: StaffOut


# --- inspections ---------------------------------------------------------------------------

class InspectionQuery(Request):
    state: InspectionState | None = None
    window_from: dt.date | None = Field(None, description="检查期限结束不早于此日")
    window_to: dt.date | None = Field(None, description="检查期限开始不晚于此日")
    page: int = Field(1, ge=1, le=10_000)
    page_size: int = Field(20, ge=1, le=100)


class EmployerBrief(BaseModel):
    id: int
    name: str
    uscc: str
    township: str


class InspectionBrief(BaseModel):
    id: int
    code: str
    state: InspectionState
    window_start: dt.date
    window_end: dt.date
    employer: EmployerBrief


class InspectionPage(BaseModel):
    items: list[InspectionBrief]
    total: int
    page: int
    page_size: int


class EmployerOut(EmployerBrief):
    legal_rep: str
    address: str
    contact_phone: str
    industry: str
    grade: str


class CampaignBrief(BaseModel):
    id: int
    code: str
    title: str


class ItemOut(BaseModel):
    item_version_id: int
    code: str
    version: int
    name: str
    basis: str
    content: str
    method: str


class MemberOut(BaseModel):
    staff_id: int
    name: str
    confirmed_at: dt.datetime | None


class FindingOut(BaseModel):
    id: int
    item_version_id: int
    result: FindingResult
    description: str
    basis: str
    recorded_by: int
    updated_at: dt.datetime


class EvidenceOut(BaseModel):
    id: int
    content_type: str
    size: int
    sha256: str
    original_name: str
    finding_id: int | None
    follow_up_id: int | None
    notice_id: int | None = Field(description="被检查单位从文书页面上传的材料所属文书")
    reviewed: bool = Field(description="检查人员已审核（被检查单位上传的材料）")
    review_status: EvidenceReview | None = Field(
        description="被检查单位上传的材料：pending 待审核 / accepted 已采纳 / rejected 未采纳；"
                    "检查人员自己的证据为 null")
    review_reason: str = Field(description="不予采纳的理由（被检查单位在文书页面可见）")
    has_thumbnail: bool
    created_at: dt.datetime


class FollowUpOut(BaseModel):
    id: int
    visited_on: dt.date
    result: FollowUpResult
    note: str
    recorded_by: int


class OrderOut(BaseModel):
    id: int
    inspection_id: int
    state: RectificationState
    requirements: str
    issued_on: dt.date
    working_days: int
    deadline: dt.date
    deadline_provisional: bool = Field(
        description="期限按周一至周五推算（当年节假日安排尚未录入），暂定，录入后确认")
    closed_on: dt.date | None
    finding_ids: list[int]
    follow_ups: list[FollowUpOut]


class NoticeOut(BaseModel):
    id: int
    kind: NoticeKind
    number: str
    issued_on: dt.date
    deadline: dt.date | None
    deadline_provisional: bool = Field(description="文书所载期限为暂定")
    status: NoticeStatus
    acknowledged: bool
    url: str = Field(description="二维码指向的公开页面")
    verification_code: str = Field(
        description="核验码（8位数字）：印在送达的纸质文书上，被检查单位扫码后输入以确认收到、"
                    "上传材料；公开页面及其 PDF 不显示")
    locked_until: dt.datetime | None = Field(
        description="核验码输错次数过多，暂停验证至此时（检查组成员可解除）；未暂停为空")


class PenaltyOut(BaseModel):
    id: int
    number: str
    procedure: PenaltyProcedure
    cause: str
    basis: str
    result: str
    amount_yuan: Decimal | None
    decided_on: dt.date
    effective_on: dt.date | None = Field(description="生效日期（一般程序的自该日起自动公示）")


class InspectionDetail(BaseModel):
    id: int
    code: str
    state: InspectionState
    window_start: dt.date
    window_end: dt.date
    checkin_at: dt.datetime | None
    submitted_at: dt.datetime | None
    closed_at: dt.datetime | None
    summary: str
    employer: EmployerOut
    campaigns: list[CampaignBrief]
    items: list[ItemOut] = Field(description="所有抽查任务的抽查事项合并为一次检查")
    team: list[MemberOut]
    findings: list[FindingOut]
    evidence: list[EvidenceOut]
    rectification_orders: list[OrderOut]
    notices: list[NoticeOut]
    penalties: list[PenaltyOut]


class MembersIn(Request):
    staff_ids: list[Id] = Field(min_length=2, max_length=20)


class TeamOut(BaseModel):
    inspection_id: int
    state: InspectionState
    team: list[MemberOut]


class CheckInIn(Request):
    lat: float | None = Field(None, ge=-90, le=90)
    lng: float | None = Field(None, ge=-180, le=180)
    note: ShortText = ""


class StateOut(BaseModel):
    id: int
    state: InspectionState


class FindingIn(Request):
    result: FindingResult = Field(description="compliant 符合 / noncompliant 不符合 / not_applicable 不适用")
    description: Text = ""
    basis: Text = Field("", description="法律依据")


class SubmitIn(Request):
    summary: Text = ""


class EvidenceQuery(Request):
    finding_id: Id | None = None
    follow_up_id: Id | None = None


# --- rectification and penalties -------------------------------------------------------------

class OrderIn(Request):
    finding_ids: list[Id] = Field(min_length=1, max_length=100)
    requirements: Annotated[str, StringConstraints(min_length=1, max_length=2000)]
    working_days: int = Field(ge=1, le=250, description="整改期限（工作日）")


class OrderCreated(OrderOut):
    warnings: list[str]
    notice_number: str | None = Field(None, description="同时签发的限期改正指令书文号")
    notice_url: str | None = Field(None, description="该指令书二维码指向的公开页面")


class DeadlineQuery(Request):
    working_days: int = Field(ge=1, le=250, description="整改期限（工作日）")


class DeadlineOut(BaseModel):
    start: dt.date = Field(description="起算日（今天，北京时间）")
    working_days: int
    deadline: dt.date
    deadline_provisional: bool = Field(
        description="期限按周一至周五推算，暂定，待节假日安排录入后确认")
    warnings: list[str] = Field(description="例如：该年度的节假日安排尚未公布")


class FollowUpIn(Request):
    visited_on: dt.date
    result: FollowUpResult
    note: Text = ""


class EscalateIn(Request):
    reason: Annotated[str, StringConstraints(min_length=1, max_length=2000)]


class PenaltyIn(Request):
    number: Annotated[str, StringConstraints(min_length=1, max_length=64)] = Field(
        description="行政处罚决定书文号")
    procedure: PenaltyProcedure = Field(description="general 一般程序 / simple 简易程序")
    cause: Annotated[str, StringConstraints(min_length=1, max_length=2000)] = Field(description="案由")
    basis: Annotated[str, StringConstraints(min_length=1, max_length=2000)]
    result: Annotated[str, StringConstraints(min_length=1, max_length=2000)]
    amount_yuan: Decimal | None = Field(None, ge=0, max_digits=14, decimal_places=2)
    decided_on: dt.date
    effective_on: dt.date | None = Field(
        None, description="生效日期（送达之日等；不填为决定日期）。一般程序的决定自该日起自动公示，"
        "除非此前依法决定不予公示")


class PenaltyCreated(PenaltyOut):
    publication_id: int | None = Field(description="公示任务（一般程序）")
    publication_due_on: dt.date | None
    publication_due_provisional: bool = Field(
        False, description="公示期限按周一至周五推算，暂定，待节假日安排录入后确认")
    publication_auto_at: dt.datetime | None = Field(description="自动公示的时间")
    warnings: list[str]
