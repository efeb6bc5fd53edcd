"""The upload preview (issue 14): the import runs and is rolled back, so 政策法规科 sees every
bad row against the sheet's rows, or what a sound sheet would create and change, and nothing is
kept — no row, no audit event (R8, R9, R21)."""

from __future__ import annotations

from typing import Any

import aiohttp

from inspection.rosters.uscc import make_uscc
from models.audit import AuditEvent
from models.employers import Employer
from models.org import Staff
from tests.fieldworld import session_for

HEADER = "统一社会信用代码,单位名称,乡镇街道,诚信等级\n"
NEW = make_uscc("91500102MA5U1000"[:17].ljust(17, "0"))


def _form(text: str, name: str = "sheet.csv") -> aiohttp.FormData:
    form = aiohttp.FormData()
    form.add_field("file", text.encode("utf-8"), filename=name, content_type="text/csv")
    return form


async def _preview(api: Any, world: Any, kind: str, sheet: str) -> dict[str, Any]:
    admin = await session_for(api, world.staff["admin"])
    before = await AuditEvent.all().count()
    resp = await api.post(f"/api/v1/imports/{kind}/preview", data=_form(sheet), headers=admin)
    assert resp.status == 200, await resp.text()
    assert await AuditEvent.all().count() == before  # nothing kept, not even the audit trail
    return dict(await resp.json())


async def test_a_bad_row_is_shown_against_the_sheet_and_nothing_is_kept(api: Any,
                                                                        world: Any) -> None:
    sheet = HEADER + f"{NEW},涪陵甲公司,敦仁街道,A\n915001021234,涪陵乙公司,敦仁街道,D\n"
    out = await _preview(api, world, "employers", sheet)
    assert out["ok"] is False and out["summary"] is None
    assert "1 行有误" in out["message"]
    assert [c["header"] for c in out["columns"]] == ["统一社会信用代码", "单位名称", "乡镇街道",
                                                     "诚信等级"]
    good, bad = out["rows"]
    assert good["row"] == 2 and good["problems"] == [] and good["values"]["name"] == "涪陵甲公司"
    assert bad["row"] == 3 and bad["values"]["grade"] == "D"
    assert {p["field"] for p in bad["problems"]} == {"统一社会信用代码", "诚信等级"}
    assert not await Employer.filter(uscc=NEW).exists()


async def test_a_sound_sheet_shows_what_it_would_create_and_change(api: Any, world: Any) -> None:
    old = await Employer.create(uscc=make_uscc("91500102MA5U2000"[:17].ljust(17, "0")),
                                name="涪陵丙公司", township="敦仁街道")
    sheet = HEADER + f"{NEW},涪陵甲公司,敦仁街道,A\n{old.uscc},{old.name},李渡街道,C\n"
    out = await _preview(api, world, "employers", sheet)
    assert out["ok"] is True and out["problems"] == [], out["problems"]
    assert out["summary"]["created"] == 1 and out["summary"]["updated"] == 1
    created, updated = out["rows"]
    assert (created["action"], created["key"]) == ("create", NEW)
    assert updated["action"] == "update"
    assert {(c["label"], c["before"], c["after"]) for c in updated["changes"]} == {
        ("乡镇街道", "敦仁街道", "李渡街道"), ("诚信等级", "未评级", "C")}
    assert not await Employer.filter(uscc=NEW).exists()
    await old.refresh_from_db()
    assert old.township == "敦仁街道"


async def test_inspectors_preview_names_sections_and_roles(api: Any, world: Any) -> None:
    member = world.staff["member"]
    sheet = ("姓名,企业微信账号,所属科室,角色,执法证号,执法证有效期至\n"
             f"{member.name},{member.wecom_userid},劳动保障监察支队,执法检查人员、组长,"
             f"{member.cert_no},2030-01-01\n")
    out = await _preview(api, world, "inspectors", sheet)
    # Roles and section of someone on the roster change only with a second admin (issue 16).
    assert out["ok"] is False, out
    assert {(p["field"], p["code"]) for p in out["problems"]} == {
        ("角色", "second_admin_required"), ("所属科室", "second_admin_required")}
    newcomer = sheet.replace(member.wecom_userid, "u-newcomer").replace(member.cert_no or "", "CERT-N")
    out = await _preview(api, world, "inspectors", newcomer.replace(member.name, "孙新人"))
    assert out["ok"] is True, out
    assert out["rows"][0]["action"] == "create"
    await member.refresh_from_db()
    assert not member.is_leader and await Staff.filter(is_leader=True).count() == 2


async def test_a_bad_header_is_a_problem_of_the_file(api: Any, world: Any) -> None:
    out = await _preview(api, world, "employers", "名称,地址\n甲,乙\n")
    assert out["ok"] is False and out["rows"] == [] and out["rows_total"] == 0
    assert any(p["code"] == "missing_column" for p in out["problems"])


async def test_items_preview_and_refusal_for_others(api: Any, world: Any) -> None:
    sheet = "事项名称,检查依据,检查主体,检查内容,检查方式\n新事项,依据,主体,内容,方式\n"
    out = await _preview(api, world, "items", sheet)
    assert out["ok"] is True and out["rows"][0]["action"] == "create"
    inspector = await session_for(api, world.staff["member"])
    resp = await api.post("/api/v1/imports/items/preview", data=_form(sheet), headers=inspector)
    assert resp.status == 403
    assert "政策法规科" in (await resp.json(content_type="application/problem+json"))["detail"]
