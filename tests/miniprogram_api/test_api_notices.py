"""Notices over the staff API (R3, R21, R22): issued by the team, revoked and superseded with a
reason, the PDF/PNG for those who may read the inspection; a rectification order issued over the
API comes with its 限期改正指令书 in the same transaction."""

from __future__ import annotations

from typing import Any

from inspection.notices import issuing as notices
from models.audit import AuditEvent
from models.enums import FindingResult, InspectionState, NoticeKind, NoticeStatus
from models.fieldwork import Finding
from models.notices import Notice
from notifications.appkeys import CONFIG
from tests.fieldworld import session_for
from tests.notices_fixtures import pdf_text

PROBLEM = "application/problem+json"


async def test_issue_revoke_supersede_and_files(api: Any, world: Any) -> None:
    member = await session_for(api, world.staff["member"])
    url = f"/api/v1/inspections/{world.inspection.id}/notices"
    body = {"kind": "inspection", "body": "定于近日对你单位进行劳动保障监察检查，请予配合。",
            "items": ["劳动合同签订情况"]}
    resp = await api.post(url, json=body, headers=member)
    assert resp.status == 201, await resp.text()
    first = await resp.json()
    assert first["number"].startswith("涪人社监察检〔") and "/n/" in first["url"]
    resp = await api.post(url, json=body, headers=await session_for(api, world.staff["leader"]))
    assert resp.status == 403  # the leader reads; the team issues

    for who, expected in (("leader", 200), ("initiator", 200), ("outsider", 404)):
        resp = await api.get(f"/api/v1/notices/{first['id']}/pdf",
                             headers=await session_for(api, world.staff[who]))
        assert resp.status == expected, who
    resp = await api.get(f"/api/v1/notices/{first['id']}/pdf", headers=member)
    assert (await resp.read()).startswith(b"%PDF")

    resp = await api.post(f"/api/v1/notices/{first['id']}/supersede", headers=member,
                          json={"reason": "检查日期有误", "body": "更正后的通知内容。"})
    assert resp.status == 201, await resp.text()
    second = await resp.json()
    assert second["number"] != first["number"]
    old = await Notice.get(id=first["id"])
    assert (old.status, old.superseded_by_id) == (NoticeStatus.SUPERSEDED, second["id"])

    resp = await api.post(f"/api/v1/notices/{second['id']}/revoke", json={"reason": " "},
                          headers=member)
    assert resp.status == 422
    resp = await api.post(f"/api/v1/notices/{second['id']}/revoke", json={"reason": "检查取消"},
                          headers=member)
    assert (resp.status, (await resp.json())["status"]) == (200, "revoked")
    resp = await api.post(f"/api/v1/notices/{second['id']}/revoke", json={"reason": "再次"},
                          headers=member)
    assert resp.status == 409


async def test_rectification_order_issues_its_notice(api: Any, world: Any) -> None:
    world.inspection.state = InspectionState.SUBMITTED
    await world.inspection.save()
    finding = await Finding.create(inspection=world.inspection, item_version=world.items[0],
                                   result=FindingResult.NONCOMPLIANT, description="未签合同",
                                   recorded_by=world.staff["member"])
    member = await session_for(api, world.staff["member"])
    resp = await api.post(f"/api/v1/inspections/{world.inspection.id}/rectification-orders",
                          json={"finding_ids": [finding.id], "requirements": "补签书面劳动合同",
                                "working_days": 10}, headers=member)
    assert resp.status == 201, await resp.text()
    order = await resp.json()
    notice = await Notice.get(rectification_order_id=order["id"])
    assert notice.kind == NoticeKind.RECTIFICATION
    assert (order["notice_number"], notice.deadline.isoformat()) == (notice.number,
                                                                      order["deadline"])
    assert order["notice_url"].endswith(f"/n/{notice.token}")
    assert notice.content["body"] == "补签书面劳动合同"


