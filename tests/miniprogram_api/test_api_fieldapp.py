"""What the staff app needs beyond the mini-program's routes: the deadline an order would get
(shown before saving), the campaign's call-up as a list to pick from, the employer's uploads
marked reviewed, and each notice's public URL (its QR code) in the inspection's detail."""

from __future__ import annotations

import datetime as dt
from typing import Any

from inspection import calendar, clock
from inspection.notices import issuing as notices
from models.audit import AuditEvent
from models.enums import FindingResult, InspectionState, NoticeKind
from models.fieldwork import Evidence, Finding
from notifications.appkeys import CONFIG, STORAGE
from tests.fieldworld import World, form_team, jpeg, session_for
from tests.notices_fixtures import ISSUER


async def test_deadline_preview_is_the_orders_deadline(api: Any, world: World) -> None:
    member = await session_for(api, world.staff["member"])
    resp = await api.get("/api/v1/calendar/deadline", params={"working_days": 10}, headers=member)
    assert resp.status == 200, await resp.text()
    preview = await resp.json()
    expected, _ = await calendar.add_working_days(clock.today(), 10)
    assert preview["start"] == clock.today().isoformat()
    assert preview["deadline"] == expected.isoformat()
    # The order issued today gets that very deadline.
    world.inspection.state = InspectionState.SUBMITTED
    await world.inspection.save()
    finding = await Finding.create(inspection=world.inspection, item_version=world.items[0],
                                   result=FindingResult.NONCOMPLIANT, description="未签合同",
                                   recorded_by=world.staff["member"])
    order = await api.post(f"/api/v1/inspections/{world.inspection.id}/rectification-orders",
                           json={"finding_ids": [finding.id], "requirements": "补签",
                                 "working_days": 10}, headers=member)
    assert (await order.json())["deadline"] == preview["deadline"]
    for bad in (0, 251, "x"):
        resp = await api.get("/api/v1/calendar/deadline", params={"working_days": bad},
                             headers=member)
        assert resp.status == 422


async def test_campaign_callups_list_in_draw_order(api: Any, world: World) -> None:
    await form_team(world, ["member2", "member"])
    campaign = world.campaigns[0]
    resp = await api.get(f"/api/v1/campaigns/{campaign.id}/callups",
                         headers=await session_for(api, world.staff["leader"]))
    assert resp.status == 200, await resp.text()
    items = (await resp.json())["items"]
    assert [(c["name"], c["position"], c["state"], c["state_label"]) for c in items] == [
        ("赵检查", 1, "accepted", "已接受"), ("张检查", 2, "accepted", "已接受")]
    assert items[0]["staff_id"] == world.staff["member2"].id
    other = await api.get(f"/api/v1/campaigns/{campaign.id}/callups",
                          headers=await session_for(api, world.staff["other_leader"]))
    assert other.status == 404


async def test_employer_uploads_show_and_take_their_review(api: Any, world: World) -> None:
    world.inspection.state = InspectionState.RECTIFYING
    await world.inspection.save()
    notice = await notices.issue_notice(
        kind=NoticeKind.INSPECTION, employer_id=world.employer.id, content={"body": "通知"},
        issued_by_id=world.staff["member"].id, issuer=ISSUER,
        inspection_id=world.inspection.id)
    notice.acknowledged_at = dt.datetime.now(dt.UTC)
    await notice.save()
    upload = await notices.add_employer_evidence(
        notice_id=notice.id, data=jpeg(), original_name="整改.jpg", storage=api.app[STORAGE],
        quota=notices.UploadQuota())
    member = await session_for(api, world.staff["member"])
    detail = await (await api.get(f"/api/v1/inspections/{world.inspection.id}",
                                  headers=member)).json()
    row = next(e for e in detail["evidence"] if e["id"] == upload.id)
    assert row["notice_id"] == notice.id and row["reviewed"] is False
    assert row["review_status"] == "pending"
    shown = next(n for n in detail["notices"] if n["id"] == notice.id)
    assert shown["url"] == f"{api.app[CONFIG].public_base_url}/n/{notice.token}"
    assert shown["verification_code"] == notices.verification_code(
        token=notice.token, secret=api.app[CONFIG].secret_key)
    assert shown["locked_until"] is None
    leader = await session_for(api, world.staff["leader"])
    resp = await api.post(f"/api/v1/evidence/{upload.id}/review", headers=leader,
                          json={"accepted": True})
    assert resp.status == 403  # the visit's team reviews, not the leader
    resp = await api.post(f"/api/v1/evidence/{upload.id}/review", headers=member,
                          json={"accepted": True})
    assert resp.status == 200 and (await resp.json())["review_status"] == "accepted"
    again = await api.post(f"/api/v1/evidence/{upload.id}/review", headers=member,
                           json={"accepted": True})
    assert again.status == 409  # once: a new upload is the way to answer
    assert await AuditEvent.filter(action="evidence.review", object_id=str(upload.id)).count() == 1
    assert (await Evidence.get(id=upload.id)).reviewed


async def test_only_employer_uploads_are_reviewed(api: Any, world: World) -> None:
    world.inspection.state = InspectionState.CHECKED_IN
    await world.inspection.save()
    own = await Evidence.create(inspection=world.inspection, content_type="image/jpeg", size=1,
                                sha256="1" * 64, storage_key="evidence/11/y",
                                uploaded_by=world.staff["member"])
    resp = await api.post(f"/api/v1/evidence/{own.id}/review", json={"accepted": True},
                          headers=await session_for(api, world.staff["member"]))
    assert resp.status == 409
    assert (await resp.json())["code"] == "not_employer_upload"
