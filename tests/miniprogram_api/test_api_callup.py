"""分配, 自动分配 with its proposal and 确认分配, 催办, 名单, 递补 and 延期 over the staff API: the chat's and the
card's rules and effects (R16, R15), the leader only, 回避 refused."""

from __future__ import annotations

from typing import Any

from bot.inbound import process_now as process
from bot.parse import Inbound
from inspection.callup import calls as callup
from inspection.callup import leader as callup_leader
from models.audit import AuditEvent
from models.campaigns import Campaign
from models.enums import InspectionState
from models.fieldwork import Inspection, InspectionMember
from models.org import Conflict as Recusal
from models.outbox import OutboxMessage
from notifications import replies
from tests import factories as f
from tests.fieldworld import session_for
from tests.wecom_rows import body as rendered
from tests.wecom_rows import content

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


async def _card_lines(c: Any) -> list[str]:
    card = await OutboxMessage.filter(idempotency_key__startswith=f"assign:{c.id}:card").first()
    assert card is not None
    return str(rendered(card)["template_card"]["sub_title_text"]).split("\n")


async def test_proposal_then_confirm_is_the_cards_confirmation(api: Any) -> None:
    c, leader, order, inspections = await _formed_team()
    await Recusal.create(staff=order[0], employer_id=inspections[0].employer_id, reason="曾任职")
    headers = await session_for(api, leader)
    # The chat's 自动分配 card and the API's proposal are the same plan.
    assert (await api.post(f"/api/v1/campaigns/{c.id}/assignments/auto",
                           headers=headers)).status == 200
    resp = await api.get(f"/api/v1/campaigns/{c.id}/assignment-proposal", headers=headers)
    assert resp.status == 200, await resp.text()
    proposal = await resp.json()
    assert proposal["inspectors_per_employer"] == 2
    rows = proposal["inspections"]
    assert [r["code"] for r in rows] == sorted(i.code for i in inspections)
    lines = [f"{r['code']} {r['employer']['name']}：{'、'.join(p['name'] for p in r['proposed'])}"
             for r in rows]
    assert lines == await _card_lines(c)
    assert all(r["current"] == [] and len(r["proposed"]) == 2 for r in rows)
    first = next(r for r in rows if r["inspection_id"] == inspections[0].id)
    assert order[0].id not in {p["staff_id"] for p in first["proposed"]}  # 回避
    # GET is a read: nothing assigned, nothing sent.
    assert await InspectionMember.all().count() == 0
    assert not await OutboxMessage.filter(idempotency_key__contains=":announce:").exists()

    resp = await api.post(f"/api/v1/campaigns/{c.id}/assignment-proposal/confirm",
                          json={"fingerprint": proposal["fingerprint"]}, headers=headers)
    assert resp.status == 200, await resp.text()
    assert (await resp.json())["message"] == "已按方案完成分配，并已通知检查组成员。"
    for r in rows:
        members = await InspectionMember.filter(inspection_id=r["inspection_id"])
        assert {m.staff_id for m in members} == {p["staff_id"] for p in r["proposed"]}
    assert all(i.state == InspectionState.ASSIGNED for i in await Inspection.all())
    # The card path's announcement, in this request's transaction; no card to grey out.
    announce = await OutboxMessage.get(
        idempotency_key=f"assign:{c.id}:announce:{proposal['fingerprint']}")
    assert content(announce) == f"【{c.code}】检查分工：\n" + "\n".join(lines)
    assert set(rendered(announce)["touser"].split("|")) == {
        p.wecom_userid for p in order if any(
            p.id == m["staff_id"] for r in rows for m in r["proposed"])}
    assert not await OutboxMessage.filter(topic="wecom.update_card").exists()
    assert await AuditEvent.filter(action="inspection.assign",
                                   actor=f"staff:{leader.id}").count() == 3

    # The leader then clicks the card's 确认分配 as well: nothing is undone or sent twice.
    card_key = f"assign:{c.id}:{proposal['fingerprint']}"
    await process(Inbound(msg_type="event", event="template_card_event", from_user="liu",
                          create_time=1, task_id=f"assign-{c.id}-{proposal['fingerprint']}",
                          event_key=card_key, response_code="RC-1"))
    reply = await OutboxMessage.filter(topic="wecom.message").order_by("-id").first()
    assert reply is not None and "无需再次确认" in content(reply)
    assert await OutboxMessage.filter(idempotency_key__contains=":announce:").count() == 1
    assert await InspectionMember.all().count() == 6


