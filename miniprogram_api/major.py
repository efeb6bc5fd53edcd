"""Routes of 重大劳动保障违法行为社会公布 (人社部令第29号): the initiating section records a decided
case for its quarter; the quarter's publication is a publication duty (GET /publications?kind=
major_violation), published in one call once the quarter is over. Over inspection/credit/major.py.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import BaseModel, Field, StringConstraints

from inspection.credit import major
from miniprogram_api.framework import Call, Route
from miniprogram_api.schemas import Id, Request, ShortText
from models.credit import MajorViolation
from models.enums import MajorViolationCategory

Required = Annotated[str, StringConstraints(min_length=1, max_length=2000)]


class MajorViolationIn(Request):
    category: MajorViolationCategory = Field(description="违法情形（第五条所列）")
    facts: Required = Field(description="主要违法事实（不得含国家秘密、商业秘密和个人隐私）")
    handling: Required = Field(description="相关处理情况，如处罚决定书文号和结果")
    decided_on: dt.date = Field(description="作出处理决定的日期")
    penalty_decision_id: Id | None = None
    address: ShortText | None = Field(None, description="不填则用名录中的单位地址")
    legal_rep: Annotated[str, StringConstraints(max_length=64)] | None = Field(
        None, description="法定代表人或者负责人；不填则用名录中的")


class MajorViolationOut(BaseModel):
    id: int
    employer_id: int
    category: MajorViolationCategory
    category_label: str
    entity_name: str = Field(description="违法主体全称")
    uscc: str = Field(description="统一社会信用代码（或者注册号）")
    address: str
    legal_rep: str
    facts: str
    handling: str
    decided_on: dt.date
    year: int
    quarter: int = Field(description="归入哪一季度的社会公布")


class MajorViolationList(BaseModel):
    items: list[MajorViolationOut]


class MajorQuery(Request):
    year: int | None = Field(None, ge=2017, le=2100)
    quarter: int | None = Field(None, ge=1, le=4)


def case_out(c: MajorViolation) -> MajorViolationOut:
    return MajorViolationOut(
        id=c.id, employer_id=c.employer_id,
        category=c.category, category_label=major.CATEGORY_LABELS[c.category],
        entity_name=c.entity_name, uscc=c.uscc, address=c.address, legal_rep=c.legal_rep,
        facts=c.facts, handling=c.handling, decided_on=c.decided_on, year=c.year,
        quarter=c.quarter)


async def record(call: Call[MajorViolationIn, None]) -> MajorViolationOut:
    b = call.body
    return case_out(await major.record(
        staff=call.me, employer_id=call.path["employer_id"], category=b.category, facts=b.facts,
        handling=b.handling, decided_on=b.decided_on, penalty_decision_id=b.penalty_decision_id,
        address=b.address, legal_rep=b.legal_rep))


async def list_cases(call: Call[None, MajorQuery]) -> MajorViolationList:
    rows = await major.list_cases(staff=call.me, year=call.query.year, quarter=call.query.quarter)
    return MajorViolationList(items=[case_out(c) for c in rows])


def routes() -> list[Route]:
    return [
        Route("POST", "/employers/{employer_id}/major-violations", "recordMajorViolation",
              "记录重大劳动保障违法行为（已查处并作出处理决定的），归入季度社会公布", "credit",
              "initiating section (发起科室)", record, MajorViolationOut, status=201,
              body=MajorViolationIn, creates=True, errors=(403, 409)),
        Route("GET", "/major-violations", "listMajorViolations",
              "重大劳动保障违法行为记录（按年度、季度）", "credit",
              "initiating section, policy-section admin", list_cases, MajorViolationList,
              query=MajorQuery, errors=(403,)),
    ]
