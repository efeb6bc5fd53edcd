"""Plans, campaigns and draws for the staff API, authorised by relation: the initiating section
(Staff.is_initiator in the campaign's section) manages; the campaign's leader (组长) reads and runs
the call-up; anyone else does not see the campaign (not found).

The chat commands and the CLI call inspection/plans.py, campaigns.py and draws.py with an actor
only (the chat already knows who may speak); here the caller is checked first, then the same
functions run, so the rules (R13, R14, R15, R1) are one code path.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from tortoise.expressions import Q, RawSQL

from inspection import access, audit
from inspection import calendar as working_calendar
from inspection.callup import assignment
from inspection.callup import leader as callup_leader
from inspection.draw import ceremony
from inspection.draw import protocol as draws
from inspection.errors import Conflict, Forbidden, NotFound, Problem, ValidationFailed
from inspection.items import catalogue as item_list
from inspection.planning import campaigns, plans, sampling
from models.callups import CallUp
from models.campaigns import AnnualPlan, Campaign, CampaignItem
from models.draws import Draw
from models.employers import Employer
from models.enums import CampaignState, DrawKind, StaffStatus
from models.items import ItemVersion
from models.org import Section, Staff

_LIST_FIELDS = ("id", "code", "title", "kind", "state", "field_start", "field_end", "section_id",
                "section__name", "leader_id", "leader__name")


@dataclass
class CampaignPage:
    items: list[dict[str, Any]]  # plain rows (_LIST_FIELDS), no model instances
    total: int
    page: int
    page_size: int


def require_initiator(staff: Staff) -> None:
    if not staff.is_initiator or staff.status != StaffStatus.ACTIVE:
        raise Forbidden("只有发起科室可以办理年度计划、抽查任务和抽取", "initiator_only")


async def readable_campaign(*, staff: Staff, campaign_id: int) -> Campaign:
    """Its leader or its initiating section; others: not found (existence not revealed)."""
    return await access.campaign_for(staff=staff, campaign_id=campaign_id)


def _readable(staff: Staff) -> Q | None:
    """The campaigns `readable_campaign` lets `staff` see, as a filter (None: none at all)."""
    if staff.status != StaffStatus.ACTIVE:
        return None
    mine = Q(leader_id=staff.id)
    if staff.is_initiator:
        return mine | Q(section_id=staff.section_id)
    return mine


async def list_campaigns(*, staff: Staff, state: CampaignState | None = None,
                         year: int | None = None, q: str = "", page: int = 1,
                         page_size: int = 20) -> CampaignPage:
    """Exactly the campaigns GET /campaigns/{id} would show the caller, newest field work first.

    Staff who lead no campaign and initiate in no section get an empty page, not 403: as with a
    single campaign, whether others' campaigns exist is not revealed. One query brings the page
    and, by a window count, the total.
    """
    readable = _readable(staff)
    if readable is None:
        return CampaignPage([], 0, page, page_size)
    query = Campaign.filter(readable)
    if state is not None:
        query = query.filter(state=state)
    if year is not None:  # the field window overlaps the year
        query = query.filter(field_start__lte=dt.date(year, 12, 31),
                             field_end__gte=dt.date(year, 1, 1))
    if q:
        query = query.filter(Q(code__icontains=q) | Q(title__icontains=q))
    rows = await (query.annotate(full_count=RawSQL("COUNT(*) OVER ()"))
                  .order_by("-field_start", "-id").offset((page - 1) * page_size)
                  .limit(page_size).values(*_LIST_FIELDS, "full_count"))
    # Past the last page the window count has no row to ride on.
    total = int(rows[0]["full_count"]) if rows else await query.count()
    return CampaignPage(rows, total, page, page_size)


async def list_plans(*, staff: Staff, year: int | None = None,
                     all_sections: bool = False) -> list[AnnualPlan]:
    """The caller's own section's annual plans (R13), as POST /plans submits only those; with
    `all_sections`, every section's, which the initiating sections publish together."""
    require_initiator(staff)
    query = AnnualPlan.all() if all_sections else AnnualPlan.filter(
        section_id=staff.section_id)
    if year is not None:
        query = query.filter(year=year)
    return await query.order_by("-year").prefetch_related("section")


async def managed_campaign(*, staff: Staff, campaign_id: int) -> Campaign:
    campaign = await readable_campaign(staff=staff, campaign_id=campaign_id)
    if not (staff.is_initiator and campaign.section_id == staff.section_id):
        raise Forbidden("组长只能查看；实施方案、批准、取消和抽取由发起科室办理", "initiator_only")
    return campaign


