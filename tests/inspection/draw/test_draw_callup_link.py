"""The reveal starts the call-up (R15), and the report hooks of the campaign state machine."""

from __future__ import annotations

import pytest
from tortoise.transactions import in_transaction

from inspection.draw import protocol as draws
from inspection.errors import Conflict
from inspection.planning import campaigns
from models.audit import AuditEvent
from models.callups import CallUp
from models.campaigns import Campaign
from models.draws import DrawEntry
from models.enums import CallUpState, CampaignState, DrawKind, Grade, ReportStatus
from models.outbox import OutboxMessage
from models.reports import CampaignReport
from tests.drawkit import approved_campaign, employers_spec, make_world, reveal_now

pytestmark = pytest.mark.usefixtures("clean_db")

ENTROPY = "福彩3D 2026321期 5 8 2"


async def reveal(campaign: Campaign) -> Campaign:
    async with in_transaction():
        await draws.commit_draws(campaign_code=campaign.code, actor="cli")
    async with in_transaction():
        await draws.reveal_draws(campaign_code=campaign.code,
                                 public_entropy=ENTROPY, actor="cli", **reveal_now())
    return await Campaign.get(id=campaign.id)


async def test_revealing_both_draws_cards_the_first_inspectors_in_draw_order():
    world = await make_world(inspectors=6, employers=employers_spec(8, grade=Grade.C))
    campaign = await reveal(await approved_campaign(
        world, rules={"strata": {"C": {"count": 4}}}, inspectors_needed=3))
    assert campaign.state == CampaignState.CALLING_UP
    order = await DrawEntry.filter(draw__campaign_id=campaign.id, draw__kind=DrawKind.INSPECTORS
                                   ).order_by("position").values_list("staff_id", flat=True)
    called = await CallUp.filter(campaign_id=campaign.id).order_by("position")
    assert [c.staff_id for c in called] == order[:3]
    assert {c.state for c in called} == {CallUpState.CALLED}
    cards = await OutboxMessage.filter(topic="wecom.message", idempotency_key__endswith=":card")
    assert sorted(m.idempotency_key for m in cards) == sorted(f"callup:{c.id}:card" for c in called)
    actions = await AuditEvent.filter(object_id=campaign.id).values_list("action", flat=True)
    assert "campaign.drawn" in actions and "campaign.callup_started" in actions


async def test_without_a_leader_the_campaign_waits_drawn():
    world = await make_world(inspectors=4, employers=employers_spec(6, grade=Grade.C))
    campaign = await approved_campaign(world, rules={"strata": {"C": {"count": 2}}},
                                       inspectors_needed=2)
    await Campaign.filter(id=campaign.id).update(leader_id=None)
    campaign = await reveal(campaign)
    assert campaign.state == CampaignState.DRAWN
    assert not await CallUp.exists(campaign_id=campaign.id)
    assert not await OutboxMessage.exists(topic="wecom.message")


async def test_reporting_opens_the_report_and_closing_archives_it():
    world = await make_world(inspectors=4, employers=employers_spec(6, grade=Grade.C))
    campaign = await approved_campaign(world, rules={"strata": {"C": {"count": 2}}},
                                       inspectors_needed=2)
    await Campaign.filter(id=campaign.id).update(state=CampaignState.IN_FIELD)
    campaign = await Campaign.get(id=campaign.id)
    async with in_transaction():
        await campaigns.transition(campaign, CampaignState.REPORTING, actor="cli")
    report = await CampaignReport.get(campaign_id=campaign.id)
    assert report.status == ReportStatus.DUE and report.due_on > campaign.field_end
    # Closing before the report is generated is refused and rolls back (docs/credit.md).
    with pytest.raises(Conflict) as err:
        async with in_transaction():
            await campaigns.transition(campaign, CampaignState.CLOSED, actor="cli")
    assert err.value.code == "report_missing"
    campaign = await Campaign.get(id=campaign.id)
    assert campaign.state == CampaignState.REPORTING
    await CampaignReport.filter(id=report.id).update(status=ReportStatus.GENERATED)
    async with in_transaction():
        await campaigns.transition(campaign, CampaignState.CLOSED, actor="cli")
    assert (await CampaignReport.get(id=report.id)).status == ReportStatus.ARCHIVED
    actions = await AuditEvent.filter(object_type="campaign_report").values_list("action", flat=True)
    assert "report.open" in actions and "report.archive" in actions
