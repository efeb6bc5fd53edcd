"""Deadlines, reminders and the leader's 递补 / 延期 / 催办 / 进度 / 名单 (R15, R16)."""

from __future__ import annotations

import datetime as dt

import pytest

from inspection.callup import calls as callup
from inspection.callup import leader as callup_leader
from inspection.errors import Conflict, Forbidden
from models.callups import CallUp
from models.enums import CallUpState, CampaignState
from models.outbox import OutboxMessage
from notifications import replies
from tests import factories as f
from tests.wecom_rows import texts_to as texts

pytestmark = pytest.mark.usefixtures("clean_db")

NOW = f.NOW
LATER = NOW + dt.timedelta(hours=25)


async def setup():
    leader = await f.staff("刘组长", userid="liu", leader=True, inspector=False)
    order = [await f.staff(f"检查员{i}", userid=f"insp{i}") for i in range(1, 6)]
    c = await f.campaign(needed=2, leader=leader)
    await f.inspector_draw(c, order)
    called = await callup.start_callup(campaign_id=c.id, now=NOW, actor="cli")
    return c, leader, order, called


async def test_timers_remind_then_escalate_to_leader():
    _, _, _, called = await setup()
    timer = next(m for m in await OutboxMessage.filter(topic="timer.callup_reminder")
             if m.payload["callup_id"] == called[0].id)
    assert timer.due_at == NOW + dt.timedelta(hours=12)
    await callup_leader.remind(callup_id=called[0].id, deadline=timer.payload["deadline"],
                               now=NOW + dt.timedelta(hours=12))
    assert any("提醒" in t for t in await texts("insp1"))
    await callup_leader.deadline_passed(callup_id=called[0].id, deadline=timer.payload["deadline"],
                                        now=LATER)
    leader_texts = await texts("liu")
    assert any("递补 检查员1" in t and "延期" in t for t in leader_texts)
    assert (await CallUp.get(id=called[0].id)).escalated_at is not None


async def test_stale_timer_after_answer_does_nothing():
    _, _, order, called = await setup()
    deadline = called[0].reply_deadline.isoformat()
    await callup.accept(callup_id=called[0].id, staff_id=order[0].id, now=NOW, actor="wecom:insp1")
    await callup_leader.deadline_passed(callup_id=called[0].id, deadline=deadline, now=LATER)
    assert await texts("liu") == []


async def test_substitute_after_deadline_calls_next():
    c, leader, _, called = await setup()
    with pytest.raises(Conflict):
        await callup_leader.substitute(campaign_id=c.id, leader_id=leader.id, name="检查员1",
                                       now=NOW, actor="wecom:liu")
    done = await callup_leader.substitute(campaign_id=c.id, leader_id=leader.id, name="检查员1",
                                          now=LATER, actor="wecom:liu")
    assert done == callup_leader.Substitution("检查员1", ["检查员3"])
    assert replies.substituted(done) == "已递补：检查员1 → 检查员3。"
    assert any("组长已安排递补" in t for t in await texts("insp1"))
    assert (await CallUp.get(id=called[0].id)).state == CallUpState.REPLACED
    assert await CallUp.filter(state=CallUpState.CALLED).count() == 2


async def test_extend_sets_new_deadline_and_timers():
    c, leader, _, called = await setup()
    done = await callup_leader.extend(campaign_id=c.id, leader_id=leader.id, hours=24, name=None,
                                      now=LATER, actor="wecom:liu")
    assert done.names == ["检查员1", "检查员2"]
    assert replies.extended(done) == "已延期 24 小时：检查员1、检查员2，答复期限延至 3月4日 10:00。"
    moved = await CallUp.get(id=called[0].id)
    assert moved.reply_deadline == LATER + dt.timedelta(hours=24)
    # the old deadline timer no longer escalates
    await callup_leader.deadline_passed(callup_id=moved.id, deadline=called[0].reply_deadline
                                        .isoformat(), now=LATER)
    assert (await CallUp.get(id=moved.id)).escalated_at is None
    # 3月3日 10:00 + 24 h, Beijing time, without leading zeros
    assert "答复期限延至 3月4日 10:00。" in (await texts("insp1"))[-1]
    again = await callup_leader.extend(campaign_id=c.id, leader_id=leader.id, hours=24,
                                       name=None, now=LATER, actor="wecom:liu")
    assert replies.extended(again) == "目前没有逾期未答复的人员。"


async def test_only_the_leader_commands():
    c, _, order, _ = await setup()
    for fn in (callup_leader.substitute, callup_leader.chase):
        with pytest.raises(Forbidden):
            await fn(campaign_id=c.id, leader_id=order[0].id, name="检查员2", now=LATER,
                     actor="wecom:insp1")
    with pytest.raises(Forbidden):
        await callup_leader.leader_campaign(staff_id=order[0].id, code=None)
    with pytest.raises(Forbidden):
        await callup_leader.leader_campaign(staff_id=order[0].id, code=c.code)


async def test_leader_campaign_choice():
    c, leader, _, _ = await setup()
    assert (await callup_leader.leader_campaign(staff_id=leader.id, code=None)).id == c.id
    other = await f.campaign(code="2026-FL-004", leader=leader, state=CampaignState.CALLING_UP)
    with pytest.raises(Conflict):
        await callup_leader.leader_campaign(staff_id=leader.id, code=None)
    assert (await callup_leader.leader_campaign(staff_id=leader.id, code="2026-FL-004")).id == other.id


async def test_progress_and_roster():
    c, _leader, order, called = await setup()
    await callup.decline(callup_id=called[0].id, staff_id=order[0].id, reason="值班",
                         now=NOW, actor="wecom:insp1")
    await callup.accept(callup_id=called[1].id, staff_id=order[1].id, now=NOW, actor="wecom:insp2")
    text = replies.progress(await callup_leader.progress(campaign=c))
    assert "已接受：检查员2" in text and "检查员1：值班" in text
    assert "待答复：检查员3（期限 3月3日 9:00）" in text
    roster = replies.roster(await callup_leader.roster(campaign=c))
    assert "1. 检查员1 因公务无法参加" in roster and "3. 检查员3 待答复" in roster


async def test_chase_sends_a_nudge():
    c, leader, _, _ = await setup()
    chased = await callup_leader.chase(campaign_id=c.id, leader_id=leader.id, name="检查员2",
                                       now=NOW, actor="wecom:liu")
    assert replies.chased(chased) == "已催办 检查员2。"
    assert any("组长催办" in t for t in await texts("insp2"))


async def test_deadline_without_leader_goes_to_initiating_section():
    initiator = await f.staff("王科长", userid="wang", inspector=False, initiator=True)
    order = [await f.staff(f"检查员{i}", userid=f"insp{i}") for i in range(1, 4)]
    c = await f.campaign(needed=1, created_by=initiator)
    await f.inspector_draw(c, order)
    [first] = await callup.start_callup(campaign_id=c.id, now=NOW, actor="cli")
    await callup_leader.deadline_passed(callup_id=first.id,
                                        deadline=first.reply_deadline.isoformat(), now=LATER)
    assert any("递补 检查员1" in t for t in await texts("wang"))
