"""The done-when scenario, end to end through the HTTP API (R1, R16, R20, R22, R17)."""

from __future__ import annotations

from typing import Any

import aiohttp

from inspection import audit
from inspection.clock import today
from models.enums import InspectionState, RectificationState
from models.fieldwork import Evidence, FollowUp, RectificationOrder
from models.outbox import OutboxMessage
from tests.fieldworld import World, form_team, jpeg, login


def photo_form(data: bytes, name: str = "现场.jpg") -> aiohttp.FormData:
    form = aiohttp.FormData()
    form.add_field("file", data, filename=name, content_type="application/octet-stream")
    return form


# long: one end-to-end scenario, read as the story it tells.
async def test_inspector_records_a_full_inspection_and_closes_it(api: Any, world: World) -> None:
    me = await login(api, world.staff["member"])
    partner = await login(api, world.staff["member2"])
    iid = world.inspection.id
    base = f"/api/v1/inspections/{iid}"

    resp = await api.get("/api/v1/inspections", headers=me)
    page = await resp.json()
    assert resp.status == 200 and page["total"] == 1 and page["items"][0]["id"] == iid

    resp = await api.get(base, headers=me)
    detail = await resp.json()
    # R20: the items of both campaigns, merged and each once.
    assert [i["code"] for i in detail["items"]] == ["LB-01", "LB-02", "LB-03"]
    assert {m["name"] for m in detail["team"]} == {"张检查", "赵检查"}

    resp = await api.post(base + "/check-in", json={"lat": 29.7, "lng": 107.4, "note": "到场"},
                          headers=me)
    assert resp.status == 200 and (await resp.json())["state"] == "checked_in"

    ids = [iv.id for iv in world.items]
    results = {ids[0]: "compliant", ids[1]: "noncompliant", ids[2]: "not_applicable"}
    finding_ids = {}
    for ivid, result in results.items():
        body = {"result": result, "description": "未按规定签订劳动合同" if result == "noncompliant"
                else "", "basis": "《劳动合同法》第十条"}
        resp = await api.put(f"{base}/findings/{ivid}", json=body, headers=me)
        assert resp.status == 200, await resp.text()
        finding_ids[ivid] = (await resp.json())["id"]
    bad = finding_ids[ids[1]]

    for n in range(2):
        resp = await api.post(f"{base}/evidence?finding_id={bad}", data=photo_form(jpeg(
            color=["red", "blue"][n])), headers={**me, "Idempotency-Key": f"photo-{n}"})
        assert resp.status == 201, await resp.text()
        uploaded = await resp.json()
        assert uploaded["content_type"] == "image/jpeg" and uploaded["has_thumbnail"]
    thumb = await api.get(f"/api/v1/evidence/{uploaded['id']}/thumbnail", headers=partner)
    assert thumb.status == 200 and thumb.content_type == "image/jpeg"

    resp = await api.post(base + "/submit", json={}, headers=me)
    assert resp.status == 409 and (await resp.json())["code"] == "confirmations_missing"
    for who in (me, partner):
        assert (await api.post(base + "/confirm", headers=who)).status == 200
    resp = await api.post(base + "/submit", json={"summary": "发现一项问题"}, headers=me)
    assert resp.status == 200 and (await resp.json())["state"] == "submitted"

    resp = await api.post(base + "/rectification-orders", json={
        "finding_ids": [bad], "requirements": "十个工作日内补签劳动合同", "working_days": 10},
        headers=me)
    assert resp.status == 201, await resp.text()
    order = await resp.json()
    assert order["state"] == "open" and order["deadline"] > order["issued_on"]
    assert await OutboxMessage.exists(topic="timer.rectification_due",
                                      idempotency_key=f"rectification-due:{order['id']}")

    resp = await api.post(f"/api/v1/rectification-orders/{order['id']}/follow-ups", json={
        "visited_on": today().isoformat(), "result": "rectified", "note": "已补签"}, headers=me)
    assert resp.status == 201, await resp.text()
    follow = await resp.json()
    resp = await api.post(f"{base}/evidence?follow_up_id={follow['id']}",
                          data=photo_form(jpeg(color="green")), headers=me)
    assert resp.status == 201

    resp = await api.post(base + "/close", headers=me)
    assert resp.status == 200 and (await resp.json())["state"] == "closed"
    assert (await RectificationOrder.get(id=order["id"])).state == RectificationState.RECTIFIED
    assert await FollowUp.filter(order_id=order["id"]).count() == 1
    assert await Evidence.filter(inspection_id=iid).count() == 3
    await world.inspection.refresh_from_db()
    assert world.inspection.state == InspectionState.CLOSED
    assert (await audit.verify_chain())[1] is None  # R21: every step audited, chain sound

    # Another inspector can neither read nor touch any of it.
    other = await login(api, world.staff["outsider"])
    assert (await (await api.get("/api/v1/inspections", headers=other)).json())["total"] == 0
    for method, path in [("GET", base), ("GET", f"/api/v1/evidence/{uploaded['id']}/content"),
                         ("GET", f"/api/v1/rectification-orders/{order['id']}"),
                         ("POST", f"/api/v1/rectification-orders/{order['id']}/follow-ups"),
                         ("PUT", f"{base}/findings/{ids[0]}")]:
        body = {"visited_on": today().isoformat(), "result": "rectified"} if "follow" in path \
            else {"result": "compliant"}
        resp = await api.request(method, path, headers=other,
                                 json=body if method != "GET" else None)
        assert resp.status == 404, (method, path, await resp.text())
        assert resp.content_type == "application/problem+json"


async def test_leader_sees_campaign_progress_and_notices(api: Any, world: World) -> None:
    import datetime as dt

    from models.enums import NoticeKind
    from models.notices import Notice

    await Notice.create(kind=NoticeKind.INSPECTION, number="涪人社监察〔2026〕第1号", year=2026,
                        sequence=1, token="t" * 22, employer=world.employer,
                        inspection=world.inspection, issuer="涪陵区人力社保局",
                        issued_on=dt.date(2026, 11, 2))
    leader = await login(api, world.staff["leader"])
    resp = await api.get(f"/api/v1/campaigns/{world.campaigns[0].id}/inspections?state=assigned",
                         headers=leader)
    assert (await resp.json())["total"] == 1
    detail = await (await api.get(f"/api/v1/inspections/{world.inspection.id}",
                                  headers=leader)).json()
    assert [n["number"] for n in detail["notices"]] == ["涪人社监察〔2026〕第1号"]
    assert "token" not in detail["notices"][0]  # the QR token is the employer's key, not shown
    # The leader forms the team, from the inspectors drawn who accepted (R10, R16), but does not
    # do fieldwork.
    team = {"staff_ids": [world.staff["member"].id, world.staff["outsider"].id]}
    url = f"/api/v1/inspections/{world.inspection.id}/members"
    resp = await api.put(url, headers=leader, json=team)
    assert resp.status == 409 and (await resp.json())["code"] == "team_not_formed"
    await form_team(world, ["member", "outsider", "member2"])
    resp = await api.put(url, headers=leader, json=team)
    assert resp.status == 200, await resp.text()
    assert {m["name"] for m in (await resp.json())["team"]} == {"张检查", "钱检查"}
    resp = await api.post(f"/api/v1/inspections/{world.inspection.id}/check-in", json={},
                          headers=leader)
    assert resp.status == 403 and (await resp.json())["code"] == "not_team_member"
    # The inspector taken off the team loses access at once.
    partner = await login(api, world.staff["member2"])
    resp = await api.get(f"/api/v1/inspections/{world.inspection.id}", headers=partner)
    assert resp.status == 404