async def test_stale_proposal_is_refused_and_changes_nothing(api: Any) -> None:
    c, leader, _, inspections = await _formed_team()
    headers = await session_for(api, leader)
    url = f"/api/v1/campaigns/{c.id}/assignment-proposal"
    fingerprint = (await (await api.get(url, headers=headers)).json())["fingerprint"]
    # Meanwhile the leader assigns one inspection by hand (分配): the proposal would undo it.
    resp = await api.post(f"/api/v1/campaigns/{c.id}/assignments", headers=headers,
                          json={"target": inspections[0].code, "names": ["检查员3", "检查员4"]})
    assert resp.status == 200, await resp.text()
    resp = await api.post(url + "/confirm", json={"fingerprint": fingerprint}, headers=headers)
    assert resp.status == 409
    body = await resp.json(content_type=PROBLEM)
    assert body["code"] == "proposal_stale" and "已失效" in body["detail"]
    assert await InspectionMember.all().count() == 2  # only the manual assignment
    # A fresh proposal shows the current team next to the proposed one, and confirms.
    fresh = await (await api.get(url, headers=headers)).json()
    assert fresh["fingerprint"] != fingerprint
    row = next(r for r in fresh["inspections"] if r["inspection_id"] == inspections[0].id)
    assert [p["name"] for p in row["current"]] == ["检查员3", "检查员4"]
    resp = await api.post(url + "/confirm", json={"fingerprint": fresh["fingerprint"]},
                          headers=headers)
    assert resp.status == 200, await resp.text()


async def test_proposal_authorisation_and_input(api: Any) -> None:
    c, leader, order, _ = await _formed_team()
    url = f"/api/v1/campaigns/{c.id}/assignment-proposal"
    other_leader = await f.staff("另组长", userid="other", leader=True, inspector=False)
    initiator = await f.staff("发起人", userid="ini", initiator=True, inspector=False)
    for who, status in ((other_leader, 404), (order[0], 404), (initiator, 403)):
        headers = await session_for(api, who)
        assert (await api.get(url, headers=headers)).status == status
        resp = await api.post(url + "/confirm", json={"fingerprint": "0" * 16}, headers=headers)
        assert resp.status == status
        assert resp.content_type == PROBLEM
    headers = await session_for(api, leader)
    for body, field in (({"fingerprint": "not-hex"}, "fingerprint"), ({}, "fingerprint"),
                        ({"fingerprint": "0" * 16, "plan": {}}, "plan")):
        resp = await api.post(url + "/confirm", json=body, headers=headers)
        assert resp.status == 422
        errors = (await resp.json(content_type=PROBLEM))["errors"]
        assert [e["field"] for e in errors] == [field]
    assert await InspectionMember.all().count() == 0


async def test_no_proposal_before_the_team_is_formed(api: Any) -> None:
    leader = await f.staff("刘组长", userid="liu", leader=True, inspector=False)
    c = await f.campaign(leader=leader)
    headers = await session_for(api, leader)
    resp = await api.get(f"/api/v1/campaigns/{c.id}/assignment-proposal", headers=headers)
    assert resp.status == 409
    assert (await resp.json(content_type=PROBLEM))["code"] == "team_not_formed"


async def test_confirm_retried_with_idempotency_key(api: Any) -> None:
    c, leader, _, _ = await _formed_team()
    url = f"/api/v1/campaigns/{c.id}/assignment-proposal"
    headers = {**await session_for(api, leader), "Idempotency-Key": "confirm-1"}
    fingerprint = (await (await api.get(url, headers=headers)).json())["fingerprint"]
    first = await api.post(url + "/confirm", json={"fingerprint": fingerprint}, headers=headers)
    assert first.status == 200, await first.text()
    again = await api.post(url + "/confirm", json={"fingerprint": fingerprint}, headers=headers)
    assert again.status == 200 and again.headers["Idempotent-Replayed"] == "true"
    assert await again.json() == await first.json()
    assert await OutboxMessage.filter(idempotency_key__contains=":announce:").count() == 1
    resp = await api.post(url + "/confirm", json={"fingerprint": "f" * 16}, headers=headers)
    assert resp.status == 422
    assert (await resp.json(content_type=PROBLEM))["code"] == "idempotency_key_reused"


