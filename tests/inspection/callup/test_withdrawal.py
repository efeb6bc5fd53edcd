"""Withdrawal after acceptance, unique names in leader commands, and deadlines in office hours
(R15, R16)."""

from __future__ import annotations

import datetime as dt

import pytest

from inspection.callup import assignment, withdrawal
from inspection.callup import calls as callup
from inspection.callup import leader as callup_leader
from inspection.errors import Conflict, DomainError, ValidationFailed
from models.audit import AuditEvent
from models.callups import CallUp
from models.enums import CallUpState, InspectionState
from models.fieldwork import Inspection, InspectionMember
from models.org import Section
from models.outbox import OutboxMessage
from notifications import replies
from tests import factories as f
from tests.wecom_rows import texts_to as texts

pytestmark = pytest.mark.usefixtures("clean_db")

NOW = f.NOW  # Monday 2 March 2026, 09:00 in Beijing


async def accepted_team(needed: int = 2, pool: int = 4, employers: int = 1):
    leader = await f.staff("刘组长", userid="liu", leader=True, inspector=False)
    order = [await f.staff(f"检查员{i}", userid=f"insp{i}") for i in range(1, pool + 1)]
    c = await f.campaign(needed=needed, leader=leader)
    await f.inspector_draw(c, order)
    inspections = await f.employers_with_inspections(c, [f"单位{i}" for i in range(1, employers + 1)])
    called = await callup.start_callup(campaign_id=c.id, now=NOW, actor="cli")
    for x in called:
        await callup.accept(callup_id=x.id, staff_id=x.staff_id, now=NOW, actor="wecom:x")
    return c, leader, order, called, inspections


async def test_withdrawal_after_acceptance_calls_the_next_in_draw_order():
    _, _, order, called, _ = await accepted_team(needed=3, pool=5)
    answer = await withdrawal.withdraw(callup_id=called[0].id, staff_id=order[0].id,
                                       reason="参加区政府专项检查", now=NOW, actor="wecom:insp1")
    assert answer.state == CallUpState.WITHDRAWN
    assert "撤回 2026-FL-003" in replies.withdrawn(answer)
    row = await CallUp.get(id=called[0].id)
    assert (row.state, row.reason) == (CallUpState.WITHDRAWN, "参加区政府专项检查")
    nxt = await CallUp.get(staff_id=order[3].id)
    assert (nxt.state, nxt.replaces_id) == (CallUpState.CALLED, called[0].id)
    leader_text = (await texts("liu"))[-1]
    assert "检查员1 已接受召集后因公务撤回：参加区政府专项检查" in leader_text
    assert "已按抽取顺序召集 检查员4" in leader_text
    assert await AuditEvent.filter(action="callup.withdraw").count() == 1
    again = await withdrawal.withdraw(callup_id=called[0].id, staff_id=order[0].id,
                                      reason="参加区政府专项检查", now=NOW, actor="wecom:insp1")
    assert again.repeated and await CallUp.filter(state=CallUpState.CALLED).count() == 1


async def test_withdrawal_after_assignment_leaves_the_visits_and_the_leader_fills_them():
    c, leader, order, called, inspections = await accepted_team(needed=2, pool=4)
    await assignment.assign(campaign_id=c.id, leader_id=leader.id, target=inspections[0].code,
                            names=["检查员1", "检查员2"], now=NOW, actor="wecom:liu")
    await withdrawal.withdraw(callup_id=called[0].id, staff_id=order[0].id,
                              reason="参加市局执法培训", now=NOW, actor="wecom:insp1")
    members = await InspectionMember.filter(inspection_id=inspections[0].id).values_list(
        "staff_id", flat=True)
    assert members == [order[1].id]
    assert f"已从 {inspections[0].code} 的检查组中移出" in (await texts("liu"))[-1]
    nxt = await CallUp.get(staff_id=order[2].id)
    await callup.accept(callup_id=nxt.id, staff_id=order[2].id, now=NOW, actor="wecom:insp3")
    joined = (await texts("liu"))[-1]
    assert "递补人员 检查员3 已接受召集" in joined and inspections[0].code in joined
    await assignment.assign(campaign_id=c.id, leader_id=leader.id, target=inspections[0].code,
                            names=["检查员2", "检查员3"], now=NOW, actor="wecom:liu")


async def test_withdrawal_is_refused_once_a_visit_has_begun_or_before_acceptance():
    c, leader, order, called, inspections = await accepted_team(needed=2, pool=4)
    await assignment.assign(campaign_id=c.id, leader_id=leader.id, target=inspections[0].code,
                            names=["检查员1", "检查员2"], now=NOW, actor="wecom:liu")
    await Inspection.filter(id=inspections[0].id).update(state=InspectionState.CHECKED_IN)
    with pytest.raises(Conflict) as err:
        await withdrawal.withdraw(callup_id=called[0].id, staff_id=order[0].id,
                                  reason="参加市局执法培训", now=NOW, actor="wecom:insp1")
    assert err.value.code == "visit_begun"
    assert (await CallUp.get(id=called[0].id)).state == CallUpState.ACCEPTED
    with pytest.raises(ValidationFailed):
        await withdrawal.withdraw(callup_id=called[1].id, staff_id=order[1].id, reason=" ",
                                  now=NOW, actor="wecom:insp2")


