"""The staff app in a real browser (issue 13 item 5): Debian's Chromium at 390×844, driven by
playwright-core (webapp/e2e/*.mjs), against a real `suiji serve` on PostgreSQL + Redis with the
demo data. The rows the phone should have made are then counted on the server: exactly the
expected ones, none twice. Screenshots are kept under test-artifacts/webapp/."""

from __future__ import annotations

import io
import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from PIL import Image, ImageDraw

from inspection import access
from inspection.notices.issuing import verification_code
from models.audit import AuditEvent
from models.callups import CallUp
from models.campaigns import Campaign
from models.enums import CallUpState, FindingResult, InspectionState, NoticeKind
from models.fieldwork import Evidence, Finding, Inspection, InspectionMember, RectificationOrder
from models.notices import Notice
from models.org import Conflict, Staff
from models.outbox import OutboxMessage
from models.system import IdempotencyRecord
from notifications.wecom import render
from suiji.demo.draws import DONE_CODE
from suiji.settings import Settings
from tests.webapp.stage import Stage, close, require_webapp, run_node, start

# A server, the demo data and a headless browser each, with deadlines: on one xdist worker, one such
# test at a time (tests/conftest.py).
pytestmark = pytest.mark.xdist_group("app-processes")


@pytest.fixture
async def stage(settings: Settings) -> AsyncIterator[Stage]:
    if not settings.database_url.startswith("postgres") or not settings.redis_url:
        pytest.skip("the browser tests run against PostgreSQL + Redis (./test.sh's second pass)")
    require_webapp()
    s = await start(settings)
    yield s
    await close(s)