async def test_a_notice_cannot_carry_another_teams_order(api: Any, world: Any) -> None:
    """Another visit of the same employer, by another team: its order answers 404 when read
    directly, so a notice cannot copy its requirements onto paper either."""
    import datetime as dt

    from models.fieldwork import Inspection, RectificationOrder

    other = await Inspection.create(code="JC2026-0099", employer=world.employer,
                                    state=InspectionState.SUBMITTED,
                                    window_start=world.inspection.window_start,
                                    window_end=world.inspection.window_end)
    secret = await RectificationOrder.create(
        inspection=other, employer=world.employer, requirements="另一检查组的整改要求（不应外泄）",
        issued_on=dt.date(2026, 11, 3), working_days=5, deadline=dt.date(2026, 11, 10),
        issued_by=world.staff["outsider"])
    member = await session_for(api, world.staff["member"])
    assert (await api.get(f"/api/v1/rectification-orders/{secret.id}",
                          headers=member)).status == 404
    url = f"/api/v1/inspections/{world.inspection.id}/notices"
    resp = await api.post(url, headers=member, json={
        "kind": "rectification", "rectification_order_id": secret.id, "deadline": "2026-12-10"})
    assert resp.status == 404, await resp.text()
    assert await Notice.filter(rectification_order_id=secret.id).count() == 0


async def _locked_notice(api: Any, world: Any, member: dict[str, str]) -> dict[str, Any]:
    resp = await api.post(f"/api/v1/inspections/{world.inspection.id}/notices", headers=member,
                          json={"kind": "inspection", "body": "定于近日检查，请予配合。"})
    assert resp.status == 201, await resp.text()
    issued = await resp.json()
    path = "/n/" + issued["url"].rsplit("/n/", 1)[1]
    for i in range(notices.LOCK_AFTER):
        await api.post(path + "/ack", data={"code": "13572468"},
                       headers={"X-Real-IP": f"198.51.100.{i}"})
    return issued


async def _shown(api: Any, world: Any, member: dict[str, str], notice_id: int) -> dict[str, Any]:
    detail = await (await api.get(f"/api/v1/inspections/{world.inspection.id}",
                                  headers=member)).json()
    shown: dict[str, Any] = next(n for n in detail["notices"] if n["id"] == notice_id)
    return shown


async def test_the_team_sees_the_code_and_the_lock_and_lifts_it(api: Any, world: Any) -> None:
    # Issue 16 items 6 and 7: the code is shown where the inspector hands the notice over; a
    # lock by wrong codes is lifted by an inspector of the visit's team, and by nobody else.
    member = await session_for(api, world.staff["member"])
    issued = await _locked_notice(api, world, member)
    notice = await Notice.get(id=issued["id"])
    shown = await _shown(api, world, member, notice.id)
    code = notices.verification_code(token=notice.token, secret=api.app[CONFIG].secret_key)
    assert shown["verification_code"] == code and shown["locked_until"] is not None
    pdf = await (await api.get(f"/api/v1/notices/{notice.id}/pdf", headers=member)).read()
    assert f"核验码：{code}" in pdf_text(pdf)  # the paper handed over

    for who, expected in (("leader", 403), ("initiator", 403), ("outsider", 404)):
        resp = await api.post(f"/api/v1/notices/{notice.id}/unlock",
                              headers=await session_for(api, world.staff[who]))
        assert resp.status == expected, who
    assert (await Notice.get(id=notice.id)).ack_locked_until is not None
    resp = await api.post(f"/api/v1/notices/{notice.id}/unlock", headers=member)
    assert resp.status == 200, await resp.text()
    assert (await resp.json())["locked_until"] is None
    event = await AuditEvent.get(action="notice.unlocked", object_id=str(notice.id))
    assert event.actor == f"staff:{world.staff['member'].id}"
    resp = await api.post("/n/" + notice.token + "/ack", data={"code": code},
                          headers={"X-Real-IP": "198.51.100.77"})
    assert resp.status == 200 and "已确认收到" in await resp.text()
