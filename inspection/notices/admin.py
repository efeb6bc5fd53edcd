"""Notices (检查通知书, 询问通知书, 限期改正指令书, 整改复查意见书, 检查结果告知书, 行政处罚告知书,
行政处罚决定书) issued, revoked and superseded by staff over the API (R3, R21, R22), authorised by the notice's inspection: the team
issues and corrects; the team, the campaign's leader and the initiating section read.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from inspection import audit
from inspection.access import Need, inspection_for
from inspection.errors import NotFound, Problem, ValidationFailed
from inspection.fieldwork import penalties, rectification
from inspection.notices import issuing as notices
from inspection.notices.particulars import Issuer
from models.enums import NoticeKind
from models.notices import Notice
from models.org import Staff


async def issue(*, staff: Staff, inspection_id: int, kind: NoticeKind, content: dict[str, Any],
                issuer: Issuer, deadline: dt.date | None = None,
                rectification_order_id: int | None = None,
                penalty_decision_id: int | None = None) -> Notice:
    inspection = await inspection_for(staff=staff, inspection_id=inspection_id, need=Need.WORK)
    # What a notice refers to is checked as reading it would be (its requirements or penalty are
    # copied onto the paper), and must be of this visit.
    linked: list[tuple[str, int | None]] = []
    if rectification_order_id is not None:
        order = await rectification.order_for(staff=staff, order_id=rectification_order_id,
                                              need=Need.READ)
        linked.append(("rectification_order_id", order.inspection_id))
    if penalty_decision_id is not None:
        decision = await penalties.decision_for(staff=staff, decision_id=penalty_decision_id,
                                                need=Need.READ)
        linked.append(("penalty_decision_id", decision.inspection_id))
    wrong = [Problem("不属于本次检查", field=name, code="not_this_inspection")
             for name, of in linked if of != inspection.id]
    if wrong:
        raise ValidationFailed(wrong)
    return await notices.issue_notice(
        kind=kind, employer_id=inspection.employer_id,
        content=content, issued_by_id=staff.id, issuer=issuer,
        inspection_id=inspection.id, rectification_order_id=rectification_order_id,
        penalty_decision_id=penalty_decision_id, deadline=deadline,
        actor=audit.staff_actor(staff.id))


async def notice_for(*, staff: Staff, notice_id: int, need: Need) -> Notice:
    """A notice through its inspection: unrelated staff do not learn that it exists."""
    notice = await Notice.get_or_none(id=notice_id)
    if notice is None or notice.inspection_id is None:
        raise NotFound("文书")
    await inspection_for(staff=staff, inspection_id=notice.inspection_id,
                         need=need)
    return notice


async def revoke(*, staff: Staff, notice_id: int, reason: str) -> Notice:
    notice = await notice_for(staff=staff, notice_id=notice_id, need=Need.WORK)
    return await notices.revoke_notice(notice_id=notice.id, reason=reason,
                                       actor=audit.staff_actor(staff.id))


async def supersede(*, staff: Staff, notice_id: int, reason: str, content: dict[str, Any],
                    issuer: Issuer, deadline: dt.date | None = None) -> Notice:
    notice = await notice_for(staff=staff, notice_id=notice_id, need=Need.WORK)
    return await notices.supersede_notice(notice_id=notice.id, reason=reason, content=content,
                                          issued_by_id=staff.id, issuer=issuer,
                                          deadline=deadline, actor=audit.staff_actor(staff.id))


async def unlock(*, staff: Staff, notice_id: int) -> Notice:
    """Lift the lock wrong verification codes put on a notice: an inspector of the visit's team
    (who handed the paper over and can tell the employer from a stranger)."""
    notice = await notice_for(staff=staff, notice_id=notice_id, need=Need.WORK)
    return await notices.unlock(notice_id=notice.id, actor=audit.staff_actor(staff.id))
