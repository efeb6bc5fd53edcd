"""Routes of a campaign's life after the call-up (R19, R16): the leader ends field work early, the
report is generated, downloaded (PDF, XLSX) and approved, which closes the campaign; the initiating
section replaces the leader. Over inspection/planning/lifecycle.py and inspection/credit/reports.py.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import quote

from aiohttp import web
from pydantic import BaseModel, Field

from inspection import access, audit
from inspection.credit import reports
from inspection.planning import lifecycle
from miniprogram_api.campaigns import CAMPAIGN_MANAGER, CAMPAIGN_READER, CampaignOut, campaign_out
from miniprogram_api.framework import Call, Route
from miniprogram_api.schemas import Id, Request, ShortText, Text
from models.enums import ReportStatus
from models.reports import CampaignReport

LEADER = "leader of the campaign (组长)"


class ReportOut(BaseModel):
    campaign_id: int
    campaign_state: str
    status: ReportStatus | None = Field(description="due 待生成 / generated 已生成 / archived 已归档；"
                                        "null：尚未转入汇总报告")
    due_on: dt.date | None = Field(description="报告期限（实地检查结束后 10 个工作日）")
    due_provisional: bool = Field(description="报告期限按周一至周五推算，暂定，待节假日安排录入后确认")
    generated_at: dt.datetime | None
    approved_at: dt.datetime | None
    approval_note: str
    figures: dict[str, object] = Field(description="生成时的统计数字（未生成时为空）")


class ApproveIn(Request):
    note: Text = ""


class LeaderIn(Request):
    leader_id: Id
    reason: ShortText = Field(description="更换理由")


async def _report(campaign_id: int, state: str) -> ReportOut:
    r = await CampaignReport.get_or_none(campaign_id=campaign_id)
    return ReportOut(campaign_id=campaign_id, campaign_state=state,
                     status=ReportStatus(r.status) if r else None, due_on=r.due_on if r else None,
                     due_provisional=bool(r and r.due_provisional),
                     generated_at=r.generated_at if r else None,
                     approved_at=r.approved_at if r else None,
                     approval_note=r.approval_note if r else "", figures=r.figures if r else {})


async def finish_fieldwork(call: Call[None, None]) -> CampaignOut:
    return campaign_out(await lifecycle.finish_fieldwork(staff=call.me,
                                                         campaign_id=call.path["campaign_id"]))


async def get_report(call: Call[None, None]) -> ReportOut:
    campaign = await access.campaign_for(staff=call.me, campaign_id=call.path["campaign_id"])
    return await _report(campaign.id, str(campaign.state))


async def generate_report(call: Call[None, None]) -> ReportOut:
    campaign = await access.campaign_for(staff=call.me, campaign_id=call.path["campaign_id"])
    await reports.generate(campaign_id=campaign.id, actor=audit.staff_actor(call.me.id),
                           data_dir=call.config.data_dir, issuer=call.config.issuer.name)
    return await _report(campaign.id, str(campaign.state))


async def approve_report(call: Call[ApproveIn, None]) -> ReportOut:
    campaign = await lifecycle.approve_report(staff=call.me, campaign_id=call.path["campaign_id"],
                                              note=call.body.note)
    return await _report(campaign.id, str(campaign.state))


async def _file(call: Call, fmt: str) -> web.Response:
    campaign = await access.campaign_for(staff=call.me, campaign_id=call.path["campaign_id"])
    data, name = await reports.render_now(campaign_id=campaign.id, fmt=fmt,
                                          issuer=call.config.issuer.name)
    return web.Response(body=data, content_type=reports.FORMATS[fmt], headers={
        "Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}",
        "Cache-Control": "private, no-store", "X-Content-Type-Options": "nosniff"})


async def report_pdf(call: Call[None, None]) -> web.Response:
    return await _file(call, "pdf")


async def report_xlsx(call: Call[None, None]) -> web.Response:
    return await _file(call, "xlsx")


async def replace_leader(call: Call[LeaderIn, None]) -> CampaignOut:
    return campaign_out(await lifecycle.replace_leader(
        staff=call.me, campaign_id=call.path["campaign_id"], leader_id=call.body.leader_id,
        reason=call.body.reason))


def routes() -> list[Route]:
    cid = "/campaigns/{campaign_id}"
    return [
        Route("POST", cid + "/finish-fieldwork", "finishFieldwork",
              "组长宣布实地检查结束（全部检查已提交），任务转入汇总报告", "campaigns", LEADER,
              finish_fieldwork, CampaignOut, creates=True, errors=(403, 409)),
        Route("GET", cid + "/report", "getCampaignReport", "抽查工作报告的状态、期限和数字",
              "campaigns", CAMPAIGN_READER, get_report, ReportOut),
        Route("POST", cid + "/report", "generateCampaignReport",
              "生成抽查工作报告（汇总报告中；可重新生成，归档后不能）", "campaigns",
              CAMPAIGN_READER, generate_report, ReportOut, creates=True, errors=(409,)),
        Route("POST", cid + "/report/approve", "approveCampaignReport",
              "审核通过抽查工作报告：任务结束，报告归档", "campaigns", CAMPAIGN_MANAGER,
              approve_report, ReportOut, body=ApproveIn, creates=True, errors=(403, 409)),
        Route("GET", cid + "/report/pdf", "getCampaignReportPdf",
              "下载抽查工作报告 PDF（实地检查开始后；按当前数据生成，结束后为归档的报告）",
              "campaigns", CAMPAIGN_READER, report_pdf, binary=("application/pdf",),
              errors=(409,)),
        Route("GET", cid + "/report/xlsx", "getCampaignReportXlsx",
              "下载抽查工作报告 Excel（同上）", "campaigns", CAMPAIGN_READER, report_xlsx,
              binary=(reports.FORMATS["xlsx"],), errors=(409,)),
        Route("POST", cid + "/leader", "replaceCampaignLeader", "更换组长（须说明理由，新旧组长均收到通知）",
              "campaigns", CAMPAIGN_MANAGER, replace_leader, CampaignOut, body=LeaderIn,
              creates=True, errors=(403, 409)),
    ]
