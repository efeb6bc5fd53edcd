"""Routes of fieldwork (R20): lists, detail, team, check-in, findings, evidence, confirm, submit,
close."""

from __future__ import annotations

from urllib.parse import quote

from aiohttp import web

from inspection import clock
from inspection.access import campaign_for
from inspection.callup import assignment
from inspection.errors import NotFound
from inspection.fieldwork import evidence as ev
from inspection.fieldwork import inspections as fw
from miniprogram_api import schemas as s
from miniprogram_api import views
from miniprogram_api.framework import Call, Route, Upload
from miniprogram_api.uploads import read_file_part
from models.enums import InspectionState
from notifications.appkeys import STORAGE

MEMBER = "inspector on the team"
READER = "inspector on the team, leader of its campaign, initiating section"
MANAGER = "leader of its campaign, initiating section"
LEADER = "leader of its campaign (组长, R16)"


def storage(call: Call) -> ev.Storage:
    # The object store when SUIJI_S3_* is set, else the data folder (suiji.resources.storage).
    return call.app[STORAGE]


async def read_upload(request: web.Request) -> Upload:
    """An evidence file: photos up to 10 MB, PDFs up to 20 MB (checked again on the content)."""
    return await read_file_part(request, limit=ev.MAX_UPLOAD,
                                too_large="文件过大：照片不超过 10 MB，PDF 不超过 20 MB")


async def my_inspections(call: Call[None, s.InspectionQuery]) -> s.InspectionPage:
    q = call.query
    page = await fw.list_inspections(staff=call.me, state=q.state, window_from=q.window_from,
                                     window_to=q.window_to, page=q.page, page_size=q.page_size)
    return views.inspection_page(page)


async def campaign_inspections(call: Call[None, s.InspectionQuery]) -> s.InspectionPage:
    campaign = await campaign_for(staff=call.me, campaign_id=call.path["campaign_id"])
    q = call.query
    page = await fw.list_inspections(staff=call.me, scope_campaign_id=campaign.id, state=q.state,
                                     window_from=q.window_from, window_to=q.window_to,
                                     page=q.page, page_size=q.page_size)
    return views.inspection_page(page)


async def get_inspection(call: Call[None, None]) -> s.InspectionDetail:
    return views.detail(await fw.detail(staff=call.me, inspection_id=call.path["inspection_id"]),
                        base_url=call.config.public_base_url, secret=call.config.secret_key)


async def set_members(call: Call[s.MembersIn, None]) -> s.TeamOut:
    members = await assignment.set_team(staff=call.me, inspection_id=call.path["inspection_id"],
                                        staff_ids=call.body.staff_ids, now=clock.now())
    return s.TeamOut(inspection_id=call.path["inspection_id"], state=InspectionState.ASSIGNED,
                     team=[views.member(m) for m in members])


async def check_in(call: Call[s.CheckInIn, None]) -> s.StateOut:
    b = call.body
    i = await fw.check_in(staff=call.me, inspection_id=call.path["inspection_id"], lat=b.lat,
                          lng=b.lng, note=b.note)
    return s.StateOut(id=i.id, state=i.state)


async def put_finding(call: Call[s.FindingIn, None]) -> s.FindingOut:
    b = call.body
    f = await fw.record_finding(staff=call.me, inspection_id=call.path["inspection_id"],
                                item_version_id=call.path["item_version_id"], result=b.result,
                                description=b.description, basis=b.basis)
    return views.finding(f)


async def upload_evidence(call: Call[None, s.EvidenceQuery]) -> s.EvidenceOut:
    assert call.upload is not None
    e = await ev.add_evidence(staff=call.me, inspection_id=call.path["inspection_id"],
                              data=call.upload.data, original_name=call.upload.filename,
                              storage=storage(call), finding_id=call.query.finding_id,
                              follow_up_id=call.query.follow_up_id)
    return views.evidence(e)


async def _file(call: Call, thumbnail: bool) -> web.Response:
    e = await ev.evidence_for(staff=call.me, evidence_id=call.path["evidence_id"])
    key = e.thumbnail_key if thumbnail else e.storage_key
    if key is None:
        raise NotFound("缩略图")
    data = await storage(call).get(key)
    if data is None:
        raise NotFound("文件")
    if thumbnail:  # re-encoded by us, without metadata
        return web.Response(body=data, content_type="image/jpeg",
                            headers={"Cache-Control": "private, max-age=86400",
                                     "X-Content-Type-Options": "nosniff",
                                     "Content-Disposition": "inline"})
    # An original may come from outside (an employer's upload on /n/{token}): only a type we
    # accept, never sniffed, and always downloaded, never rendered on the API's origin.
    ctype = e.content_type if e.content_type in ev.ALLOWED else "application/octet-stream"
    name = quote(e.original_name or f"evidence-{e.id}")
    return web.Response(body=data, content_type=ctype,
                        headers={"Cache-Control": "private, max-age=86400",
                                 "X-Content-Type-Options": "nosniff",
                                 "Content-Disposition": f"attachment; filename*=UTF-8''{name}"})


