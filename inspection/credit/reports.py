"""The campaign report (R19): due 10 working days after field work ends, generated from the data
as PDF and XLSX, chased through the outbox until it exists, archived with the campaign. While
field work goes on, and after, the same report can be rendered on demand (`render_now`).

Files are stored under the data folder at `reports/<campaign code>/`; CampaignReport keeps their
keys (paths relative to the data folder) and the figures they were made from.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import re
from pathlib import Path
from typing import Any

from inspection import audit, clock, messages, outbox, typeset
from inspection.calendar import PROVISIONAL_NOTE, WorkingCalendar, add_working_days, load_calendar
from inspection.credit import figures, render
from inspection.errors import Conflict, NotFound
from models.campaigns import Campaign
from models.enums import CampaignState, ReportStatus, StaffStatus
from models.org import Staff
from models.reports import CampaignReport

REPORT_WORKING_DAYS = 10  # R19
DUE_TOPIC = "timer.report_due"
CHASE_HOUR = 9  # chase at 09:00 Beijing time on working days
MAX_CHASES = 10
# States in which the campaign has reached its field work: only these have figures to report.
REPORTABLE = (CampaignState.IN_FIELD, CampaignState.REPORTING, CampaignState.CLOSED)
SIGNED = "signed"  # the key, in a generated report's stored figures, of who signed it and when
FORMATS = {"pdf": "application/pdf",
           "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def _at(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(CHASE_HOUR), tzinfo=clock.BEIJING).astimezone(dt.UTC)


async def _campaign(campaign_id: int) -> Campaign:
    campaign = await Campaign.get_or_none(id=campaign_id)
    if campaign is None:
        raise NotFound("抽查任务")
    return campaign


def require_reportable(campaign: Campaign) -> None:
    if campaign.state == CampaignState.CANCELLED:
        raise Conflict("campaign_not_reportable", "该抽查任务已取消，没有抽查工作报告")
    if campaign.state not in REPORTABLE:
        raise Conflict("campaign_not_reportable", "该抽查任务尚未开始实地检查，还没有可汇总的检查结果")


async def open_report(*, campaign_id: int, actor: str,
                      ended_on: dt.date | None = None) -> CampaignReport:
    """The report row with its due date and the chase timer; idempotent.

    Called when field work ends (campaign → reporting): on the field window's last day, or
    `ended_on` if the leader ended it earlier. Also by `generate`.
    """
    campaign = await _campaign(campaign_id)
    report = await CampaignReport.get_or_none(campaign_id=campaign.id)
    if report is not None:
        return report
    end = min(campaign.field_end, ended_on) if ended_on else campaign.field_end
    due = await add_working_days(end, REPORT_WORKING_DAYS)
    report = await CampaignReport.create(campaign_id=campaign.id, due_on=due.day, due_from=end,
                                         due_provisional=due.provisional)
    await audit.record(actor=actor, action="report.open", obj=report,
                       after=audit.snapshot(report))
    await outbox.enqueue(topic=DUE_TOPIC, payload={"report_id": report.id, "chase": 0},
                         key=f"report-due:{report.id}:0", due_at=_at(due.day))
    return report


async def confirm_due_dates(*, calendar: WorkingCalendar, actor: str) -> int:
    """Recount the due dates of reports still to write that were provisional (counted without
    the holiday schedule), and move the first chase. Returns how many changed."""
    changed = 0
    for report in await CampaignReport.filter(status=ReportStatus.DUE, due_provisional=True
                                              ).select_related("campaign").order_by("id"):
        due = calendar.due(report.due_from or report.campaign.field_end, REPORT_WORKING_DAYS)
        if (due.day, due.provisional) == (report.due_on, report.due_provisional):
            continue
        before = audit.snapshot(report, ["due_on", "due_provisional"])
        report.due_on, report.due_provisional = due.day, due.provisional
        await report.save(update_fields=["due_on", "due_provisional", "updated_at"])
        await outbox.reschedule(key=f"report-due:{report.id}:0", due_at=_at(due.day))
        await audit.record(actor=actor, action="report.due_confirmed", obj=report, before=before,
                           after=audit.snapshot(report, ["due_on", "due_provisional"]))
        changed += 1
    return changed


def _safe(code: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]", "_", code)[:64] or "campaign"


def _signed(report: CampaignReport | None, issuer: str) -> dict[str, str]:
    """Who signs the report and when, and its due date as printed (before field work ends the
    date is not known yet)."""
    due = (typeset.cn_date(report.due_on) + (PROVISIONAL_NOTE if report.due_provisional else "")
           if report is not None else f"实地检查结束后{REPORT_WORKING_DAYS}个工作日内")
    return {"due": due, "issuer": issuer, "issued_on": clock.today().isoformat()}


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


async def generate(*, campaign_id: int, actor: str, data_dir: Path,
                   issuer: str) -> CampaignReport:
    """Count the figures from the rows, render PDF and XLSX, store them; regenerable until
    archived. `issuer` is the bureau's name (the adapter's setting), signed under the report
    with the campaign's section and today's date."""
    campaign = await _campaign(campaign_id)
    require_reportable(campaign)
    if campaign.state == CampaignState.IN_FIELD:
        raise Conflict("fieldwork_not_ended",
                       "实地检查尚未结束，结束后才能生成抽查工作报告（现在可以下载当前的统计）")
    report = await open_report(campaign_id=campaign.id, actor=actor)
    if report.status == ReportStatus.ARCHIVED:
        raise Conflict("report_archived", "报告已随任务归档，不能重新生成")
    fig = await figures.campaign_figures(campaign_id=campaign.id)
    signed = _signed(report, issuer)
    pdf, xlsx = await asyncio.to_thread(
        lambda: (render.render_pdf(fig, **signed), render.render_xlsx(fig, **signed)))
    folder = Path("reports") / _safe(campaign.code)
    pdf_key = str(folder / f"{_safe(campaign.code)}-report.pdf")
    xlsx_key = str(folder / f"{_safe(campaign.code)}-report.xlsx")
    await asyncio.to_thread(_write, data_dir / pdf_key, pdf)
    await asyncio.to_thread(_write, data_dir / xlsx_key, xlsx)
    before = audit.snapshot(report)
    report.figures, report.pdf_key, report.xlsx_key = {**fig, SIGNED: signed}, pdf_key, xlsx_key
    report.status, report.generated_at = ReportStatus.GENERATED, clock.now()
    await report.save()
    await audit.record(actor=actor, action="report.generate", obj=report, before=before,
                       after=audit.snapshot(report))
    return report


async def render_now(*, campaign_id: int, fmt: str, issuer: str) -> tuple[bytes, str]:
    """The report as a file (`fmt` pdf or xlsx) and its name: from the figures archived with
    the campaign once it is closed (what was approved, signed as it was), else from the data as
    they stand now, signed by `issuer` today."""
    if fmt not in FORMATS:
        raise NotFound("报告格式")
    campaign = await _campaign(campaign_id)
    require_reportable(campaign)
    name = f"{_safe(campaign.code)}-report.{fmt}"
    report = await CampaignReport.get_or_none(campaign_id=campaign.id)
    if report is not None and report.status == ReportStatus.ARCHIVED:
        fig, signed = counted(report), report.figures.get(SIGNED) or _signed(report, issuer)
    else:
        fig = await figures.campaign_figures(campaign_id=campaign.id)
        signed = _signed(report, issuer)
    renderer = render.render_pdf if fmt == "pdf" else render.render_xlsx
    return await asyncio.to_thread(lambda: renderer(fig, **signed)), name


def counted(report: CampaignReport) -> dict[str, Any]:
    """The figures a report was generated from, without its signature: what
    `figures.campaign_figures` gives while the data have not changed since."""
    return {k: v for k, v in report.figures.items() if k != SIGNED}


async def archive(*, campaign_id: int, actor: str) -> CampaignReport:
    """File the generated report with the campaign (call when the campaign closes)."""
    report = await CampaignReport.get_or_none(campaign_id=campaign_id)
    if report is None or report.status == ReportStatus.DUE:
        raise Conflict("report_missing", "抽查工作报告尚未生成，不能归档")
    if report.status == ReportStatus.ARCHIVED:
        return report
    before = audit.snapshot(report)
    report.status, report.archived_at = ReportStatus.ARCHIVED, clock.now()
    await report.save()
    await audit.record(actor=actor, action="report.archive", obj=report, before=before,
                       after=audit.snapshot(report))
    return report


async def on_report_due(payload: dict[str, object]) -> None:
    """Outbox handler for "timer.report_due": while the report is missing, tell the initiating
    section's initiators on the due day and every following working day (up to MAX_CHASES)."""
    report_id, chase = payload.get("report_id"), payload.get("chase", 0)
    if not isinstance(report_id, int) or not isinstance(chase, int):
        return
    report = await CampaignReport.filter(id=report_id).select_related("campaign").first()
    if report is None or report.status != ReportStatus.DUE:
        return
    campaign = report.campaign
    if campaign.state == CampaignState.CANCELLED:
        return
    users = await Staff.filter(section_id=campaign.section_id, is_initiator=True,
                               status=StaffStatus.ACTIVE).order_by("id").values_list(
        "wecom_userid", flat=True)
    today = clock.today()
    calendar = await load_calendar(start=report.due_on)
    late = calendar.working_days_between(report.due_on, today)
    await messages.send(
        template=messages.Template.REPORT_DUE, to=[str(u) for u in users], campaign=campaign,
        facts={"code": campaign.code, "title": campaign.title,
               "due_on": report.due_on.isoformat(), "provisional": report.due_provisional,
               "working_days": REPORT_WORKING_DAYS, "late": max(0, late)},
        key=f"report-due:{report.id}:{chase}:message")
    if chase + 1 < MAX_CHASES:
        nxt = calendar.add_working_days(max(today, report.due_on), 1)
        await outbox.enqueue(topic=DUE_TOPIC, payload={"report_id": report.id, "chase": chase + 1},
                             key=f"report-due:{report.id}:{chase + 1}", due_at=_at(nxt))
