"""Authorisation matrix: every route × every role, generated from the route registry, so a new
route without an entry here fails. Others' objects answer 404 (their existence is not revealed);
a role that may see an object but not do the thing answers 403; no session answers 401."""

from __future__ import annotations

import datetime as dt
from typing import Any

import aiohttp
import pytest

from inspection.fieldwork import evidence as ev
from inspection.notices import issuing as notices
from miniprogram_api.app import all_routes
from miniprogram_api.framework import PREFIX, Route
from models.credit import CreditFactReview, GradeAssessment
from models.employers import BlacklistEntry
from models.enums import (
    CreditEventKind,
    FindingResult,
    Grade,
    InspectionState,
    NoticeKind,
    PublicationKind,
)
from models.fieldwork import Finding, RectificationOrder
from models.items import ItemVersion
from models.org import Conflict as OrgConflict
from models.org import RoleChange
from models.publication import Publication
from tests.fieldworld import ROLES, World, build_world, called_up, jpeg, session_for
from tests.notices_fixtures import ISSUER

OK = "ok"
ANY_STAFF = {r: OK for r in ROLES} | {"anonymous": 401}
READ = {"admin": 404, "initiator": OK, "leader": OK, "other_leader": 404, "member": OK,
        "outsider": 404, "anonymous": 401}
WORK = {"admin": 404, "initiator": 403, "leader": 403, "other_leader": 404, "member": OK,
        "outsider": 404, "anonymous": 401}
MANAGE = {"admin": 404, "initiator": OK, "leader": OK, "other_leader": 404, "member": 403,
          "outsider": 404, "anonymous": 401}
# The campaign's leader alone forms the team (R16); the initiating section sees, may not assign.
LEAD = {"admin": 404, "initiator": 403, "leader": OK, "other_leader": 404, "member": 403,
        "outsider": 404, "anonymous": 401}
# A call-up is its inspector's alone: nobody else learns that it exists.
CALLED = {r: 404 for r in ROLES} | {"member": OK, "anonymous": 401}
ADMIN = {"admin": OK, "initiator": 403, "leader": 403, "other_leader": 403, "member": 403,
         "outsider": 403, "anonymous": 401}
INITIATE = {"admin": 403, "initiator": OK, "leader": 403, "other_leader": 403, "member": 403,
            "outsider": 403, "anonymous": 401}
# The initiating section manages; the leader may see the campaign but not change it.
CAMPAIGN_MANAGE = {"admin": 404, "initiator": OK, "leader": 403, "other_leader": 404,
                   "member": 404, "outsider": 404, "anonymous": 401}
# The call-up belongs to the leader; the initiating section sees the campaign, may not run it.
CAMPAIGN_LEAD = {"admin": 404, "initiator": 403, "leader": OK, "other_leader": 404,
                 "member": 404, "outsider": 404, "anonymous": 401}
CREDIT = {"admin": OK, "initiator": OK, "leader": OK, "other_leader": OK, "member": 403,
          "outsider": 403, "anonymous": 401}
OFFICER = {"admin": OK, "initiator": OK, "leader": 403, "other_leader": 403, "member": 403,
           "outsider": 403, "anonymous": 401}
CAMPAIGN = {"admin": 404, "initiator": OK, "leader": OK, "other_leader": 404, "member": 404,
            "outsider": 404, "anonymous": 401}

