"""Call-up and replacement in draw order (R15), team formed (R16), confidentiality (R14)."""

from __future__ import annotations

import datetime as dt

import pytest
from tortoise.transactions import in_transaction

from inspection import audit
from inspection.callup import calls as callup
from inspection.errors import Conflict, NotFound, ValidationFailed
from inspection.messages import ConfidentialityBreach, send_text
from models.audit import AuditEvent
from models.callups import CallUp
from models.campaigns import Campaign
from models.enums import CallUpState, CampaignState, OutboxStatus, StaffStatus
from models.org import Conflict as Recusal
from models.outbox import OutboxMessage
from tests import factories as f
from tests.wecom_rows import body, cards, content, messages

pytestmark = pytest.mark.usefixtures("clean_db")

NOW = f.NOW


async def setup_campaign(n_order: int = 6, needed: int = 3, **kw):
    leader = await f.staff("刘组长", userid="liu", leader=True, inspector=False)
    order = [await f.staff(f"检查员{i}", userid=f"insp{i}") for i in range(1, n_order + 1)]
    c = await f.campaign(needed=needed, leader=leader, **kw)
    await f.inspector_draw(c, order)
    return c, leader, order


async def test_first_n_in_draw_order_get_cards():
    c, _, order = await setup_campaign()
    async with in_transaction():
        called = await callup.start_callup(campaign_id=c.id, now=NOW, actor="staff:1")
    assert [x.staff_id for x in called] == [s.id for s in order[:3]]
    sent = await cards()
    assert [m["touser"] for m in sent] == ["insp1", "insp2", "insp3"]
    card = sent[0]["template_card"]
    assert card["card_type"] == "button_interaction"
    assert [b["text"] for b in card["button_list"]] == ["接受", "因公务无法参加"]
    assert card["task_id"] == called[0].task_id
    values = {r["keyname"]: r["value"] for r in card["horizontal_content_list"]}
    assert values["组长"] == "刘组长" and values["检查时间"] == "3月16日至3月27日"
    assert "工资支付情况" in card["sub_title_text"]
    assert (await Campaign.get(id=c.id)).state == CampaignState.CALLING_UP
    timers = await OutboxMessage.filter(topic__startswith="timer.callup").count()
    assert timers == 6  # a reminder and a deadline for each of the three


async def test_start_twice_calls_nobody_twice():
    c, _, _ = await setup_campaign()
    await callup.start_callup(campaign_id=c.id, now=NOW, actor="cli")
    await callup.start_callup(campaign_id=c.id, now=NOW, actor="cli")
    assert len(await cards()) == 3


async def test_decline_calls_exactly_the_next_and_updates_card():
    c, _, order = await setup_campaign()
    called = await callup.start_callup(campaign_id=c.id, now=NOW, actor="cli")
    answer = await callup.decline(callup_id=called[1].id, staff_id=order[1].id,
                                  reason="参加区政府专题会议", now=NOW, actor="wecom:insp2",
                                  response_code="RC-2")
    assert answer == callup.Answer(c.code, c.title, CallUpState.DECLINED, "参加区政府专题会议")
    sent = await cards()
    assert [m["touser"] for m in sent] == ["insp1", "insp2", "insp3", "insp4"]
    new = await CallUp.get(staff_id=order[3].id)
    assert new.replaces_id == called[1].id and new.position == 4
    update = await OutboxMessage.get(topic="wecom.update_card")
    assert body(update) == {"userids": ["insp2"], "response_code": "RC-2",
                            "button": {"replace_name": "因公务无法参加"}}
    declined = await CallUp.get(id=called[1].id)
    assert declined.state == CallUpState.DECLINED and declined.reason == "参加区政府专题会议"
    # its timers are cancelled
    cancelled = await OutboxMessage.filter(idempotency_key__in=callup.timer_keys(declined))
    assert {m.status for m in cancelled} == {OutboxStatus.CANCELLED}
    # a replayed decline changes nothing
    again = await callup.decline(callup_id=called[1].id, staff_id=order[1].id,
                                 reason="参加区政府专题会议", now=NOW, actor="wecom:insp2",
                                 response_code="RC-2")
    assert again.repeated and again.reason == "参加区政府专题会议"
    assert len(await cards()) == 4
    assert await OutboxMessage.filter(topic="wecom.update_card").count() == 1


async def test_decline_needs_a_reason():
    c, _, order = await setup_campaign()
    called = await callup.start_callup(campaign_id=c.id, now=NOW, actor="cli")
    with pytest.raises(ValidationFailed) as err:
        await callup.decline(callup_id=called[0].id, staff_id=order[0].id, reason="  ",
                             now=NOW, actor="wecom:insp1")
    assert err.value.problems[0].field == "事由"


async def test_someone_else_cannot_answer():
    c, _, order = await setup_campaign()
    called = await callup.start_callup(campaign_id=c.id, now=NOW, actor="cli")
    with pytest.raises(NotFound):
        await callup.accept(callup_id=called[0].id, staff_id=order[1].id, now=NOW,
                            actor="wecom:insp2")


