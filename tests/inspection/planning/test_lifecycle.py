"""A campaign from the field to its end (R19): field window timer, the leader's early end, the
report approved by the initiating section, the leader replaced (R16)."""

from __future__ import annotations

import datetime as dt

import pytest
from tortoise.transactions import in_transaction

from inspection.callup import calls as callup
from inspection.credit import reports
from inspection.errors import Conflict, Forbidden, ValidationFailed
from inspection.planning import campaigns, lifecycle
from models.audit import AuditEvent
from models.campaigns import Campaign
from models.enums import (
    CampaignState,
    InspectionState,
    NoticeKind,
    OutboxStatus,
    PublicationKind,
    ReportStatus,
)
from models.fieldwork import Inspection
from models.notices import Notice
from models.outbox import OutboxMessage
from models.publication import Publication
from models.reports import CampaignReport
from notifications.wecom.render import message_body
from tests import factories as f
from tests.clockkit import TestClock, beijing
from tests.notices_fixtures import AUTHORITY as BUREAU

pytestmark = pytest.mark.usefixtures("clean_db")

S = CampaignState


async def in_field(needed: int = 2, employers: tuple[str, ...] = ("甲公司", "乙公司")
                   ) -> tuple[Campaign, list[Inspection]]:
    leader = await f.staff("刘组长", userid="liu", leader=True, inspector=False)
    await f.staff("发起人", userid="init", inspector=False, initiator=True)
    order = [await f.staff(f"检查员{i}", userid=f"insp{i}") for i in range(1, 4)]
    c = await f.campaign(needed=needed, leader=leader)
    await f.inspector_draw(c, order)
    visits = await f.employers_with_inspections(c, list(employers))
    async with in_transaction():
        called = await callup.start_callup(campaign_id=c.id, now=f.NOW, actor="cli")
    for one in called:
        async with in_transaction():
            await callup.accept(callup_id=one.id, staff_id=one.staff_id, now=f.NOW,  # type: ignore[attr-defined]
                                actor="wecom")
    return await Campaign.get(id=c.id), visits


def texts_to(messages: list[OutboxMessage], userid: str) -> list[str]:
    bodies = [message_body(m.payload) for m in messages]  # as the worker sends them
    return [b["text"]["content"] for b in bodies
            if userid in b.get("touser", "").split("|") and b["msgtype"] == "text"]


async def test_entering_the_field_sets_the_window_timer() -> None:
    c, _ = await in_field()
    assert c.state == S.IN_FIELD
    timer = await OutboxMessage.get(topic=lifecycle.FIELD_END_TOPIC)
    # The end of the window's last day (Friday 27 March): midnight, Beijing time.
    assert timer.due_at == beijing(2026, 3, 28, 0)
    assert timer.payload == {"campaign_id": c.id}


async def test_window_end_opens_the_report_and_tells_leader_and_initiators(
        test_clock: TestClock) -> None:
    c, _ = await in_field()
    test_clock.set(beijing(2026, 3, 28, 0, 1))
    async with in_transaction():
        await lifecycle.on_field_window_end({"campaign_id": c.id})
    c = await Campaign.get(id=c.id)
    assert c.state == S.REPORTING
    report = await CampaignReport.get(campaign_id=c.id)
    # R19: 10 working days after Friday 27 March, past the Qingming holiday (4–6 April).
    assert report.due_on == dt.date(2026, 4, 13) and report.status == ReportStatus.DUE
    assert await OutboxMessage.exists(topic=reports.DUE_TOPIC, status=OutboxStatus.PENDING)
    sent = await OutboxMessage.filter(topic="wecom.message").order_by("id")
    for userid in ("liu", "init"):
        assert any("实地检查时间已届满" in t and "2026年4月13日" in t for t in texts_to(sent, userid))
    event = await AuditEvent.filter(action="campaign.reporting").first()
    assert event is not None and event.actor == "system"
    async with in_transaction():  # a second firing changes nothing
        await lifecycle.on_field_window_end({"campaign_id": c.id})
    assert await AuditEvent.filter(action="campaign.reporting").count() == 1


