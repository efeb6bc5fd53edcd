"""Routes of the leader's call-up work (R15, R16): 分配, 自动分配 with its proposal and 确认分配,
催办, 递补, 延期. Each runs the very domain function the chat command or the card's button runs
(inspection/assignment.py, callup_leader.py, through campaign_admin.py), so the mini-program and
WeCom cannot drift apart."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import BaseModel, Field, StringConstraints

from inspection import clock
from inspection.callup import states
from inspection.planning import admin as ca
from miniprogram_api.framework import Call, Route
from miniprogram_api.schemas import EmployerBrief, Request, ShortText
from notifications import replies

LEADER = "leader of the campaign (组长)"
Name = Annotated[str, StringConstraints(min_length=1, max_length=32)]


class AssignIn(Request):
    target: ShortText = Field(description="检查编号、单位名称或统一社会信用代码")
    names: list[Name] = Field(min_length=2, max_length=20, description="检查组成员姓名（至少两名）")


class NameIn(Request):
    name: Name = Field(description="姓名；召集中有重名时填写召集名单中的序号（如 3）")


class ExtendIn(Request):
    hours: int = Field(ge=1, le=720)
    name: Name | None = Field(None, description="姓名或召集名单中的序号；不填则为所有已逾期未答复的人员延期")


class MessageOut(BaseModel):
    campaign_id: int
    message: str


class Person(BaseModel):
    staff_id: int
    name: str


class ProposedInspection(BaseModel):
    inspection_id: int
    code: str
    employer: EmployerBrief
    current: list[Person] = Field(description="现有检查组成员")
    proposed: list[Person] = Field(description="方案中的检查组成员")


class ProposalOut(BaseModel):
    campaign_id: int
    fingerprint: str = Field(description="确认时原样提交；情况有变则方案失效（409 proposal_stale）")
    inspectors_per_employer: int
    inspections: list[ProposedInspection]


class CampaignCallUpOut(BaseModel):
    id: int
    staff_id: int
    name: str
    position: int = Field(description="抽取顺序")
    state: str = Field(description="called 待答复 / accepted 已接受 / declined / replaced / …")
    state_label: str
    reply_deadline: dt.datetime
    reason: str = Field(description="因公务无法参加的事由，或跳过的原因")


class CampaignCallUpList(BaseModel):
    campaign_id: int
    items: list[CampaignCallUpOut]


class ConfirmIn(Request):
    fingerprint: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{16}$")] = Field(
        description="GET assignment-proposal 返回的 fingerprint")


def _message(call: Call, text: str) -> MessageOut:
    return MessageOut(campaign_id=call.path["campaign_id"], message=text)


async def assign(call: Call[AssignIn, None]) -> MessageOut:
    return _message(call, replies.assigned(await ca.assign(
        staff=call.me, campaign_id=call.path["campaign_id"], target=call.body.target,
        names=call.body.names, now=clock.now())))


async def auto_assign(call: Call[None, None]) -> MessageOut:
    return _message(call, replies.proposed(await ca.auto_assign(
        staff=call.me, campaign_id=call.path["campaign_id"], now=clock.now())))


async def proposal(call: Call[None, None]) -> ProposalOut:
    found, visits = await ca.assignment_proposal(staff=call.me,
                                                 campaign_id=call.path["campaign_id"])
    return ProposalOut(
        campaign_id=call.path["campaign_id"], fingerprint=found.fingerprint,
        inspectors_per_employer=found.per,
        inspections=[ProposedInspection(
            inspection_id=v.inspection.id, code=v.inspection.code,
            employer=EmployerBrief(id=v.inspection.employer.id, name=v.inspection.employer.name,
                                   uscc=v.inspection.employer.uscc,
                                   township=v.inspection.employer.township),
            current=[Person(staff_id=s.id, name=s.name) for s in v.current],
            proposed=[Person(staff_id=s.id, name=s.name) for s in v.proposed]) for v in visits])


async def campaign_callups(call: Call[None, None]) -> CampaignCallUpList:
    rows = await ca.callups(staff=call.me, campaign_id=call.path["campaign_id"])
    return CampaignCallUpList(campaign_id=call.path["campaign_id"], items=[CampaignCallUpOut(
        id=c.id, staff_id=c.staff.id, name=c.staff.name, position=c.position, state=str(c.state),
        state_label=states.STATE_LABELS[c.state], reply_deadline=c.reply_deadline, reason=c.reason)
        for c in rows])


async def confirm(call: Call[ConfirmIn, None]) -> MessageOut:
    return _message(call, replies.confirmed(await ca.confirm_assignment(
        staff=call.me, campaign_id=call.path["campaign_id"], fingerprint=call.body.fingerprint,
        now=clock.now())))


async def chase(call: Call[NameIn, None]) -> MessageOut:
    return _message(call, replies.chased(await ca.chase(
        staff=call.me, campaign_id=call.path["campaign_id"], name=call.body.name,
        now=clock.now())))


async def substitute(call: Call[NameIn, None]) -> MessageOut:
    return _message(call, replies.substituted(await ca.substitute(
        staff=call.me, campaign_id=call.path["campaign_id"], name=call.body.name,
        now=clock.now())))


async def extend(call: Call[ExtendIn, None]) -> MessageOut:
    return _message(call, replies.extended(await ca.extend(
        staff=call.me, campaign_id=call.path["campaign_id"], hours=call.body.hours,
        name=call.body.name, now=clock.now())))


def routes() -> list[Route]:
    cid = "/campaigns/{campaign_id}"
    return [
        Route("POST", cid + "/assignments", "assignInspection",
              "分配：指定或调整一项检查的检查组（与“分配”命令相同，回避者不得分配）", "callup",
              LEADER, assign, MessageOut, body=AssignIn, creates=True, errors=(403, 409)),
        Route("POST", cid + "/assignments/auto", "autoAssign",
              "自动分配：生成方案并发到组长企业微信确认", "callup", LEADER, auto_assign,
              MessageOut, creates=True, errors=(403, 409)),
        Route("GET", cid + "/callups", "listCampaignCallUps",
              "召集人员（按抽取顺序，含答复情况），供组长催办、递补、分配时选择", "callup",
              "leader of the campaign, initiating section", campaign_callups, CampaignCallUpList),
        Route("GET", cid + "/assignment-proposal", "getAssignmentProposal",
              "自动分配方案（每家至少两人、避开回避情形、尽量均衡），不发送、不保存", "callup",
              LEADER, proposal, ProposalOut, errors=(403, 409)),
        Route("POST", cid + "/assignment-proposal/confirm", "confirmAssignmentProposal",
              "确认分配（与卡片上的“确认分配”相同；方案已变则 409）", "callup", LEADER, confirm,
              MessageOut, body=ConfirmIn, creates=True, errors=(403, 409)),
        Route("POST", cid + "/chase", "chaseInspector", "催办：提醒未答复的人员（与“催办”命令相同）",
              "callup", LEADER, chase, MessageOut, body=NameIn, creates=True, errors=(403, 409)),
        Route("POST", cid + "/substitute", "substituteInspector", "递补逾期未答复的人员",
              "callup", LEADER, substitute, MessageOut, body=NameIn, creates=True,
              errors=(403, 409)),
        Route("POST", cid + "/extend", "extendReplyDeadline", "延长答复期限", "callup", LEADER,
              extend, MessageOut, body=ExtendIn, creates=True, errors=(403, 409)),
    ]
