"""`suiji demo` (all parts, as the command loads them): one campaign in each state, staged through
the domain at realistic moments, and the public window and a notice page showing it."""

from __future__ import annotations

import datetime as dt

import pytest
from tortoise.transactions import in_transaction

from inspection import audit, clock
from inspection.calendar import load_calendar
from inspection.worktime import OfficeHours
from models.audit import AuditEvent
from models.callups import CallUp
from models.campaigns import AnnualPlan, Campaign
from models.credit import MajorViolation
from models.draws import Draw
from models.enums import (
    CallUpState,
    CampaignState,
    DrawStatus,
    EvidenceReview,
    InspectionState,
    NoticeKind,
    OutboxStatus,
    PublicationKind,
    ReportStatus,
)
from models.fieldwork import Evidence, Inspection
from models.items import ItemVersion
from models.notices import Notice
from models.outbox import OutboxMessage
from models.penalties import PenaltyDecision
from models.publication import Publication
from models.reports import CampaignReport
from suiji.app import create_app
from suiji.commands.demo import load_demo
from suiji.demo import days as demo_days
from suiji.demo import window as demo_window
from suiji.demo.history import HISTORY_NOTE

S = CampaignState
OFFICE = OfficeHours()


@pytest.fixture
async def demo(settings) -> dict[CampaignState, Campaign]:
    async with in_transaction():
        await load_demo(settings)
    by_state: dict[CampaignState, Campaign] = {}
    for c in await Campaign.all():
        assert c.state not in by_state, f"two campaigns {c.state}"
        by_state[c.state] = c
    return by_state


async def test_demo_states_times_publications_and_a_second_run(demo, settings) -> None:
    await _one_campaign_in_each_state(demo)
    await _times_look_real(demo, settings)
    await _penalty_and_results_published_in_time(demo)
    await _a_second_run_adds_nothing(settings)


async def _one_campaign_in_each_state(demo) -> None:
    assert set(demo) == {S.APPROVED, S.CALLING_UP, S.IN_FIELD, S.REPORTING, S.CLOSED,
                         S.CANCELLED}
    # Cancelled after its draw's commitment was published, before the reveal (R3): nothing was
    # drawn, so no visit (R20) or call-up of the other campaigns is touched.
    cancelled = demo[S.CANCELLED]
    assert await Draw.filter(campaign_id=cancelled.id).exists()
    assert not await Draw.filter(campaign_id=cancelled.id, status=DrawStatus.REVEALED).exists()
    assert not await Inspection.filter(campaigns=cancelled.id).exists()
    assert not await CallUp.filter(campaign_id=cancelled.id).exists()
    assert await Publication.filter(kind=PublicationKind.CANCELLATION, object_id=cancelled.id,
                                    published_at__isnull=False).exists()
    assert await Draw.filter(campaign_id=demo[S.APPROVED].id, status=DrawStatus.REVEALED
                             ).count() == 0  # planned: committed at most, never drawn
    assert await CallUp.filter(campaign_id=demo[S.CALLING_UP].id,
                               state=CallUpState.CALLED).exists()
    field = await Inspection.filter(campaigns=demo[S.IN_FIELD].id)
    assert {InspectionState.CLOSED, InspectionState.ASSIGNED} <= {v.state for v in field}
    due = await CampaignReport.get(campaign_id=demo[S.REPORTING].id)
    assert due.status == ReportStatus.DUE and due.due_on >= clock.today()
    assert (await CampaignReport.get(campaign_id=demo[S.CLOSED].id)).status \
        == ReportStatus.ARCHIVED
    assert not await Inspection.filter(campaigns=demo[S.CLOSED].id).exclude(
        state=InspectionState.CLOSED).exists()
    # The reporting campaign still has an order open and an upload waiting for review.
    pending = await Evidence.filter(review_status=EvidenceReview.PENDING).prefetch_related(
        "inspection__campaigns")
    assert [c.id for e in pending for c in e.inspection.campaigns] == [demo[S.REPORTING].id]
    plan = await AnnualPlan.get()
    assert plan.published_at is not None and plan.published_at < demo[S.CLOSED].approved_at
    # The past's WeCom messages are not sent now; only the live call-up's cards wait.
    waiting = await OutboxMessage.filter(topic="wecom.message", status=OutboxStatus.PENDING)
    called = await CallUp.filter(state=CallUpState.CALLED).count()
    assert len(waiting) == called
    assert await OutboxMessage.filter(last_error=HISTORY_NOTE).exists()


def _in_office(at: dt.datetime, workday) -> bool:
    local = at.astimezone(clock.BEIJING)
    return workday(local.date()) and OFFICE.start <= local.time() <= OFFICE.end