async def submit_plan(*, staff: Staff, year: int, needs: str,
                      at: dt.datetime | None = None) -> plans.PlanResult:
    """R13: the caller's own section's annual plan; a late submission is accepted with a warning."""
    require_initiator(staff)
    return await plans.submit_plan(year=year, section_id=staff.section_id,
                                   needs=needs, actor=audit.staff_actor(staff.id), at=at)


async def publish_plans(*, staff: Staff, year: int) -> list[AnnualPlan]:
    """R13: the initiating sections' decision to publish the year's plans together."""
    require_initiator(staff)
    return await plans.publish_plans(year=year, actor=audit.staff_actor(staff.id))


async def create_campaign(*, staff: Staff, code: str, title: str, field_start: dt.date,
                          field_end: dt.date, item_version_ids: list[int],
                          leader_id: int | None, inspector_section_ids: list[int] | None,
                          details: dict[str, Any]) -> Campaign:
    """A draft campaign of the caller's own section (R14); items must be usable (R1)."""
    require_initiator(staff)
    return await campaigns.create_campaign(
        code=code, title=title, section_id=staff.section_id,
        field_start=field_start, field_end=field_end, item_version_ids=item_version_ids,
        actor=audit.staff_actor(staff.id), leader_id=leader_id,
        inspector_section_ids=inspector_section_ids, created_by_id=staff.id, **details)


async def edit_campaign(*, staff: Staff, campaign_id: int, item_version_ids: list[int] | None,
                        leader_id: int | None, inspector_section_ids: list[int] | None,
                        changes: dict[str, Any]) -> Campaign:
    campaign = await managed_campaign(staff=staff, campaign_id=campaign_id)
    return await campaigns.edit_campaign(code=campaign.code, actor=audit.staff_actor(staff.id),
                                         item_version_ids=item_version_ids, leader_id=leader_id,
                                         inspector_section_ids=inspector_section_ids, **changes)


async def approve_campaign(*, staff: Staff, campaign_id: int) -> Campaign:
    campaign = await managed_campaign(staff=staff, campaign_id=campaign_id)
    return await campaigns.approve_campaign(code=campaign.code, actor=audit.staff_actor(staff.id))


async def cancel_campaign(*, staff: Staff, campaign_id: int, reason: str) -> Campaign:
    campaign = await managed_campaign(staff=staff, campaign_id=campaign_id)
    return await campaigns.cancel_campaign(code=campaign.code, actor=audit.staff_actor(staff.id),
                                           reason=reason)


MAX_WINDOW_DAYS = 366


@dataclass
class StratumPreview:
    stratum: str
    candidates: int  # who the commit would freeze now
    count: int  # how many it would draw (inspectors: how many are needed)
    excluded: dict[str, int]  # reason -> how many left out of this stratum


@dataclass
class PlanExclusion:
    uscc: str
    name: str | None  # None: not on the employer roster
    stratum: str | None  # None: outside the campaign's scope (filters, strata, closed)


@dataclass
class StrataPreview:
    employers: list[StratumPreview]
    inspectors: StratumPreview
    plan_exclusions: list[PlanExclusion]
    working_days: int  # in the field window, both ends included
    calendar_warnings: list[str]  # years counted as plain weekdays (no holiday schedule known)


def _by_stratum(sample: sampling.Sample, stratum: str) -> StratumPreview:
    excluded: dict[str, int] = {}
    for x in sample.exclusions:
        if x["stratum"] == stratum:
            excluded[x["reason"]] = excluded.get(x["reason"], 0) + 1
    return StratumPreview(stratum, len(sample.candidates[stratum]), sample.counts[stratum],
                          excluded)


async def preview_strata(*, staff: Staff, field_start: dt.date, field_end: dt.date,
                         rules: Any, item_version_ids: list[int],
                         inspector_section_ids: list[int], inspectors_needed: int
                         ) -> StrataPreview:
    """The candidates each stratum would freeze if the draw were committed now under these
    draft rules: the very functions the commit calls (R11, R12, R14, R15), nothing saved."""
    require_initiator(staff)
    if wrong := campaigns.window_problems(field_start, field_end):
        raise ValidationFailed(wrong)
    if (field_end - field_start).days > MAX_WINDOW_DAYS:
        raise ValidationFailed([Problem("检查期间不能超过一年", field="field_end")])
    parsed = sampling.parse_rules(rules)
    employers = await sampling.employer_candidates(field_start=field_start, rules=parsed,
                                                   item_version_ids=item_version_ids)
    inspectors = await sampling.inspector_candidates(
        section_ids=inspector_section_ids, field_end=field_end, needed=inspectors_needed)
    where = {x["key"]: x["stratum"] for x in employers.exclusions
             if x["reason"] == sampling.PLAN_EXCLUSION}
    names = dict(await Employer.filter(uscc__in=list(parsed.exclusions)).values_list(
        "uscc", "name"))
    cal = await working_calendar.load_calendar(start=field_start, end=field_end)
    days = cal.working_days_between(field_start - dt.timedelta(days=1), field_end)
    return StrataPreview(
        working_days=days, calendar_warnings=cal.warnings,
        employers=[_by_stratum(employers, s) for s in employers.candidates],
        inspectors=_by_stratum(inspectors, sampling.INSPECTOR_STRATUM),
        plan_exclusions=[PlanExclusion(u, names.get(u), where.get(u)) for u in parsed.exclusions])


