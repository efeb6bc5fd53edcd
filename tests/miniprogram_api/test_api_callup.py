"""分配 and 延期 over the staff API: the chat's rules (R16, R15), the leader only, 回避 refused."""

from __future__ import annotations

from typing import Any

from inspection import callup
from models.fieldwork import InspectionMember
from models.org import Conflict as Recusal
from tests import factories as f
from tests.fieldworld import session_for

PROBLEM = "application/problem+json"


async def _formed_team() -> tuple[Any, Any, list[Any], list[Any]]:
    leader = await f.staff("刘组长", userid="liu", leader=True, inspector=False)
    order = [await f.staff(f"检查员{i}", userid=f"insp{i}") for i in range(1, 5)]
    c = await f.campaign(needed=4, leader=leader)
    await f.inspector_draw(c, order)
    inspections = await f.employers_with_inspections(c, [f"单位{i}" for i in range(1, 4)])
    for x in await callup.start_callup(campaign_id=c.id, now=f.NOW, actor="cli"):
        await callup.accept(callup_id=x.id, staff_id=x.staff_id, now=f.NOW, actor="wecom:x")
    return c, leader, order, inspections


async def test_assign_over_the_api_refuses_a_conflict(api: Any) -> None:
    c, leader, order, inspections = await _formed_team()
    await Recusal.create(staff=order[1], employer_id=inspections[0].employer_id, reason="亲属")
    headers = await session_for(api, leader)
    url = f"/api/v1/campaigns/{c.id}/assignments"
    resp = await api.post(url, json={"target": inspections[0].code,
                                     "names": ["检查员1", "检查员2"]}, headers=headers)
    assert resp.status == 422
    assert "回避" in (await resp.json(content_type=PROBLEM))["detail"]
    resp = await api.post(url, json={"target": inspections[0].code,
                                     "names": ["检查员1", "检查员3"]}, headers=headers)
    assert resp.status == 200, await resp.text()
    assert (await resp.json())["message"].startswith("已分配")
    assert await InspectionMember.filter(inspection_id=inspections[0].id).count() == 2
    resp = await api.post(f"/api/v1/campaigns/{c.id}/assignments/auto", headers=headers)
    assert resp.status == 200, await resp.text()
    assert "确认" in (await resp.json())["message"]


async def test_only_the_leader_extends(api: Any) -> None:
    c, leader, order, _ = await _formed_team()
    resp = await api.post(f"/api/v1/campaigns/{c.id}/extend", json={"hours": 24},
                          headers=await session_for(api, order[0]))
    assert resp.status == 404  # not their campaign: its existence is not revealed
    resp = await api.post(f"/api/v1/campaigns/{c.id}/extend", json={"hours": 24, "name": "检查员1"},
                          headers=await session_for(api, leader))
    assert resp.status == 409  # 检查员1 already accepted: nothing to extend
    resp = await api.post(f"/api/v1/campaigns/{c.id}/substitute", json={"name": "检查员1"},
                          headers=await session_for(api, leader))
    assert resp.status == 409
