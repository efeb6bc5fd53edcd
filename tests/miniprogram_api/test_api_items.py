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


async def test_correct_a_draft_then_publish(api: Any, world: Any) -> None:
    admin = await session_for(api, world.staff["admin"])
    first = await (await api.post("/api/v1/items", json={"code": "LB-20", **FIELDS},
                                  headers=admin)).json()
    url = f"/api/v1/item-versions/{first['id']}"
    resp = await api.patch(url, json={"content": "是否按月足额支付工资", "effective_from": "2026-07-01"},
                           headers=admin)
    assert resp.status == 200, await resp.text()
    body = await resp.json()
    assert (body["content"], body["effective_from"], body["status"]) == (
        "是否按月足额支付工资", "2026-07-01", "draft")
    assert body["name"] == FIELDS["name"]  # untouched fields stay
    event = await AuditEvent.filter(action="item.update_draft").order_by("-id").first()  # R21
    assert event is not None and event.actor == f"staff:{world.staff['admin'].id}"
    assert event.before == {"content": FIELDS["content"], "effective_from": None}
    # An empty PATCH changes nothing and records nothing.
    resp = await api.patch(url, json={}, headers=admin)
    assert resp.status == 200
    assert await AuditEvent.filter(action="item.update_draft").count() == 1

    assert (await api.post(url + "/publish", headers=admin)).status == 200
    resp = await api.patch(url, json={"name": "改名"}, headers=admin)
    assert resp.status == 409  # published: changes go by amendment (R7)
    assert (await resp.json(content_type=PROBLEM))["code"] == "not_draft"
    assert (await ItemVersion.get(id=first["id"])).name == FIELDS["name"]


async def test_draft_edit_errors_name_the_body_field(api: Any, world: Any) -> None:
    admin = await session_for(api, world.staff["admin"])
    first = await (await api.post("/api/v1/items", json={"code": "LB-21", **FIELDS},
                                  headers=admin)).json()
    url = f"/api/v1/item-versions/{first['id']}"
    cases = [({"name": ""}, "name", "required"), ({"reason": "  "}, "reason", "required"),
             ({"basis": "依" * 4001}, "basis", "string_too_long"),
             ({"effective_from": "明天"}, "effective_from", "date_from_datetime_parsing"),
             ({"status": "published"}, "status", "extra_forbidden")]
    for body, field, code in cases:
        resp = await api.patch(url, json=body, headers=admin)
        assert resp.status == 422, body
        errors = (await resp.json(content_type=PROBLEM))["errors"]
        assert [(e["field"], e["code"]) for e in errors] == [(field, code)], body
        assert errors[0]["message"]  # Chinese, e.g. 不能为空
    version = await ItemVersion.get(id=first["id"])
    assert (version.name, version.status) == (FIELDS["name"], ItemVersionStatus.DRAFT)
    assert not await AuditEvent.filter(action="item.update_draft").exists()

    resp = await api.patch("/api/v1/item-versions/999999", json={"name": "x"}, headers=admin)
    assert resp.status == 404
    for role in ("initiator", "leader", "member"):
        resp = await api.patch(url, json={"name": "越权"},
                               headers=await session_for(api, world.staff[role]))
        assert resp.status == 403, role
        assert (await resp.json(content_type=PROBLEM))["code"] == "admin_only"


async def test_amendment_errors_name_the_body_field(api: Any, world: Any) -> None:
    admin = await session_for(api, world.staff["admin"])
    resp = await api.post(f"/api/v1/items/{world.items[0].item_id}/versions", headers=admin,
                          json={"reason": " ", "effective_from": "2026-12-01"})
    assert resp.status == 422
    errors = (await resp.json(content_type=PROBLEM))["errors"]
    assert [(e["field"], e["code"]) for e in errors] == [("reason", "required")]
    resp = await api.post("/api/v1/items", json={"code": "LB 22", **FIELDS, "method": ""},
                          headers=admin)
    assert resp.status == 422
    errors = (await resp.json(content_type=PROBLEM))["errors"]
    assert {(e["field"], e["code"]) for e in errors} == {("code", "bad_code"),
                                                         ("method", "required")}
