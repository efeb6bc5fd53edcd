"""分配 and 自动分配: ≥ 2 per employer, balanced, never a declared conflict (回避) (R16, R20)."""

from __future__ import annotations

import pytest

from inspection.callup import assignment
from inspection.callup import calls as callup
from inspection.errors import Conflict, Forbidden, NotFound, ValidationFailed
from models.audit import AuditEvent
from models.enums import InspectionState, StaffStatus
from models.fieldwork import Inspection, InspectionMember
from models.org import Conflict as Recusal
from models.outbox import OutboxMessage
from notifications import replies
from notifications.wecom import cards
from tests import factories as f
from tests.wecom_rows import body, content

pytestmark = pytest.mark.usefixtures("clean_db")

NOW = f.NOW


async def formed_team(n: int = 4, employers: int = 5):
    leader = await f.staff("刘组长", userid="liu", leader=True, inspector=False)
    order = [await f.staff(f"检查员{i}", userid=f"insp{i}") for i in range(1, n + 1)]
    c = await f.campaign(needed=n, leader=leader)
    await f.inspector_draw(c, order)
    inspections = await f.employers_with_inspections(c, [f"单位{i}" for i in range(1, employers + 1)])
    for x in await callup.start_callup(campaign_id=c.id, now=NOW, actor="cli"):
        await callup.accept(callup_id=x.id, staff_id=x.staff_id, now=NOW, actor="wecom:x")
    return c, leader, order, inspections


def test_balance_is_even_and_avoids_conflicts():
    inspections = [(i, 100 + i) for i in range(1, 6)]
    recusals = {(1, 101), (1, 102), (2, 101)}
    plan = assignment.balance(inspections, [1, 2, 3, 4], 2, recusals)
    assert all(len(v) == 2 for v in plan.values())
    assert all((s, 100 + i) not in recusals for i, v in plan.items() for s in v)
    loads = [sum(s in v for v in plan.values()) for s in (1, 2, 3, 4)]
    assert max(loads) - min(loads) <= 1 and sum(loads) == 10


def test_balance_reports_employers_without_enough_people():
    with pytest.raises(ValueError) as err:
        assignment.balance([(1, 101)], [1, 2], 2, {(1, 101)})
    assert err.value.args[0] == [1]


async def test_auto_assign_card_then_confirm():
    c, leader, order, inspections = await formed_team()
    await Recusal.create(staff=order[0], employer_id=inspections[0].employer_id, reason="曾任职")
    proposal = await assignment.auto_assign(campaign_id=c.id, leader_id=leader.id, now=NOW,
                                            actor="wecom:liu")
    assert "确认" in replies.proposed(proposal)
    card = await OutboxMessage.filter(idempotency_key__startswith=f"assign:{c.id}:card").first()
    key = body(card)["template_card"]["button_list"][0]["key"]
    assert cards.parse_confirm_key(key) == (str(c.id), proposal.fingerprint)
    fingerprint = proposal.fingerprint
    await assignment.confirm(campaign_id=c.id, leader_id=leader.id, fingerprint=fingerprint,
                             now=NOW, actor="wecom:liu", response_code="RC-A")
    members = await InspectionMember.filter(inspection_id=inspections[0].id)
    assert len(members) == 2 and order[0].id not in {m.staff_id for m in members}
    assert await InspectionMember.all().count() == 10
    assert all(i.state == InspectionState.ASSIGNED for i in await Inspection.all())
    update = await OutboxMessage.get(topic="wecom.update_card")
    assert body(update) == {"userids": ["liu"], "response_code": "RC-A",
                            "button": {"replace_name": "已确认分配"}}


async def test_stale_proposal_refused():
    c, leader, _, _ = await formed_team()
    with pytest.raises(Conflict) as err:
        await assignment.confirm(campaign_id=c.id, leader_id=leader.id, fingerprint="0" * 16,
                                 now=NOW, actor="wecom:liu")
    assert err.value.code == "proposal_stale"


async def test_manual_assign_rules():
    c, leader, order, inspections = await formed_team()
    await Recusal.create(staff=order[1], employer_id=inspections[0].employer_id, reason="亲属")
    with pytest.raises(ValidationFailed) as err:
        await assignment.assign(campaign_id=c.id, leader_id=leader.id, target=inspections[0].code,
                                names=["检查员1", "检查员2"], now=NOW, actor="wecom:liu")
    assert "回避" in err.value.message
    with pytest.raises(ValidationFailed):
        await assignment.assign(campaign_id=c.id, leader_id=leader.id, target="单位1",
                                names=["检查员1"], now=NOW, actor="wecom:liu")
    team = await assignment.assign(campaign_id=c.id, leader_id=leader.id, target="单位1",
                                   names=["检查员1", "检查员3"], now=NOW, actor="wecom:liu")
    assert replies.assigned(team) == f"已分配 {inspections[0].code} 单位1：检查员1、检查员3。"
    assert await InspectionMember.filter(inspection_id=inspections[0].id).count() == 2


async def test_no_assignment_before_team():
    leader = await f.staff("刘组长", userid="liu", leader=True, inspector=False)
    c = await f.campaign(leader=leader)
    with pytest.raises(Conflict) as err:
        await assignment.auto_assign(campaign_id=c.id, leader_id=leader.id, now=NOW, actor="x")
    assert err.value.code == "team_not_formed"