MATRIX: dict[str, dict[str, Any]] = {
    "login": {r: OK for r in ROLES}, "loginWithWeComOAuth": {r: OK for r in ROLES},
    # No session needed; without the query's state it is refused as bad input, not by role.
    "getWeComOAuthUrl": {r: OK for r in ROLES},
    # Development only: the tests run with SUIJI_ENV=test, where both do not exist.
    "listDevUsers": {r: 404 for r in ROLES}, "devLogin": {r: 404 for r in ROLES},
    "previewDeadline": ANY_STAFF, "listCampaignCallUps": CAMPAIGN,
    "logout": ANY_STAFF, "me": ANY_STAFF, "listMyInspections": ANY_STAFF,
    "listMyCallUps": ANY_STAFF, "acceptCallUp": CALLED, "declineCallUp": CALLED,
    "withdrawCallUp": CALLED, "declareOwnRecusal": WORK,
    "listCampaignInspections": CAMPAIGN,
    "getInspection": READ, "getEvidenceContent": READ, "getEvidenceThumbnail": READ,
    "getRectificationOrder": READ,
    "setInspectionMembers": LEAD, "recordPenaltyDecision": MANAGE,
    "checkIn": WORK, "putFinding": WORK, "uploadEvidence": WORK, "confirmFindings": WORK,
    "deleteEvidence": WORK,
    "submitInspection": WORK, "closeInspection": WORK, "issueRectificationOrder": WORK,
    "recordFollowUp": WORK, "escalateRectificationOrder": WORK,
    # Rosters (R8, R9): 政策法规科 only.
    **{f"{verb}{kind}": ADMIN for verb in ("import", "export")
       for kind in ("Sections", "Employers", "Inspectors", "Items")},
    **{f"preview{kind}Import": ADMIN for kind in ("Sections", "Employers", "Inspectors", "Items")},
    "listEmployers": ADMIN, "getEmployer": ADMIN, "patchEmployer": ADMIN, "listStaff": ADMIN,
    "getStaff": ADMIN, "patchStaff": ADMIN,
    # Four-eyes (issue 16): 政策法规科 only; a second admin, never the proposer or the target.
    "listCreditFactReviews": ADMIN, "decideCreditFactReview": ADMIN, "listRoleChanges": ADMIN,
    "proposeRoleChange": ADMIN, "decideRoleChange": ADMIN, "listConflicts": ADMIN, "declareConflict": ADMIN,
    "deleteConflict": ADMIN, "listAllConflicts": ADMIN,
    # The item list (R7): 政策法规科 only.
    "listItems": ADMIN, "createItem": ADMIN, "amendItem": ADMIN, "publishItemVersion": ADMIN,
    "withdrawItem": ADMIN, "patchItemVersion": ADMIN,
    # Plans, campaigns, draws (R13, R14, R15) and the call-up (R16).
    "submitAnnualPlan": INITIATE, "listAnnualPlans": INITIATE, "createCampaign": INITIATE,
    "previewCampaignStrata": INITIATE, "getCampaignFormOptions": INITIATE,
    "searchCampaignEmployers": INITIATE,
    # The list shows each caller the campaigns GET /campaigns/{id} would show them: an empty
    # page for staff with none, not 403 (test_api_campaign_lists.py checks who sees what).
    "listCampaigns": ANY_STAFF,
    "getCampaign": CAMPAIGN, "listDraws": CAMPAIGN, "getCallUpProgress": CAMPAIGN,
    "getCallUpRoster": CAMPAIGN, "chaseInspector": CAMPAIGN_LEAD,
    "editCampaign": CAMPAIGN_MANAGE, "approveCampaign": CAMPAIGN_MANAGE,
    "cancelCampaign": CAMPAIGN_MANAGE, "commitDraws": CAMPAIGN_MANAGE,
    "revealDraws": CAMPAIGN_MANAGE, "voidDraw": CAMPAIGN_MANAGE,
    "assignInspection": CAMPAIGN_LEAD, "autoAssign": CAMPAIGN_LEAD,
    "getAssignmentProposal": CAMPAIGN_LEAD, "confirmAssignmentProposal": CAMPAIGN_LEAD,
    "substituteInspector": CAMPAIGN_LEAD, "extendReplyDeadline": CAMPAIGN_LEAD,
    # The campaign's end (R19): the leader ends field work, the initiating section approves.
    "finishFieldwork": CAMPAIGN_LEAD, "getCampaignReport": CAMPAIGN,
    "generateCampaignReport": CAMPAIGN, "getCampaignReportPdf": CAMPAIGN,
    "getCampaignReportXlsx": CAMPAIGN, "approveCampaignReport": CAMPAIGN_MANAGE,
    "replaceCampaignLeader": CAMPAIGN_MANAGE,
    # Publication (R3, R13, R17): the initiating sections publish the year's plans together; the
    # duties are the initiating section's (its own) and 政策法规科's (all).
    "publishAnnualPlans": INITIATE, "listPublicationDuties": OFFICER,
    "getPublicationDuty": OFFICER, "publishDuty": OFFICER, "withholdDuty": OFFICER,
    # 重大劳动保障违法行为 (人社部令第29号): recorded by the initiating section, read by 政策法规科 too.
    "recordMajorViolation": INITIATE, "listMajorViolations": OFFICER,
    # Notices (R22): the team issues and corrects; whoever reads the inspection gets the file.
    "issueNotice": WORK, "revokeNotice": WORK, "supersedeNotice": WORK, "unlockNotice": WORK,
    "getNoticePdf": READ, "getNoticePng": READ, "getNoticeReceipt": READ,
    # Credit figures (R18, R19).
    "getCampaignStatistics": CAMPAIGN, "getYearStatistics": CREDIT, "getIntegrityFile": CREDIT,
    "recordCreditFact": ANY_STAFF,
    # The audit trail (R21): 政策法规科 only.
    "listAuditEvents": ADMIN, "verifyAuditChain": ADMIN, "auditWords": ADMIN,
    "listGradeAssessments": ADMIN, "reviewGradeAssessment": ADMIN, "confirmGradeAssessments": ADMIN,
    # 谁执法、谁认定 (人社部令第45号): the enforcing labour-inspection section, not 政策法规科.
    "noticeBlacklist": INITIATE, "decideBlacklist": INITIATE, "removeBlacklist": INITIATE,
    "listBlacklist": OFFICER, "findBlacklistParty": OFFICER,
    # Employers' uploads (R22): whoever reads the visit sees them; its team reviews them.
    "listEmployerUploads": READ, "reviewEmployerUpload": WORK,
    # The working-day calendar and certificates: 政策法规科; coverage (R4) also the initiators.
    "getHolidaySchedule": ADMIN, "putHolidaySchedule": ADMIN,
    "listExpiringCertificates": ADMIN, "getItemCoverage": OFFICER,
}


