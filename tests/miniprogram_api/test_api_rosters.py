"""Roster maintenance over the staff API (R8, R9, R21): uploads with the CLI's row errors,
all-or-nothing, idempotent; XLSX exports; edits validated like the import; 回避."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import aiohttp
import pytest
from openpyxl import load_workbook

from inspection import clock
from inspection.rosters.uscc import make_uscc
from models.audit import AuditEvent
from models.employers import Employer, GradeChange
from models.enums import Grade, StaffStatus
from models.org import Conflict, Staff
from tests.fieldworld import session_for

PROBLEM = "application/problem+json"
HEADER = "统一社会信用代码,单位名称,乡镇街道,诚信等级\n"


def _form(text: str, name: str = "employers.csv") -> aiohttp.FormData:
    form = aiohttp.FormData()
    form.add_field("file", text.encode("utf-8"), filename=name, content_type="text/csv")
    return form


async def test_upload_with_a_bad_row_names_it_and_imports_nothing(api: Any, world: Any) -> None:
    admin = await session_for(api, world.staff["admin"])
    good, bad = make_uscc("91500102MA5U1000"[:17].ljust(17, "0")), "915001021234"
    sheet = HEADER + f"{good},涪陵甲公司,敦仁街道,A\n{bad},涪陵乙公司,敦仁街道,D\n"
    resp = await api.post("/api/v1/imports/employers", data=_form(sheet), headers=admin)
    assert resp.status == 422
    assert resp.content_type == PROBLEM
    body = await resp.json(content_type=PROBLEM)
    assert {(e["row"], e["field"]) for e in body["errors"]} >= {(3, "统一社会信用代码"),
                                                               (3, "诚信等级")}
    assert "未导入任何数据" in body["detail"]
    assert not await Employer.filter(uscc=good).exists()  # all-or-nothing

    fixed = HEADER + f"{good},涪陵甲公司,敦仁街道,A\n"
    key = {"Idempotency-Key": "upload-1", **admin}
    resp = await api.post("/api/v1/imports/employers", data=_form(fixed), headers=key)
    assert resp.status == 201, await resp.text()
    assert (await resp.json())["created"] == 1
    again = await api.post("/api/v1/imports/employers", data=_form(fixed), headers=key)
    assert again.headers.get("Idempotent-Replayed") == "true"
    assert await Employer.filter(uscc=good).count() == 1
    event = await AuditEvent.filter(action="employer.create").order_by("-seq").first()
    assert event is not None and event.actor == f"staff:{world.staff['admin'].id}"  # R21


async def test_export_is_an_xlsx_of_the_roster(api: Any, world: Any) -> None:
    admin = await session_for(api, world.staff["admin"])
    resp = await api.get("/api/v1/exports/employers", headers=admin)
    assert resp.status == 200
    assert resp.content_type.endswith("spreadsheetml.sheet")
    assert "attachment" in resp.headers["Content-Disposition"]
    ws = load_workbook(io.BytesIO(await resp.read())).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][0] == "统一社会信用代码"
    assert rows[1][:2] == (world.employer.uscc, world.employer.name)


async def test_export_file_is_named_by_the_beijing_date(api: Any, world: Any,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    # The file name's date comes from inspection.clock (Beijing), not the machine's zone: at
    # 01:00 in Beijing a server on UTC still has the previous day.
    monkeypatch.setattr(clock, "today", lambda: dt.date(2027, 1, 1))
    admin = await session_for(api, world.staff["admin"])
    for kind in ("employers", "inspectors", "items"):
        resp = await api.get(f"/api/v1/exports/{kind}", headers=admin)
        assert resp.status == 200
        assert resp.headers["Content-Disposition"] == (
            f'attachment; filename="{kind}-2027-01-01.xlsx"')


async def test_employer_edit_is_validated_like_the_import_and_audited(api: Any, world: Any) -> None:
    admin = await session_for(api, world.staff["admin"])
    url = f"/api/v1/employers/{world.employer.id}"
    resp = await api.patch(url, json={"grade": "D", "name": ""}, headers=admin)
    assert resp.status == 422
    errors = (await resp.json(content_type=PROBLEM))["errors"]
    assert {e["field"] for e in errors} == {"grade", "name"}
    assert any("A、B、C" in e["message"] for e in errors)

    resp = await api.patch(url, json={"grade": "A", "headcount": 35}, headers=admin)
    assert resp.status == 200, await resp.text()
    assert (await resp.json())["grade"] == "A"
    change = await GradeChange.get(employer=world.employer)  # R12: grade history
    assert (change.grade, change.previous, change.source) == (Grade.A, Grade.NONE, "manual")
    event = await AuditEvent.filter(action="employer.update").order_by("-seq").first()
    assert event is not None and event.before == {"grade": "none", "headcount": 0}

    listing = await api.get("/api/v1/employers?q=涪陵", headers=admin)
    assert (await listing.json())["total"] == 1


async def test_suspending_staff_ends_their_sessions(api: Any, world: Any) -> None:
    admin = await session_for(api, world.staff["admin"])
    member = world.staff["member"]
    theirs = await session_for(api, member)
    assert (await api.get("/api/v1/me", headers=theirs)).status == 200
    resp = await api.patch(f"/api/v1/staff/{member.id}", json={"status": "暂停执法"},
                           headers=admin)
    assert resp.status == 200, await resp.text()
    assert (await resp.json())["status"] == "suspended"
    assert (await Staff.get(id=member.id)).status == StaffStatus.SUSPENDED
    assert (await api.get("/api/v1/me", headers=theirs)).status == 401


async def test_staff_edit_keeps_the_certificate_rule(api: Any, world: Any) -> None:
    admin = await session_for(api, world.staff["admin"])
    member = world.staff["member"]
    resp = await api.patch(f"/api/v1/staff/{member.id}", json={"cert_no": ""}, headers=admin)
    assert resp.status == 422  # R8: an inspector needs a certificate
    errors = (await resp.json(content_type=PROBLEM))["errors"]
    assert [e["code"] for e in errors] == ["cert_required"]
    taken = world.staff["member2"].cert_no
    resp = await api.patch(f"/api/v1/staff/{member.id}", json={"cert_no": taken, "cert_valid_until": "2027-12-31"},
                           headers=admin)
    assert [e["code"] for e in (await resp.json(content_type=PROBLEM))["errors"]] == ["cert_taken"]
    resp = await api.patch(f"/api/v1/staff/{member.id}", json={"cert_valid_until": "2027-12-31"},
                           headers=admin)
    assert resp.status == 200, await resp.text()
    # Roles and section: proposed by one admin, in force once a second approves (issue 16).
    url = f"/api/v1/staff/{member.id}/role-changes"
    resp = await api.post(url, json={"roles": ["执法检查人员", "组长"], "section": "劳动关系科"},
                          headers=admin)
    assert resp.status == 201, await resp.text()
    second = await session_for(api, await Staff.create(
        name="另一管理员", wecom_userid="u-admin2", section_id=world.staff["admin"].section_id,
        is_admin=True))
    resp = await api.post(f"/api/v1/role-changes/{(await resp.json())['id']}/decision",
                          json={"approve": True}, headers=second)
    assert resp.status == 200, await resp.text()
    got = await (await api.get(f"/api/v1/staff/{member.id}", headers=admin)).json()
    assert got["roles"] == ["inspector", "leader"]
    resp = await api.post(url, json={"roles": ["厨师"]}, headers=admin)
    assert resp.status == 422


async def test_conflicts_declare_list_delete(api: Any, world: Any) -> None:
    admin = await session_for(api, world.staff["admin"])
    member = world.staff["member"]
    url = f"/api/v1/staff/{member.id}/conflicts"
    body = {"employer_id": world.employer.id, "reason": "配偶在该单位任职"}
    resp = await api.post(url, json=body, headers=admin)
    assert resp.status == 201, await resp.text()
    cid = (await resp.json())["id"]
    assert (await api.post(url, json=body, headers=admin)).status == 409
    listed = await (await api.get(url, headers=admin)).json()
    assert [c["employer_name"] for c in listed["items"]] == [world.employer.name]
    resp = await api.delete(f"/api/v1/conflicts/{cid}", headers=admin)
    assert resp.status == 204
    assert not await Conflict.filter(id=cid).exists()
    assert await AuditEvent.filter(action="conflict.delete").exists()  # R21


async def test_non_admin_cannot_upload(api: Any, world: Any) -> None:
    initiator = await session_for(api, world.staff["initiator"])
    resp = await api.post("/api/v1/imports/employers", data=_form(HEADER), headers=initiator)
    assert resp.status == 403
    assert (await resp.json(content_type=PROBLEM))["code"] == "admin_only"


async def test_an_admin_cannot_change_their_own_roles_or_section(api: Any, world: Any) -> None:
    """Else 政策法规科 could make itself an initiator and read confidential campaigns (R14)."""
    me = world.staff["admin"]
    admin = await session_for(api, me)
    for change in ({"roles": ["政策法规科", "发起科室"]}, {"section": "劳动保障监察支队"},
                   {"status": "调离"}):
        resp = await api.patch(f"/api/v1/staff/{me.id}", json=change, headers=admin)
        assert resp.status == 403, await resp.text()
        assert (await resp.json())["code"] == "own_roles"
    after = await Staff.get(id=me.id)
    assert (after.is_initiator, after.section_id, after.status) == (
        me.is_initiator, me.section_id, me.status)
    resp = await api.patch(f"/api/v1/staff/{me.id}", json={"mobile": "13800000000"},
                           headers=admin)
    assert resp.status == 200  # one's own contact details stay editable
