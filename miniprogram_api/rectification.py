"""Routes of rectification (R22) and penalty decisions (R17)."""

from __future__ import annotations

from inspection import calendar, clock
from inspection.access import Need
from inspection.errors import Problem, ValidationFailed
from inspection.fieldwork import penalties as pen
from inspection.fieldwork import rectification as rect
from miniprogram_api import schemas as s
from miniprogram_api import views
from miniprogram_api.fieldwork import MANAGER, MEMBER, READER
from miniprogram_api.framework import Call, Route
from miniprogram_api.notices import notice_url
from models.fieldwork import FollowUp, RectificationOrder


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
        day, warnings = await calendar.add_working_days(start, call.query.working_days)
    except ValueError as exc:
        raise ValidationFailed([Problem("整改期限过长", field="working_days")]) from exc
    return s.DeadlineOut(start=start, working_days=call.query.working_days, deadline=day,
                         warnings=warnings)


def routes() -> list[Route]:
    oid = "/rectification-orders/{order_id}"
    return [
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
