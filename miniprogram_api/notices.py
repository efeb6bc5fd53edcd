"""Routes of notices (R3, R21, R22): issue by a team member of the inspection, revoke, supersede;
the PDF or PNG for the team, the campaign's leader and the initiating section."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from aiohttp import web
from pydantic import BaseModel, Field, StringConstraints

from inspection.access import Need
from inspection.notices import admin as na
from inspection.notices import issuing
from miniprogram_api import schemas as s
from miniprogram_api import views
from miniprogram_api.fieldwork import MEMBER, READER
from miniprogram_api.framework import Call, Route
from miniprogram_api.schemas import Id, Request, ShortText
from models.enums import NoticeKind
from models.notices import Notice
from notifications.render.notices import notice_file

Body = Annotated[str, StringConstraints(max_length=4000)]
Line = Annotated[str, StringConstraints(min_length=1, max_length=300)]


class NoticeContent(Request):
    body: Body = Field("", description="正文：限期改正指令书的整改要求（留空则用整改指令的要求）、"
                                      "询问或检查的事由、拟作出的行政处罚、复查意见等")
    basis: Annotated[str, StringConstraints(max_length=1000)] = ""
    items: list[Line] = Field(default_factory=list, max_length=30)
    deadline: dt.date | None = Field(None, description="期限（限期改正指令书必填或取自整改指令）")


class NoticeIn(NoticeContent):
    kind: NoticeKind = Field(description="inspection 检查通知书 / inquiry 询问通知书 / "
                                         "rectification 限期改正指令书 / review 整改复查意见书 / "
                                         "result 检查结果告知书 / penalty_notice 行政处罚告知书 / "
                                         "penalty_decision 行政处罚决定书")
    rectification_order_id: Id | None = Field(
        None, description="限期改正指令（限期改正指令书、整改复查意见书）")
    penalty_decision_id: Id | None = Field(None, description="已录入的处罚决定（行政处罚决定书必填）")


class SupersedeIn(NoticeContent):
    reason: ShortText


class RevokeIn(Request):
    reason: ShortText


class NoticeIssued(BaseModel):
    id: int
    kind: NoticeKind
    number: str
    status: str
    issued_on: dt.date
    deadline: dt.date | None
    deadline_provisional: bool = Field(description="期限按周一至周五推算，文书注明“暂定”")
    url: str = Field(description="二维码指向的公开页面")


def notice_url(call: Call, notice: Notice) -> str:
    return views.notice_url(call.config.public_base_url, notice.token)


def issued(call: Call, n: Notice) -> NoticeIssued:
    return NoticeIssued(id=n.id, kind=n.kind, number=n.number, status=str(n.status),
                        issued_on=n.issued_on, deadline=n.deadline,
                        deadline_provisional=n.deadline_provisional, url=notice_url(call, n))


def _content(b: NoticeContent) -> dict[str, object]:
    return {"body": b.body, "basis": b.basis, "items": b.items}


async def issue(call: Call[NoticeIn, None]) -> NoticeIssued:
    b = call.body
    return issued(call, await na.issue(staff=call.me, inspection_id=call.path["inspection_id"],
                                       kind=b.kind, content=_content(b), deadline=b.deadline,
                                       issuer=call.config.issuer,
                                       rectification_order_id=b.rectification_order_id,
                                       penalty_decision_id=b.penalty_decision_id))


async def revoke(call: Call[RevokeIn, None]) -> NoticeIssued:
    return issued(call, await na.revoke(staff=call.me, notice_id=call.path["notice_id"],
                                        reason=call.body.reason))


async def supersede(call: Call[SupersedeIn, None]) -> NoticeIssued:
    b = call.body
    return issued(call, await na.supersede(staff=call.me, notice_id=call.path["notice_id"],
                                           reason=b.reason, content=_content(b),
                                           issuer=call.config.issuer, deadline=b.deadline))


async def _file(call: Call, fmt: str) -> web.Response:
    notice = await na.notice_for(staff=call.me, notice_id=call.path["notice_id"], need=Need.READ)
    # The staff's printout is the paper handed over: it carries the verification code.
    code = issuing.verification_code(token=notice.token, secret=call.config.secret_key)
    path = await notice_file(notice.id, base_url=call.config.public_base_url,
                             data_dir=call.config.data_dir, seal_image=call.config.seal_image,
                             fmt=fmt, code=code)
    return web.Response(body=path.read_bytes(),
                        content_type="image/png" if fmt == "png" else "application/pdf",
                        headers={"Cache-Control": "private, no-store",
                                 "X-Content-Type-Options": "nosniff"})


async def unlock(call: Call[None, None]) -> s.NoticeOut:
    notice = await na.unlock(staff=call.me, notice_id=call.path["notice_id"])
    return views.notice_out(notice, base_url=call.config.public_base_url,
                            secret=call.config.secret_key)


async def pdf(call: Call[None, None]) -> web.Response:
    return await _file(call, "pdf")


async def png(call: Call[None, None]) -> web.Response:
    return await _file(call, "png")


async def receipt(call: Call[None, None]) -> web.Response:
    return await _file(call, "receipt")


def routes() -> list[Route]:
    nid = "/notices/{notice_id}"
    return [
        Route("POST", "/inspections/{inspection_id}/notices", "issueNotice",
              "签发文书（检查通知书、询问通知书、限期改正指令书、整改复查意见书、检查结果告知书、"
              "行政处罚告知书、行政处罚决定书）", "notices",
              MEMBER, issue, NoticeIssued, status=201, body=NoticeIn, creates=True,
              errors=(403, 409)),
        Route("POST", nid + "/revoke", "revokeNotice", "撤销文书（须说明理由）", "notices", MEMBER,
              revoke, NoticeIssued, body=RevokeIn, creates=True, errors=(403, 409)),
        Route("POST", nid + "/supersede", "supersedeNotice", "更正文书：签发新文书替代原文书",
              "notices", MEMBER, supersede, NoticeIssued, status=201, body=SupersedeIn,
              creates=True, errors=(403, 409)),
        Route("POST", nid + "/unlock", "unlockNotice",
              "解除核验码输错造成的暂停验证（本检查组成员，核实来访者身份后）", "notices", MEMBER,
              unlock, s.NoticeOut, creates=True, errors=(403, 409)),
        Route("GET", nid + "/pdf", "getNoticePdf", "文书 PDF（印有核验码，供送达）", "notices",
              READER, pdf,
              binary=("application/pdf",)),
        Route("GET", nid + "/png", "getNoticePng", "文书图片（PNG）", "notices", READER, png,
              binary=("image/png",)),
        Route("GET", nid + "/receipt", "getNoticeReceipt", "文书的送达回证（PDF，纸质送达时由受送达人签收）",
              "notices", READER, receipt, binary=("application/pdf",)),
    ]
