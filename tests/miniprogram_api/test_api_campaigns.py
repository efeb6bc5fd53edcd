"""Plans, campaigns and the draw over the staff API (R13, R14, R15, R1), and the done-when scenario:
an admin uploads an employer sheet with a bad row (422 naming the row), fixes it (201); an
initiator creates and approves a campaign, commits and reveals the draws; the published record
verifies with tools/verify_draw.py; the leader sees the call-up progress."""

from __future__ import annotations

import datetime as dt
from typing import Any

import aiohttp

from inspection import clock
from inspection.draw import records as draw_records
from inspection.draw import verifier as verify_draw
from inspection.rosters.uscc import make_uscc
from models.draws import Draw
from models.enums import CampaignState
from models.org import Staff
from tests.fieldworld import session_for

PROBLEM = "application/problem+json"
ITEM = {"code": "LD-01", "name": "劳动合同签订情况", "basis": "《劳动合同法》第十条",
        "subject": "区人力社保局", "content": "书面劳动合同签订", "method": "现场检查"}


def _sheet(rows: list[str]) -> aiohttp.FormData:
    form = aiohttp.FormData()
    text = "统一社会信用代码,单位名称,乡镇街道,职工人数\n" + "\n".join(rows) + "\n"
    form.add_field("file", text.encode(), filename="单位名录.csv", content_type="text/csv")
    return form


async def _published_item(api: Any, admin: dict[str, str]) -> int:
    resp = await api.post("/api/v1/items", json=ITEM, headers=admin)
    version = (await resp.json())["id"]
    resp = await api.post(f"/api/v1/item-versions/{version}/publish", headers=admin)
    assert resp.status == 200, await resp.text()
    return int(version)


def _campaign_body(world: Any, version_id: int, code: str = "2026-FL-101") -> dict[str, Any]:
    start = dt.date.today() + dt.timedelta(days=20)
    return {"code": code, "title": "劳动合同专项抽查", "field_start": start.isoformat(),
            "field_end": (start + dt.timedelta(days=30)).isoformat(),
            "item_version_ids": [version_id], "leader_id": world.staff["leader"].id,
            "inspector_section_ids": [world.staff["member"].section_id],
            "purpose": "检查劳动合同签订", "method": "现场检查", "use_of_results": "纳入诚信档案",
            "employers_needed": 2, "inspectors_needed": 2}


async def _certified(world: Any) -> None:
    # R8: only inspectors with a certificate in force are drawn.
    await Staff.filter(is_inspector=True).update(cert_valid_until=dt.date(2030, 12, 31))


async def test_done_when_upload_campaign_draw_verify_progress(api: Any, world: Any) -> None:
    admin = await session_for(api, world.staff["admin"])
    initiator = await session_for(api, world.staff["initiator"])
    leader = await session_for(api, world.staff["leader"])
    await _certified(world)
    good = [f"{make_uscc(f'91500102MA6U0000{n}')},涪陵{n}号公司,敦仁街道,{10 + n}" for n in range(4)]

    resp = await api.post("/api/v1/imports/employers", headers=admin,
                          data=_sheet([*good[:2], "91500102XXXX,坏行公司,敦仁街道,十", *good[2:]]))
    assert resp.status == 422
    errors = (await resp.json(content_type=PROBLEM))["errors"]
    assert {e["row"] for e in errors} == {4}  # the header is row 1
    assert {e["field"] for e in errors} == {"统一社会信用代码", "职工人数"}
    resp = await api.post("/api/v1/imports/employers", headers=admin, data=_sheet(good))
    assert resp.status == 201, await resp.text()
    assert (await resp.json())["created"] == 4

    version_id = await _published_item(api, admin)
    resp = await api.post("/api/v1/campaigns", json=_campaign_body(world, version_id),
                          headers=initiator)
    assert resp.status == 201, await resp.text()
    campaign_id = (await resp.json())["id"]
    resp = await api.post(f"/api/v1/campaigns/{campaign_id}/approve", headers=leader)
    assert resp.status == 403  # the leader reads only
    resp = await api.post(f"/api/v1/campaigns/{campaign_id}/approve", headers=initiator)
    assert resp.status == 200, await resp.text()
    assert (await resp.json())["state"] == CampaignState.APPROVED.value

    resp = await api.post(f"/api/v1/campaigns/{campaign_id}/draws/commit", headers=initiator)
    assert resp.status == 201, await resp.text()
    committed = (await resp.json())["draws"]
    assert {d["kind"] for d in committed} == {"employers", "inspectors"}
    assert all(d["secret"] is None for d in committed)  # hidden until the reveal (R15)
    reveal, url = ({"public_entropy": "上证综指收盘 3321.45", "witnesses": "纪检组 刘某"},
                   f"/api/v1/campaigns/{campaign_id}/draws/reveal")
    resp = await api.post(url, headers=initiator, json=reveal)
    assert (resp.status, (await resp.json(content_type=PROBLEM))["code"]) == (
        409, "reveal_too_early")  # R10: not within the hour after the commitment
    await Draw.all().update(committed_at=clock.now() - dt.timedelta(minutes=61))
    resp = await api.post(url, headers=initiator, json=reveal)
    assert resp.status == 422  # R10: the entropy's source carries no date
    resp = await api.post(url, headers=initiator,
                          json={**reveal, "entropy_source_date": clock.today().isoformat()})
    assert resp.status == 200, await resp.text()
    revealed = (await resp.json())["draws"]
    assert all(d["secret"] for d in revealed)

    for draw in await Draw.filter(campaign_id=campaign_id):
        record = await draw_records.record(draw, full=True)
        assert verify_draw.verify_record(record) == []

    resp = await api.get(f"/api/v1/campaigns/{campaign_id}/progress", headers=leader)
    assert resp.status == 200, await resp.text()
    text = (await resp.json())["text"]
    assert "2026-FL-101" in text and "已接受" in text
    assert "涪陵0号公司" not in text  # progress never names employers
    other = await session_for(api, world.staff["other_leader"])
    resp = await api.get(f"/api/v1/campaigns/{campaign_id}/progress", headers=other)
    assert resp.status == 404


