"""回避 arriving while a campaign is under way (R15, R16): declared by the inspector or by
政策法规科; the inspector leaves the employer's visits that have not begun, a call-up that can
no longer serve the campaign ends and the next in draw order is called, and check-in and
assignment re-check it."""

from __future__ import annotations

import pytest

from inspection.callup import assignment, recusal
from inspection.callup import calls as callup
from inspection.errors import Conflict, NotFound, ValidationFailed
from inspection.fieldwork import inspections as fieldwork
from inspection.rosters import admin as rosters_admin
from models.audit import AuditEvent
from models.callups import CallUp
from models.enums import CallUpState, InspectionState
from models.fieldwork import Inspection, InspectionMember
from models.org import Conflict as Recusal
from notifications import replies
from tests import factories as f
from tests.wecom_rows import texts_to as texts

pytestmark = pytest.mark.usefixtures("clean_db")

NOW = f.NOW


async def assigned(employers: int = 2):
    leader = await f.staff("刘组长", userid="liu", leader=True, inspector=False)
    order = [await f.staff(f"检查员{i}", userid=f"insp{i}") for i in range(1, 6)]
    c = await f.campaign(needed=3, leader=leader)
    await f.inspector_draw(c, order)
    visits = await f.employers_with_inspections(c, [f"单位{i}" for i in range(1, employers + 1)])
    for x in await callup.start_callup(campaign_id=c.id, now=NOW, actor="cli"):
        await callup.accept(callup_id=x.id, staff_id=x.staff_id, now=NOW, actor="wecom:x")
    for v in visits:
        await assignment.assign(campaign_id=c.id, leader_id=leader.id, target=v.code,
                                names=["检查员1", "检查员2"], now=NOW, actor="wecom:liu")
    return c, leader, order, visits


async def test_own_recusal_leaves_the_visit_and_tells_the_leader():
    c, _, order, visits = await assigned()
    row, effect = await recusal.declare_own(staff=order[0], inspection_code=visits[0].code,
                                            reason="配偶在该单位任职", now=NOW, actor="wecom:insp1")
    assert (row.staff_id, row.employer_id) == (order[0].id, visits[0].employer_id)
    assert effect.left == [visits[0].code] and effect.ended == []
    assert "已移出" in replies.recused(effect)
    assert not await InspectionMember.filter(inspection_id=visits[0].id, staff_id=order[0].id).exists()
    assert await InspectionMember.filter(inspection_id=visits[1].id, staff_id=order[0].id).exists()
    # still on the team for the other employer: no replacement
    assert (await CallUp.get(campaign_id=c.id, staff_id=order[0].id)).state == CallUpState.ACCEPTED
    leader_text = (await texts("liu"))[-1]
    assert "检查员1 新登记了回避情形" in leader_text and visits[0].code in leader_text
    assert await AuditEvent.filter(action="conflict.declare").count() == 1
    await Recusal.create(staff_id=order[1].id, employer_id=visits[1].employer_id, reason="已登记")
    with pytest.raises(Conflict) as err:
        await recusal.declare_own(staff=order[1], inspection_code=visits[1].code,
                                  reason="配偶在该单位任职", now=NOW, actor="wecom:insp2")
    assert err.value.code == "conflict_exists"


async def test_recusal_from_every_employer_ends_the_call_up_and_calls_the_next():
    c, _, order, visits = await assigned(employers=1)
    _, effect = await recusal.declare_own(staff=order[0], inspection_code=visits[0].code,
                                          reason="曾在该单位任职", now=NOW, actor="wecom:insp1")
    assert effect.ended == [c.code] and effect.called == ["检查员4"]
    ended = await CallUp.get(campaign_id=c.id, staff_id=order[0].id)
    assert (ended.state, ended.reason) == (CallUpState.WITHDRAWN, "回避：曾在该单位任职")
    assert (await CallUp.get(campaign_id=c.id, staff_id=order[3].id)).state == CallUpState.CALLED
    assert "已按抽取顺序召集 检查员4" in (await texts("liu"))[-1]


async def test_registry_found_later_applies_too_and_check_in_rechecks():
    _, _, order, visits = await assigned()
    admin = await f.staff("王法规", userid="wang", inspector=False)
    admin.is_admin = True
    await admin.save()
    await Inspection.filter(id=visits[1].id).update(state=InspectionState.CHECKED_IN)
    await rosters_admin.declare_conflict(staff=admin, staff_id=order[1].id,
                                         employer_id=visits[0].employer_id, reason="亲属关系")
    assert not await InspectionMember.filter(inspection_id=visits[0].id, staff_id=order[1].id).exists()
    # a visit already begun is the leader's to sort out, never changed behind their back
    await rosters_admin.declare_conflict(staff=admin, staff_id=order[0].id,
                                         employer_id=visits[1].employer_id, reason="亲属关系")
    assert await InspectionMember.filter(inspection_id=visits[1].id, staff_id=order[0].id).exists()
    assert "已开始现场检查，请组长研究处理" in (await texts("liu"))[-1]
    # check-in re-checks: a conflict that reached a visit anyway keeps the inspector out
    await Inspection.filter(id=visits[0].id).update(state=InspectionState.ASSIGNED)
    await InspectionMember.create(inspection_id=visits[0].id, staff_id=order[1].id)
    with pytest.raises(Conflict) as err:
        await fieldwork.check_in(staff=order[1], inspection_id=visits[0].id, lat=None, lng=None)
    assert err.value.code == "conflict_of_interest"


async def test_own_recusal_needs_a_reason_and_a_visit_of_ones_own():
    _, _, order, visits = await assigned()
    with pytest.raises(ValidationFailed):
        await recusal.declare_own(staff=order[0], inspection_code=visits[0].code, reason=" ",
                                  now=NOW, actor="wecom:insp1")
    with pytest.raises(NotFound):
        await recusal.declare_own(staff=order[3], inspection_code=visits[0].code,
                                  reason="曾在该单位任职", now=NOW, actor="wecom:insp4")
    assert await Recusal.all().count() == 0
