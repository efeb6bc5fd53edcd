"""The called inspector's side of the call-up (R15): my call-ups, 接受, and 因公务无法参加 with
its 事由. The same domain functions as the WeCom card's buttons and the chat's 接受 / 公务
(inspection/callup.py), so an answer given here also greys out the card."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import BaseModel, Field, StringConstraints

from inspection import access, audit, clock
from inspection.callup import calls as callup
from inspection.callup import recusal, states, withdrawal
from miniprogram_api.framework import Call, Route
from miniprogram_api.schemas import Request
from notifications import replies

CALLED = "the inspector called (own call-ups only)"


class CallUpOut(BaseModel):
    id: int
    campaign_id: int
    campaign_code: str
    campaign_title: str
    field_start: dt.date
    field_end: dt.date
    state: str = Field(description="called 待答复 / accepted 已接受")
    state_label: str
    position: int = Field(description="在抽取顺序中的位次")
    reply_deadline: dt.datetime


class CallUpList(BaseModel):
    items: list[CallUpOut]


# A 事由, as the domain's clean_reason takes it.
Reason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=2, max_length=200)]


class DeclineIn(Request):
    reason: Reason = Field(description="无法参加的公务事由，例如：参加区政府专题会议")


class AnswerOut(BaseModel):
    callup_id: int
    message: str


async def mine(call: Call[None, None]) -> CallUpList:
    rows = await callup.my_callups(staff_id=call.me.id)
    return CallUpList(items=[CallUpOut(
        id=c.id, campaign_id=c.campaign.id, campaign_code=c.campaign.code,
        campaign_title=c.campaign.title, field_start=c.campaign.field_start,
        field_end=c.campaign.field_end, state=str(c.state),
        state_label=states.STATE_LABELS[c.state], position=c.position,
        reply_deadline=c.reply_deadline) for c in rows])


async def accept(call: Call[None, None]) -> AnswerOut:
    cid = call.path["callup_id"]
    answer = await callup.accept(callup_id=cid, staff_id=call.me.id, now=clock.now(),
                                 actor=audit.staff_actor(call.me.id))
    return AnswerOut(callup_id=cid, message=replies.accepted(answer))


async def decline(call: Call[DeclineIn, None]) -> AnswerOut:
    cid = call.path["callup_id"]
    answer = await callup.decline(callup_id=cid, staff_id=call.me.id, reason=call.body.reason,
                                  now=clock.now(), actor=audit.staff_actor(call.me.id))
    return AnswerOut(callup_id=cid, message=replies.declined(answer))


async def withdraw(call: Call[DeclineIn, None]) -> AnswerOut:
    cid = call.path["callup_id"]
    answer = await withdrawal.withdraw(callup_id=cid, staff_id=call.me.id, reason=call.body.reason,
                                       now=clock.now(), actor=audit.staff_actor(call.me.id))
    return AnswerOut(callup_id=cid, message=replies.withdrawn(answer))


class RecusalIn(Request):
    reason: Reason = Field(description="回避事由，例如：配偶在该单位任职")


class RecusalOut(BaseModel):
    conflict_id: int
    message: str


async def declare_recusal(call: Call[RecusalIn, None]) -> RecusalOut:
    inspection = await access.inspection_for(staff=call.me, inspection_id=call.path["inspection_id"],
                                              need=access.Need.WORK)
    row, effect = await recusal.declare_own(staff=call.me, inspection_code=inspection.code,
                                            reason=call.body.reason, now=clock.now(),
                                            actor=audit.staff_actor(call.me.id))
    return RecusalOut(conflict_id=row.id, message=replies.recused(effect))


def routes() -> list[Route]:
    one = "/callups/{callup_id}"
    return [
        Route("GET", "/callups", "listMyCallUps", "我的召集：待答复和已接受的抽查任务",
              "callup", "any staff (own call-ups)", mine, CallUpList),
        Route("POST", one + "/accept", "acceptCallUp", "接受召集（与卡片上的“接受”相同）",
              "callup", CALLED, accept, AnswerOut, creates=True, errors=(409,)),
        Route("POST", one + "/decline", "declineCallUp",
              "因公务无法参加：须说明事由，按抽取顺序递补", "callup", CALLED, decline,
              AnswerOut, body=DeclineIn, creates=True, errors=(409,)),
        Route("POST", one + "/withdraw", "withdrawCallUp",
              "已接受后因公务撤回：须说明事由，移出尚未开始的检查，组长收到通知，按抽取顺序递补",
              "callup", CALLED, withdraw, AnswerOut, body=DeclineIn, creates=True,
              errors=(409,)),
        Route("POST", "/inspections/{inspection_id}/recusal", "declareOwnRecusal",
              "本人申请回避：登记与该单位的回避情形，移出尚未开始的检查，组长收到通知",
              "callup", "a member of the inspection's team (own 回避 only)", declare_recusal,
              RecusalOut, body=RecusalIn, status=201, creates=True, errors=(403, 409)),
    ]