async def test_campaign_items_must_be_usable_and_plan_late_warning(api: Any, world: Any) -> None:
    initiator = await session_for(api, world.staff["initiator"])
    # fieldworld's versions have no effective date: published but not in force (R1).
    resp = await api.post("/api/v1/campaigns", headers=initiator,
                          json=_campaign_body(world, world.items[0].id, "2026-FL-102"))
    assert resp.status == 422
    assert (await resp.json(content_type=PROBLEM))["code"] == "items_not_usable"
    resp = await api.post("/api/v1/plans", json={"year": 2020, "needs": "劳动合同专项"},
                          headers=initiator)
    assert resp.status == 201, await resp.text()
    assert (await resp.json())["warnings"]  # past the deadline: accepted, with a warning (R13)
    member = await session_for(api, world.staff["member"])
    resp = await api.post("/api/v1/plans", json={"year": 2027, "needs": "x"}, headers=member)
    assert resp.status == 403


async def test_void_and_cancel_need_a_reason(api: Any, world: Any) -> None:
    admin = await session_for(api, world.staff["admin"])
    initiator = await session_for(api, world.staff["initiator"])
    version_id = await _published_item(api, admin)
    resp = await api.post("/api/v1/campaigns", headers=initiator,
                          json=_campaign_body(world, version_id, "2026-FL-103"))
    campaign_id = (await resp.json())["id"]
    resp = await api.patch(f"/api/v1/campaigns/{campaign_id}", json={"title": "改名"},
                           headers=initiator)
    assert (resp.status, (await resp.json())["title"]) == (200, "改名")
    resp = await api.post(f"/api/v1/campaigns/{campaign_id}/cancel", json={"reason": "上级通知暂停"},
                          headers=initiator)
    assert (await resp.json())["state"] == CampaignState.CANCELLED.value
    resp = await api.patch(f"/api/v1/campaigns/{campaign_id}", json={"title": "再改"},
                           headers=initiator)
    assert resp.status == 409

    await _certified(world)
    resp = await api.post("/api/v1/campaigns", headers=initiator,
                          json=_campaign_body(world, version_id, "2026-FL-104"))
    campaign_id = (await resp.json())["id"]
    await api.post(f"/api/v1/campaigns/{campaign_id}/approve", headers=initiator)
    resp = await api.post(f"/api/v1/campaigns/{campaign_id}/draws/commit", headers=initiator)
    assert resp.status == 201, await resp.text()
    url = f"/api/v1/campaigns/{campaign_id}/draws/void"
    resp = await api.post(url, json={"kind": "employers", "reason": " "}, headers=initiator)
    assert resp.status == 422  # R15: a void states its reason
    resp = await api.post(url, json={"kind": "employers", "reason": "抽取会议程序有误"},
                          headers=initiator)
    assert resp.status == 200, await resp.text()
    assert (await resp.json())["status"] == "voided"
    listed = await (await api.get(f"/api/v1/campaigns/{campaign_id}/draws",
                                  headers=initiator)).json()
    assert {d["kind"]: d["void_reason"] for d in listed["draws"]}["employers"] == "抽取会议程序有误"