async def evidence_content(call: Call[None, None]) -> web.Response:
    return await _file(call, thumbnail=False)


async def evidence_thumbnail(call: Call[None, None]) -> web.Response:
    return await _file(call, thumbnail=True)


async def delete_evidence(call: Call[None, None]) -> None:
    await ev.remove_evidence(staff=call.me, evidence_id=call.path["evidence_id"])


async def confirm(call: Call[None, None]) -> s.MemberOut:
    m = await fw.confirm(staff=call.me, inspection_id=call.path["inspection_id"])
    await m.fetch_related("staff")
    return views.member(m)


async def submit(call: Call[s.SubmitIn, None]) -> s.StateOut:
    i = await fw.submit(staff=call.me, inspection_id=call.path["inspection_id"],
                        summary=call.body.summary)
    return s.StateOut(id=i.id, state=i.state)


async def close(call: Call[None, None]) -> s.StateOut:
    i = await fw.close(staff=call.me, inspection_id=call.path["inspection_id"])
    return s.StateOut(id=i.id, state=i.state)


def routes() -> list[Route]:
    iid = "/inspections/{inspection_id}"
    return [
        Route("GET", "/inspections", "listMyInspections", "我的检查（分页，可按状态和期限筛选）",
              "fieldwork", "any staff (own inspections)", my_inspections, s.InspectionPage,
              query=s.InspectionQuery),
        Route("GET", "/campaigns/{campaign_id}/inspections", "listCampaignInspections",
              "一次抽查任务的全部检查（组长、发起科室）", "fieldwork", MANAGER,
              campaign_inspections, s.InspectionPage, query=s.InspectionQuery),
        Route("GET", iid, "getInspection", "检查详情：单位、合并的抽查事项、检查组、文书", "fieldwork",
              READER, get_inspection, s.InspectionDetail),
        Route("PUT", iid + "/members", "setInspectionMembers",
              "指定检查组成员：已接受召集的抽取人员，无回避情形，至少两名（同“分配”）",
              "fieldwork", LEADER, set_members, s.TeamOut, body=s.MembersIn,
              errors=(403, 409)),
        Route("POST", iid + "/check-in", "checkIn", "到场签到（时间、位置）", "fieldwork", MEMBER,
              check_in, s.StateOut, body=s.CheckInIn, creates=True, errors=(403, 409)),
        Route("PUT", iid + "/findings/{item_version_id}", "putFinding",
              "记录一个抽查事项的检查结果（符合/不符合/不适用）", "fieldwork", MEMBER, put_finding,
              s.FindingOut, body=s.FindingIn, errors=(403, 409)),
        Route("POST", iid + "/evidence", "uploadEvidence", "上传照片或文件（按内容识别类型）",
              "fieldwork", MEMBER, upload_evidence, s.EvidenceOut, status=201,
              query=s.EvidenceQuery, upload=read_upload, creates=True,
              errors=(400, 403, 409, 503)),
        Route("GET", "/evidence/{evidence_id}/content", "getEvidenceContent", "证据原件（以附件下载）",
              "fieldwork", READER, evidence_content, errors=(503,),
              binary=("image/jpeg", "image/png", "image/webp", "application/pdf",
                      "application/octet-stream")),
        Route("GET", "/evidence/{evidence_id}/thumbnail", "getEvidenceThumbnail",
              "证据缩略图（JPEG，不含位置信息）", "fieldwork", READER, evidence_thumbnail,
              errors=(503,), binary=("image/jpeg",)),
        Route("DELETE", "/evidence/{evidence_id}", "deleteEvidence",
              "删除误传的证据材料（提交前）", "fieldwork", MEMBER, delete_evidence, None,
              status=204, errors=(403, 409)),
        Route("POST", iid + "/confirm", "confirmFindings", "检查组成员确认检查结果", "fieldwork",
              MEMBER, confirm, s.MemberOut, creates=True, errors=(403, 409)),
        Route("POST", iid + "/submit", "submitInspection", "提交检查结果（须至少两名成员确认）",
              "fieldwork", MEMBER, submit, s.StateOut, body=s.SubmitIn, creates=True,
              errors=(403, 409)),
        Route("POST", iid + "/close", "closeInspection", "办结检查", "fieldwork", MEMBER, close,
              s.StateOut, creates=True, errors=(403, 409)),
    ]
