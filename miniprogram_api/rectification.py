"""Routes of rectification (R22) and penalty decisions (R17)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import BaseModel, Field, StringConstraints

from inspection import calendar, clock
from inspection.access import Need
from inspection.errors import Problem, ValidationFailed
from inspection.fieldwork import penalties as pen
from inspection.fieldwork import rectification as rect
from inspection.fieldwork import uploads
from miniprogram_api import schemas as s
from miniprogram_api import views
from miniprogram_api.fieldwork import MANAGER, MEMBER, READER
from miniprogram_api.framework import Call, Route
from miniprogram_api.notices import notice_url
from models.enums import EvidenceReview, NoticeKind
from models.fieldwork import Evidence, FollowUp, RectificationOrder


class EmployerUploadOut(BaseModel):
    id: int = Field(description="证据材料编号：原件见 GET /evidence/{id}/content")
    notice_id: int
    notice_number: str
    notice_kind: NoticeKind
    content_type: str
    size: int
    original_name: str
    uploaded_at: dt.datetime
    review_status: EvidenceReview = Field(description="pending 待审核 / accepted 已采纳 / "
                                                      "rejected 未采纳")
    review_reason: str = Field(description="不予采纳的理由（用人单位在文书页面可见）")
    reviewed_at: dt.datetime | None
    reviewed_by: str | None


class EmployerUploadList(BaseModel):
    inspection_id: int
    items: list[EmployerUploadOut]


class UploadReviewIn(s.Request):
    accepted: bool = Field(description="true 采纳；false 不予采纳（须说明理由）")
    reason: Annotated[str, StringConstraints(max_length=500)] = ""


def _upload(e: Evidence) -> EmployerUploadOut:
    notice = e.notice
    assert notice is not None  # employer uploads only
    return EmployerUploadOut(
        id=e.id, notice_id=notice.id, notice_number=notice.number,
        notice_kind=notice.kind, content_type=e.content_type, size=e.size,
        original_name=e.original_name, uploaded_at=e.created_at,
        review_status=e.review_status or EvidenceReview.PENDING, review_reason=e.review_reason,
        reviewed_at=e.reviewed_at, reviewed_by=e.reviewed_by.name if e.reviewed_by else None)


async def _out(order: RectificationOrder) -> dict:
    await order.fetch_related("findings", "follow_ups")
    return views.order(order, [f.id for f in order.findings], list(order.follow_ups))  # type: ignore[attr-defined]


async def issue_order(call: Call[s.OrderIn, None]) -> s.OrderCreated:
    b = call.body
    order, warnings = await rect.issue_order(
        staff=call.me, inspection_id=call.path["inspection_id"], finding_ids=b.finding_ids,
        requirements=b.requirements, working_days=b.working_days, issuer=call.config.issuer)
    notice = await rect.order_notice(order)
    return s.OrderCreated(**await _out(order), warnings=warnings,
                          notice_number=notice.number if notice else None,
                          notice_url=notice_url(call, notice) if notice else None)


async def get_order(call: Call[None, None]) -> s.OrderOut:
    order = await rect.order_for(staff=call.me, order_id=call.path["order_id"], need=Need.READ)
    return s.OrderOut(**await _out(order))


async def follow_up(call: Call[s.FollowUpIn, None]) -> s.FollowUpOut:
    b = call.body
    f: FollowUp = await rect.record_follow_up(staff=call.me, order_id=call.path["order_id"],
                                              visited_on=b.visited_on, result=b.result,
                                              note=b.note)
    return views.follow_up(f)


async def escalate(call: Call[s.EscalateIn, None]) -> s.OrderOut:
    order = await rect.escalate(staff=call.me, order_id=call.path["order_id"],
                                reason=call.body.reason)
    return s.OrderOut(**await _out(order))


async def record_penalty(call: Call[s.PenaltyIn, None]) -> s.PenaltyCreated:
    b = call.body
    decision, publication, warnings = await pen.record_decision(
        staff=call.me, inspection_id=call.path["inspection_id"], number=b.number,
        procedure=b.procedure, cause=b.cause, basis=b.basis, result=b.result,
        decided_on=b.decided_on, amount_yuan=b.amount_yuan, effective_on=b.effective_on)
    return s.PenaltyCreated(
        **views.penalty(decision), publication_id=publication.id if publication else None,
        publication_due_on=publication.due_on if publication else None,
        publication_due_provisional=bool(publication and publication.due_provisional),
        publication_auto_at=publication.auto_publish_at if publication else None,
        warnings=warnings)


async def deadline(call: Call[None, s.DeadlineQuery]) -> s.DeadlineOut:
    """What issuing an order today would set as its deadline (the same calendar, the same day)."""
    start = clock.today()
    try:
        due = await calendar.add_working_days(start, call.query.working_days)
    except ValueError as exc:
        raise ValidationFailed([Problem("整改期限过长", field="working_days")]) from exc
    return s.DeadlineOut(start=start, working_days=call.query.working_days, deadline=due.day,
                         deadline_provisional=due.provisional, warnings=due.warnings)


async def list_uploads(call: Call[None, None]) -> EmployerUploadList:
    rows = await uploads.list_uploads(staff=call.me, inspection_id=call.path["inspection_id"])
    return EmployerUploadList(inspection_id=call.path["inspection_id"],
                              items=[_upload(e) for e in rows])


async def review_upload(call: Call[UploadReviewIn, None]) -> EmployerUploadOut:
    e = await uploads.review(staff=call.me, evidence_id=call.path["evidence_id"],
                             accepted=call.body.accepted, reason=call.body.reason)
    return _upload(e)


def routes() -> list[Route]:
    oid = "/rectification-orders/{order_id}"
    return [
        Route("GET", "/inspections/{inspection_id}/employer-uploads", "listEmployerUploads",
              "用人单位在文书页面上传的整改材料及审核情况", "rectification", READER, list_uploads,
              EmployerUploadList),
        Route("POST", "/evidence/{evidence_id}/review", "reviewEmployerUpload",
              "审核用人单位上传的整改材料：采纳，或说明不予采纳的理由", "rectification", MEMBER,
              review_upload, EmployerUploadOut, body=UploadReviewIn, creates=True,
              errors=(403, 409)),
        Route("POST", "/inspections/{inspection_id}/rectification-orders", "issueRectificationOrder",
              "对“不符合”的检查结果下达限期改正指令书（期限按工作日计）", "rectification", MEMBER,
              issue_order, s.OrderCreated, status=201, body=s.OrderIn, creates=True,
              errors=(403, 409)),
        Route("GET", "/calendar/deadline", "previewDeadline",
              "整改期限预览：今天下达、N 个工作日后的截止日期（不含节假日，含调休上班日）",
              "rectification", "any staff", deadline, s.DeadlineOut, query=s.DeadlineQuery),
        Route("GET", oid, "getRectificationOrder", "限期改正指令书及回访记录", "rectification",
              READER, get_order, s.OrderOut),
        Route("POST", oid + "/follow-ups", "recordFollowUp", "记录回访结果（已整改则结案）",
              "rectification", MEMBER, follow_up, s.FollowUpOut, status=201, body=s.FollowUpIn,
              creates=True, errors=(403, 409)),
        Route("POST", oid + "/escalate", "escalateRectificationOrder", "逾期未整改，转立案",
              "rectification", MEMBER, escalate, s.OrderOut, body=s.EscalateIn, creates=True,
              errors=(403, 409)),
        Route("POST", "/inspections/{inspection_id}/penalties", "recordPenaltyDecision",
              "录入行政处罚决定（一般程序的须在 20 个工作日内公示）", "penalties", MANAGER,
              record_penalty, s.PenaltyCreated, status=201, body=s.PenaltyIn, creates=True,
              errors=(403,)),
    ]
