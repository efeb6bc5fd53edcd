"""Routes of credit figures for leaders (R18, R19): statistics per campaign and per year, an
employer's integrity file. Thin: over inspection/credit_access.py."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, StringConstraints

from inspection.credit import access as cr
from inspection.credit import blacklist as blacklist_rules
from miniprogram_api.framework import Call, Route
from miniprogram_api.schemas import Id, Request, ShortText, Text
from models.credit import CreditFactReview, GradeAssessment
from models.employers import BlacklistEntry
from models.enums import AssessmentStatus, BlacklistStatus, CreditEventKind, Grade

CREDIT_READER = "leaders, initiating section, policy-section admin"
CAMPAIGN_READER = "leader of the campaign, initiating section"


class StatisticsOut(BaseModel):
    figures: dict[str, Any] = Field(description="数量与比率（见 docs/credit.md）")


class FactOut(BaseModel):
    kind: str
    label: str
    occurred_on: dt.date
    summary: str
    source_type: str
    source_id: int
    inspection_id: int | None


class IntegrityFileOut(BaseModel):
    employer_id: int
    uscc: str
    name: str
    grade: str
    facts: list[FactOut]


class PeriodQuery(Request):
    start: dt.date | None = None
    end: dt.date | None = None


async def campaign_statistics(call: Call[None, None]) -> StatisticsOut:
    return StatisticsOut(figures=await cr.campaign_statistics(
        staff=call.me, campaign_id=call.path["campaign_id"]))


async def year_statistics(call: Call[None, None]) -> StatisticsOut:
    return StatisticsOut(figures=await cr.year_statistics(staff=call.me, year=call.path["year"]))


async def integrity_file(call: Call[None, PeriodQuery]) -> IntegrityFileOut:
    f = await cr.integrity_file(staff=call.me, employer_id=call.path["employer_id"],
                                start=call.query.start, end=call.query.end)
    return IntegrityFileOut(employer_id=f.employer_id, uscc=f.uscc, name=f.name, grade=f.grade,
                            facts=[FactOut(kind=str(x.kind), label=x.label,
                                           occurred_on=x.occurred_on, summary=x.summary,
                                           source_type=x.source_type, source_id=x.source_id,
                                           inspection_id=x.inspection_id) for x in f.facts])


class FactIn(Request):
    kind: CreditEventKind = Field(description="只能手工记录没有其他记录来源的事实")
    occurred_on: dt.date
    description: Text
    evidence: Text = Field(description="证明材料，如询问笔录编号、判决书文号")
    basis: Text
    refused: Literal["order", "decision"] | None = None


class FactRecorded(BaseModel):
    id: int | None = Field(description="记入诚信档案的事实编号；待复核时为空")
    employer_id: int
    kind: str
    occurred_on: dt.date
    pending_review: bool = Field(
        description="被追究刑事责任等须复核的事实：由政策法规科另一名工作人员复核同意后才记入档案和报送")
    review_id: int | None = None


async def record_fact(call: Call[FactIn, None]) -> FactRecorded:
    b = call.body
    fact = await cr.record_fact(staff=call.me, employer_id=call.path["employer_id"],
                                kind=b.kind, occurred_on=b.occurred_on,
                                description=b.description, evidence=b.evidence, basis=b.basis,
                                refused=b.refused)
    pending = isinstance(fact, CreditFactReview)
    return FactRecorded(id=None if pending else fact.id, employer_id=call.path["employer_id"],
                        kind=str(fact.kind), occurred_on=fact.occurred_on,
                        pending_review=pending, review_id=fact.id if pending else None)


class AssessmentQuery(Request):
    year: int | None = Field(None, ge=2000, le=2100)
    status: AssessmentStatus | None = None


class ClauseFact(BaseModel):
    source: str
    occurred_on: dt.date
    summary: str


class ClauseOut(BaseModel):
    code: str
    grade: str
    citation: str = Field(description="评价办法的条款")
    text: str
    facts: list[ClauseFact] = Field(description="使该条款适用的事实（被查处的案件、记录的事实）")


class AssessmentOut(BaseModel):
    id: int
    employer_id: int
    employer_name: str
    employer_uscc: str
    current_grade: str = Field(description="用人单位现在的等级")
    year: int
    proposed: str
    confirmed: str | None
    status: str
    effective_from: dt.date | None
    review_note: str
    clauses: list[ClauseOut] = Field(description="拟评依据：适用的条款及其事实")


class AssessmentList(BaseModel):
    items: list[AssessmentOut]
    total: int = Field(description="符合条件的总数（多于列出的时，只列出前 1000 项）")


class ConfirmManyIn(Request):
    assessment_ids: list[Id] = Field(min_length=1, max_length=1000)
    effective_from: dt.date
    note: Text = ""


class ReviewIn(Request):
    confirm: bool
    grade: Grade | None = Field(None, description="改变拟评等级时填写（须在 note 说明理由）")
    effective_from: dt.date | None = None
    note: Text = ""


class BlacklistNoticeIn(Request):
    cause: Text
    basis: Text
    noticed_on: dt.date
    legal_rep: ShortText | None = None


class DecisionIn(Request):
    listed: bool = Field(description="true 列入；false 不予列入（撤回）")
    decided_on: dt.date
    reason: Text = ""


class RemovalIn(Request):
    removed_on: dt.date
    arrears_paid_on: dt.date = Field(description="拖欠工资付清（改正）之日：自该日起在名单上满 6 个月"
                                     "方可提前移出")
    pledge: Text = Field(description="书面信用承诺（不再拖欠农民工工资）")
    pledged_on: dt.date | None = Field(None, description="作出信用承诺的日期；不填为移出日期")
    note: Text = ""


class BlacklistOut(BaseModel):
    id: int
    employer_id: int
    employer_name: str
    employer_uscc: str
    legal_rep: str = Field(description="法定代表人（与单位一并列入）")
    status: BlacklistStatus = Field(description="noticed 已告知（陈述、申辩中）/ in_force 已列入 / "
                                    "removed 已提前移出 / expired 期满移出 / withdrawn 不予列入")
    cause: str
    basis: str
    noticed_on: dt.date | None
    hearing_until: dt.date | None = Field(description="陈述、申辩期限")
    hearing_until_provisional: bool = Field(
        description="陈述、申辩期限按周一至周五推算，暂定，待节假日安排录入后确认")
    decide_from: dt.date | None = Field(description="最早可作出决定的日期（陈述、申辩期届满的次日）")
    decided_on: dt.date | None
    term_start: dt.date | None
    term_end: dt.date | None = Field(description="列入期限的最后一日（自决定之日起 3 年）")
    earliest_removal: dt.date | None = Field(
        description="最早可提前移出的日期（拖欠工资在列入前已付清时；付清在列入之后的，"
                    "自付清之日起满 6 个月）")
    removed_on: dt.date | None
    removal_reason: str = Field(description="不予列入或提前移出的理由")
    arrears_paid_on: dt.date | None
    pledged_on: dt.date | None


class BlacklistList(BaseModel):
    items: list[BlacklistOut]


class BlacklistQuery(Request):
    status: BlacklistStatus | None = None


class PartyQuery(Request):
    uscc: Annotated[str, StringConstraints(max_length=40)] = Field("", description="统一社会信用代码")


class PartyOut(BaseModel):
    employer_id: int
    name: str
    uscc: str
    legal_rep: str
    open_entry: BlacklistOut | None = Field(description="在办（已告知）或生效的名单记录")


def _assessment(a: GradeAssessment) -> AssessmentOut:
    return AssessmentOut(id=a.id, employer_id=a.employer_id, employer_name=a.employer.name,
                         employer_uscc=a.employer.uscc, current_grade=str(a.employer.grade),
                         year=a.year, proposed=str(a.proposed),
                         confirmed=str(a.confirmed) if a.confirmed else None,
                         status=str(a.status), effective_from=a.effective_from,
                         review_note=a.review_note,
                         clauses=[ClauseOut.model_validate(c) for c in a.clauses])


async def _entry(e: BlacklistEntry) -> BlacklistOut:
    employer = await e.employer  # prefetched by the lists; fetched once after a change
    return BlacklistOut(id=e.id, employer_id=e.employer_id, employer_name=employer.name,
                        employer_uscc=employer.uscc, legal_rep=e.legal_rep,
                        status=BlacklistStatus(e.status), cause=e.cause, basis=e.basis,
                        noticed_on=e.noticed_on, hearing_until=e.hearing_until,
                        hearing_until_provisional=e.hearing_provisional,
                        decide_from=(e.hearing_until + dt.timedelta(days=1)
                                     if e.hearing_until else None),
                        decided_on=e.decided_on, term_start=e.term_start, term_end=e.term_end,
                        earliest_removal=(blacklist_rules.earliest_removal(e.decided_on,
                                                                           e.decided_on)
                                          if e.decided_on and e.term_end else None),
                        removed_on=e.removed_on, removal_reason=e.removal_reason,
                        arrears_paid_on=e.arrears_paid_on, pledged_on=e.pledged_on)


async def list_assessments(call: Call[None, AssessmentQuery]) -> AssessmentList:
    rows, total = await cr.grade_proposals(staff=call.me, year=call.query.year,
                                           status=call.query.status)
    return AssessmentList(items=[_assessment(a) for a in rows], total=total)


async def confirm_many(call: Call[ConfirmManyIn, None]) -> AssessmentList:
    b = call.body
    rows = await cr.confirm_grades(staff=call.me, assessment_ids=b.assessment_ids,
                                   effective_from=b.effective_from, note=b.note)
    return AssessmentList(items=[_assessment(a) for a in rows], total=len(rows))


async def review(call: Call[ReviewIn, None]) -> AssessmentOut:
    b = call.body
    a = await cr.review_grade(staff=call.me, assessment_id=call.path["assessment_id"],
                              confirm=b.confirm, effective_from=b.effective_from, grade=b.grade,
                              note=b.note)
    await a.fetch_related("employer")
    return _assessment(a)


async def blacklist_notice(call: Call[BlacklistNoticeIn, None]) -> BlacklistOut:
    b = call.body
    return await _entry(await cr.blacklist_notice(staff=call.me, employer_id=call.path["employer_id"],
                                            cause=b.cause, basis=b.basis,
                                            noticed_on=b.noticed_on, legal_rep=b.legal_rep))


async def blacklist_decide(call: Call[DecisionIn, None]) -> BlacklistOut:
    b = call.body
    return await _entry(await cr.blacklist_decide(staff=call.me, entry_id=call.path["entry_id"],
                                            listed=b.listed, decided_on=b.decided_on,
                                            reason=b.reason))


async def blacklist_remove(call: Call[RemovalIn, None]) -> BlacklistOut:
    b = call.body
    return await _entry(await cr.blacklist_remove(staff=call.me, entry_id=call.path["entry_id"],
                                            removed_on=b.removed_on,
                                            arrears_paid_on=b.arrears_paid_on, pledge=b.pledge,
                                            pledged_on=b.pledged_on, note=b.note))


async def list_blacklist(call: Call[None, BlacklistQuery]) -> BlacklistList:
    rows = await cr.blacklist_entries(staff=call.me, status=call.query.status)
    return BlacklistList(items=[await _entry(e) for e in rows])


async def blacklist_party(call: Call[None, PartyQuery]) -> PartyOut:
    employer, entry = await cr.blacklist_party(staff=call.me, uscc=call.query.uscc)
    return PartyOut(employer_id=employer.id, name=employer.name, uscc=employer.uscc,
                    legal_rep=employer.legal_rep,
                    open_entry=await _entry(entry) if entry else None)


# 谁执法、谁认定 (人社部令第45号): the enforcing labour-inspection section.
OFFICER = "initiating section (劳动保障监察)"
BLACKLIST_READER = "initiating section, policy-section admin (reads)"


def routes() -> list[Route]:
    return [
        Route("GET", "/campaigns/{campaign_id}/statistics", "getCampaignStatistics",
              "一次抽查任务的统计（抽取、检查、违法、整改、处罚）", "credit", CAMPAIGN_READER,
              campaign_statistics, StatisticsOut),
        Route("GET", "/statistics/{year}", "getYearStatistics", "年度统计", "credit",
              CREDIT_READER, year_statistics, StatisticsOut, errors=(403, 422)),
        Route("GET", "/employers/{employer_id}/integrity-file", "getIntegrityFile",
              "用人单位劳动保障守法诚信档案", "credit", CREDIT_READER, integrity_file,
              IntegrityFileOut, query=PeriodQuery, errors=(403,)),
        Route("POST", "/employers/{employer_id}/credit-facts", "recordCreditFact",
              "记录诚信档案事实（无其他记录来源的，如阻挠检查）", "credit",
              "active inspectors, initiating section, policy-section admin", record_fact,
              FactRecorded, status=201, body=FactIn, creates=True, errors=(403,)),
        Route("GET", "/grade-assessments", "listGradeAssessments", "守法诚信等级评价（拟评）清单",
              "credit", "policy-section admin (政策法规科)", list_assessments, AssessmentList,
              query=AssessmentQuery, errors=(403,)),
        Route("POST", "/grade-assessments/confirm", "confirmGradeAssessments",
              "按拟评等级批量确认（全部确认或全部不确认，逐项留痕）", "credit",
              "policy-section admin (政策法规科)", confirm_many, AssessmentList,
              body=ConfirmManyIn, creates=True, errors=(403, 409)),
        Route("POST", "/grade-assessments/{assessment_id}/review", "reviewGradeAssessment",
              "审核拟评等级（确认、改变或不予确认）", "credit", "policy-section admin (政策法规科)",
              review, AssessmentOut, body=ReviewIn, creates=True, errors=(403, 409)),
        Route("GET", "/blacklist", "listBlacklist",
              "失信联合惩戒名单的办理记录（告知、决定、移出）及各步的期限", "credit",
              BLACKLIST_READER, list_blacklist, BlacklistList, query=BlacklistQuery,
              errors=(403,)),
        Route("GET", "/blacklist/party", "findBlacklistParty",
              "按统一社会信用代码查找拟告知的用人单位（及其在办或生效的名单记录）", "credit",
              BLACKLIST_READER, blacklist_party, PartyOut, query=PartyQuery,
              errors=(403, 404, 422)),
        Route("POST", "/employers/{employer_id}/blacklist", "noticeBlacklist",
              "列入失信联合惩戒名单事先告知", "credit", OFFICER, blacklist_notice, BlacklistOut,
              status=201, body=BlacklistNoticeIn, creates=True, errors=(403, 409)),
        Route("POST", "/blacklist/{entry_id}/decision", "decideBlacklist",
              "列入决定或不予列入（陈述申辩期满后）", "credit", OFFICER, blacklist_decide,
              BlacklistOut, body=DecisionIn, creates=True, errors=(403, 409)),
        Route("POST", "/blacklist/{entry_id}/removal", "removeBlacklist",
              "信用修复：拖欠工资付清之日起在名单上满 6 个月并作出信用承诺后，提前移出名单",
              "credit", OFFICER, blacklist_remove, BlacklistOut, body=RemovalIn, creates=True,
              errors=(403, 409)),
    ]
