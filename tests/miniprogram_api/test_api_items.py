"""The item list over the staff API (R7, R3, R21): create a draft, publish it, amend with reason
and effective date, withdraw with a published reason; drafts cannot be used by campaigns (R1)."""

from __future__ import annotations

from typing import Any

from models.audit import AuditEvent
from models.enums import ItemVersionStatus
from models.items import Item, ItemVersion
from models.publication import Publication
from tests.fieldworld import session_for

PROBLEM = "application/problem+json"
FIELDS = {"name": "工资支付情况", "basis": "《劳动保障监察条例》第十一条", "subject": "区人力社保局",
          "content": "是否按时足额支付工资", "method": "书面审查、现场检查"}


async def test_item_lifecycle(api: Any, world: Any) -> None:
    admin = await session_for(api, world.staff["admin"])
    resp = await api.post("/api/v1/items", json={"code": "LB-10", **FIELDS}, headers=admin)
    assert resp.status == 201, await resp.text()
    first = await resp.json()
    assert (first["version"], first["status"]) == (1, "draft")
    again = await api.post("/api/v1/items", json={"code": "LB-10", **FIELDS}, headers=admin)
    assert again.status == 409

    resp = await api.post(f"/api/v1/item-versions/{first['id']}/publish", headers=admin)
    assert resp.status == 200, await resp.text()
    assert (await resp.json())["status"] == "published"
    assert await Publication.filter(title__contains="工资支付情况").exists()  # R3

    item_id = first["item_id"]
    resp = await api.post(f"/api/v1/items/{item_id}/versions",
                          json={"basis": "《保障农民工工资支付条例》", "effective_from": "2026-12-01",
                                "reason": " "}, headers=admin)
    assert resp.status == 422  # R7: an amendment says why
    resp = await api.post(f"/api/v1/items/{item_id}/versions",
                          json={"basis": "《保障农民工工资支付条例》", "effective_from": "2026-12-01",
                                "reason": "法规修订"}, headers=admin)
    assert resp.status == 201, await resp.text()
    second = await resp.json()
    assert (second["version"], second["status"], second["name"]) == (2, "draft", FIELDS["name"])

    listing = await (await api.get("/api/v1/items", headers=admin)).json()
    mine = next(i for i in listing["items"] if i["code"] == "LB-10")
    assert [v["version"] for v in mine["versions"]] == [1, 2]

    resp = await api.post(f"/api/v1/items/{item_id}/withdraw", json={"reason": "依据已废止"},
                          headers=admin)
    assert resp.status == 200, await resp.text()
    body = await resp.json()
    assert body["withdrawn"] is True
    assert body["versions"][-1]["status"] == "withdrawn"
    assert (await Item.get(id=item_id)).withdrawn
    assert not await ItemVersion.filter(item_id=item_id,
                                        status=ItemVersionStatus.PUBLISHED).exists()
    assert await AuditEvent.filter(action="item.withdraw").exists()  # R21


async def test_leader_cannot_touch_the_item_list(api: Any, world: Any) -> None:
    leader = await session_for(api, world.staff["leader"])
    resp = await api.post("/api/v1/items", json={"code": "LB-11", **FIELDS}, headers=leader)
    assert resp.status == 403
    assert (await resp.json(content_type=PROBLEM))["code"] == "admin_only"
