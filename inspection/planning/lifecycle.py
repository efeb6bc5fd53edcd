"""A campaign from the field to its end (R19): field work ends when the field window does (an
outbox timer written as the campaign enters the field) or earlier, by the leader's word, once
every visit is submitted; the campaign then reports (汇总报告中), its report opened with the
10-working-day due date and chased (inspection/credit/reports.py); the initiating section
approves the generated report and the campaign closes (已结束), the report archived with it.
The initiating section may also replace the leader (组长, R16), with a reason.
"""

from __future__ import annotations

import datetime as dt
import uuid

from inspection import access, audit, clock, messages, outbox
from inspection.credit import figures, reports
from inspection.errors import Conflict, Forbidden, Problem, ValidationFailed
from inspection.planning import campaigns
from models.campaigns import Campaign
from models.enums import CampaignState, InspectionState, ReportStatus, StaffStatus
from models.fieldwork import Inspection
from models.org import Staff
from models.reports import CampaignReport

S = CampaignState
FIELD_END_TOPIC = "timer.field_window_end"
SUBMITTED = (InspectionState.SUBMITTED, InspectionState.RECTIFYING, InspectionState.CLOSED)
MAX_TEXT = 2000


def field_end_key(campaign_id: int) -> str:
    return f"campaign:{campaign_id}:field-end"


def field_ends_at(campaign: Campaign) -> dt.datetime:
    """The end of the field window's last day: midnight after it, Beijing time."""
    return dt.datetime.combine(campaign.field_end + dt.timedelta(days=1), dt.time(0),
                               tzinfo=clock.BEIJING)


async def entered_field(*, campaign: Campaign) -> None:
    """The campaign has entered the field: the timer that ends its field work (idempotent)."""
    await outbox.enqueue(topic=FIELD_END_TOPIC, payload={"campaign_id": campaign.id},
                         key=field_end_key(campaign.id), due_at=field_ends_at(campaign))


async def _lock(campaign_id: int) -> Campaign:
    campaign = await Campaign.filter(id=campaign_id).select_for_update().first()
    assert campaign is not None  # callers found it first
    return campaign


async def _initiators(campaign: Campaign) -> list[str]:
    return [str(u) for u in await Staff.filter(
        section_id=campaign.section_id, is_initiator=True,
        status=StaffStatus.ACTIVE).order_by("id").values_list("wecom_userid", flat=True)]


async def _to_reporting(campaign: Campaign, *, actor: str, reason: str) -> CampaignReport:
    await campaigns.transition(campaign, S.REPORTING, actor=actor, reason=reason)
    await outbox.cancel(key=field_end_key(campaign.id))
    report = await reports.open_report(campaign_id=campaign.id, actor=actor)
    leader = await Staff.get_or_none(id=campaign.leader_id)
    to = await _initiators(campaign) + ([leader.wecom_userid] if leader else [])
    await messages.send_text(
        to=to, key=f"campaign:{campaign.id}:reporting", campaign=campaign,
        content=(f"【实地检查结束】{campaign.code}「{campaign.title}」{reason}，转入汇总报告。"
                 f"抽查工作报告须于 {report.due_on:%Y年%-m月%-d日} 前生成并报发起科室审核。"))
    return report


async def on_field_window_end(payload: dict[str, object]) -> None:
    """Outbox handler for "timer.field_window_end" (in the worker's transaction): a campaign
    still in the field when its window has ended moves on to reporting."""
    campaign_id = payload.get("campaign_id")
    if not isinstance(campaign_id, int) or not await Campaign.exists(id=campaign_id):
        return
    campaign = await _lock(campaign_id)
    if campaign.state != S.IN_FIELD:
        return  # ended early by the leader, or cancelled
    await _to_reporting(campaign, actor=audit.SYSTEM, reason="实地检查时间已届满")


async def finish_fieldwork(*, staff: Staff, campaign_id: int) -> Campaign:
    """The leader ends field work before the window does, once every visit is submitted."""
    found = await access.campaign_for(staff=staff, campaign_id=campaign_id)
    if found.leader_id != staff.id:
        raise Forbidden("只有本次抽查的组长可以宣布实地检查结束", "not_leader")
    campaign = await _lock(found.id)
    if campaign.state != S.IN_FIELD:
        raise Conflict("illegal_transition",
                       f"任务{campaigns.LABELS[campaign.state]}，不是实地检查中，不能宣布实地检查结束")
    open_visits = await Inspection.filter(campaigns=campaign.id).exclude(
        state__in=SUBMITTED).count()
    if open_visits:
        raise Conflict("visits_not_submitted",
                       f"还有 {open_visits} 户检查尚未提交检查结果，全部提交后才能结束实地检查")
    await _to_reporting(campaign, actor=audit.staff_actor(staff.id), reason="全部检查已提交，组长宣布实地检查结束")
    return campaign