def photo(path: Path, size: tuple[int, int], seed: int) -> str:
    """A busy JPEG like a phone's photo of a workplace (noise keeps it from compressing away)."""
    img = Image.effect_noise(size, 60).convert("RGB")
    draw = ImageDraw.Draw(img)
    for i in range(40):
        x, y = (seed * 97 + i * 131) % size[0], (seed * 53 + i * 71) % size[1]
        draw.rectangle([x, y, x + size[0] // 6, y + size[1] // 9], fill=(i * 6, 120, 200 - i * 4))
    out = io.BytesIO()
    img.save(out, "JPEG", quality=90)
    path.write_bytes(out.getvalue())
    return str(path)


async def team_for(stage: Stage, inspection: Inspection, people: list[Staff]) -> None:
    campaign = await Campaign.get(inspections__id=inspection.id).prefetch_related("leader")
    assert campaign.leader is not None
    await stage.call("PUT", f"/inspections/{inspection.id}/members", campaign.leader.wecom_userid,
                     json={"staff_ids": [p.id for p in people]})


async def field_plan(stage: Stage, tmp_path: Path, index: int) -> tuple[dict, Inspection]:
    campaign = await Campaign.get(code=DONE_CODE)
    people = await Staff.filter(callups__campaign_id=campaign.id, callups__state="accepted"
                                ).order_by("id").limit(2)
    inspection = await Inspection.filter(campaigns__id=campaign.id).order_by("id").offset(index).first()
    assert inspection is not None and len(people) == 2
    await team_for(stage, inspection, people)
    detail = await stage.call("GET", f"/inspections/{inspection.id}", people[0].wecom_userid)
    items = [i["item_version_id"] for i in detail["items"]][:3]
    assert len(items) == 3, "the demo campaign has three items"
    plan = {"inspection_id": inspection.id, "inspector": people[0].name, "partner": people[1].name,
            "findings": [
                {"item": items[0], "label": "符合", "photo": photo(tmp_path / "a.jpg", (1600, 1200), 1)},
                {"item": items[1], "label": "不符合", "text": "抽查 12 名劳动者，3 名未订立书面劳动合同。",
                 "basis": "《劳动合同法》第十条", "photo": photo(tmp_path / "b.jpg", (4032, 3024), 2)},
                {"item": items[2], "label": "不适用"}]}
    return plan, inspection


async def test_a_whole_inspection_from_the_phone(stage: Stage, tmp_path: Path,
                                                 settings: Settings) -> None:
    plan, inspection = await field_plan(stage, tmp_path, 0)
    out = await run_node("field.mjs", "online", base=stage.base, plan=plan)
    assert out["problems"] == []
    findings = await Finding.filter(inspection_id=inspection.id).order_by("item_version_id")
    assert [f.result for f in findings] == [FindingResult.COMPLIANT, FindingResult.NONCOMPLIANT,
                                            FindingResult.NOT_APPLICABLE]
    evidence = await Evidence.filter(inspection_id=inspection.id)
    assert sorted(e.finding_id for e in evidence) == [findings[0].id, findings[1].id]  # type: ignore[attr-defined]
    assert all(e.size <= 600 * 1024 for e in evidence)  # compressed on the phone
    members = await InspectionMember.filter(inspection_id=inspection.id)
    assert all(m.confirmed_at is not None for m in members) and len(members) == 2
    await inspection.refresh_from_db()
    assert inspection.state == InspectionState.RECTIFYING
    order = await RectificationOrder.get(inspection_id=inspection.id)
    assert order.working_days == 10
    assert out["deadline_shown"] == f"{order.deadline.year}年{order.deadline.month}月{order.deadline.day}日"
    notice = await Notice.get(rectification_order_id=order.id, kind=NoticeKind.RECTIFICATION)
    assert out["qr"] == f"{stage.base}/n/{notice.token}"  # decoded from the screenshot
    assert out["qr_status"] == 200 and out["qr_page_has_number"]
    assert out["code_shown"] == verification_code(token=notice.token, secret=settings.secret_key or "")
    assert not out["code_on_public_page"]
    assert out["ack_after_unlock"] == 200  # locked by wrong codes, lifted from the app
    await notice.refresh_from_db()
    assert notice.acknowledged_at is not None and notice.ack_lockouts == 0


async def test_offline_records_arrive_once(stage: Stage, tmp_path: Path) -> None:
    plan, inspection = await field_plan(stage, tmp_path, 1)
    out = await run_node("field.mjs", "offline", base=stage.base, plan=plan)
    assert out["problems"] == [] and out["lost_answers"] == 1
    assert await Finding.filter(inspection_id=inspection.id).count() == 3
    # One photo's answer was lost and the app sent it again: still two, not three.
    assert await Evidence.filter(inspection_id=inspection.id).count() == 2
    me = await Staff.get(name=plan["inspector"])
    member = await InspectionMember.get(inspection_id=inspection.id, staff_id=me.id)
    assert member.confirmed_at is not None
    replayed = await IdempotencyRecord.filter(staff_id=me.id, path__contains="/evidence").count()
    assert replayed == 2


async def leader_link(stage: Stage, campaign: Campaign) -> str:
    """The link in the leader's "检查组已组成" message, as the worker renders it."""
    row = await OutboxMessage.get(idempotency_key=f"campaign:{campaign.id}:team:leader")
    words = render.message_body(row.payload, base_url=stage.base)["text"]["content"]
    found = re.search(r'<a href="([^"]+)">', words)
    assert found is not None, words
    return found.group(1)


async def test_a_leader_assigns_a_team_from_the_phone(stage: Stage) -> None:
    campaign = await Campaign.get(code=DONE_CODE).prefetch_related("leader")
    assert campaign.leader is not None
    people = await Staff.filter(callups__campaign_id=campaign.id, callups__state="accepted"
                                ).order_by("-id").limit(2)
    inspection = await Inspection.filter(campaigns__id=campaign.id).order_by("-id").first(
        ).prefetch_related("employer")
    assert inspection is not None
    # From WeCom into the app: the message's link opens the campaign once logged in.
    plan = {"campaign_id": campaign.id, "leader": campaign.leader.name,
            "link": await leader_link(stage, campaign),
            "employer": inspection.employer.name, "people": [p.name for p in people]}
    out = await run_node("leader.mjs", base=stage.base, plan=plan)
    assert out["problems"] == [] and out["proposal_rows"] > 1
    team = await InspectionMember.filter(inspection_id=inspection.id).values_list("staff_id", flat=True)
    assert sorted(team) == sorted(p.id for p in people)
    await inspection.refresh_from_db()
    assert inspection.state == InspectionState.ASSIGNED

    # An inspector of the same campaign withdraws an accepted call-up for an official duty.
    await campaign.refresh_from_db()
    inspector = await withdrawable(campaign)
    reason = "抽调参加市局专项督查"
    out = await run_node("callup.mjs", base=stage.base, plan={
        "inspector": inspector.name, "campaign_code": campaign.code, "reason": reason})
    assert out["problems"] == []
    callup = await CallUp.get(campaign_id=campaign.id, staff_id=inspector.id)
    assert callup.state == CallUpState.WITHDRAWN and callup.reason == reason
    assert not await InspectionMember.filter(
        staff_id=inspector.id, inspection__campaigns__id=campaign.id).exists()


async def withdrawable(campaign: Campaign) -> Staff:
    """An inspector who accepted and is on none of this campaign's visits that have begun (those
    may not withdraw; a begun visit of another campaign does not matter, as in the domain's
    rule — the demo's random draw can put every accepted inspector on one of those)."""
    begun = set(await InspectionMember.filter(
        inspection__campaigns__id=campaign.id,
        inspection__state__not_in=[InspectionState.PLANNED, InspectionState.ASSIGNED]
    ).values_list("staff_id", flat=True))
    accepted = await Staff.filter(callups__campaign_id=campaign.id,
                                  callups__state=CallUpState.ACCEPTED).order_by("id")
    free = [s for s in accepted if s.id not in begun]
    assert free, "the demo campaign has an inspector free to withdraw"
    return free[0]


async def test_an_inspector_declares_a_conflict_from_the_phone(stage: Stage) -> None:
    # 回避: the conflict registered, the inspector off the team of a visit not yet begun, the
    # leader told; a reason too short changes nothing.
    campaign = await Campaign.get(code=DONE_CODE).prefetch_related("leader")
    # Off the team, the visit must be none of theirs: not someone of the initiating section, who
    # sees every visit of the campaign anyway (which inspectors are still accepted depends on the
    # tests that ran before on this stage: one withdraws the first free one).
    accepted = await Staff.filter(callups__campaign_id=campaign.id, callups__state="accepted"
                                  ).order_by("id")
    people = [s for s in accepted
              if s.id != campaign.leader_id and not access.initiates(s, campaign)][:2]
    inspection = await Inspection.filter(campaigns__id=campaign.id).order_by("id").offset(2).first(
        ).prefetch_related("employer")
    assert inspection is not None and len(people) == 2
    await team_for(stage, inspection, people)
    me, partner = people
    reason = "配偶在该单位任职"
    out = await run_node("recusal.mjs", base=stage.base, plan={
        "inspection_id": inspection.id, "inspector": me.name,
        "employer": inspection.employer.name, "reason": reason})
    assert out["problems"] == [], out["problems"]
    assert "事由" in out["refusal"], out["refusal"]  # the refusal said what was wrong
    assert f"您已移出 {inspection.code} 的检查组" in out["message"] and "组长已收到通知" in out["message"]
    assert not out["still_listed"]
    assert "无权查看" in out["visit_text"]  # the visit, opened by its link, is not theirs any more
    conflict = await Conflict.get(staff_id=me.id, employer_id=inspection.employer.id)
    assert conflict.reason == reason
    assert await Conflict.filter(staff_id=me.id).count() == 1  # the refused try left nothing
    team = await InspectionMember.filter(inspection_id=inspection.id).values_list("staff_id", flat=True)
    assert list(team) == [partner.id]
    note = await OutboxMessage.get(
        idempotency_key=f"recusal:{campaign.id}:{me.id}:{inspection.employer.id}")
    assert campaign.leader is not None and campaign.leader.wecom_userid in str(note.payload)
    assert await AuditEvent.filter(action="conflict.declare", object_id=str(conflict.id)).exists()