async def test_ineligible_skipped_with_reason():
    c, _, order = await setup_campaign()
    order[1].status = StaffStatus.SUSPENDED
    await order[1].save()
    order[2].cert_valid_until = dt.date(2026, 3, 20)  # expires inside the field window
    await order[2].save()
    called = await callup.start_callup(campaign_id=c.id, now=NOW, actor="cli")
    assert [x.position for x in called] == [1, 4, 5]
    skipped = await CallUp.filter(state=CallUpState.SKIPPED).order_by("position")
    assert [(s.position, s.reason) for s in skipped] == [
        (2, "已不在岗（停用或调离）"), (3, "行政执法证件有效期不能覆盖检查时间")]
    assert await AuditEvent.filter(action="callup.skip").count() == 2


async def test_conflict_with_every_employer_is_skipped():
    c, _, order = await setup_campaign()
    [insp] = await f.employers_with_inspections(c, ["重庆某建筑公司"])
    await Recusal.create(staff=order[0], employer_id=insp.employer_id, reason="近亲属任职")
    called = await callup.start_callup(campaign_id=c.id, now=NOW, actor="cli")
    assert [x.position for x in called] == [2, 3, 4]
    skipped = await CallUp.get(state=CallUpState.SKIPPED)
    assert skipped.reason == "与全部被检查单位存在回避情形"


async def test_order_exhausted_tells_leader_and_initiators():
    initiator = await f.staff("王科长", userid="wang", inspector=False, initiator=True)
    c, _, order = await setup_campaign(n_order=3, needed=2, created_by=initiator)
    called = await callup.start_callup(campaign_id=c.id, now=NOW, actor="cli")
    await callup.decline(callup_id=called[0].id, staff_id=order[0].id, reason="出差",
                         now=NOW, actor="wecom:insp1")
    called3 = await CallUp.get(staff_id=order[2].id)
    await callup.decline(callup_id=called3.id, staff_id=order[2].id, reason="值班",
                         now=NOW, actor="wecom:insp3")
    notes = [body(m) for m in await messages(idempotency_key__contains=":exhausted:")]
    assert len(notes) == 1 and "已用尽" in notes[0]["text"]["content"]
    assert set(notes[0]["touser"].split("|")) == {"liu", "wang"}
    assert "仍缺 1 人" in notes[0]["text"]["content"]


async def test_accepts_form_the_team():
    c, _, order = await setup_campaign(needed=2)
    await f.employers_with_inspections(c, ["重庆某建筑公司"])
    called = await callup.start_callup(campaign_id=c.id, now=NOW, actor="cli")
    for x, s in zip(called, order, strict=False):
        await callup.accept(callup_id=x.id, staff_id=s.id, now=NOW, actor=f"wecom:{s.wecom_userid}",
                            response_code=f"RC-{s.id}")
    c = await Campaign.get(id=c.id)
    assert c.team_formed_at is not None and c.state == CampaignState.IN_FIELD
    team = await OutboxMessage.get(idempotency_key=f"campaign:{c.id}:team")
    assert "重庆某建筑公司" in content(team)
    assert await OutboxMessage.filter(topic="wecom.update_card").count() == 2
    count, brk = await audit.verify_chain()
    assert brk is None and count >= 5


async def test_confidential_campaign_names_no_employer_before_team(is_postgres):
    c, _, order = await setup_campaign(needed=2, confidential=True)
    await f.employers_with_inspections(c, ["重庆保密测试有限公司"])
    called = await callup.start_callup(campaign_id=c.id, now=NOW, actor="cli")
    await callup.decline(callup_id=called[0].id, staff_id=order[0].id, reason="出差",
                         now=NOW, actor="wecom:insp1")
    before_team = await messages()
    assert before_team and all("重庆保密测试有限公司" not in str(m.payload) for m in before_team)
    assert all("重庆保密测试有限公司" not in str(body(m)) for m in before_team)
    card = body(before_team[0])["template_card"]
    assert "被检查单位" not in str(card["horizontal_content_list"])
    assert "保密要求" in card["sub_title_text"]
    # The guard refuses any message that would name it, whoever builds it.
    with pytest.raises(ConfidentialityBreach):
        await send_text(to=["insp2"], content="请于周一到重庆保密测试有限公司", key="x",
                        campaign=await Campaign.get(id=c.id))


async def test_accept_after_decline_is_refused():
    c, _, order = await setup_campaign()
    called = await callup.start_callup(campaign_id=c.id, now=NOW, actor="cli")
    await callup.decline(callup_id=called[0].id, staff_id=order[0].id, reason="出差",
                         now=NOW, actor="wecom:insp1")
    with pytest.raises(Conflict):
        await callup.accept(callup_id=called[0].id, staff_id=order[0].id, now=NOW,
                            actor="wecom:insp1")


async def test_callup_needs_revealed_inspector_draw():
    c = await f.campaign()
    with pytest.raises(Conflict) as err:
        await callup.start_callup(campaign_id=c.id, now=NOW, actor="cli")
    assert err.value.code == "no_inspector_draw"