async def test_proposal_made_stale_by_a_manual_assignment():
    """The fingerprint covers the current teams: confirming must not undo a later 分配."""
    c, leader, _, inspections = await formed_team()
    await c.refresh_from_db()  # the team was formed after it was loaded
    proposal = await assignment.propose(campaign=c)
    await assignment.assign(campaign_id=c.id, leader_id=leader.id, target=inspections[0].code,
                            names=["检查员3", "检查员4"], now=NOW, actor="wecom:liu")
    with pytest.raises(Conflict) as err:
        await assignment.confirm(campaign_id=c.id, leader_id=leader.id,
                                 fingerprint=proposal.fingerprint, now=NOW, actor="wecom:liu")
    assert err.value.code == "proposal_stale"
    assert await InspectionMember.all().count() == 2


async def test_second_confirmation_changes_and_sends_nothing():
    c, leader, _, _ = await formed_team()
    await c.refresh_from_db()
    proposal = await assignment.propose(campaign=c)
    assert not proposal.applied
    await assignment.confirm(campaign_id=c.id, leader_id=leader.id,
                             fingerprint=proposal.fingerprint, now=NOW, actor="staff:1")
    messages = await OutboxMessage.all().count()
    assert (await assignment.propose(campaign=c)).applied
    done = await assignment.confirm(campaign_id=c.id, leader_id=leader.id,
                                    fingerprint=proposal.fingerprint, now=NOW,
                                    actor="wecom:liu", response_code="RC-B")
    assert not done.changed and "无需再次确认" in replies.confirmed(done)
    # Only the clicked card is greyed out; no second announcement.
    assert await OutboxMessage.all().count() == messages + 1
    assert (await OutboxMessage.get(topic="wecom.update_card")).payload["response_code"] == "RC-B"


async def test_visits_describe_the_plan_in_code_order():
    c, _, order, inspections = await formed_team(employers=2)
    await c.refresh_from_db()
    proposal = await assignment.propose(campaign=c)
    described = await assignment.visits(proposal.plan, proposal.current)
    assert [v.inspection.code for v in described] == sorted(i.code for i in inspections)
    assert all(v.inspection.employer.name.startswith("单位") for v in described)
    assert [[s.id for s in v.proposed] for v in described] == [
        proposal.plan[v.inspection.id] for v in described]
    assert all(v.current == [] for v in described)
    assert {s.id for v in described for s in v.proposed} <= {s.id for s in order}


async def test_set_team_over_the_api_follows_the_same_rules_as_the_chat():
    """PUT …/members (staff API) and 分配 (chat) are one rule: only the drawn inspectors who
    accepted, no 回避, at least two, set by the leader (R10, R15, R16)."""
    _, leader, order, inspections = await formed_team()
    target = inspections[0]
    stranger = await f.staff("未抽中")  # an inspector on the roster, not drawn for this campaign
    initiator = await f.staff("发起人", userid="fqr", initiator=True, inspector=False)
    with pytest.raises(Forbidden) as denied:  # the initiating section sees it but does not assign
        await assignment.set_team(staff=initiator, inspection_id=target.id,
                                  staff_ids=[order[0].id, order[1].id], now=NOW)
    assert denied.value.code == "not_leader"
    with pytest.raises(NotFound):
        await assignment.set_team(staff=stranger, inspection_id=target.id,
                                  staff_ids=[order[0].id, order[1].id], now=NOW)
    await Recusal.create(staff=order[1], employer_id=target.employer_id, reason="亲属")
    order[2].status = StaffStatus.SUSPENDED
    await order[2].save()
    with pytest.raises(ValidationFailed) as err:
        await assignment.set_team(staff=leader, inspection_id=target.id,
                                  staff_ids=[stranger.id, order[1].id, order[2].id, 2**31 - 1],
                                  now=NOW)
    assert [(p.field, p.code) for p in err.value.problems] == [
        ("staff_ids.0", "not_in_team"), ("staff_ids.1", "conflict_of_interest"),
        ("staff_ids.2", "not_active"), ("staff_ids.3", "not_in_team")]
    assert err.value.problems[0].message == "未抽中 不是本检查组已接受召集的成员"
    with pytest.raises(ValidationFailed) as err:
        await assignment.set_team(staff=leader, inspection_id=target.id,
                                  staff_ids=[order[0].id, order[0].id], now=NOW)
    assert [p.code for p in err.value.problems] == ["team_too_small"]
    assert not await InspectionMember.filter(inspection_id=target.id).exists()
    team = await assignment.set_team(staff=leader, inspection_id=target.id,
                                     staff_ids=[order[0].id, order[3].id], now=NOW)
    assert [m.staff.name for m in team] == ["检查员1", "检查员4"]
    await target.refresh_from_db()
    assert target.state == InspectionState.ASSIGNED
    told = await OutboxMessage.get(idempotency_key__startswith=f"assign:{target.id}:manual:")
    assert content(told) == (f"【{(await target.campaigns.all())[0].code}】检查分工：\n"
                             f"{target.code} 单位1：检查员1、检查员4")
    assert await AuditEvent.filter(action="inspection.assign", actor=f"staff:{leader.id}").count() == 1
    target.state = InspectionState.CHECKED_IN
    await target.save()
    with pytest.raises(Conflict) as late:
        await assignment.set_team(staff=leader, inspection_id=target.id,
                                  staff_ids=[order[0].id, order[3].id], now=NOW)
    assert late.value.code == "illegal_transition"
