"""Campaigns (抽查任务) and their implementation plan (实施方案, R14), with the state machine.

draft → approved → drawn → calling_up → in_field → reporting → closed; a campaign may be
cancelled before it closes (inspection/planning/lifecycle.py: field work, report, closing).
`drawn` is entered only by the reveal of both draws (inspection.draws), never by hand.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from inspection import audit, clock, messages
from inspection.credit import reports
from inspection.draw import voiding
from inspection.errors import Conflict, DomainError, NotFound, Problem, ValidationFailed
from inspection.fieldwork import visits
from inspection.items import catalogue as item_list
from inspection.planning import sampling
from inspection.publication import duties
from models.callups import CallUp
from models.campaigns import AnnualPlan, Campaign, CampaignItem
from models.draws import Draw
from models.enums import CallUpState, CampaignKind, CampaignState, InspectionState, PublicationKind
from models.items import ItemVersion
from models.org import Section, Staff

S = CampaignState
TRANSITIONS: dict[CampaignState, set[CampaignState]] = {
    S.DRAFT: {S.APPROVED, S.CANCELLED},
    S.APPROVED: {S.DRAWN, S.CANCELLED},
    S.DRAWN: {S.CALLING_UP, S.CANCELLED},
    S.CALLING_UP: {S.IN_FIELD, S.CANCELLED},
    S.IN_FIELD: {S.REPORTING, S.CANCELLED},
    S.REPORTING: {S.CLOSED},
    S.CLOSED: set(),
    S.CANCELLED: set(),
}
LABELS = {S.DRAFT: "草稿", S.APPROVED: "已批准", S.DRAWN: "已抽取", S.CALLING_UP: "召集中",
          S.IN_FIELD: "实地检查中", S.REPORTING: "汇总报告中", S.CLOSED: "已结束",
          S.CANCELLED: "已取消"}
# Visits a cancellation takes back: not yet checked in (R20).
UNSTARTED = (InspectionState.PLANNED, InspectionState.ASSIGNED)
CODE_RE = re.compile(r"[0-9A-Za-z][0-9A-Za-z-]{2,31}")
EDITABLE = ("title", "purpose", "method", "field_start", "field_end", "employers_needed",
            "inspectors_per_employer", "inspectors_needed", "confidential",
            "confidentiality_note", "use_of_results", "reply_hours", "rules")
_TEXT_LIMITS = {"title": 200, "method": 200, "purpose": 4000, "confidentiality_note": 4000,
                "use_of_results": 4000}


# Field windows a bureau could plan: also keeps every date sum (interval cut-offs, reminders,
# deadlines in working days) inside the calendar's range.
FIRST_FIELD_DAY = dt.date(2000, 1, 1)
LAST_FIELD_DAY = dt.date(2099, 12, 31)


def window_problems(start: Any, end: Any) -> list[Problem]:
    """What is wrong with a field window (either end may be missing while a draft is edited)."""
    problems = [Problem(f"日期须在 {FIRST_FIELD_DAY.year} 年至 {LAST_FIELD_DAY.year} 年之间",
                        field=name)
                for name, day in (("field_start", start), ("field_end", end))
                if isinstance(day, dt.date) and not FIRST_FIELD_DAY <= day <= LAST_FIELD_DAY]
    if isinstance(start, dt.date) and isinstance(end, dt.date) and end < start:
        problems.append(Problem("检查结束日期不能早于开始日期", field="field_end"))
    return problems


def _validate(values: dict[str, Any], problems: list[Problem]) -> None:
    for name, limit in _TEXT_LIMITS.items():
        v = values.get(name)
        if v is not None and (not isinstance(v, str) or len(v) > limit):
            problems.append(Problem(f"不能超过 {limit} 字", field=name))
    if "title" in values and not str(values["title"] or "").strip():
        problems.append(Problem("请填写任务名称", field="title"))
    problems.extend(window_problems(values.get("field_start"), values.get("field_end")))
    per = values.get("inspectors_per_employer")
    if per is not None and (not isinstance(per, int) or per < 2):
        problems.append(Problem("每户至少 2 名执法检查人员", field="inspectors_per_employer"))
    needed = values.get("inspectors_needed")
    if needed is not None and (not isinstance(needed, int) or needed < max(2, per or 2)):
        problems.append(Problem("所需执法检查人员不少于每户人数，且至少 2 名",
                                field="inspectors_needed"))
    hours = values.get("reply_hours")
    if hours is not None and (not isinstance(hours, int) or not 1 <= hours <= 240):
        problems.append(Problem("答复时限须在 1 至 240 小时之间", field="reply_hours"))
    if "rules" in values:
        try:
            sampling.parse_rules(values["rules"])
        except ValidationFailed as exc:
            problems.extend(exc.problems)


async def _check_links(*, item_version_ids: list[int] | None,
                       inspector_section_ids: list[int] | None, leader_id: int | None
                       ) -> tuple[list[ItemVersion] | None, list[Section] | None]:
    # Checked before anything is written, so a refused request leaves no trace even untransacted.
    versions = None
    if item_version_ids is not None:
        # R1: only versions on the published list and in force (the item list's own rule).
        versions = await item_list.require_usable(item_version_ids=list(dict.fromkeys(item_version_ids)))
    sections = None
    if inspector_section_ids is not None:
        sections = await Section.filter(id__in=inspector_section_ids)
        if len(sections) != len(set(inspector_section_ids)):
            raise ValidationFailed([Problem("科室不存在", field="inspector_section_ids")])
    if leader_id is not None:
        leader = await Staff.get_or_none(id=leader_id)
        if leader is None or not leader.is_leader:
            raise ValidationFailed([Problem("组长须为分管领导", field="leader_id")])  # R16
    return versions, sections


async def _set_links(campaign: Campaign, versions: list[ItemVersion] | None,
                     sections: list[Section] | None, leader_id: int | None) -> None:
    if versions is not None:
        await CampaignItem.filter(campaign_id=campaign.id).delete()
        await CampaignItem.bulk_create([CampaignItem(campaign_id=campaign.id, item_version_id=v.id)
                                        for v in versions])
    if sections is not None:
        await campaign.inspector_sections.clear()
        if sections:
            await campaign.inspector_sections.add(*sections)
    if leader_id is not None:
        campaign.leader_id = leader_id


async def snapshot(campaign: Campaign) -> dict[str, Any]:
    items = await CampaignItem.filter(campaign_id=campaign.id).order_by("item_version_id") \
        .values_list("item_version_id", flat=True)
    sections = sorted(s.id for s in await campaign.inspector_sections.all())
    return audit.snapshot(campaign) | {"item_version_ids": list(items),
                                       "inspector_section_ids": sections}


async def create_campaign(*, code: str, title: str, section_id: int, field_start: dt.date,
                          field_end: dt.date, item_version_ids: list[int], actor: str,
                          kind: CampaignKind = CampaignKind.ADHOC, plan_id: int | None = None,
                          inspector_section_ids: list[int] | None = None,
                          leader_id: int | None = None, created_by_id: int | None = None,
                          **details: Any) -> Campaign:
    """Create a draft campaign with its implementation plan (R14)."""
    problems: list[Problem] = []
    if not CODE_RE.fullmatch(code or ""):
        problems.append(Problem("任务编号须为 3 至 32 位字母、数字或连字符", field="code"))
    unknown = set(details) - set(EDITABLE)
    if unknown:
        problems.append(Problem(f"未知字段：{', '.join(sorted(unknown))}", field="details"))
    values = dict(details, title=title, field_start=field_start, field_end=field_end)
    _validate(values, problems)
    if problems:
        raise ValidationFailed(problems)
    if await Campaign.filter(code=code).exists():
        raise Conflict("duplicate_code", f"任务编号 {code} 已存在")
    if await Section.get_or_none(id=section_id) is None:
        raise NotFound("发起科室")
    if plan_id is not None:
        plan = await AnnualPlan.get_or_none(id=plan_id)
        if plan is None:
            raise NotFound("年度抽查计划")
        kind = CampaignKind.PLANNED
    values["rules"] = values.get("rules") or {}
    versions, sections = await _check_links(item_version_ids=item_version_ids,
                                            inspector_section_ids=inspector_section_ids,
                                            leader_id=leader_id)
    campaign = await Campaign.create(code=code, section_id=section_id, kind=kind, plan_id=plan_id,
                                     created_by_id=created_by_id, **values)
    await _set_links(campaign, versions, sections, leader_id)
    await campaign.save()
    await audit.record(actor=actor, action="campaign.create", obj=campaign,
                       after=await snapshot(campaign))
    return campaign


async def get_campaign(code: str, *, for_update: bool = False) -> Campaign:
    query = Campaign.filter(code=code)
    if for_update:
        query = query.select_for_update()
    campaign = await query.first()
    if campaign is None:
        raise NotFound(f"抽查任务 {code} ")
    return campaign


async def edit_campaign(*, code: str, actor: str, item_version_ids: list[int] | None = None,
                        inspector_section_ids: list[int] | None = None,
                        leader_id: int | None = None, **changes: Any) -> Campaign:
    """Edit the implementation plan; only while it is a draft."""
    campaign = await get_campaign(code, for_update=True)
    if campaign.state != S.DRAFT:
        raise Conflict("not_draft", f"任务已{LABELS[campaign.state]}，实施方案不能再修改")
    problems: list[Problem] = []
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        problems.append(Problem(f"未知字段：{', '.join(sorted(unknown))}", field="details"))
    merged = {n: getattr(campaign, n) for n in EDITABLE} | changes
    _validate(merged, problems)
    if problems:
        raise ValidationFailed(problems)
    versions, sections = await _check_links(item_version_ids=item_version_ids,
                                            inspector_section_ids=inspector_section_ids,
                                            leader_id=leader_id)
    before = await snapshot(campaign)
    for name, value in changes.items():
        setattr(campaign, name, value)
    await _set_links(campaign, versions, sections, leader_id)
    await campaign.save()
    await audit.record(actor=actor, action="campaign.edit", obj=campaign, before=before,
                       after=await snapshot(campaign))
    return campaign


async def transition(campaign: Campaign, to: CampaignState, *, actor: str,
                     reason: str = "") -> Campaign:
    """Move a campaign along its state machine; refuse illegal moves with 'illegal_transition'."""
    if to not in TRANSITIONS[campaign.state]:
        allowed = "、".join(LABELS[s] for s in TRANSITIONS[campaign.state]) or "无"
        raise DomainError("illegal_transition",
                          f"任务{LABELS[campaign.state]}，不能转为{LABELS[to]}（可转为：{allowed}）",
                          [], 409)
    before = {"state": campaign.state.value}
    campaign.state = to
    now = clock.now()
    if to == S.APPROVED:
        campaign.approved_at = now
    if to in (S.CLOSED, S.CANCELLED):
        campaign.closed_at = now
    await campaign.save()
    after: dict[str, Any] = {"state": to.value}
    if reason:
        after["reason"] = reason
    await audit.record(actor=actor, action=f"campaign.{to.value}", obj=campaign,
                       before=before, after=after)
    if to == S.CANCELLED:
        await visits.withdraw_visits(campaign=campaign, actor=actor, states=UNSTARTED)
    if to == S.REPORTING:
        # R19: due 10 working days after field work ends (the window's end, or earlier).
        await reports.open_report(campaign_id=campaign.id, actor=actor, ended_on=clock.today())
    if to == S.CLOSED:
        await reports.archive(campaign_id=campaign.id, actor=actor)  # issue 7: file the report
    return campaign


async def approve_campaign(*, code: str, actor: str) -> Campaign:
    """Approve the implementation plan (R14): everything the draw needs must be set."""
    campaign = await get_campaign(code, for_update=True)
    if campaign.state != S.DRAFT:
        return await transition(campaign, S.APPROVED, actor=actor)  # raises the clear error
    problems = []
    if not await CampaignItem.filter(campaign_id=campaign.id).exists():
        problems.append(Problem("未选择抽查事项", field="item_version_ids"))  # R1
    else:
        ids = await CampaignItem.filter(campaign_id=campaign.id).values_list(
            "item_version_id", flat=True)
        try:
            await item_list.require_usable(item_version_ids=[int(i) for i in ids])  # type: ignore[call-overload]
        except item_list.ItemsNotUsable as exc:
            problems.extend(exc.problems)
    if campaign.leader_id is None:
        problems.append(Problem("未指定执法检查组组长", field="leader_id"))  # R16
    if not campaign.purpose.strip():
        problems.append(Problem("未填写抽查目的", field="purpose"))  # R14
    if not campaign.method.strip():
        problems.append(Problem("未填写检查方式", field="method"))  # R14
    if not campaign.use_of_results.strip():
        problems.append(Problem("未填写结果运用", field="use_of_results"))  # R14
    if problems:
        raise ValidationFailed(problems, "实施方案不完整，不能批准")
    return await transition(campaign, S.APPROVED, actor=actor)


async def _check_public_reason(campaign: Campaign, reason: str) -> None:
    # R14: the window never names a confidential campaign's employers, not even in the reason.
    if not campaign.confidential:
        return
    for employer in await messages.campaign_employers(campaign.id):
        if (employer.name and employer.name in reason) or employer.uscc in reason:
            raise ValidationFailed([Problem(
                "本次抽查有保密要求，公开的取消原因不能出现被抽取单位的名称或统一社会信用代码",
                field="reason", code="reason_names_employer")])


async def _announce_cancellation(campaign: Campaign, *, was: CampaignState, actor: str) -> None:
    """A campaign the public has heard of (a draw committed) is taken off with its reason on
    the window (R3); once the call-up has begun, the inspectors called and the leader are told."""
    if await Draw.exists(campaign_id=campaign.id):
        await duties.record_published(
            kind=PublicationKind.CANCELLATION, object_type="campaign", object_id=campaign.id,
            title=f"{campaign.code}「{campaign.title}」取消公告"[:200],
            section_id=campaign.section_id, actor=actor)
    if was not in (S.CALLING_UP, S.IN_FIELD):
        return
    called = await CallUp.filter(campaign_id=campaign.id, state__in=[
        CallUpState.CALLED, CallUpState.ACCEPTED]).values_list("staff__wecom_userid", flat=True)
    leader = await Staff.get_or_none(id=campaign.leader_id)
    to = [str(u) for u in called] + ([leader.wecom_userid] if leader else [])
    await messages.send_text(
        to=to, key=f"campaign:{campaign.id}:cancelled", campaign=campaign,
        content=(f"【任务取消】{campaign.code}「{campaign.title}」已取消，原因：{campaign.cancel_reason}。"
                 "尚未开始的检查不再进行；已开始的检查请照常办结。"))


async def cancel_campaign(*, code: str, actor: str, reason: str) -> Campaign:
    """Cancel a campaign before it closes, with a reason; audited, and published (R3) if the
    public has heard of it. Visits not yet started are withdrawn (R20: shared ones unlinked)."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed([Problem("请说明取消原因", field="reason")])
    campaign = await get_campaign(code, for_update=True)
    await _check_public_reason(campaign, reason)
    was = campaign.state
    campaign.cancel_reason = reason
    await transition(campaign, S.CANCELLED, actor=actor, reason=reason)
    await voiding.void_pending(campaign, reason=f"抽查任务已取消：{reason}", actor=actor)
    await _announce_cancellation(campaign, was=was, actor=actor)
    return campaign