@dataclass
class FormOptions:
    items: list[ItemVersion]  # the item list in force (R1)
    leaders: list[Staff]  # active 分管领导 (R16)
    sections: list[Section]


async def form_options(*, staff: Staff) -> FormOptions:
    """What the campaign form offers to choose from."""
    require_initiator(staff)
    return FormOptions(
        items=await item_list.current_published_versions(),
        leaders=await Staff.filter(is_leader=True, status=StaffStatus.ACTIVE)
        .order_by("name").prefetch_related("section"),
        sections=await Section.all().order_by("id"))


async def find_employers(*, staff: Staff, q: str, limit: int = 20) -> list[Employer]:
    """Employers by name or the start of the USCC, for the plan's exclusions (R14)."""
    require_initiator(staff)
    q = q.strip()
    if len(q) < 2:
        return []
    return await Employer.filter(Q(name__icontains=q) | Q(uscc__istartswith=q.upper())) \
        .order_by("name", "id").limit(limit)


async def campaign_plan(*, staff: Staff, campaign_id: int) -> tuple[Campaign, list[int], list[int]]:
    """The campaign with its items and inspector sections, for the form."""
    campaign = await readable_campaign(staff=staff, campaign_id=campaign_id)
    items = await CampaignItem.filter(campaign_id=campaign.id).order_by("id").values_list(
        "item_version_id", flat=True)
    sections = sorted(s.id for s in await campaign.inspector_sections.all())
    return campaign, [int(i) for i in items], sections  # type: ignore[call-overload]


async def commit_draws(*, staff: Staff, campaign_id: int) -> list[Draw]:
    """R15 step 2: both commitments published before the draw meeting."""
    campaign = await managed_campaign(staff=staff, campaign_id=campaign_id)
    return await draws.commit_draws(campaign_code=campaign.code, actor=audit.staff_actor(staff.id),
                                    staff_id=staff.id)


async def reveal_draws(*, staff: Staff, campaign_id: int, public_entropy: str,
                       witnesses: str, min_delay: dt.timedelta,
                       entropy_source_date: dt.date | None) -> list[Draw]:
    """R10: not before `min_delay` after the commitment, with entropy dated on or after it."""
    campaign = await managed_campaign(staff=staff, campaign_id=campaign_id)
    return await draws.reveal_draws(campaign_code=campaign.code, public_entropy=public_entropy,
                                    actor=audit.staff_actor(staff.id), witnesses=witnesses,
                                    staff_id=staff.id, min_delay=min_delay,
                                    entropy_source_date=entropy_source_date)


async def void_draw(*, staff: Staff, campaign_id: int, kind: str, reason: str) -> Draw:
    campaign = await managed_campaign(staff=staff, campaign_id=campaign_id)
    if kind in set(DrawKind) and not await Draw.exists(campaign_id=campaign.id, kind=kind):
        # The campaign exists and may be seen: a draw never committed is a state, not a 404.
        raise Conflict("not_drawn", "该任务尚未进行此项抽取，无可作废")
    return await draws.void_draw(campaign_code=campaign.code, kind=kind, reason=reason,
                                 actor=audit.staff_actor(staff.id))


async def draw_ceremony(*, staff: Staff, campaign_id: int) -> ceremony.Ceremony:
    """The draws with what they froze and, once revealed, who was drawn in order, by name."""
    campaign = await readable_campaign(staff=staff, campaign_id=campaign_id)
    return await ceremony.of_campaign(campaign, staff=staff)


async def progress(*, staff: Staff, campaign_id: int) -> callup_leader.Overview:
    """The chat's 进度, for the leader or the initiating section (never names employers)."""
    campaign = await readable_campaign(staff=staff, campaign_id=campaign_id)
    return await callup_leader.progress(campaign=campaign)


