"""Chat commands as WeCom delivers them (parsed `Inbound`), kept and applied at once through `bot.inbound.process_now`."""

from __future__ import annotations

import itertools

import pytest

from bot.inbound import process_now as process
from bot.parse import Inbound
from inspection.callup import calls as callup
from models.callups import CallUp
from models.enums import CallUpState, InspectionState
from models.fieldwork import Inspection, InspectionMember
from models.outbox import OutboxMessage
from tests import factories as f
from tests.wecom_rows import body, last_text_to

pytestmark = pytest.mark.usefixtures("clean_db")

_ids = itertools.count(1)


def text(user: str, content: str) -> Inbound:
    n = next(_ids)
    return Inbound(msg_type="text", from_user=user, create_time=n, msg_id=f"m{n}", content=content)


def click(user: str, task_id: str, key: str, code: str = "RC") -> Inbound:
    return Inbound(msg_type="event", event="template_card_event", from_user=user,
                   create_time=next(_ids), task_id=task_id, event_key=key, response_code=code)


async def last_reply(user: str) -> str:
    return await last_text_to(user)


async def setup(needed: int = 2):
    leader = await f.staff("刘组长", userid="liu", leader=True, inspector=False)
    order = [await f.staff(f"检查员{i}", userid=f"insp{i}") for i in range(1, 5)]
    c = await f.campaign(needed=needed, leader=leader)
    await f.inspector_draw(c, order)
    inspections = await f.employers_with_inspections(c, ["重庆甲公司", "重庆乙公司"])
    called = await callup.start_callup(campaign_id=c.id, now=f.NOW, actor="cli")
    return c, leader, order, called, inspections


async def test_help_and_tasks():
    await setup()
    await process(text("insp1", "帮助"))
    assert "公务 事由" in await last_reply("insp1")
    assert "自动分配" not in await last_reply("insp1")
    await process(text("liu", "帮助"))
    assert "自动分配" in await last_reply("liu")
    await process(text("insp1", "任务"))
    assert "待答复" in await last_reply("insp1")


async def test_decline_without_reason_asks_for_it():
    await setup()
    await process(text("insp1", "公务"))
    assert "请说明事由" in await last_reply("insp1")
    assert await CallUp.filter(state=CallUpState.DECLINED).count() == 0


async def test_leader_full_chat_flow():
    c, _, _, called, inspections = await setup()
    for x in called:
        staff = await x.staff
        await process(click(staff.wecom_userid, x.task_id, "accept"))
    assert "检查组已组成" in await last_reply("liu")
    await process(text("liu", "自动分配"))
    assert "已生成自动分配方案" in await last_reply("liu")
    card = await OutboxMessage.filter(idempotency_key__startswith=f"assign:{c.id}:card").first()
    key = body(card)["template_card"]["button_list"][0]["key"]
    await process(click("liu", body(card)["template_card"]["task_id"], key, "RC-L"))
    assert await InspectionMember.all().count() == 4
    await process(text("liu", f"分配 {inspections[0].code} 检查员1 检查员2"))
    assert (await last_reply("liu")).startswith("已分配")
    await process(text("liu", f"名单 {c.code}"))
    assert "重庆甲公司：检查员1、检查员2" in await last_reply("liu")
    await process(text("insp1", "任务"))
    assert "重庆甲公司" in await last_reply("insp1")


async def test_leader_chase_and_extend_syntax():
    await setup()
    await process(text("liu", "催办 检查员1"))
    assert await last_reply("liu") == "已催办 检查员1。"
    await process(text("liu", "延期 检查员1 abc"))
    assert "用法" in await last_reply("liu")
    await process(text("liu", "延期 检查员1 48"))
    assert "已延期 48 小时：检查员1" in await last_reply("liu")
    await process(text("liu", "分配 单位"))
    assert "用法：分配" in await last_reply("liu")


async def test_domain_error_rolls_back_and_explains():
    _, _, order, called, inspections = await setup()
    await process(text("insp1", "接受"))
    await InspectionMember.create(inspection=inspections[0], staff=order[0])
    await Inspection.filter(id=inspections[0].id).update(state=InspectionState.CHECKED_IN)
    await process(text("insp1", "公务 出差"))
    assert "不能撤回" in await last_reply("insp1")
    assert (await CallUp.get(id=called[0].id)).state == CallUpState.ACCEPTED
    assert await InspectionMember.filter(staff_id=order[0].id).count() == 1
    await process(text("insp4", "公务 出差"))
    assert "您目前没有待答复或可撤回的召集" in await last_reply("insp4")


async def test_official_duty_after_accepting_withdraws_and_calls_the_next():
    _, _, order, called, _ = await setup()
    await process(text("insp1", "接受"))
    await process(text("insp1", "公务 参加区政府专项检查"))
    assert "撤回" in await last_reply("insp1")
    assert (await CallUp.get(id=called[0].id)).state == CallUpState.WITHDRAWN
    assert (await CallUp.get(staff_id=order[2].id)).state == CallUpState.CALLED
    assert "因公务撤回：参加区政府专项检查" in await last_reply("liu")


async def test_a_leader_command_with_an_ambiguous_name_lists_the_people():
    leader = await f.staff("刘组长", userid="liu", leader=True, inspector=False)
    order = [await f.staff("张伟", userid="zw1"), await f.staff("张伟", userid="zw2")]
    c = await f.campaign(needed=2, leader=leader)
    await f.inspector_draw(c, order)
    await callup.start_callup(campaign_id=c.id, now=f.NOW, actor="cli")
    await process(text("liu", "催办 张伟"))
    reply = await last_reply("liu")
    assert "有 2 位“张伟”" in reply and "1. 张伟" in reply and "催办 1" in reply
    await process(text("liu", "催办 2"))
    assert await last_reply("liu") == "已催办 张伟。"
    assert "组长催办" in await last_reply("zw2")


async def test_recusal_by_chat_takes_the_inspector_off_the_visit():
    _, _, order, _, inspections = await setup()
    await process(text("insp1", "接受"))
    await process(text("insp2", "接受"))
    await process(text("liu", f"分配 {inspections[0].code} 检查员1 检查员2"))
    await process(text("insp1", "回避"))
    assert "用法：回避 检查编号 事由" in await last_reply("insp1")
    await process(text("insp1", f"回避 {inspections[0].code.lower()} 配偶在该单位任职"))
    assert "已移出" in await last_reply("insp1")
    assert not await InspectionMember.filter(inspection_id=inspections[0].id,
                                             staff_id=order[0].id).exists()
    assert "新登记了回避情形" in await last_reply("liu")