def test_every_route_has_a_matrix_row() -> None:
    assert set(MATRIX) == {r.operation_id for r in all_routes()}
    for op, row in MATRIX.items():
        assert set(row) == set(ROLES), op


async def _objects(world: World, data_dir: Any) -> dict[str, int]:
    world.inspection.state = InspectionState.CHECKED_IN
    await world.inspection.save()
    finding = await Finding.create(inspection=world.inspection, item_version=world.items[0],
                                   result=FindingResult.NONCOMPLIANT, description="问题",
                                   recorded_by=world.staff["member"])
    evidence = await ev.add_evidence(staff=world.staff["member"],
                                     inspection_id=world.inspection.id, data=jpeg(),
                                     original_name="a.jpg",
                                     storage=ev.LocalStorage(data_dir / "uploads"))
    order = await RectificationOrder.create(
        inspection=world.inspection, employer=world.employer, requirements="整改",
        issued_on=dt.date(2026, 11, 3), working_days=5, deadline=dt.date(2026, 11, 10),
        issued_by=world.staff["member"])
    await order.findings.add(finding)
    conflict = await OrgConflict.create(staff=world.staff["outsider"], employer=world.employer,
                                        reason="亲属")
    draft = await ItemVersion.create(item=world.items[2].item, version=2, name="新版",  # type: ignore[attr-defined]
                                     basis="依据", subject="主体", content="内容", method="方式")
    notice = await notices.issue_notice(
        kind=NoticeKind.INSPECTION, employer_id=world.employer.id, content={"body": "检查通知"},
        issued_by_id=world.staff["member"].id, issuer=ISSUER,
        inspection_id=world.inspection.id)
    entry = await BlacklistEntry.create(employer=world.employer, cause="拖欠工资",
                                        noticed_on=dt.date(2026, 1, 5),
                                        hearing_until=dt.date(2026, 1, 12))
    assessment = await GradeAssessment.create(employer=world.employer, year=2025,
                                              proposed=Grade.B)
    called = await called_up(world, "member")
    review = await CreditFactReview.create(
        employer=world.employer, kind=CreditEventKind.CRIMINAL, occurred_on=dt.date(2026, 1, 5),
        detail={"description": "判决", "evidence": "判决书", "basis": "刑法"},
        recorded_by=world.staff["member"])
    change = await RoleChange.create(staff=world.staff["outsider"], changes={"mobile": "1"},
                                     proposed_by=world.staff["initiator"])
    duty = await Publication.create(kind=PublicationKind.PENALTY, object_type="penalty_decision",
                                    object_id=1, title="处罚决定", due_on=dt.date(2030, 1, 4),
                                    section_id=world.campaigns[0].section_id)
    return {"review_id": review.id, "change_id": change.id, "publication_id": duty.id, "callup_id": called.id, "entry_id": entry.id, "assessment_id": assessment.id, "notice_id": notice.id, "year": 2026, "conflict_id": conflict.id, "item_id": world.items[0].item_id,
            "version_id": draft.id, "staff_id": world.staff["member"].id,
            "employer_id": world.employer.id, "inspection_id": world.inspection.id, "campaign_id": world.campaigns[0].id,
            "evidence_id": evidence.id, "order_id": order.id,
            "item_version_id": world.items[1].id, "finding_id": finding.id}