async def managed(*, staff: Staff, campaign_id: int) -> Campaign:
    """A campaign of the caller's own initiating section; its leader sees it but gets 403."""
    campaign = await access.campaign_for(staff=staff, campaign_id=campaign_id)
    if not (staff.is_initiator and campaign.section_id == staff.section_id):
        raise Forbidden("此项由发起科室办理，组长只能查看", "initiator_only")
    return campaign


def _text(value: str, name: str, *, required: bool) -> str:
    value = (value or "").strip()
    if required and len(value) < 2:
        raise ValidationFailed([Problem("请填写（至少 2 个字）", field=name)])
    if len(value) > MAX_TEXT:
        raise ValidationFailed([Problem(f"不能超过 {MAX_TEXT} 字", field=name)])
    return value


async def approve_report(*, staff: Staff, campaign_id: int, note: str = "") -> Campaign:
    """The initiating section approves the generated report: the campaign closes (已结束) and
    the report is archived with it. A report older than the data must be generated again."""
    note = _text(note, "note", required=False)
    campaign = await _lock((await managed(staff=staff, campaign_id=campaign_id)).id)
    if campaign.state != S.REPORTING:
        raise Conflict("illegal_transition",
                       f"任务{campaigns.LABELS[campaign.state]}，只有汇总报告中的任务可以审核报告")
    report = await CampaignReport.filter(campaign_id=campaign.id).select_for_update().first()
    if report is None or report.status != ReportStatus.GENERATED:
        raise Conflict("report_missing", "抽查工作报告尚未生成，生成后才能审核")
    live = audit.jsonable(await figures.campaign_figures(campaign_id=campaign.id))
    if live != reports.counted(report):
        raise Conflict("report_stale", "报告生成后检查数据又有变化，请重新生成报告后再审核")
    fields = ["approved_at", "approved_by_id", "approval_note"]
    before = audit.snapshot(report, fields)
    report.approved_at, report.approval_note = clock.now(), note
    report.approved_by_id = staff.id
    await report.save(update_fields=[*fields, "updated_at"])
    await audit.record(actor=audit.staff_actor(staff.id), action="report.approve", obj=report,
                       before=before, after=audit.snapshot(report, fields))
    return await campaigns.transition(campaign, S.CLOSED, actor=audit.staff_actor(staff.id),
                                      reason="抽查工作报告经发起科室审核通过")


REPLACEABLE = (S.DRAFT, S.APPROVED, S.DRAWN, S.CALLING_UP, S.IN_FIELD, S.REPORTING)


async def replace_leader(*, staff: Staff, campaign_id: int, leader_id: int,
                         reason: str) -> Campaign:
    """The initiating section names another leader (R16), with a reason; both are told."""
    reason = _text(reason, "reason", required=True)
    campaign = await _lock((await managed(staff=staff, campaign_id=campaign_id)).id)
    if campaign.state not in REPLACEABLE:
        raise Conflict("illegal_transition",
                       f"任务{campaigns.LABELS[campaign.state]}，不能再更换组长")
    new = await Staff.get_or_none(id=leader_id)
    if new is None or not new.is_leader or new.status != StaffStatus.ACTIVE:
        raise ValidationFailed([Problem("组长须为在岗的分管领导", field="leader_id",
                                        code="not_a_leader")])
    old_id = campaign.leader_id
    if old_id == new.id:
        raise ValidationFailed([Problem("此人已是本次抽查的组长", field="leader_id",
                                        code="same_leader")])
    before = {"leader_id": old_id}
    campaign.leader_id = new.id
    await campaign.save(update_fields=["leader_id", "updated_at"])
    await audit.record(actor=audit.staff_actor(staff.id), action="campaign.leader_replaced",
                       obj=campaign, before=before, after={"leader_id": new.id, "reason": reason})
    # Each replacement is its own message (the same person may be appointed twice).
    change = uuid.uuid4().hex[:16]
    head = f"{campaign.code}「{campaign.title}」（{campaigns.LABELS[campaign.state]}）"
    await messages.send_text(
        to=[new.wecom_userid], key=f"campaign:{campaign.id}:leader:{change}", campaign=campaign,
        content=(f"【组长任命】您已被任命为 {head} 的执法检查组组长，原因：{reason}。"
                 "回复“进度”查看召集和检查进度。"))
    old = await Staff.get_or_none(id=old_id) if old_id else None
    if old is not None:
        await messages.send_text(
            to=[old.wecom_userid], key=f"campaign:{campaign.id}:leader:{change}:old",
            campaign=campaign, content=f"【组长更换】您不再担任 {head} 的组长，原因：{reason}。")
    return campaign