async def test_reassign_over_the_api(api: Any) -> None:
    c, leader, _, inspections = await _formed_team()
    headers = await session_for(api, leader)
    url = f"/api/v1/campaigns/{c.id}/assignments"
    for names in (["检查员1", "检查员2"], ["检查员3", "检查员4"]):
        resp = await api.post(url, json={"target": inspections[1].code, "names": names},
                              headers=headers)
        assert resp.status == 200, await resp.text()
    members = await InspectionMember.filter(inspection_id=inspections[1].id
                                            ).prefetch_related("staff")
    assert sorted(m.staff.name for m in members) == ["检查员3", "检查员4"]
    # Each change is announced to the new team.
    assert await OutboxMessage.filter(idempotency_key__contains=":manual:").count() >= 1


async def test_chase_a_waiting_inspector(api: Any) -> None:
    leader = await f.staff("刘组长", userid="liu", leader=True, inspector=False)
    order = [await f.staff(f"检查员{i}", userid=f"insp{i}") for i in range(1, 4)]
    c = await f.campaign(needed=3, leader=leader)
    await f.inspector_draw(c, order)
    called = await callup.start_callup(campaign_id=c.id, now=f.NOW, actor="cli")
    await callup.accept(callup_id=called[0].id, staff_id=called[0].staff_id, now=f.NOW,
                        actor="wecom:insp1")
    url = f"/api/v1/campaigns/{c.id}/chase"
    headers = {**await session_for(api, leader), "Idempotency-Key": "chase-1"}
    for _ in range(2):  # a retry replays, and nudges once
        resp = await api.post(url, json={"name": "检查员2"}, headers=headers)
        assert resp.status == 200, await resp.text()
        assert (await resp.json())["message"] == "已催办 检查员2。"
    nudges = await OutboxMessage.filter(idempotency_key__contains=":chase:")
    assert len(nudges) == 1 and rendered(nudges[0])["touser"] == "insp2"
    assert "组长催办" in content(nudges[0])

    plain = await session_for(api, leader)
    resp = await api.post(url, json={"name": "检查员1"}, headers=plain)
    assert resp.status == 409  # already accepted
    assert (await resp.json(content_type=PROBLEM))["code"] == "callup_closed"
    resp = await api.post(url, json={"name": "无此人"}, headers=plain)
    assert resp.status == 422
    assert (await resp.json(content_type=PROBLEM))["errors"][0]["field"] == "name"
    resp = await api.post(url, json={"name": ""}, headers=plain)
    assert resp.status == 422
    other = await f.staff("另组长", userid="other", leader=True, inspector=False)
    initiator = await f.staff("发起人", userid="ini", initiator=True, inspector=False)
    for who, status in ((other, 404), (order[2], 404), (initiator, 403)):
        resp = await api.post(url, json={"name": "检查员2"}, headers=await session_for(api, who))
        assert resp.status == status
    assert await OutboxMessage.filter(idempotency_key__contains=":chase:").count() == 1


async def test_roster_is_the_chats_list(api: Any) -> None:
    c, leader, _, inspections = await _formed_team()
    await api.post(f"/api/v1/campaigns/{c.id}/assignments", headers=await session_for(api, leader),
                   json={"target": inspections[0].code, "names": ["检查员1", "检查员2"]})
    resp = await api.get(f"/api/v1/campaigns/{c.id}/roster",
                         headers=await session_for(api, leader))
    assert resp.status == 200, await resp.text()
    text = (await resp.json())["text"]
    assert text == replies.roster(await callup_leader.roster(campaign=await Campaign.get(id=c.id)))
    assert "1. 检查员1 已接受" in text and f"{inspections[0].code} 单位1：检查员1、检查员2" in text
    other = await f.staff("另组长", userid="other", leader=True, inspector=False)
    resp = await api.get(f"/api/v1/campaigns/{c.id}/roster", headers=await session_for(api, other))
    assert resp.status == 404


async def test_roster_of_a_confidential_campaign_names_no_employer_before_the_team(
        api: Any) -> None:
    leader = await f.staff("刘组长", userid="liu", leader=True, inspector=False)
    order = [await f.staff(f"检查员{i}", userid=f"insp{i}") for i in range(1, 3)]
    c = await f.campaign(needed=2, leader=leader, confidential=True)
    await f.inspector_draw(c, order)
    await f.employers_with_inspections(c, ["保密单位甲"])
    await callup.start_callup(campaign_id=c.id, now=f.NOW, actor="cli")
    resp = await api.get(f"/api/v1/campaigns/{c.id}/roster",
                         headers=await session_for(api, leader))
    assert resp.status == 200, await resp.text()
    text = (await resp.json())["text"]
    assert "检查员1" in text and "保密单位甲" not in text  # R14