def _body(route: Route, ids: dict[str, int], role: str) -> dict[str, Any] | None:
    bodies: dict[str, dict[str, Any]] = {
        "login": {"code": f"code-u-{'member' if role == 'anonymous' else role}"},
        "loginWithWeComOAuth": {"code": f"oauth-u-{'member' if role == 'anonymous' else role}"},
        "devLogin": {"userid": "u-member"},
        "setInspectionMembers": {"staff_ids": [1, 2]},
        "checkIn": {}, "putFinding": {"result": "compliant"}, "submitInspection": {},
        "issueRectificationOrder": {"finding_ids": [ids["finding_id"]], "requirements": "改",
                                    "working_days": 5},
        "recordFollowUp": {"visited_on": "2026-11-05", "result": "partial"},
        "escalateRectificationOrder": {"reason": "逾期未改"},
        "createItem": {"code": f"X-{role}", "name": "事项", "basis": "依据", "subject": "主体",
                       "content": "内容", "method": "方式"},
        "amendItem": {"reason": "法规修订", "effective_from": "2027-01-01", "name": "新名称"},
        "withdrawItem": {"reason": "依据废止"}, "patchItemVersion": {"name": "草稿新名称"},
        "submitAnnualPlan": {"year": 2027, "needs": "劳动合同专项"},
        "createCampaign": {"code": f"2026-T-{role}".replace("_", "-"), "title": "任务",
                           "field_start": "2026-12-01", "field_end": "2026-12-31"},
        "previewCampaignStrata": {"field_start": "2026-12-01", "field_end": "2026-12-31"},
        "editCampaign": {"title": "新标题"}, "cancelCampaign": {"reason": "上级通知暂停"},
        "revealDraws": {"public_entropy": "3321.45"},
        "voidDraw": {"kind": "employers", "reason": "程序有误"},
        "assignInspection": {"target": "JC2026-0001", "names": ["张检查", "赵检查"]},
        "confirmAssignmentProposal": {"fingerprint": "0" * 16},
        "substituteInspector": {"name": "张检查"}, "extendReplyDeadline": {"hours": 24},
        "chaseInspector": {"name": "张检查"},
        "approveCampaignReport": {"note": "同意"},
        "replaceCampaignLeader": {"leader_id": ids["staff_id"], "reason": "原组长借调"},
        "withholdDuty": {"reason": "涉及个人隐私", "basis": "《政府信息公开条例》第十五条"},
        "recordMajorViolation": {"category": "wage_arrears", "facts": "拖欠 12 名劳动者工资",
                                 "handling": "责令限期支付", "decided_on": "2026-10-10",
                                 "legal_rep": "张某"},
        "declineCallUp": {"reason": "参加区政府专题会议"},
        "withdrawCallUp": {"reason": "参加区政府专题会议"},
        "declareOwnRecusal": {"reason": "配偶在该单位任职"},
        "issueNotice": {"kind": "inspection", "body": "定于近日检查"},
        "revokeNotice": {"reason": "检查取消"},
        "supersedeNotice": {"reason": "日期有误", "body": "更正后的通知"},
        "recordCreditFact": {"kind": "obstruction", "occurred_on": "2026-01-05",
                             "description": "拒绝提供工资台账", "evidence": "询问笔录2026-01",
                             "basis": "《劳动保障监察条例》第三十条"},
        "decideCreditFactReview": {"approve": True}, "decideRoleChange": {"approve": False},
        "proposeRoleChange": {"roles": ["执法检查人员"]},
        "reviewGradeAssessment": {"confirm": True, "effective_from": "2026-03-01"},
        "confirmGradeAssessments": {"assessment_ids": [ids["assessment_id"]],
                                    "effective_from": "2026-03-01"},
        "noticeBlacklist": {"cause": "拖欠农民工工资", "basis": "第十条", "noticed_on": "2026-01-05"},
        "decideBlacklist": {"listed": True, "decided_on": "2026-02-01"},
        "removeBlacklist": {"removed_on": "2026-09-01", "arrears_paid_on": "2026-02-01",
                            "pledge": "承诺守法"},
        "patchEmployer": {"township": "敦仁街道"}, "patchStaff": {"mobile": "13800000000"},
        "reviewEmployerUpload": {"accepted": True},
        "putHolidaySchedule": {"holidays": ["2026-10-01"], "basis": "国办发明电〔2025〕7号"},
        "declareConflict": {"employer_id": ids["employer_id"], "reason": "曾在该单位任职"},
        "recordPenaltyDecision": {"number": f"涪人社罚〔2026〕{role}号", "procedure": "simple",
                                  "cause": "未签合同", "basis": "第八十二条", "result": "罚款",
                                  "decided_on": "2026-11-05"},
    }
    return bodies.get(route.operation_id) if route.body is not None else None


@pytest.mark.parametrize("route", all_routes(), ids=lambda r: r.operation_id)
async def test_route_by_role(api: Any, settings: Any, route: Route) -> None:
    world = await build_world()
    ids = await _objects(world, settings.data_dir)
    path = PREFIX + route.path.format(**{p: ids[p] for p in route.path_params})
    for role in ROLES:
        headers = {} if role == "anonymous" else await session_for(api, world.staff[role])
        kwargs: dict[str, Any] = {"headers": headers}
        body = _body(route, ids, role)
        if body is not None:
            kwargs["json"] = body
        if route.upload is not None:
            form = aiohttp.FormData()
            form.add_field("file", jpeg(), filename="x.jpg")
            kwargs["data"] = form
        resp = await api.request(route.method, path, **kwargs)
        expected = MATRIX[route.operation_id][role]
        text = (await resp.read())[:300]
        assert resp.status < 500, (role, text)
        if expected == OK:
            assert resp.status not in (401, 403, 404), (role, resp.status, text)
        else:
            assert resp.status == expected, (role, resp.status, text)
            assert resp.content_type == "application/problem+json"
