"""The audit trail at the desk (R21): one object's events, newest first, with who did it in words
and the before and after; the chain's status, which a changed event breaks."""

from __future__ import annotations

from typing import Any

from models.audit import AuditEvent
from tests.fieldworld import session_for


async def test_an_objects_trail_and_the_chain(api: Any, world: Any) -> None:
    admin = await session_for(api, world.staff["admin"])
    employer = world.employer
    for town in ("李渡街道", "江北街道"):
        resp = await api.patch(f"/api/v1/employers/{employer.id}", headers=admin,
                               json={"township": town})
        assert resp.status == 200, await resp.text()
    resp = await api.get(f"/api/v1/audit?object_type=employer&object_id={employer.id}",
                         headers=admin)
    assert resp.status == 200, await resp.text()
    out = await resp.json()
    assert out["total"] == 2
    latest, first = out["items"]
    assert latest["seq"] > first["seq"] and latest["action"] == "employer.update"
    assert latest["actor_label"] == "管理员（政策法规科）"
    assert (latest["before"], latest["after"]) == ({"township": "李渡街道"}, {"township": "江北街道"})
    # In words for the screen (the codes stay beside them, as recorded and hashed).
    assert latest["action_label"] == "修改用人单位信息"
    assert latest["changes"] == [{"field": "township", "label": "乡镇（街道）",
                                  "before": "李渡街道", "after": "江北街道"}]
    assert latest["object_label"] == "用人单位"
    words = await (await api.get("/api/v1/audit/words", headers=admin)).json()
    assert {"code": "conflict.declare", "label": "登记回避关系"} in words["actions"]
    assert {"code": "employer", "label": "用人单位"} in words["object_types"]

    chain = await (await api.get("/api/v1/audit/chain", headers=admin)).json()
    assert chain["sound"] and chain["events"] >= 2 and chain["reason"] == ""
    await AuditEvent.filter(seq=first["seq"]).update(after={"township": "别处"})
    chain = await (await api.get("/api/v1/audit/chain", headers=admin)).json()
    assert not chain["sound"] and chain["broken_at"] == first["seq"]
    assert "内容哈希不符" in chain["reason"]


async def test_only_the_policy_section_reads_it(api: Any, world: Any) -> None:
    leader = await session_for(api, world.staff["leader"])
    resp = await api.get("/api/v1/audit", headers=leader)
    assert resp.status == 403
    assert (await api.get("/api/v1/audit/words", headers=leader)).status == 403
    assert "政策法规科" in (await resp.json(content_type="application/problem+json"))["detail"]