async def callups(*, staff: Staff, campaign_id: int) -> list[CallUp]:
    """Everyone called for the campaign, in draw order, for the leader's lists (催办, 递补, 分配)
    and the initiating section: the same people the chat's 名单 names."""
    campaign = await readable_campaign(staff=staff, campaign_id=campaign_id)
    return await CallUp.filter(campaign_id=campaign.id).order_by("position", "id").prefetch_related(
        "staff")


async def roster(*, staff: Staff, campaign_id: int) -> callup_leader.Overview:
    """The chat's 名单: the call-up in draw order and, once the team is formed, who goes where."""
    campaign = await readable_campaign(staff=staff, campaign_id=campaign_id)
    return await callup_leader.roster(campaign=campaign)


async def assign(*, staff: Staff, campaign_id: int, target: str, names: list[str],
                 now: dt.datetime) -> assignment.Team:
    """分配: the same rules as the chat (team of the campaign, 回避 refused, R16)."""
    campaign = await readable_campaign(staff=staff, campaign_id=campaign_id)
    return await assignment.assign(campaign_id=campaign.id, leader_id=staff.id, target=target,
                                   names=names, now=now, actor=audit.staff_actor(staff.id))


async def auto_assign(*, staff: Staff, campaign_id: int,
                      now: dt.datetime) -> assignment.Proposal:
    """自动分配: the proposal goes to the leader's WeCom as a card to confirm, as in the chat."""
    campaign = await readable_campaign(staff=staff, campaign_id=campaign_id)
    return await assignment.auto_assign(campaign_id=campaign.id, leader_id=staff.id, now=now,
                                        actor=audit.staff_actor(staff.id))


async def assignment_proposal(*, staff: Staff, campaign_id: int
                              ) -> tuple[assignment.Proposal, list[assignment.Visit]]:
    """自动分配's proposal, for the leader to read before confirming; nothing is sent or stored."""
    campaign = await readable_campaign(staff=staff, campaign_id=campaign_id)
    assignment.require_leader(campaign, staff.id)
    proposal = await assignment.propose(campaign=campaign)
    return proposal, await assignment.visits(proposal.plan, proposal.current)


async def confirm_assignment(*, staff: Staff, campaign_id: int, fingerprint: str,
                             now: dt.datetime) -> assignment.Confirmation:
    """确认分配: the card's button, over the API (409 `proposal_stale` if anything changed)."""
    campaign = await readable_campaign(staff=staff, campaign_id=campaign_id)
    return await assignment.confirm(campaign_id=campaign.id, leader_id=staff.id,
                                    fingerprint=fingerprint, now=now,
                                    actor=audit.staff_actor(staff.id))


async def substitute(*, staff: Staff, campaign_id: int, name: str,
                     now: dt.datetime) -> callup_leader.Substitution:
    """递补 (R15): the leader replaces an inspector who let the reply deadline pass."""
    campaign = await readable_campaign(staff=staff, campaign_id=campaign_id)
    try:
        return await callup_leader.substitute(campaign_id=campaign.id, leader_id=staff.id,
                                              name=name, now=now, actor=audit.staff_actor(staff.id))
    except NotFound as exc:
        # The campaign is found; an unknown name in the body is an input problem.
        raise ValidationFailed([Problem(exc.message, field="name", code="unknown_name")]) from None


async def chase(*, staff: Staff, campaign_id: int, name: str,
                now: dt.datetime) -> callup_leader.Called:
    """催办: the leader nudges an inspector who has not answered yet (R15)."""
    campaign = await readable_campaign(staff=staff, campaign_id=campaign_id)
    try:
        return await callup_leader.chase(campaign_id=campaign.id, leader_id=staff.id, name=name,
                                         now=now, actor=audit.staff_actor(staff.id))
    except NotFound as exc:
        raise ValidationFailed([Problem(exc.message, field="name", code="unknown_name")]) from None


async def extend(*, staff: Staff, campaign_id: int, hours: int, name: str | None,
                 now: dt.datetime) -> callup_leader.Extension:
    """延期: a new reply deadline for one waiting inspector, or for all overdue ones."""
    campaign = await readable_campaign(staff=staff, campaign_id=campaign_id)
    try:
        return await callup_leader.extend(campaign_id=campaign.id, leader_id=staff.id,
                                          hours=hours, name=name, now=now,
                                          actor=audit.staff_actor(staff.id))
    except NotFound as exc:
        raise ValidationFailed([Problem(exc.message, field="name", code="unknown_name")]) from None
