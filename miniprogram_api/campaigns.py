"""Routes of campaigns (R14), the recomputable draw (R15) and call-up progress: the initiating
section manages, the campaign's leader reads. Over inspection/campaign_admin.py. Annual plans are
in plans.py, the leader's call-up work (分配, 自动分配, 递补, 延期) in callup.py."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from pydantic import BaseModel, Field, StringConstraints

from inspection.draw import ceremony
from inspection.planning import admin as ca
from inspection.planning import campaigns as campaign_rules
from miniprogram_api.framework import Call, Route
from miniprogram_api.schemas import Id, Request, ShortText
from models.campaigns import Campaign
from models.enums import CampaignKind, CampaignState, DrawStatus
from notifications import replies

INITIATOR = "initiating section (发起科室)"
CAMPAIGN_MANAGER = "initiating section of the campaign (its leader reads only)"
CAMPAIGN_READER = "leader of the campaign, initiating section"
Long = Annotated[str, StringConstraints(max_length=4000)]
Code = Annotated[str, StringConstraints(max_length=32, strip_whitespace=True)]


class CampaignQuery(Request):
    state: CampaignState | None = None
    year: int | None = Field(None, ge=2000, le=2100, description="检查时间与该年度有交集")
    q: Annotated[str, StringConstraints(max_length=64, strip_whitespace=True)] = Field(
        "", description="抽查编号或名称（包含）")
    page: int = Field(1, ge=1, le=10_000)
    page_size: int = Field(20, ge=1, le=100)


class CampaignSummary(BaseModel):
    id: int
    code: str
    title: str
    kind: CampaignKind
    state: CampaignState
    state_label: str = Field(description="状态（中文）")
    field_start: dt.date
    field_end: dt.date
    section_id: int
    section: str = Field(description="发起科室")
    leader_id: int | None
    leader: str | None = Field(description="组长")


class CampaignPage(BaseModel):
    items: list[CampaignSummary]
    total: int
    page: int
    page_size: int


class CampaignDetails(Request):
    purpose: Long | None = None
    method: ShortText | None = None
    employers_needed: int | None = Field(None, ge=0, le=100_000)
    inspectors_per_employer: int | None = Field(None, ge=2, le=20)
    inspectors_needed: int | None = Field(None, ge=0, le=10_000)
    confidential: bool | None = None
    confidentiality_note: Long | None = None
    use_of_results: Long | None = None
    reply_hours: int | None = Field(None, ge=1, le=720)
    rules: dict[str, Any] | None = Field(None, description="抽取规则（分层、比例、排除）")
    item_version_ids: list[Id] | None = Field(None, max_length=200)
    leader_id: Id | None = None
    inspector_section_ids: list[Id] | None = Field(None, max_length=100)


class CampaignIn(CampaignDetails):
    code: Code
    title: ShortText
    field_start: dt.date
    field_end: dt.date
    item_version_ids: list[Id] | None = Field(None, min_length=1, max_length=200)


class CampaignPatch(CampaignDetails):
    title: ShortText | None = None
    field_start: dt.date | None = None
    field_end: dt.date | None = None


class CancelIn(Request):
    reason: ShortText


class CampaignOut(BaseModel):
    id: int
    code: str
    title: str
    state: str
    state_label: str = Field(description="状态（中文）")
    section_id: int
    field_start: dt.date
    field_end: dt.date
    leader_id: int | None
    purpose: str
    method: str
    employers_needed: int
    inspectors_per_employer: int
    inspectors_needed: int
    confidential: bool
    confidentiality_note: str
    use_of_results: str
    reply_hours: int
    rules: dict[str, Any] = Field(description="抽取规则（分层、比例、筛选、频次、不列入的单位）")
    cancel_reason: str = Field(description="取消原因（已取消时）")


class CampaignPlanOut(CampaignOut):
    item_version_ids: list[int] = Field(description="抽查事项（版本）")
    inspector_section_ids: list[int] = Field(description="执法检查人员所在科室（空：全部）")


class DrawnOut(BaseModel):
    position: int = Field(description="抽取顺序（分层内从 1 起）")
    key: str = Field(description="统一社会信用代码或执法证号")
    name: str
    rank: str


class StratumOut(BaseModel):
    stratum: str
    candidate_count: int = Field(description="承诺时冻结的候选数")
    count: int = Field(description="抽取数")
    roster_hash: str = Field(description="候选名单的哈希（承诺时冻结）")
    drawn: list[DrawnOut] = Field(description="揭示后：按抽取顺序排列（人员为完整递补顺序）")


class ExcludedOut(BaseModel):
    reason: str
    label: str
    count: int


class DrawOut(BaseModel):
    id: int
    kind: str
    status: str
    commitment: str
    committed_at: dt.datetime
    public_entropy: str | None
    revealed_at: dt.datetime | None
    witnesses: str
    void_reason: str
    secret: str | None = Field(description="揭示后公开，供任何人复算（tools/verify_draw.py）")
    strata: list[StratumOut]
    excluded: list[ExcludedOut] = Field(description="未列入候选的，按原因计数")
    hidden: bool = Field(description="保密任务：检查组组成前只向发起科室显示被抽中单位")
    voidable: bool = Field(description="按规定仍可作废")
    record_url: str = Field(description="公示窗口中的抽取记录（含核验方法）")


class DrawList(BaseModel):
    campaign_id: int
    draws: list[DrawOut]
    code: str
    title: str
    state: str
    state_label: str = Field(description="任务状态（中文）")
    confidential: bool
    field_start: dt.date
    field_end: dt.date
    employers_needed: int
    inspectors_needed: int
    voidable: bool = Field(description="尚有抽取可按规定作废")
    void_rule: str = Field(description="作废的规定")
    verifier_url: str = Field(description="核验工具（公示窗口）")
    reveal_not_before: dt.datetime | None = Field(
        description="待揭示时：最早可揭示的时间（承诺公布后须满规定时间）")


class RevealIn(Request):
    public_entropy: Annotated[str, StringConstraints(min_length=1, max_length=200)] = Field(
        description="抽取会上现场取得的公开随机数")
    witnesses: Annotated[str, StringConstraints(max_length=1000)] = ""
    entropy_source_date: dt.date | None = Field(
        None, description="公开随机数来源的日期（如开奖日期），不得早于承诺之日；"
                          "不填时从公开随机数中识别日期")


class VoidIn(Request):
    kind: Annotated[str, StringConstraints(max_length=16)] = Field(description="employers 或 inspectors")
    reason: ShortText


class ProgressOut(BaseModel):
    campaign_id: int
    text: str = Field(description="与企业微信“进度”命令相同的内容（不含被检查单位）")


class RosterOut(BaseModel):
    campaign_id: int
    text: str = Field(description="与企业微信“名单”命令相同的内容（检查组组成后含分工）")


def _fields(c: Campaign) -> dict[str, Any]:
    return dict(id=c.id, code=c.code, title=c.title, state=str(c.state),
                state_label=campaign_rules.LABELS[c.state], section_id=c.section_id,
                field_start=c.field_start, field_end=c.field_end, leader_id=c.leader_id,
                purpose=c.purpose, method=c.method, employers_needed=c.employers_needed,
                inspectors_per_employer=c.inspectors_per_employer,
                inspectors_needed=c.inspectors_needed, confidential=c.confidential,
                confidentiality_note=c.confidentiality_note, use_of_results=c.use_of_results,
                reply_hours=c.reply_hours, rules=c.rules or {}, cancel_reason=c.cancel_reason)


def campaign_out(c: Campaign) -> CampaignOut:
    return CampaignOut(**_fields(c))


async def _plan_out(call: Call[Any, Any], campaign_id: int) -> CampaignPlanOut:
    c, items, sections = await ca.campaign_plan(staff=call.me, campaign_id=campaign_id)
    return CampaignPlanOut(**_fields(c), item_version_ids=items, inspector_section_ids=sections)


def _draw(f: ceremony.DrawFacts, campaign: Campaign, base: str) -> DrawOut:
    d = f.draw
    revealed = d.revealed_at is not None
    return DrawOut(
        id=d.id, kind=str(d.kind), status=str(d.status), commitment=d.commitment,
        committed_at=d.committed_at, public_entropy=d.public_entropy, revealed_at=d.revealed_at,
        witnesses=d.witnesses, void_reason=d.void_reason,
        secret=d.secret if revealed else None,  # the secret stays hidden until the reveal
        strata=[StratumOut(stratum=s.stratum, candidate_count=s.candidate_count, count=s.count,
                           roster_hash=s.roster_hash, drawn=[DrawnOut(**vars(e)) for e in s.drawn])
                for s in f.strata],
        excluded=[ExcludedOut(**vars(x)) for x in f.excluded], hidden=f.hidden,
        voidable=ceremony.may_void(campaign, d), record_url=f"{base}/public/draws/{d.id}")


async def _ceremony(call: Call[Any, None]) -> DrawList:
    """The campaign's draws as the ceremony shows them (after a commit or reveal, as they now
    stand)."""
    c = await ca.draw_ceremony(staff=call.me, campaign_id=call.path["campaign_id"])
    base = call.config.public_base_url.rstrip("/")
    draws = [_draw(f, c.campaign, base) for f in c.draws]
    waiting = [f.draw.committed_at for f in c.draws if f.draw.status == DrawStatus.COMMITTED]
    k = c.campaign
    return DrawList(campaign_id=k.id, draws=draws, code=k.code, title=k.title, state=str(k.state),
                    state_label=campaign_rules.LABELS[k.state],
                    confidential=k.confidential, field_start=k.field_start,
                    field_end=k.field_end, employers_needed=k.employers_needed,
                    inspectors_needed=k.inspectors_needed, voidable=c.voidable,
                    void_rule=c.void_rule, verifier_url=f"{base}/public/tools/verify_draw.py",
                    reveal_not_before=max(waiting) + call.config.draw_min_reveal_delay
                    if waiting else None)


_LINKS = ("item_version_ids", "leader_id", "inspector_section_ids")



async def list_campaigns(call: Call[None, CampaignQuery]) -> CampaignPage:
    q = call.query
    page = await ca.list_campaigns(staff=call.me, state=q.state, year=q.year, q=q.q, page=q.page,
                                   page_size=q.page_size)
    return CampaignPage(items=[CampaignSummary(
        id=r["id"], code=r["code"], title=r["title"], kind=r["kind"], state=r["state"],
        state_label=campaign_rules.LABELS[CampaignState(r["state"])],
        field_start=r["field_start"], field_end=r["field_end"], section_id=r["section_id"],
        section=r["section__name"], leader_id=r["leader_id"], leader=r["leader__name"])
        for r in page.items], total=page.total, page=page.page, page_size=page.page_size)


async def create_campaign(call: Call[CampaignIn, None]) -> CampaignPlanOut:
    b = call.body
    details = b.model_dump(exclude_none=True,
                           exclude={"code", "title", "field_start", "field_end", *_LINKS})
    created = await ca.create_campaign(
        staff=call.me, code=b.code, title=b.title, field_start=b.field_start,
        field_end=b.field_end, item_version_ids=b.item_version_ids or [], leader_id=b.leader_id,
        inspector_section_ids=b.inspector_section_ids, details=details)
    return await _plan_out(call, created.id)


async def get_campaign(call: Call[None, None]) -> CampaignPlanOut:
    return await _plan_out(call, call.path["campaign_id"])


async def edit_campaign(call: Call[CampaignPatch, None]) -> CampaignPlanOut:
    b = call.body
    changes = b.model_dump(exclude_none=True, exclude=set(_LINKS))
    await ca.edit_campaign(
        staff=call.me, campaign_id=call.path["campaign_id"], item_version_ids=b.item_version_ids,
        leader_id=b.leader_id, inspector_section_ids=b.inspector_section_ids, changes=changes)
    return await _plan_out(call, call.path["campaign_id"])


async def approve(call: Call[None, None]) -> CampaignOut:
    return campaign_out(await ca.approve_campaign(staff=call.me,
                                                  campaign_id=call.path["campaign_id"]))


async def cancel(call: Call[CancelIn, None]) -> CampaignOut:
    return campaign_out(await ca.cancel_campaign(
        staff=call.me, campaign_id=call.path["campaign_id"], reason=call.body.reason))


async def list_draws(call: Call[None, None]) -> DrawList:
    return await _ceremony(call)


async def commit(call: Call[None, None]) -> DrawList:
    await ca.commit_draws(staff=call.me, campaign_id=call.path["campaign_id"])
    return await _ceremony(call)


async def reveal(call: Call[RevealIn, None]) -> DrawList:
    b = call.body
    await ca.reveal_draws(staff=call.me, campaign_id=call.path["campaign_id"],
                          public_entropy=b.public_entropy, witnesses=b.witnesses,
                          min_delay=call.config.draw_min_reveal_delay,
                          entropy_source_date=b.entropy_source_date)
    return await _ceremony(call)


async def void(call: Call[VoidIn, None]) -> DrawOut:
    voided = await ca.void_draw(staff=call.me, campaign_id=call.path["campaign_id"],
                                kind=call.body.kind, reason=call.body.reason)
    return next(d for d in (await _ceremony(call)).draws if d.id == voided.id)




async def progress(call: Call[None, None]) -> ProgressOut:
    overview = await ca.progress(staff=call.me, campaign_id=call.path["campaign_id"])
    return ProgressOut(campaign_id=call.path["campaign_id"], text=replies.progress(overview))


async def roster(call: Call[None, None]) -> RosterOut:
    overview = await ca.roster(staff=call.me, campaign_id=call.path["campaign_id"])
    return RosterOut(campaign_id=call.path["campaign_id"], text=replies.roster(overview))


def routes() -> list[Route]:
    cid = "/campaigns/{campaign_id}"
    return [
        Route("POST", "/campaigns", "createCampaign", "新建抽查任务（实施方案草稿，事项须现行有效）",
              "campaigns", INITIATOR, create_campaign, CampaignPlanOut, status=201,
              body=CampaignIn, creates=True, errors=(403, 409)),
        Route("GET", "/campaigns", "listCampaigns",
              "抽查任务列表（分页；可按状态、年度、编号或名称筛选；只列出本人可查看的）",
              "campaigns", CAMPAIGN_READER, list_campaigns, CampaignPage, query=CampaignQuery),
        Route("GET", cid, "getCampaign", "抽查任务及实施方案", "campaigns", CAMPAIGN_READER,
              get_campaign, CampaignPlanOut),
        Route("PATCH", cid, "editCampaign", "修改实施方案（仅草稿）", "campaigns", CAMPAIGN_MANAGER,
              edit_campaign, CampaignPlanOut, body=CampaignPatch, errors=(403, 409)),
        Route("POST", cid + "/approve", "approveCampaign", "批准实施方案", "campaigns",
              CAMPAIGN_MANAGER, approve, CampaignOut, creates=True, errors=(403, 409)),
        Route("POST", cid + "/cancel", "cancelCampaign", "取消抽查任务（须说明理由）", "campaigns",
              CAMPAIGN_MANAGER, cancel, CampaignOut, body=CancelIn, creates=True,
              errors=(403, 409)),
        Route("GET", cid + "/draws", "listDraws", "抽取记录：承诺冻结的分层和候选数、揭示后按抽取顺序的单位和人员（可复算）", "draws",
              CAMPAIGN_READER, list_draws, DrawList),
        Route("POST", cid + "/draws/commit", "commitDraws", "抽取承诺：冻结名单并公布承诺值",
              "draws", CAMPAIGN_MANAGER, commit, DrawList, status=201, creates=True,
              errors=(403, 409)),
        Route("POST", cid + "/draws/reveal", "revealDraws",
              "揭示抽取：输入公开随机数、其来源日期和见证人（承诺公布后须满规定时间）",
              "draws", CAMPAIGN_MANAGER, reveal, DrawList, body=RevealIn, creates=True,
              errors=(403, 409)),
        Route("POST", cid + "/draws/void", "voidDraw", "作废抽取（须说明理由，任务随之取消）",
              "draws", CAMPAIGN_MANAGER, void, DrawOut, body=VoidIn, creates=True,
              errors=(403, 409)),
        Route("GET", cid + "/progress", "getCallUpProgress", "召集进度（与“进度”命令相同）",
              "campaigns", CAMPAIGN_READER, progress, ProgressOut),
        Route("GET", cid + "/roster", "getCallUpRoster",
              "召集名单及分工（与“名单”命令相同；保密任务在检查组组成前不列单位）", "campaigns",
              CAMPAIGN_READER, roster, RosterOut),
    ]
