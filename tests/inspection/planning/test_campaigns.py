"""Campaigns: implementation plan (R14), R1 items, the state machine."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from inspection import clock
from inspection.errors import Conflict, DomainError, ValidationFailed
from inspection.items.catalogue import ItemsNotUsable
from inspection.planning import campaigns
from models.audit import AuditEvent
from models.campaigns import Campaign, CampaignItem
from models.enums import CampaignState, ItemVersionStatus
from models.items import ItemVersion
from tests.drawkit import FIELD_END, FIELD_START, approved_campaign, make_world

pytestmark = pytest.mark.usefixtures("clean_db")


async def _draft(world, **kw):
    args = dict(code="2026-FL-001", title="工资支付专项", section_id=world.section.id,
                field_start=FIELD_START, field_end=FIELD_END,
                item_version_ids=[v.id for v in world.items], actor="staff:1")
    args.update(kw)
    return await campaigns.create_campaign(**args)


async def test_create_edit_approve_and_audit():
    world = await make_world()
    c = await _draft(world, leader_id=world.leader.id)
    assert c.state == CampaignState.DRAFT
    with pytest.raises(ValidationFailed) as exc:
        await campaigns.approve_campaign(code=c.code, actor="staff:1")
    assert {p.field for p in exc.value.problems} == {"purpose", "method", "use_of_results"}
    await campaigns.edit_campaign(code=c.code, actor="staff:1", purpose="核查工资支付",
                                  method="现场检查、书面审查", use_of_results="记入诚信档案")
    approved = await campaigns.approve_campaign(code=c.code, actor="staff:1")
    assert approved.state == CampaignState.APPROVED and approved.approved_at is not None
    with pytest.raises(Conflict) as exc2:
        await campaigns.edit_campaign(code=c.code, actor="staff:1", title="改名")
    assert exc2.value.code == "not_draft"
    actions = await AuditEvent.all().order_by("seq").values_list("action", flat=True)
    assert actions == ["campaign.create", "campaign.edit", "campaign.approved"]


@pytest.mark.parametrize(("field", "value"), [
    ("inspectors_per_employer", 1), ("inspectors_needed", 1), ("reply_hours", 0),
    ("rules", {"strata": {"D": {"count": 1}}}), ("rules", {"strata": {"A": {"ratio": 2}}}),
])
async def test_bad_plan_values_are_refused(field, value):
    world = await make_world()
    with pytest.raises(ValidationFailed) as exc:
        await _draft(world, **{field: value})
    assert any(p.field and p.field.startswith(field) for p in exc.value.problems)
    assert not await Campaign.exists()


async def test_field_window_must_be_ordered_and_code_unique():
    world = await make_world()
    with pytest.raises(ValidationFailed):
        await _draft(world, field_end=FIELD_START - dt.timedelta(days=1))
    await _draft(world)
    with pytest.raises(Conflict) as exc:
        await _draft(world)
    assert exc.value.code == "duplicate_code"


async def test_r1_only_current_published_items():
    world = await make_world()
    draft = await ItemVersion.create(item_id=world.items[0].item_id, version=2, name="x",
                                     basis="b", subject="s", content="c", method="m")
    # The item list's own rule (inspection.items.require_usable), not a local copy of it.
    with pytest.raises(ItemsNotUsable) as exc:
        await _draft(world, item_version_ids=[draft.id])
    assert exc.value.problems[0].code == "not_current"
    draft.status, draft.effective_from = ItemVersionStatus.PUBLISHED, clock.today()
    await draft.save()  # version 1 is now out of date
    with pytest.raises(ItemsNotUsable):
        await _draft(world)
    with pytest.raises(ItemsNotUsable):
        await _draft(world, item_version_ids=[])
    c = await _draft(world, item_version_ids=[draft.id])
    assert await CampaignItem.filter(campaign_id=c.id).count() == 1


async def test_illegal_transitions_have_a_clear_error():
    world = await make_world()
    c = await approved_campaign(world)
    with pytest.raises(DomainError) as exc:
        await campaigns.transition(c, CampaignState.CLOSED, actor="cli")
    assert exc.value.code == "illegal_transition" and "已批准" in exc.value.message
    with pytest.raises(DomainError):
        await campaigns.approve_campaign(code=c.code, actor="cli")
    await campaigns.cancel_campaign(code=c.code, actor="cli", reason="上级通知暂停")
    assert (await Campaign.get(id=c.id)).state == CampaignState.CANCELLED
    with pytest.raises(DomainError) as exc:
        await campaigns.cancel_campaign(code=c.code, actor="cli", reason="再次")
    assert exc.value.code == "illegal_transition"


def test_state_machine_is_the_documented_chain():
    S = CampaignState
    chain = [S.DRAFT, S.APPROVED, S.DRAWN, S.CALLING_UP, S.IN_FIELD, S.REPORTING, S.CLOSED]
    for a, b in itertools.pairwise(chain):
        assert b in campaigns.TRANSITIONS[a]
    assert not campaigns.TRANSITIONS[S.CLOSED]
    # An in-field campaign may still be cancelled (with a reason); a reporting one no longer.
    assert S.CANCELLED in campaigns.TRANSITIONS[S.IN_FIELD]
    assert S.CANCELLED not in campaigns.TRANSITIONS[S.REPORTING]
