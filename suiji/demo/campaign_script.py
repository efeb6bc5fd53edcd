"""One staged campaign of the demo, step by step through the domain: the implementation plan
drafted and approved, the draws committed and revealed at a draw meeting (the public entropy a
lottery drawing after the commitment, R10), the call-up answered (one inspector declines for
official duty and the next in draw order is called, R15), the leader's assignment, the visits
(suiji/demo/visit_script.py), and once the field window has ended the report generated and
approved. `History` plays what of this lies in the past.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from inspection import audit, clock
from inspection.callup import assignment
from inspection.callup import calls as callup
from inspection.credit import reports
from inspection.draw import protocol as draws
from inspection.planning import campaigns, lifecycle
from models.callups import CallUp
from models.campaigns import Campaign
from models.employers import BlacklistEntry
from models.enums import BlacklistStatus, CallUpState, CampaignState, ItemVersionStatus
from models.fieldwork import Inspection, InspectionMember
from models.items import ItemVersion
from models.org import Staff
from suiji.demo import days as d
from suiji.demo import visit_script
from suiji.demo.history import Script
from suiji.demo.lifecycle_data import DECLINE_REASON, METHOD, USE_OF_RESULTS, WITNESSES, Theme
from suiji.demo.stage import Stage


@dataclass(frozen=True)
class Timing:
    field_start: dt.date
    field_end: dt.date
    created: dt.datetime
    approved: dt.datetime
    committed: dt.datetime
    revealed: dt.datetime


def timing(days: d.Days, field_start: dt.date, field_end: dt.date,
           min_delay: dt.timedelta) -> Timing:
    """Drafted and approved about four weeks before the field window, drawn a week later: the
    commitment one afternoon, the reveal the next working morning (or later, as R10 requires)."""
    approved_on = days.before(field_start, 20)
    committed = d.at(days.before(field_start, 16), "15:00")
    reveal_on = days.after(committed.date(), 1)
    while d.at(reveal_on, "09:30") - committed < min_delay:
        reveal_on = days.after(reveal_on, 1)
    return Timing(field_start, field_end, created=d.at(days.before(approved_on, 3), "15:20"),
                  approved=d.at(approved_on, "10:00"), committed=committed,
                  revealed=d.at(reveal_on, "09:30"))


async def _employers_needed(theme: Theme) -> int:
    counts = sum(int(s.get("count", 0)) for s in theme.rules["strata"].values())
    listed = await BlacklistEntry.filter(status=BlacklistStatus.IN_FORCE).count()
    return counts + listed


async def _create(stage: Stage, theme: Theme, t: Timing, *, leader: Staff,
                  plan_id: int | None) -> Campaign:
    versions = [v.id for v in await ItemVersion.filter(
        item__code__in=list(theme.items), status=ItemVersionStatus.PUBLISHED).order_by("item__code")]
    code = f"{t.approved.year}-FL-{theme.serial:03d}"
    return await campaigns.create_campaign(
        code=code, title=d.period(t.field_start, t.field_end) + theme.name,
        section_id=stage.initiator.section_id, field_start=t.field_start, field_end=t.field_end,
        item_version_ids=versions, actor=audit.staff_actor(stage.initiator.id), plan_id=plan_id,
        leader_id=leader.id, created_by_id=stage.initiator.id, purpose=theme.purpose,
        method=METHOD, use_of_results=USE_OF_RESULTS, rules=theme.rules,
        inspectors_needed=theme.inspectors, inspectors_per_employer=2,
        employers_needed=await _employers_needed(theme))


async def _draw(stage: Stage, campaign: Campaign, t: Timing) -> Script:
    yield t.committed
    await draws.commit_draws(campaign_code=campaign.code,
                             actor=audit.staff_actor(stage.initiator.id),
                             staff_id=stage.initiator.id)
    yield t.revealed
    # The reveal starts the call-up (the campaign has a leader): the cards go out at once.
    await draws.reveal_draws(campaign_code=campaign.code,
                             public_entropy=d.lottery(t.committed.date()),
                             actor=audit.staff_actor(stage.initiator.id), witnesses=WITNESSES,
                             staff_id=stage.initiator.id, min_delay=stage.min_delay)


def _later(days: d.Days, when: dt.datetime, minutes: int) -> dt.datetime:
    nxt = when + dt.timedelta(minutes=minutes)
    if nxt.astimezone(clock.BEIJING).time() <= dt.time(17, 0):
        return nxt
    return d.at(days.after(when.date(), 1), "09:10")


async def _answers(stage: Stage, campaign: Campaign, start: dt.datetime) -> Script:
    """The inspectors called answer one by one in the hours after the reveal; the second one
    declines for official duty, and the next in draw order is called and accepts."""
    when, answered = start, 0
    while True:
        when = _later(stage.days, when, 25)
        yield when
        pending = await CallUp.filter(campaign_id=campaign.id, state=CallUpState.CALLED
                                      ).order_by("called_at", "position").first()
        if pending is None:
            return
        actor, now = audit.staff_actor(pending.staff_id), clock.now()
        if answered == 1:
            await callup.decline(callup_id=pending.id, staff_id=pending.staff_id,
                                 reason=DECLINE_REASON, now=now, actor=actor)
        else:
            await callup.accept(callup_id=pending.id, staff_id=pending.staff_id, now=now,
                                actor=actor)
        answered += 1
        if (await Campaign.get(id=campaign.id)).state != CampaignState.CALLING_UP:
            return


async def _assign(campaign: Campaign, leader: Staff, day: dt.date) -> Script:
    yield d.at(day, "09:10")
    actor = audit.staff_actor(leader.id)
    proposal = await assignment.auto_assign(campaign_id=campaign.id, leader_id=leader.id,
                                            now=clock.now(), actor=actor)
    yield d.at(day, "09:25")
    await assignment.confirm(campaign_id=campaign.id, leader_id=leader.id,
                             fingerprint=proposal.fingerprint, now=clock.now(), actor=actor)


async def _visits(stage: Stage, campaign: Campaign, theme: Theme, leader: Staff) -> None:
    """Every visit gets its own script: one every `theme.every` working days from the window's
    first day, mornings and afternoons in turn."""
    for i, visit in enumerate(await Inspection.filter(campaigns=campaign.id).order_by("code")):
        team = [m.staff for m in await InspectionMember.filter(inspection_id=visit.id)
                .order_by("id").prefetch_related("staff")]
        day = stage.days.after(campaign.field_start, i * theme.every)
        stage.history.spawn(visit_script.visit(
            stage, visit_script.Visit(campaign=campaign, inspection=visit, team=team,
                                      leader=leader, day=day, morning=i % 2 == 0),
            order=theme.orders.get(i), penalty=theme.penalties.get(i)))


async def script(stage: Stage, theme: Theme, t: Timing, *, leader: Staff,
                 plan_id: int | None) -> Script:
    """The whole story of one campaign; `History.run` plays what is past."""
    yield t.created
    campaign = await _create(stage, theme, t, leader=leader, plan_id=plan_id)
    yield t.approved
    await campaigns.approve_campaign(code=campaign.code, actor=audit.staff_actor(stage.chief.id))
    async for when in _draw(stage, campaign, t):
        yield when
    async for when in _answers(stage, campaign, t.revealed):
        yield when
    async for when in _assign(campaign, leader, stage.days.after(t.revealed.date(), 1)):
        yield when
    await _visits(stage, campaign, theme, leader)
    # Field work ends with the window (the outbox timer, R19); the report follows.
    yield d.at(stage.days.after(t.field_end, 5), "10:00")
    await reports.generate(campaign_id=campaign.id, actor=audit.staff_actor(stage.initiator.id),
                           data_dir=stage.settings.data_dir, issuer=stage.issuer.name)
    yield d.at(stage.days.after(t.field_end, 7), "15:30")
    await lifecycle.approve_report(staff=stage.initiator, campaign_id=campaign.id,
                                   note="同意。报告已按要求报送，检查结果已全部公示。")
