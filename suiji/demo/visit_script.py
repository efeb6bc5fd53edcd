"""One staged visit of the demo, through the domain as the team and the employer would do it:
the 检查通知书 served two working days ahead and acknowledged on its page, check-in, a finding
per item, both inspectors' confirmation, submission; then either the close with a 检查结果告知书,
or a 限期改正指令书 put right (the employer's upload reviewed, a follow-up visit, the 整改复查
意见书), or a penalty under the general procedure (行政处罚告知书, the decision, its 决定书); the
result published on the window a few working days after the close.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from inspection.fieldwork import inspections, penalties, rectification, uploads
from inspection.notices import admin as notices
from inspection.notices import issuing
from inspection.publication import admin as publication
from models.campaigns import Campaign
from models.employers import Employer
from models.enums import (
    FindingResult,
    FollowUpResult,
    NoticeKind,
    PenaltyProcedure,
    PublicationKind,
)
from models.fieldwork import Finding, Inspection
from models.items import ItemVersion
from models.notices import Notice
from models.org import Staff
from models.penalties import PenaltyDecision
from models.publication import Publication
from suiji.demo import days as d
from suiji.demo import papers
from suiji.demo.history import Script
from suiji.demo.lifecycle_data import (
    FINE,
    INSPECTION_BODY,
    MATERIALS,
    NOT_APPLICABLE,
    RESULT_BODY,
    Penalty,
    Violation,
)
from suiji.demo.stage import Stage

FULING = (29.7031, 107.3894)  # the district government, roughly: visits are nearby


@dataclass(frozen=True)
class Visit:
    campaign: Campaign
    inspection: Inspection
    team: list[Staff]  # the first two do the work and sign
    leader: Staff
    day: dt.date
    morning: bool


def _month(day: dt.date) -> str:
    """The month before `day`, as the records checked are named: 2026年10月."""
    last = day.replace(day=1) - dt.timedelta(days=1)
    return f"{last.year}年{last.month}月"


def _finding(code: str, employer: Employer, day: dt.date,
             problem: Violation | Penalty | None) -> tuple[FindingResult, str, str]:
    """(result, description, provision broken) of one item."""
    if problem is not None and problem.item == code:
        return (FindingResult.NONCOMPLIANT, problem.description.format(month=_month(day)),
                problem.basis)
    if code in NOT_APPLICABLE and employer.headcount < 20:
        return FindingResult.NOT_APPLICABLE, NOT_APPLICABLE[code], ""
    return FindingResult.COMPLIANT, FINE.get(code, "符合规定").format(month=_month(day)), ""


async def _acknowledge(stage: Stage, notice: Notice) -> None:
    """The employer types the code from the paper it was handed, on the notice's page."""
    secret = stage.settings.secret_key
    assert secret
    code = issuing.verification_code(token=notice.token, secret=secret)
    result = await issuing.acknowledge(notice_id=notice.id, code=code, secret=secret)
    assert result.outcome == issuing.AckOutcome.ACKNOWLEDGED, result.outcome


async def _items(v: Visit) -> list[ItemVersion]:
    return list(await ItemVersion.filter(campaign_items__campaign_id=v.campaign.id)
                .prefetch_related("item").order_by("item__code"))


async def _serve(stage: Stage, v: Visit, employer: Employer, codes: list[str]) -> Script:
    """The 检查通知书, two working days ahead; the employer confirms receipt the next day."""
    yield d.at(stage.days.before(v.day, 2), "15:00")
    notice = await notices.issue(
        staff=v.team[0], inspection_id=v.inspection.id, kind=NoticeKind.INSPECTION,
        content={"body": INSPECTION_BODY, "items": [MATERIALS[c] for c in codes if c in MATERIALS]},
        issuer=stage.issuer, deadline=v.day)
    yield d.at(stage.days.before(v.day, 1), "10:05")
    await _acknowledge(stage, notice)


async def _inspect(v: Visit, employer: Employer, items: list[ItemVersion],
                   problem: Violation | Penalty | None) -> Script:
    """Check-in, a finding per item, both inspectors confirm, submission."""
    start = d.at(v.day, "09:30" if v.morning else "14:00")
    yield start
    first, second = v.team[0], v.team[1]
    shift = (employer.id * 37 % 100 - 50) / 2000
    await inspections.check_in(staff=first, inspection_id=v.inspection.id,
                               lat=round(FULING[0] + shift, 5), lng=round(FULING[1] - shift, 5),
                               note=(f"法定代表人{employer.legal_rep}在场" if employer.legal_rep
                                     else "单位负责人在场"))
    yield start + dt.timedelta(minutes=55)
    found = 0
    for item in items:
        result, text, basis = _finding(item.item.code, employer, v.day, problem)
        found += result == FindingResult.NONCOMPLIANT
        await inspections.record_finding(staff=first, inspection_id=v.inspection.id,
                                         item_version_id=item.id, result=result,
                                         description=text, basis=basis)
    yield start + dt.timedelta(minutes=100)
    for member in (first, second):
        await inspections.confirm(staff=member, inspection_id=v.inspection.id)
    summary = (f"检查事项{len(items)}项，发现问题{found}项" if found
               else f"检查事项{len(items)}项，未发现违法行为")
    await inspections.submit(staff=first, inspection_id=v.inspection.id, summary=summary)