async def test_withdrawal_needs_an_accepted_call_up():
    leader = await f.staff("刘组长", userid="liu", leader=True, inspector=False)
    order = [await f.staff(f"检查员{i}", userid=f"insp{i}") for i in range(1, 4)]
    c = await f.campaign(needed=2, leader=leader)
    await f.inspector_draw(c, order)
    called = await callup.start_callup(campaign_id=c.id, now=NOW, actor="cli")
    with pytest.raises(Conflict) as err:
        await withdrawal.withdraw(callup_id=called[0].id, staff_id=order[0].id,
                                  reason="参加市局执法培训", now=NOW, actor="wecom:insp1")
    assert err.value.code == "not_accepted"
    with pytest.raises(DomainError) as none:
        await withdrawal.find_withdrawable(staff_id=order[0].id)
    assert none.value.code == "no_open_callup"


async def test_two_people_of_one_name_are_listed_and_picked_by_number():
    leader = await f.staff("刘组长", userid="liu", leader=True, inspector=False)
    other = await Section.create(code="ZD2", name="劳动保障监察二大队")
    order = [await f.staff("张伟", userid="zw1"), await f.staff("张伟", userid="zw2"),
             await f.staff("李娜", userid="ln")]
    order[1].section = other
    await order[1].save()
    c = await f.campaign(needed=2, leader=leader)
    await f.inspector_draw(c, order)
    await callup.start_callup(campaign_id=c.id, now=NOW, actor="cli")
    later = NOW + dt.timedelta(days=3)
    with pytest.raises(Conflict) as err:
        await callup_leader.substitute(campaign_id=c.id, leader_id=leader.id, name="张伟",
                                       now=later, actor="wecom:liu")
    assert err.value.code == "ambiguous_name"
    assert "1. 张伟（" in err.value.message and "2. 张伟（劳动保障监察二大队" in err.value.message
    assert "递补 1" in err.value.message
    assert await CallUp.filter(state=CallUpState.REPLACED).count() == 0
    done = await callup_leader.substitute(campaign_id=c.id, leader_id=leader.id, name="2",
                                          now=later, actor="wecom:liu")
    assert done.name == "张伟"
    assert (await CallUp.get(staff_id=order[1].id)).state == CallUpState.REPLACED
    assert (await CallUp.get(staff_id=order[0].id)).state == CallUpState.CALLED


async def test_extension_counts_from_the_current_deadline_and_never_shortens():
    leader = await f.staff("刘组长", userid="liu", leader=True, inspector=False)
    order = [await f.staff(f"检查员{i}", userid=f"insp{i}") for i in range(1, 3)]
    c = await f.campaign(needed=2, leader=leader)
    await f.inspector_draw(c, order)
    called = await callup.start_callup(campaign_id=c.id, now=NOW, actor="cli")
    first = called[0].reply_deadline  # Tuesday 09:00
    done = await callup_leader.extend(campaign_id=c.id, leader_id=leader.id, hours=2,
                                      name="检查员1", now=NOW, actor="wecom:liu")
    assert done.deadline == first + dt.timedelta(hours=2)
    assert (await CallUp.get(id=called[0].id)).reply_deadline == first + dt.timedelta(hours=2)
    assert "答复期限延至 3月3日 11:00" in replies.extended(done)


async def test_deadlines_and_reminders_fall_in_office_hours_on_working_days():
    leader = await f.staff("刘组长", userid="liu", leader=True, inspector=False)
    order = [await f.staff(f"检查员{i}", userid=f"insp{i}") for i in range(1, 3)]
    c = await f.campaign(needed=2, leader=leader)
    await f.inspector_draw(c, order)
    friday_evening = dt.datetime(2026, 3, 6, 11, 30, tzinfo=dt.UTC)  # Friday 19:30 Beijing
    called = await callup.start_callup(campaign_id=c.id, now=friday_evening, actor="cli")
    monday = dt.datetime(2026, 3, 9, 1, 0, tzinfo=dt.UTC)  # Monday 09:00 Beijing
    assert called[0].reply_deadline == monday  # not Saturday 19:30
    reminder = await OutboxMessage.get(topic="timer.callup_reminder",
                                       idempotency_key__startswith=f"callup:{called[0].id}:")
    # halfway is Sunday 07:30; Monday 09:00 is not before the deadline, so it stays halfway
    assert reminder.due_at == friday_evening + (monday - friday_evening) / 2
    # 延期 by 4 hours from Monday 16:00 ends after 17:30: Tuesday 09:00
    late = dt.datetime(2026, 3, 9, 8, 0, tzinfo=dt.UTC)
    done = await callup_leader.extend(campaign_id=c.id, leader_id=leader.id, hours=4, name=None,
                                      now=late, actor="wecom:liu")
    assert done.deadline == dt.datetime(2026, 3, 10, 1, 0, tzinfo=dt.UTC)
    assert "3月10日 9:00" in replies.extended(done)
