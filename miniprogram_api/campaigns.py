"""Routes of annual plans (R13), campaigns (R14), the recomputable draw (R15) and call-up progress:
the initiating section manages, the campaign's leader reads. Over inspection/campaign_admin.py."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from pydantic import BaseModel, Field, StringConstraints

from inspection import campaign_admin as ca
from inspection import clock
from miniprogram_api.framework import Call, Route
from miniprogram_api.schemas import Id, Request, ShortText
from models.campaigns import Campaign
from models.draws import Draw

INITIATOR = "initiating section (发起科室)"
CAMPAIGN_MANAGER = "initiating section of the campaign (its leader reads only)"
CAMPAIGN_READER = "leader of the campaign, initiating section"
Long = Annotated[str, StringConstraints(max_length=4000)]
Code = Annotated[str, StringConstraints(max_length=32, strip_whitespace=True)]


class PlanIn(Request):
    year: int = Field(ge=2000, le=2100)
    needs: Long = Field(description="年度抽查需求")


class PlanOut(BaseModel):
    id: int
    year: int
    section_id: int
    needs: str
    warnings: list[str] = Field(description="如：逾期报送的提示（仍予接收）")


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
    field_start: dt.date
    field_end: dt.date
    leader_id: int | None
    purpose: str
    method: str
    employers_needed: int
    inspectors_needed: int
    use_of_results: str


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


class DrawList(BaseModel):
    campaign_id: int
    draws: list[DrawOut]


class RevealIn(Request):
    public_entropy: Annotated[str, StringConstraints(min_length=1, max_length=200)] = Field(
        description="抽取会上现场取得的公开随机数")
    witnesses: Annotated[str, StringConstraints(max_length=1000)] = ""


class VoidIn(Request):
    kind: Annotated[str, StringConstraints(max_length=16)] = Field(description="employers 或 inspectors")
    reason: ShortText


class ProgressOut(BaseModel):
    campaign_id: int
    text: str = Field(description="与企业微信“进度”命令相同的内容（不含被检查单位）")


def _campaign(c: Campaign) -> CampaignOut:
    return CampaignOut(id=c.id, code=c.code, title=c.title, state=str(c.state),
                       field_start=c.field_start, field_end=c.field_end,
                       leader_id=c.leader_id,  # type: ignore[attr-defined]
                       purpose=c.purpose, method=c.method, employers_needed=c.employers_needed,
                       inspectors_needed=c.inspectors_needed, use_of_results=c.use_of_results)


def _draw(d: Draw) -> DrawOut:
    revealed = d.revealed_at is not None
    return DrawOut(id=d.id, kind=str(d.kind), status=str(d.status), commitment=d.commitment,
                   committed_at=d.committed_at, public_entropy=d.public_entropy,
                   revealed_at=d.revealed_at, witnesses=d.witnesses, void_reason=d.void_reason,
                   secret=d.secret if revealed else None)  # the secret stays hidden until reveal


_LINKS = ("item_version_ids", "leader_id", "inspector_section_ids")


async def submit_plan(call: Call) -> PlanOut:
    result = await ca.submit_plan(staff=call.me, year=call.body.year, needs=call.body.needs)
    p = result.plan
    return PlanOut(id=p.id, year=p.year, section_id=p.section_id,  # type: ignore[attr-defined]
                   needs=p.needs, warnings=result.warnings)


async def create_campaign(call: Call) -> CampaignOut:
    b = call.body
    details = b.model_dump(exclude_none=True,
                           exclude={"code", "title", "field_start", "field_end", *_LINKS})
    return _campaign(await ca.create_campaign(
        staff=call.me, code=b.code, title=b.title, field_start=b.field_start,
        field_end=b.field_end, item_version_ids=b.item_version_ids or [], leader_id=b.leader_id,
        inspector_section_ids=b.inspector_section_ids, details=details))


async def get_campaign(call: Call) -> CampaignOut:
    return _campaign(await ca.readable_campaign(staff=call.me, campaign_id=call.path["campaign_id"]))


async def edit_campaign(call: Call) -> CampaignOut:
    b = call.body
    changes = b.model_dump(exclude_none=True, exclude=set(_LINKS))
    return _campaign(await ca.edit_campaign(
        staff=call.me, campaign_id=call.path["campaign_id"], item_version_ids=b.item_version_ids,
        leader_id=b.leader_id, inspector_section_ids=b.inspector_section_ids, changes=changes))


async def approve(call: Call) -> CampaignOut:
    return _campaign(await ca.approve_campaign(staff=call.me, campaign_id=call.path["campaign_id"]))


async def cancel(call: Call) -> CampaignOut:
    return _campaign(await ca.cancel_campaign(staff=call.me, campaign_id=call.path["campaign_id"],
                                              reason=call.body.reason))


async def list_draws(call: Call) -> DrawList:
    campaign, rows = await ca.campaign_draws(staff=call.me, campaign_id=call.path["campaign_id"])
    return DrawList(campaign_id=campaign.id, draws=[_draw(d) for d in rows])


async def commit(call: Call) -> DrawList:
    rows = await ca.commit_draws(staff=call.me, campaign_id=call.path["campaign_id"])
    return DrawList(campaign_id=call.path["campaign_id"], draws=[_draw(d) for d in rows])


async def reveal(call: Call) -> DrawList:
    rows = await ca.reveal_draws(staff=call.me, campaign_id=call.path["campaign_id"],
                                 public_entropy=call.body.public_entropy,
                                 witnesses=call.body.witnesses)
    return DrawList(campaign_id=call.path["campaign_id"], draws=[_draw(d) for d in rows])


async def void(call: Call) -> DrawOut:
    return _draw(await ca.void_draw(staff=call.me, campaign_id=call.path["campaign_id"],
                                    kind=call.body.kind, reason=call.body.reason))


async def progress(call: Call) -> ProgressOut:
    text = await ca.progress(staff=call.me, campaign_id=call.path["campaign_id"])
    return ProgressOut(campaign_id=call.path["campaign_id"], text=text)


class AssignIn(Request):
    target: ShortText = Field(description="检查编号、单位名称或统一社会信用代码")
    names: list[Annotated[str, StringConstraints(min_length=1, max_length=32)]] = Field(
        min_length=2, max_length=20, description="检查组成员姓名（至少两名）")


class SubstituteIn(Request):
    name: Annotated[str, StringConstraints(min_length=1, max_length=32)]


class ExtendIn(Request):
    hours: int = Field(ge=1, le=720)
    name: Annotated[str, StringConstraints(min_length=1, max_length=32)] | None = Field(
        None, description="不填则为所有已逾期未答复的人员延期")


class MessageOut(BaseModel):
    campaign_id: int
    message: str


LEADER = "leader of the campaign (组长)"


async def assign(call: Call) -> MessageOut:
    text = await ca.assign(staff=call.me, campaign_id=call.path["campaign_id"],
                           target=call.body.target, names=call.body.names, now=clock.now())
    return MessageOut(campaign_id=call.path["campaign_id"], message=text)


async def auto_assign(call: Call) -> MessageOut:
    text = await ca.auto_assign(staff=call.me, campaign_id=call.path["campaign_id"],
                                now=clock.now())
    return MessageOut(campaign_id=call.path["campaign_id"], message=text)


async def substitute(call: Call) -> MessageOut:
    text = await ca.substitute(staff=call.me, campaign_id=call.path["campaign_id"],
                               name=call.body.name, now=clock.now())
    return MessageOut(campaign_id=call.path["campaign_id"], message=text)


async def extend(call: Call) -> MessageOut:
    text = await ca.extend(staff=call.me, campaign_id=call.path["campaign_id"],
                           hours=call.body.hours, name=call.body.name, now=clock.now())
    return MessageOut(campaign_id=call.path["campaign_id"], message=text)


def routes() -> list[Route]:
    cid = "/campaigns/{campaign_id}"
    return [
        Route("POST", "/plans", "submitAnnualPlan", "报送本科室年度抽查计划（逾期仍接收并提示）",
              "campaigns", INITIATOR, submit_plan, PlanOut, status=201, body=PlanIn,
              creates=True, errors=(403, 409)),
        Route("POST", "/campaigns", "createCampaign", "新建抽查任务（实施方案草稿，事项须现行有效）",
              "campaigns", INITIATOR, create_campaign, CampaignOut, status=201, body=CampaignIn,
              creates=True, errors=(403, 409)),
        Route("GET", cid, "getCampaign", "抽查任务及实施方案", "campaigns", CAMPAIGN_READER,
              get_campaign, CampaignOut),
        Route("PATCH", cid, "editCampaign", "修改实施方案（仅草稿）", "campaigns", CAMPAIGN_MANAGER,
              edit_campaign, CampaignOut, body=CampaignPatch, errors=(403, 409)),
        Route("POST", cid + "/approve", "approveCampaign", "批准实施方案", "campaigns",
              CAMPAIGN_MANAGER, approve, CampaignOut, creates=True, errors=(403, 409)),
        Route("POST", cid + "/cancel", "cancelCampaign", "取消抽查任务（须说明理由）", "campaigns",
              CAMPAIGN_MANAGER, cancel, CampaignOut, body=CancelIn, creates=True,
              errors=(403, 409)),
        Route("GET", cid + "/draws", "listDraws", "抽取记录（揭示后公开密钥，可复算）", "draws",
              CAMPAIGN_READER, list_draws, DrawList),
        Route("POST", cid + "/draws/commit", "commitDraws", "抽取承诺：冻结名单并公布承诺值",
              "draws", CAMPAIGN_MANAGER, commit, DrawList, status=201, creates=True,
              errors=(403, 409)),
        Route("POST", cid + "/draws/reveal", "revealDraws", "揭示抽取：输入公开随机数和见证人",
              "draws", CAMPAIGN_MANAGER, reveal, DrawList, body=RevealIn, creates=True,
              errors=(403, 409)),
        Route("POST", cid + "/draws/void", "voidDraw", "作废抽取（须说明理由，任务随之取消）",
              "draws", CAMPAIGN_MANAGER, void, DrawOut, body=VoidIn, creates=True,
              errors=(403, 409)),
        Route("GET", cid + "/progress", "getCallUpProgress", "召集进度（与“进度”命令相同）",
              "campaigns", CAMPAIGN_READER, progress, ProgressOut),
        Route("POST", cid + "/assignments", "assignInspection",
              "分配：指定一项检查的检查组（与“分配”命令相同，回避者不得分配）", "callup", LEADER,
              assign, MessageOut, body=AssignIn, creates=True, errors=(403, 409)),
        Route("POST", cid + "/assignments/auto", "autoAssign",
              "自动分配：生成方案并发到组长企业微信确认", "callup", LEADER, auto_assign,
              MessageOut, creates=True, errors=(403, 409)),
        Route("POST", cid + "/substitute", "substituteInspector", "递补逾期未答复的人员",
              "callup", LEADER, substitute, MessageOut, body=SubstituteIn, creates=True,
              errors=(403, 409)),
        Route("POST", cid + "/extend", "extendReplyDeadline", "延长答复期限", "callup", LEADER,
              extend, MessageOut, body=ExtendIn, creates=True, errors=(403, 409)),
    ]