async def _close(stage: Stage, v: Visit, when: dt.datetime, *, told: bool) -> Script:
    """Close the visit (with a 检查结果告知书 when `told`); its result published three working days
    later by the initiating section (R3)."""
    yield when
    if told:
        await notices.issue(staff=v.team[0], inspection_id=v.inspection.id, kind=NoticeKind.RESULT,
                            content={"body": RESULT_BODY}, issuer=stage.issuer)
    await inspections.close(staff=v.team[0], inspection_id=v.inspection.id)
    yield d.at(stage.days.after(when.date(), 3), "15:00")
    duty = await Publication.get(kind=PublicationKind.RESULT, object_type="inspection",
                                 object_id=v.inspection.id)
    await publication.publish(staff=stage.initiator, publication_id=duty.id)


async def _rectify(stage: Stage, v: Visit, employer: Employer, problem: Violation) -> Script:
    """The 限期改正指令书 the day of the visit, after the findings; received the next morning; the employer's
    report uploaded on the notice page, reviewed and accepted; a follow-up visit finds it put
    right; the 整改复查意见书; the close."""
    ordered_at = d.at(v.day, "11:40" if v.morning else "16:10")
    yield ordered_at
    finding = await Finding.get(inspection_id=v.inspection.id, result=FindingResult.NONCOMPLIANT)
    order, _ = await rectification.issue_order(
        staff=v.team[0], inspection_id=v.inspection.id, finding_ids=[finding.id],
        requirements=problem.requirement, working_days=problem.working_days, issuer=stage.issuer)
    notice = await rectification.order_notice(order)
    assert notice is not None
    yield d.at(stage.days.after(v.day, 1), "10:20")
    await _acknowledge(stage, notice)
    uploaded = stage.days.after(v.day, problem.upload_after)
    yield d.at(uploaded, "15:40")
    data = papers.rectification_report(to=stage.issuer.name, employer=employer.name,
                                       lines=problem.report, day=uploaded)
    async with papers.storage(stage.settings) as store:  # as the notice page stores it
        upload = await issuing.add_employer_evidence(
            notice_id=notice.id, data=data, original_name=problem.upload_name, storage=store,
            quota=issuing.UploadQuota())
    reviewed = stage.days.after(uploaded, problem.review_after)
    yield d.at(reviewed, "09:50")
    await uploads.review(staff=v.team[1], evidence_id=upload.id, accepted=True, reason="")
    visited = stage.days.after(reviewed, 1)
    yield d.at(visited, "10:30")
    await rectification.record_follow_up(staff=v.team[0], order_id=order.id, visited_on=visited,
                                         result=FollowUpResult.RECTIFIED, note=problem.checked)
    yield d.at(visited, "11:20")
    await notices.issue(staff=v.team[0], inspection_id=v.inspection.id, kind=NoticeKind.REVIEW,
                        content={"body": problem.review}, issuer=stage.issuer,
                        rectification_order_id=order.id)
    async for when in _close(stage, v, d.at(visited, "11:30"), told=False):
        yield when


async def _decision_number(stage: Stage, year: int) -> str:
    """The decision's number, as the bureau numbers its 行政处罚决定书 (its short name, 监罚决)."""
    taken = await PenaltyDecision.filter(number__contains=f"〔{year}〕").count()
    return f"{stage.settings.bureau_short_name}监罚决〔{year}〕第{taken + 1}号"


async def _punish(stage: Stage, v: Visit, employer: Employer, problem: Penalty) -> Script:
    """行政处罚告知书 (its three days for 陈述、申辩 pass unused), the decision recorded by the
    leader and served two working days later (it takes effect, and goes on the window by itself,
    R17), its 决定书, the close."""
    told_on = stage.days.after(v.day, problem.notice_after)
    yield d.at(told_on, "10:00")
    result = problem.result
    told = await notices.issue(staff=v.team[0], inspection_id=v.inspection.id,
                               kind=NoticeKind.PENALTY_NOTICE, issuer=stage.issuer,
                               content={"body": result, "basis": problem.penalty_basis})
    yield d.at(stage.days.after(told_on, 1), "09:40")
    await _acknowledge(stage, told)
    decided = stage.days.after(v.day, problem.decide_after)
    served = stage.days.after(decided, problem.served_after)
    yield d.at(decided, "15:00")
    decision, _, _ = await penalties.record_decision(
        staff=v.leader, inspection_id=v.inspection.id, number=await _decision_number(stage, decided.year),
        procedure=PenaltyProcedure.GENERAL, cause=problem.cause, basis=problem.penalty_basis,
        result=result, decided_on=decided, amount_yuan=problem.amount, effective_on=served)
    yield d.at(decided, "15:20")
    paper = await notices.issue(staff=v.team[0], inspection_id=v.inspection.id,
                                kind=NoticeKind.PENALTY_DECISION, issuer=stage.issuer,
                                content={"body": ""}, penalty_decision_id=decision.id)
    stage.history.spawn(_close(stage, v, d.at(decided, "16:00"), told=False))
    yield d.at(served, "10:00")  # served: the party signs for it on the notice page
    await _acknowledge(stage, paper)


async def visit(stage: Stage, v: Visit, *, order: Violation | None = None,
                penalty: Penalty | None = None) -> Script:
    """The whole story of one visit; `History.run` plays what is past."""
    employer = await Employer.get(id=v.inspection.employer_id)
    items = await _items(v)
    async for when in _serve(stage, v, employer, [i.item.code for i in items]):
        yield when
    async for when in _inspect(v, employer, items, order or penalty):
        yield when
    if order is not None:
        async for when in _rectify(stage, v, employer, order):
            yield when
    elif penalty is not None:
        async for when in _punish(stage, v, employer, penalty):
            yield when
    else:
        async for when in _close(stage, v, d.at(stage.days.after(v.day, 1), "10:00"), told=True):
            yield when
