"""Issue 16 item 5: a second person before a weighty credit fact is exported (R18, R21), and a
second admin before a role or section grant takes effect (R8, R14)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from tortoise.transactions import in_transaction

from inspection import audit
from inspection.credit import export
from models.audit import AuditEvent
from models.org import Section, Staff
from tests.fieldworld import World, session_for

pytestmark = pytest.mark.usefixtures("clean_db")

CRIMINAL = {"kind": "criminal", "occurred_on": "2026-01-05",
            "description": "拒不支付劳动报酬，经移送司法机关追究刑事责任",
            "evidence": "（2026）渝0102刑初18号判决书", "basis": "《刑法》第二百七十六条之一"}


async def _second_admin(world: World) -> Staff:
    policy = await Section.get(code="ZCFG")
    return await Staff.create(name="另一管理员", wecom_userid="u-admin2", section=policy,
                              is_admin=True)


async def _exported() -> list[str]:
    async with in_transaction():
        batch = await export.fetch(since=0, limit=1000, actor=audit.SYSTEM)
    return [r.kind for r in batch.records]


async def test_a_criminal_fact_waits_for_a_second_person_before_export(api: Any,
                                                                        world: World) -> None:
    member = await session_for(api, world.staff["member"])
    url = f"/api/v1/employers/{world.employer.id}/credit-facts"
    resp = await api.post(url, json=CRIMINAL, headers=member)
    assert resp.status == 201, await resp.text()
    filed = await resp.json()
    assert filed["pending_review"] and filed["id"] is None
    # Pending: in neither the export nor the integrity file.
    assert "criminal" not in await _exported()
    leader = await session_for(api, world.staff["leader"])
    facts = (await (await api.get(f"/api/v1/employers/{world.employer.id}/integrity-file",
                                  headers=leader)).json())["facts"]
    assert not any(f["kind"] == "criminal" for f in facts)

    # Only 政策法规科 reviews; not the one who recorded it; a refusal needs a reason.
    decision = f"/api/v1/credit-fact-reviews/{filed['review_id']}/decision"
    assert (await api.get("/api/v1/credit-fact-reviews", headers=member)).status == 403
    assert (await api.post(decision, json={"approve": True}, headers=member)).status == 403
    admin = await session_for(api, world.staff["admin"])
    listed = (await (await api.get("/api/v1/credit-fact-reviews", headers=admin)).json())["items"]
    assert [(x["id"], x["kind_label"], x["recorded_by"]) for x in listed] == [
        (filed["review_id"], "被追究刑事责任", "张检查")]
    resp = await api.post(url, json={**CRIMINAL, "occurred_on": "2026-01-06"}, headers=admin)
    own = (await resp.json())["review_id"]
    resp = await api.post(f"/api/v1/credit-fact-reviews/{own}/decision", json={"approve": True},
                          headers=admin)
    assert resp.status == 403 and (await resp.json())["code"] == "own_fact"
    resp = await api.post(decision, json={"approve": False}, headers=admin)
    assert resp.status == 422

    before = await _exported()  # the export's cursor may pass the fact while it waits
    resp = await api.post(decision, json={"approve": True, "note": "判决书核对无误"}, headers=admin)
    assert resp.status == 200, await resp.text()
    body = await resp.json()
    assert body["state"] == "approved" and body["reviewed_by"] == "管理员"
    after = await _exported()
    assert after.count("criminal") == 1 and len(after) == len(before) + 1
    assert after[-1] == "criminal"  # a fresh id, after every row exported before
    resp = await api.post(decision, json={"approve": True}, headers=admin)
    assert resp.status == 409
    actions = set(await AuditEvent.filter(action__startswith="credit.fact.")
                  .values_list("action", flat=True))
    assert actions == {"credit.fact.propose", "credit.fact.approve"}


async def test_a_role_grant_needs_a_second_admin(api: Any, world: World) -> None:
    other = await _second_admin(world)
    admin = await session_for(api, world.staff["admin"])
    second = await session_for(api, other)
    target = world.staff["outsider"]
    target.cert_valid_until = dt.date(2030, 12, 31)  # R8: an inspector's certificate is valid
    await target.save()
    grant = {"roles": ["执法检查人员", "发起科室"], "section": "JCZD"}

    # A direct edit of roles or section is refused; other fields still change at once.
    resp = await api.patch(f"/api/v1/staff/{target.id}", json={"roles": grant["roles"]},
                           headers=admin)
    assert resp.status == 409 and (await resp.json())["code"] == "second_admin_required"
    resp = await api.patch(f"/api/v1/staff/{target.id}", json={"mobile": "13800000000"},
                           headers=admin)
    assert resp.status == 200, await resp.text()

    resp = await api.post(f"/api/v1/staff/{target.id}/role-changes", json=grant, headers=admin)
    assert resp.status == 201, await resp.text()
    change = await resp.json()
    assert change["state"] == "pending" and change["proposed_by"] == "管理员"
    await target.refresh_from_db()
    assert not target.is_initiator  # nothing takes effect yet
    decision = f"/api/v1/role-changes/{change['id']}/decision"
    resp = await api.post(decision, json={"approve": True}, headers=admin)
    assert resp.status == 403 and (await resp.json())["code"] == "second_admin_required"
    member = await session_for(api, world.staff["member"])
    assert (await api.post(decision, json={"approve": True}, headers=member)).status == 403
    listed = (await (await api.get("/api/v1/role-changes", headers=second)).json())["items"]
    assert [x["id"] for x in listed] == [change["id"]]

    resp = await api.post(decision, json={"approve": True}, headers=second)
    assert resp.status == 200, await resp.text()
    assert (await resp.json())["decided_by"] == "另一管理员"
    await target.refresh_from_db()
    await target.fetch_related("section")
    assert target.is_initiator and target.section.code == "JCZD"
    actions = set(await AuditEvent.filter(action__startswith="staff.role_change.")
                  .values_list("action", flat=True))
    assert actions == {"staff.role_change.propose", "staff.role_change.approve"}

    # Own account: neither proposed nor approved by oneself.
    resp = await api.post(f"/api/v1/staff/{other.id}/role-changes",
                          json={"roles": ["政策法规科", "发起科室"]}, headers=second)
    assert resp.status == 403 and (await resp.json())["code"] == "own_roles"
    resp = await api.post(f"/api/v1/staff/{other.id}/role-changes",
                          json={"roles": ["政策法规科", "发起科室"]}, headers=admin)
    assert resp.status == 201
    resp = await api.post(f"/api/v1/role-changes/{(await resp.json())['id']}/decision",
                          json={"approve": True}, headers=second)
    assert resp.status == 403
    await other.refresh_from_db()
    assert not other.is_initiator


async def test_an_upload_cannot_grant_roles_either(api: Any, world: World) -> None:
    """The inspector sheet over the staff API changes no existing person's roles or section
    (one's own included); new people and other columns import as before."""
    from tests.miniprogram_api.test_api_roster_preview import _form

    admin = await session_for(api, world.staff["admin"])
    header = "姓名,企业微信账号,执法证号,执法证有效期至,所属科室,角色\n"
    grant = header + "钱检查,u-outsider,CERT-outsider,2030-12-31,劳动关系科,执法检查人员、发起科室\n"
    resp = await api.post("/api/v1/imports/inspectors", headers=admin, data=_form(grant))
    assert resp.status == 422, await resp.text()
    assert {e["code"] for e in (await resp.json())["errors"]} == {"second_admin_required"}
    own = header + "管理员,u-admin,,,劳动保障监察支队,政策法规科、发起科室\n"
    resp = await api.post("/api/v1/imports/inspectors", headers=admin, data=_form(own))
    assert resp.status == 422
    await world.staff["outsider"].refresh_from_db()
    assert not world.staff["outsider"].is_initiator
    same = header + ("钱检查,u-outsider,CERT-outsider,2030-12-31,劳动关系科,执法检查人员\n"
                     "孙新人,u-new,CERT-new,2030-12-31,劳动关系科,执法检查人员\n")
    resp = await api.post("/api/v1/imports/inspectors", headers=admin, data=_form(same))
    assert resp.status == 201, await resp.text()
