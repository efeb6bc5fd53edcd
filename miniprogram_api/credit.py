"""Routes of credit figures for leaders (R18, R19): statistics per campaign and per year, an
employer's integrity file. Thin: over inspection/credit_access.py."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, Field

from inspection import credit_access as cr
from miniprogram_api.framework import Call, Route
from miniprogram_api.schemas import Request, Text
from models.enums import CreditEventKind

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


async def campaign_statistics(call: Call) -> StatisticsOut:
    return StatisticsOut(figures=await cr.campaign_statistics(
        staff=call.me, campaign_id=call.path["campaign_id"]))


async def year_statistics(call: Call) -> StatisticsOut:
    return StatisticsOut(figures=await cr.year_statistics(staff=call.me, year=call.path["year"]))


async def integrity_file(call: Call) -> IntegrityFileOut:
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
    id: int
    employer_id: int
    kind: str
    occurred_on: dt.date


async def record_fact(call: Call) -> FactRecorded:
    b = call.body
    event = await cr.record_fact(staff=call.me, employer_id=call.path["employer_id"],
                                 kind=b.kind, occurred_on=b.occurred_on,
                                 description=b.description, evidence=b.evidence, basis=b.basis,
                                 refused=b.refused)
    return FactRecorded(id=event.id, employer_id=call.path["employer_id"], kind=str(event.kind),
                        occurred_on=event.occurred_on)


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
    ]
