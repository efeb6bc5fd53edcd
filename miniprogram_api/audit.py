"""Routes of the audit trail for 政策法规科 (R21): the events of one object (or by actor, or by
action), newest first, with who did it in words; and the chain's status. Over
inspection/audit_trail.py."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from pydantic import BaseModel, Field, StringConstraints

from inspection import audit_labels, audit_trail
from miniprogram_api.framework import Call, Route
from miniprogram_api.schemas import Request

ADMIN = "policy-section admin (政策法规科)"
Code = Annotated[str, StringConstraints(max_length=64, strip_whitespace=True)]


class TrailQuery(Request):
    object_type: Code = Field("", description="对象类型（表名，如 employer、campaign、draw）")
    object_id: Code = Field("", description="对象编号")
    by: Code = Field("", description="操作人代码（审计记录中的 actor）")
    action: Code = Field("", description="操作（前缀），如 grade.")
    page: int = Field(1, ge=1, le=10_000)
    page_size: int = Field(50, ge=1, le=200)


class AuditChangeOut(BaseModel):
    field: str = Field(description="字段代码（审计链中记录的）")
    label: str = Field(description="字段名称")
    before: str | None = Field(description="修改前（文字；未记录时为空）")
    after: str | None = Field(description="修改后（文字；未记录时为空）")


class EventOut(BaseModel):
    seq: int
    at: dt.datetime
    actor: str
    actor_label: str = Field(description="操作人")
    action: str
    action_label: str = Field(description="操作名称")
    object_type: str
    object_label: str = Field(description="对象类别名称")
    object_id: str
    before: Any
    after: Any
    changes: list[AuditChangeOut] = Field(description="变化的字段，以文字表示")
    hash: str


class TrailOut(BaseModel):
    items: list[EventOut]
    total: int
    page: int
    page_size: int


class AuditWordOut(BaseModel):
    code: str
    label: str


class AuditWordsOut(BaseModel):
    actions: list[AuditWordOut] = Field(description="可查询的操作")
    object_types: list[AuditWordOut] = Field(description="可查询的对象类别")


class ChainOut(BaseModel):
    events: int = Field(description="自第一条起核验无误的事件数")
    sound: bool
    broken_at: int | None = Field(description="链断开处的序号")
    reason: str = Field(description="断开的原因（无误时为空）")


async def trail(call: Call[None, TrailQuery]) -> TrailOut:
    q = call.query
    page = await audit_trail.trail(staff=call.me, object_type=q.object_type, object_id=q.object_id,
                                   by=q.by, action=q.action, page=q.page,
                                   page_size=q.page_size)
    return TrailOut(items=[EventOut(
        seq=e.seq, at=e.at, actor=e.actor, actor_label=page.actors.get(e.actor, e.actor),
        action=e.action, action_label=audit_labels.action_label(e.action),
        object_type=e.object_type, object_label=audit_labels.object_label(e.object_type),
        object_id=e.object_id, before=e.before, after=e.after,
        changes=[AuditChangeOut(field=c.field, label=c.label, before=c.before, after=c.after)
                 for c in audit_labels.changes(e.object_type, e.before, e.after)],
        hash=e.hash) for e in page.events], total=page.total, page=q.page,
        page_size=q.page_size)


async def words(call: Call[None, None]) -> AuditWordsOut:
    """The filters' choices in words (the codes are what the trail is filtered by)."""
    audit_trail.require_admin(call.me)
    return AuditWordsOut(
        actions=[AuditWordOut(code=c, label=w) for c, w in audit_labels.ACTIONS.items()],
        object_types=[AuditWordOut(code=c, label=w) for c, w in audit_labels.OBJECT_TYPES.items()])


async def chain(call: Call[None, None]) -> ChainOut:
    status = await audit_trail.chain_status(staff=call.me)
    b = status.broken
    return ChainOut(events=status.events, sound=b is None, broken_at=b.seq if b else None,
                    reason=b.reason if b else "")


def routes() -> list[Route]:
    return [
        Route("GET", "/audit", "listAuditEvents",
              "审计记录：某一对象（或某人、某类操作）的全部操作，新的在前", "audit", ADMIN, trail,
              TrailOut, query=TrailQuery, errors=(403,)),
        Route("GET", "/audit/words", "auditWords", "审计记录的操作和对象类别（查询条件的选项）",
              "audit", ADMIN, words, AuditWordsOut, errors=(403,)),
        Route("GET", "/audit/chain", "verifyAuditChain", "核验审计链（哈希链是否完整）", "audit",
              ADMIN, chain, ChainOut, errors=(403,)),
    ]
