"""An inspector answers a call-up from the mini-program (R15): the same domain as the card, so
the card is greyed out, a decline needs its 事由 and calls the next in draw order, and nobody
else can see or answer it."""

from __future__ import annotations

from typing import Any

from models.audit import AuditEvent
from models.callups import CallUp
from models.campaigns import Campaign
from models.enums import CallUpState, CampaignState, InspectionState
from models.fieldwork import Inspection, InspectionMember
from models.outbox import OutboxMessage
from tests.fieldworld import World, called_up, session_for
from tests.wecom_rows import body


async def test_list_and_accept_greys_out_the_card(api: Any, world: World) -> None:
    called = await called_up(world, "member")
    called.response_code = "RC-from-send"  # kept from the card's send answer
    await called.save()
    me = await session_for(api, world.staff["member"])
    listed = await (await api.get("/api/v1/callups", headers=me)).json()
    assert [(c["id"], c["state"], c["campaign_code"]) for c in listed["items"]] == [
        (called.id, "called", world.campaigns[0].code)]
    assert (await (await api.get("/api/v1/callups", headers=await session_for(
        api, world.staff["member2"]))).json())["items"] == []
    resp = await api.post(f"/api/v1/callups/{called.id}/accept", headers=me)
    assert resp.status == 200 and "已确认您参加" in (await resp.json())["message"]
    await called.refresh_from_db()
    assert called.state == CallUpState.ACCEPTED
    update = body(await OutboxMessage.get(topic="wecom.update_card"))
    assert update == {"userids": [world.staff["member"].wecom_userid],
                      "response_code": "RC-from-send", "button": {"replace_name": "已接受"}}
    assert await AuditEvent.filter(action="callup.accept",
                                   actor=f"staff:{world.staff['member'].id}").count() == 1
    again = await api.post(f"/api/v1/callups/{called.id}/accept", headers=me)
    assert again.status == 200 and "您已接受" in (await again.json())["message"]


async def test_decline_needs_a_reason_and_is_final(api: Any, world: World) -> None:
    called = await called_up(world, "member")
    me = await session_for(api, world.staff["member"])
    url = f"/api/v1/callups/{called.id}/decline"
    resp = await api.post(url, headers=me, json={"reason": " "})
    assert resp.status == 422 and (await resp.json())["errors"][0]["field"] == "reason"
    await called.refresh_from_db()
    assert called.state == CallUpState.CALLED
    resp = await api.post(url, headers=me, json={"reason": "参加区政府专题会议"})
    assert resp.status == 200 and "将按抽取顺序递补" in (await resp.json())["message"]
    await called.refresh_from_db()
    assert (called.state, called.reason) == (CallUpState.DECLINED, "参加区政府专题会议")
    late = await api.post(f"/api/v1/callups/{called.id}/accept", headers=me)
    assert late.status == 409 and (await late.json())["code"] == "callup_closed"


async def test_nobody_else_can_answer(api: Any, world: World) -> None:
    called = await called_up(world, "member")
    for key in ("member2", "leader", "initiator"):
        other = await session_for(api, world.staff[key])
        resp = await api.post(f"/api/v1/callups/{called.id}/accept", headers=other)
        assert resp.status == 404
    assert (await CallUp.get(id=called.id)).state == CallUpState.CALLED


async def test_withdraw_after_accepting_tells_the_leader(api: Any, world: World) -> None:
    await Campaign.filter(id=world.campaigns[0].id).update(state=CampaignState.CALLING_UP)
    await Inspection.filter(id=world.inspection.id).update(state=InspectionState.ASSIGNED)
    called = await called_up(world, "member")
    me = await session_for(api, world.staff["member"])
    url = f"/api/v1/callups/{called.id}/withdraw"
    early = await api.post(url, headers=me, json={"reason": "参加区政府专题会议"})
    assert early.status == 409 and (await early.json())["code"] == "not_accepted"
    assert (await api.post(f"/api/v1/callups/{called.id}/accept", headers=me)).status == 200
    other = await session_for(api, world.staff["member2"])
    assert (await api.post(url, headers=other, json={"reason": "参加区政府专题会议"})).status == 404
    resp = await api.post(url, headers=me, json={"reason": "参加区政府专题会议"})
    assert resp.status == 200, await resp.text()
    assert "撤回" in (await resp.json())["message"]
    assert not await InspectionMember.filter(inspection_id=world.inspection.id,
                                             staff_id=world.staff["member"].id).exists()
    await called.refresh_from_db()
    assert (called.state, called.reason) == (CallUpState.WITHDRAWN, "参加区政府专题会议")
    assert await AuditEvent.filter(action="callup.withdraw",
                                   actor=f"staff:{world.staff['member'].id}").count() == 1
    listed = await (await api.get("/api/v1/callups", headers=me)).json()
    assert listed["items"] == []


async def test_an_inspector_declares_their_own_recusal(api: Any, world: World) -> None:
    me = await session_for(api, world.staff["member"])
    url = f"/api/v1/inspections/{world.inspection.id}/recusal"
    bad = await api.post(url, headers=me, json={"reason": " "})
    assert bad.status == 422 and (await bad.json())["errors"][0]["field"] == "reason"
    resp = await api.post(url, headers=me, json={"reason": "配偶在该单位任职"})
    assert resp.status == 201, await resp.text()
    assert (await resp.json())["message"].startswith("已登记回避情形")
    again = await api.post(url, headers=me, json={"reason": "配偶在该单位任职"})
    assert again.status == 409 and (await again.json())["code"] == "conflict_exists"
    outsider = await session_for(api, world.staff["outsider"])
    assert (await api.post(url, headers=outsider, json={"reason": "亲属"})).status == 404