async def test_the_leader_ends_field_work_once_every_visit_is_submitted(
        test_clock: TestClock) -> None:
    c, visits = await in_field()
    leader = await c.leader
    test_clock.set(beijing(2026, 3, 20, 15))
    with pytest.raises(Conflict) as refused:
        await lifecycle.finish_fieldwork(staff=leader, campaign_id=c.id)
    assert refused.value.code == "visits_not_submitted" and "2 户" in refused.value.message
    initiator = await f.staff("发起人2", userid="init2", inspector=False, initiator=True)
    with pytest.raises(Forbidden):
        await lifecycle.finish_fieldwork(staff=initiator, campaign_id=c.id)
    await Inspection.filter(id__in=[v.id for v in visits]).update(
        state=InspectionState.SUBMITTED)
    async with in_transaction():
        await lifecycle.finish_fieldwork(staff=leader, campaign_id=c.id)
    assert (await Campaign.get(id=c.id)).state == S.REPORTING
    # Counted from the day field work ended, not from the end of the window.
    assert (await CampaignReport.get(campaign_id=c.id)).due_on == dt.date(2026, 4, 3)
    timer = await OutboxMessage.get(topic=lifecycle.FIELD_END_TOPIC)
    assert timer.status == OutboxStatus.CANCELLED
    with pytest.raises(Conflict):
        await lifecycle.finish_fieldwork(staff=leader, campaign_id=c.id)


async def test_report_approval_closes_the_campaign(settings, test_clock: TestClock) -> None:
    c, visits = await in_field()
    test_clock.set(beijing(2026, 3, 30, 10))
    async with in_transaction():
        await lifecycle.on_field_window_end({"campaign_id": c.id})
    initiator = await f.staff("科长", userid="chief", inspector=False, initiator=True)
    with pytest.raises(Conflict) as missing:
        await lifecycle.approve_report(staff=initiator, campaign_id=c.id)
    assert missing.value.code == "report_missing"
    async with in_transaction():
        await reports.generate(campaign_id=c.id, actor="staff:1", data_dir=settings.data_dir,
                               issuer=BUREAU)
    visits[0].state = InspectionState.SUBMITTED  # the data change after the report was made
    await visits[0].save()
    with pytest.raises(Conflict) as stale:
        await lifecycle.approve_report(staff=initiator, campaign_id=c.id)
    assert stale.value.code == "report_stale"
    async with in_transaction():
        await reports.generate(campaign_id=c.id, actor="staff:1", data_dir=settings.data_dir,
                               issuer=BUREAU)
    with pytest.raises(Forbidden):  # the leader sees the campaign but does not approve
        await lifecycle.approve_report(staff=await c.leader, campaign_id=c.id)
    async with in_transaction():
        closed = await lifecycle.approve_report(staff=initiator, campaign_id=c.id, note="同意")
    assert closed.state == S.CLOSED and closed.closed_at is not None
    report = await CampaignReport.get(campaign_id=c.id)
    assert report.status == ReportStatus.ARCHIVED and report.approved_by_id == initiator.id  # type: ignore[attr-defined]
    assert report.approval_note == "同意"
    assert await AuditEvent.exists(action="report.approve", actor=f"staff:{initiator.id}")


async def test_report_files_on_demand_only_from_field_work_on() -> None:
    c = await f.campaign(state=S.CALLING_UP)
    with pytest.raises(Conflict) as early:
        await reports.render_now(campaign_id=c.id, fmt="pdf", issuer=BUREAU)
    assert early.value.code == "campaign_not_reportable"
    c.state = S.IN_FIELD
    await c.save()
    pdf, name = await reports.render_now(campaign_id=c.id, fmt="pdf", issuer=BUREAU)
    assert pdf.startswith(b"%PDF") and name == "2026-FL-003-report.pdf"
    xlsx, _ = await reports.render_now(campaign_id=c.id, fmt="xlsx", issuer=BUREAU)
    assert xlsx[:2] == b"PK"


