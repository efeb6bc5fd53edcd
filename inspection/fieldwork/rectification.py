"""Rectification (R22): a 限期改正指令书 for non-compliant findings with a deadline in working
days, follow-up visits (回访) until 已整改, or escalation to a case; overdue orders are chased.

The printable notice (a `Notice` of kind rectification) is made by `inspection.notices`; this
module owns the order itself.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from inspection import audit, messages, outbox
from inspection.access import Need, inspection_for
from inspection.calendar import WorkingCalendar, add_working_days
from inspection.clock import BEIJING, today
from inspection.errors import Conflict, NotFound, Problem, ValidationFailed
from inspection.fieldwork.inspections import illegal
from inspection.notices import issuing as notices
from inspection.notices.particulars import Issuer
from models.campaigns import Campaign
from models.enums import (
    FindingResult,
    FollowUpResult,
    InspectionState,
    NoticeKind,
    NoticeStatus,
    RectificationState,
)
from models.fieldwork import Finding, FollowUp, InspectionMember, RectificationOrder
from models.notices import Notice
from models.org import Staff

DUE_TOPIC = "timer.rectification_due"
CHASE_HOUR = 9  # overdue reminders go out at 09:00 Beijing time the day after the deadline


async def issue_order(*, staff: Staff, inspection_id: int, finding_ids: list[int],
                      requirements: str, working_days: int, issuer: Issuer,
                      issued_on: dt.date | None = None) -> tuple[RectificationOrder, list[str]]:
    inspection = await inspection_for(staff=staff, inspection_id=inspection_id,
                                      need=Need.WORK, lock=True)
    if inspection.state not in (InspectionState.SUBMITTED, InspectionState.RECTIFYING):
        raise illegal(inspection.state, "不能下达限期改正指令书（须先提交检查结果）")
    wanted = list(dict.fromkeys(finding_ids))
    findings = {f.id: f for f in await Finding.filter(id__in=wanted, inspection_id=inspection.id)}
    problems = []
    for i, fid in enumerate(wanted):
        finding = findings.get(fid)
        if finding is None:
            problems.append(Problem("该检查结果不属于本次检查", field=f"finding_ids.{i}"))
        elif finding.result != FindingResult.NONCOMPLIANT:
            problems.append(Problem("只能对“不符合”的检查结果下达限期改正指令书",
                                    field=f"finding_ids.{i}", code="finding_compliant"))
    if problems:
        raise ValidationFailed(problems)
    day = issued_on or today()
    try:
        counted = await add_working_days(day, working_days)
    except ValueError as exc:
        raise ValidationFailed([Problem("整改期限过长", field="working_days")]) from exc
    order = await RectificationOrder.create(
        inspection_id=inspection.id, employer_id=inspection.employer_id,
        requirements=requirements, issued_on=day, working_days=working_days,
        deadline=counted.day, deadline_provisional=counted.provisional, issued_by_id=staff.id)
    await order.findings.add(*findings.values())
    if inspection.state == InspectionState.SUBMITTED:
        inspection.state = InspectionState.RECTIFYING
        await inspection.save(update_fields=["state", "updated_at"])
    await outbox.enqueue(topic=DUE_TOPIC, payload={"order_id": order.id},
                         key=_due_key(order.id), due_at=_chase_at(order.deadline))
    await audit.record(actor=audit.staff_actor(staff.id), action="rectification.issue", obj=order,
                       after={**audit.snapshot(order), "finding_ids": sorted(findings)})
    # The order is served as a 限期改正指令书 (R22): numbered in this same transaction, so there
    # is never an order without its notice nor a number without its order.
    await notices.issue_notice(
        kind=NoticeKind.RECTIFICATION, employer_id=order.employer_id,
        content={"body": requirements}, issued_by_id=staff.id, issuer=issuer,
        inspection_id=inspection.id, rectification_order_id=order.id, issued_on=day,
        actor=audit.staff_actor(staff.id))
    return order, counted.warnings


def _due_key(order_id: int) -> str:
    return f"rectification-due:{order_id}"


def _chase_at(deadline: dt.date) -> dt.datetime:
    return dt.datetime.combine(deadline + dt.timedelta(days=1), dt.time(CHASE_HOUR), BEIJING)


async def confirm_deadlines(*, calendar: WorkingCalendar, actor: str) -> int:
    """Recount the open orders whose deadline was provisional, now that more of the holiday
    schedule is known. A deadline already served is never brought forward: the employer keeps
    the later of the printed and the recounted date. Returns how many orders changed."""
    changed = 0
    for order in await RectificationOrder.filter(state=RectificationState.OPEN,
                                                 deadline_provisional=True).order_by("id"):
        counted = calendar.due(order.issued_on, order.working_days)
        deadline = max(counted.day, order.deadline)
        if (deadline, counted.provisional) == (order.deadline, order.deadline_provisional):
            continue
        before = audit.snapshot(order, ["deadline", "deadline_provisional"])
        order.deadline, order.deadline_provisional = deadline, counted.provisional
        await order.save(update_fields=["deadline", "deadline_provisional", "updated_at"])
        await outbox.reschedule(key=_due_key(order.id), due_at=_chase_at(deadline))
        await audit.record(actor=actor, action="rectification.deadline_confirmed", obj=order,
                           before=before,
                           after=audit.snapshot(order, ["deadline", "deadline_provisional"]))
        changed += 1
    return changed


async def order_notice(order: RectificationOrder) -> Notice | None:
    """The 限期改正指令书 in force for an order (a superseded one points at its successor)."""
    return await Notice.filter(rectification_order_id=order.id, kind=NoticeKind.RECTIFICATION,
                               status=NoticeStatus.ISSUED).order_by("-id").first()


async def order_for(*, staff: Staff, order_id: int, need: Need,
                    lock: bool = False) -> RectificationOrder:
    query = RectificationOrder.filter(id=order_id)
    if lock:
        query = query.select_for_update()
    order = await query.first()
    if order is None:
        raise NotFound("限期改正指令书")
    await inspection_for(staff=staff, inspection_id=order.inspection_id,
                         need=need)
    return order


def _require_open(order: RectificationOrder) -> None:
    if order.state != RectificationState.OPEN:
        raise Conflict("illegal_transition", "该限期改正指令书已整改完毕、转立案或撤销，不能再办理")


async def record_follow_up(*, staff: Staff, order_id: int, visited_on: dt.date,
                           result: FollowUpResult, note: str) -> FollowUp:
    order = await order_for(staff=staff, order_id=order_id, need=Need.WORK, lock=True)
    _require_open(order)
    if visited_on < order.issued_on or visited_on > today():
        raise ValidationFailed([Problem("回访日期须在下达之日以后且不晚于今天", field="visited_on")])
    follow_up = await FollowUp.create(order_id=order.id, visited_on=visited_on, result=result,
                                      note=note, recorded_by_id=staff.id)
    await audit.record(actor=audit.staff_actor(staff.id), action="rectification.follow_up",
                       obj=follow_up, after=audit.snapshot(follow_up))
    if result == FollowUpResult.RECTIFIED:
        before = audit.snapshot(order, ["state", "closed_on"])
        order.state, order.closed_on = RectificationState.RECTIFIED, visited_on
        await order.save()
        await outbox.cancel(key=_due_key(order.id))
        await audit.record(actor=audit.staff_actor(staff.id), action="rectification.rectified",
                           obj=order, before=before,
                           after=audit.snapshot(order, ["state", "closed_on"]))
    return follow_up


async def escalate(*, staff: Staff, order_id: int, reason: str) -> RectificationOrder:
    """Not put right: hand over to a case (转立案)."""
    order = await order_for(staff=staff, order_id=order_id, need=Need.WORK, lock=True)
    _require_open(order)
    before = audit.snapshot(order, ["state", "closed_on"])
    order.state, order.closed_on = RectificationState.ESCALATED, today()
    await order.save()
    await outbox.cancel(key=_due_key(order.id))
    await audit.record(actor=audit.staff_actor(staff.id), action="rectification.escalate",
                       obj=order, before=before,
                       after={**audit.snapshot(order, ["state", "closed_on"]), "reason": reason})
    return order


async def on_rectification_due(payload: dict[str, Any]) -> None:
    """Timer handler: remind the team and the campaign leaders of an order still open."""
    order = await RectificationOrder.get_or_none(id=int(payload["order_id"]))
    if order is None or order.state != RectificationState.OPEN:
        return
    await order.fetch_related("employer")
    members = await InspectionMember.filter(
        inspection_id=order.inspection_id).prefetch_related("staff")
    leaders = await Campaign.filter(inspections__id=order.inspection_id,
                                    leader_id__isnull=False).prefetch_related("leader")
    userids = {m.staff.wecom_userid for m in members} | {c.leader.wecom_userid for c in leaders if c.leader}
    facts = {"employer": order.employer.name, "deadline": order.deadline.isoformat(),
             "provisional": order.deadline_provisional,
             "inspection_id": order.inspection_id, "order_id": order.id}
    campaign = await Campaign.filter(
        inspections__id=order.inspection_id).order_by("id").first()
    for userid in sorted(userids):
        await messages.send(template=messages.Template.RECTIFICATION_OVERDUE, to=[userid],
                            facts=facts, key=f"rectification-overdue:{order.id}:{userid}",
                            campaign=campaign)
    await audit.record(actor=audit.SYSTEM, action="rectification.overdue_chased", obj=order,
                       after={"notified": sorted(userids)})