async def _times_look_real(demo, settings) -> None:
    calendar = await load_calendar()
    workday = calendar.is_workday
    staff_events = await AuditEvent.filter(actor__startswith="staff:")
    assert len(staff_events) > 100
    assert all(_in_office(e.at, workday) for e in staff_events), \
        [(e.action, e.at) for e in staff_events if not _in_office(e.at, workday)][:5]
    for notice in await Notice.all():
        assert workday(notice.issued_on)
        if notice.acknowledged_at is not None:
            assert _in_office(notice.acknowledged_at, workday)
    delay = dt.timedelta(minutes=settings.draw_min_reveal_delay_minutes)
    for draw in await Draw.filter(status=DrawStatus.REVEALED):
        assert _in_office(draw.committed_at, workday) and _in_office(draw.revealed_at, workday)
        assert draw.revealed_at - draw.committed_at >= delay  # R10
        committed_on = draw.committed_at.astimezone(clock.BEIJING).date()
        assert committed_on <= draw.entropy_source_date <= draw.revealed_at.date()
    for c in demo.values():  # titles name the field window: a quarter only when it lies in one
        assert c.title.startswith(demo_days.period(c.field_start, c.field_end)), c.title
        if "季度" in c.title.split("年", 1)[1][:5]:
            assert demo_days.quarter(c.field_start) == demo_days.quarter(c.field_end)
    approvals = [c.approved_at for c in demo.values() if c.approved_at]
    for version in await ItemVersion.all():  # published before in force, both before any use
        assert version.published_at.date() < version.effective_from < min(approvals).date()
    assert demo[S.CLOSED].approved_at < demo[S.REPORTING].approved_at \
        < demo[S.IN_FIELD].approved_at < clock.now()


async def _penalty_and_results_published_in_time(demo) -> None:
    decision = await PenaltyDecision.get()
    duty = await Publication.get(kind=PublicationKind.PENALTY, object_id=decision.id)
    assert duty.published_at is not None and duty.due_on is not None
    assert duty.published_at.astimezone(clock.BEIJING).date() == decision.effective_on
    assert decision.effective_on <= duty.due_on
    assert (await AuditEvent.get(action="publication.published", object_id=str(duty.id))
            ).actor == audit.SYSTEM  # by the timer, on the day it took effect
    results = await Publication.filter(kind=PublicationKind.RESULT)
    published = [r for r in results if r.published_at is not None]
    assert len(published) >= 10 and any(r.published_at is None for r in results)
    assert all(r.due_on is not None and r.published_at.date() <= r.due_on for r in published)


async def test_window_and_notice_page_show_the_demo(demo, aiohttp_client, settings) -> None:
    client = await aiohttp_client(create_app(settings, manage_db=False))
    decision = await PenaltyDecision.get().prefetch_related("employer")
    penalties = await (await client.get("/public/penalties")).text()
    assert decision.number in penalties and decision.employer.name in penalties
    closed = await Inspection.filter(campaigns=demo[S.CLOSED].id).order_by("code")
    results = await (await client.get("/public/results")).text()
    assert sum(v.code in results for v in closed) >= 5
    draws = await (await client.get("/public/draws")).text()
    assert all(c.code in draws for c in demo.values())
    cancelled = await (await client.get("/public/cancelled")).text()
    assert demo[S.CANCELLED].code in cancelled and demo_window.CANCEL_REASON in cancelled  # R3
    case = await MajorViolation.get()
    majors = await (await client.get("/public/major-violations")).text()
    assert case.entity_name in majors and case.uscc in majors and "86.4 万元" in majors  # R17
    draw = await Draw.filter(campaign_id=demo[S.CLOSED].id).first()
    record = await client.get(f"/public/draws/{draw.id}")
    assert record.status == 200 and demo[S.CLOSED].code in await record.text()
    plans = await (await client.get("/public/plans")).text()
    assert str(demo[S.CLOSED].field_start.year) in plans
    order = await Notice.filter(kind=NoticeKind.RECTIFICATION, inspection__campaigns=demo[
        S.CLOSED].id).first()
    page = await client.get(f"/n/{order.token}")
    text = await page.text()
    assert page.status == 200 and order.number in text
    assert "劳动合同补签情况报告.pdf" in text and "已采纳" in text


async def _a_second_run_adds_nothing(settings) -> None:
    async def counts() -> list[int]:
        return [await m.all().count() for m in (Campaign, Inspection, Notice, Publication,
                                                 OutboxMessage, AuditEvent, Evidence)]
    before = await counts()
    async with in_transaction():
        await load_demo(settings)
    assert await counts() == before