async def test_the_leader_is_replaced_with_a_reason() -> None:
    c, _ = await in_field()
    initiator = await f.staff("科长", userid="chief", inspector=False, initiator=True)
    new = await f.staff("陈组长", userid="chen", leader=True, inspector=False)
    plain = await f.staff("普通检查员", userid="plain")
    with pytest.raises(ValidationFailed) as no_reason:
        await lifecycle.replace_leader(staff=initiator, campaign_id=c.id, leader_id=new.id,
                                       reason=" ")
    assert no_reason.value.problems[0].field == "reason"
    with pytest.raises(ValidationFailed) as not_leader:
        await lifecycle.replace_leader(staff=initiator, campaign_id=c.id, leader_id=plain.id,
                                       reason="原组长借调")
    assert not_leader.value.problems[0].code == "not_a_leader"
    async with in_transaction():
        await lifecycle.replace_leader(staff=initiator, campaign_id=c.id, leader_id=new.id,
                                       reason="原组长借调市局")
    assert (await Campaign.get(id=c.id)).leader_id == new.id  # type: ignore[attr-defined]
    event = await AuditEvent.get(action="campaign.leader_replaced")
    assert event.after == {"leader_id": new.id, "reason": "原组长借调市局"}
    sent = await OutboxMessage.filter(topic="wecom.message").order_by("id")
    assert any("任命" in t and "原组长借调市局" in t for t in texts_to(sent, "chen"))
    assert any("不再担任" in t for t in texts_to(sent, "liu"))


async def test_an_in_field_campaign_is_cancelled_with_its_reason_published() -> None:
    c, visits = await in_field(employers=("甲公司", "乙公司", "丙公司", "丁公司"))
    states = [InspectionState.PLANNED, InspectionState.ASSIGNED, InspectionState.ASSIGNED,
              InspectionState.CHECKED_IN]
    for visit, state in zip(visits, states, strict=True):
        visit.state = state
        await visit.save()
    await Notice.create(kind=NoticeKind.INSPECTION, number="涪人社监察检〔2026〕第1号",
                        year=2026, sequence=1, token="n" * 22, employer_id=visits[2].employer_id,  # type: ignore[attr-defined]
                        inspection=visits[2], issuer="涪陵区人力社保局",
                        issued_on=dt.date(2026, 3, 16))
    async with in_transaction():
        await campaigns.cancel_campaign(code=c.code, actor="staff:9", reason="上级部署专项行动，任务暂停")
    c = await Campaign.get(id=c.id)
    assert c.state == S.CANCELLED and c.cancel_reason == "上级部署专项行动，任务暂停"
    # Not yet started and no notice served: withdrawn; the others are finished as usual.
    left = set(await Inspection.filter(campaigns=c.id).values_list("id", flat=True))
    assert left == {visits[2].id, visits[3].id}
    duty = await Publication.get(kind=PublicationKind.CANCELLATION, object_id=c.id)
    assert duty.published_at is not None and "取消" in duty.title
    sent = await OutboxMessage.filter(topic="wecom.message").order_by("id")
    for userid in ("insp1", "insp2", "liu"):
        assert any("上级部署专项行动" in t for t in texts_to(sent, userid)), userid
    assert await AuditEvent.exists(action="campaign.cancelled", actor="staff:9")


async def test_a_draft_is_cancelled_without_publication_and_secrets_stay_secret() -> None:
    draft = await f.campaign(code="2026-FL-010", state=S.DRAFT)
    async with in_transaction():
        await campaigns.cancel_campaign(code=draft.code, actor="cli", reason="需求取消")
    assert not await Publication.exists(kind=PublicationKind.CANCELLATION)
    secret = await f.campaign(code="2026-FL-011", confidential=True)
    await f.employers_with_inspections(secret, ["戊公司"])
    with pytest.raises(ValidationFailed) as named:
        await campaigns.cancel_campaign(code=secret.code, actor="cli", reason="戊公司已停业")
    assert named.value.problems[0].code == "reason_names_employer"
    assert (await Campaign.get(id=secret.id)).state == S.DRAWN
