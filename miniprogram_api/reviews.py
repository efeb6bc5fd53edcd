"""Four-eyes reviews over the staff API (issue 16 item 5): weighty credit facts wait for a second
政策法规科 member before the integrity file and the credit-platform export; role and section
changes wait for a second admin before they take effect."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field

from inspection.credit import fact_reviews, ledger
from inspection.rosters import role_changes
from miniprogram_api.framework import Call, Route
from miniprogram_api.rosters import ProblemOut, Word
from miniprogram_api.schemas import Request, Text
from models.credit import CreditFactReview
from models.enums import ReviewState
from models.org import RoleChange

ADMIN = "policy-section admin (政策法规科), not the one who proposed"


class FourEyesQuery(Request):
    state: ReviewState | None = Field(ReviewState.PENDING, description="默认只列待复核的")


class ReviewDecisionIn(Request):
    approve: bool = Field(description="true 同意；false 不同意（须说明理由）")
    note: Text = ""


class FactReviewOut(BaseModel):
    id: int
    employer_id: int
    employer_name: str
    uscc: str
    kind: str
    kind_label: str
    occurred_on: dt.date
    description: str
    evidence: str
    basis: str
    refused: str | None
    recorded_by: str
    recorded_at: dt.datetime
    state: ReviewState
    state_label: str
    reviewed_by: str | None
    reviewed_at: dt.datetime | None
    review_note: str
    credit_event_id: int | None = Field(description="同意后写入诚信档案的事实编号")


class FactReviewList(BaseModel):
    items: list[FactReviewOut]


def _fact(r: CreditFactReview) -> FactReviewOut:
    d = r.detail or {}
    return FactReviewOut(
        id=r.id, employer_id=r.employer_id, employer_name=r.employer.name, uscc=r.employer.uscc,
        kind=str(r.kind), kind_label=ledger.KIND_LABELS[r.kind], occurred_on=r.occurred_on,
        description=str(d.get("description", "")), evidence=str(d.get("evidence", "")),
        basis=str(d.get("basis", "")), refused=d.get("refused"), recorded_by=r.recorded_by.name,
        recorded_at=r.created_at, state=r.state, state_label=fact_reviews.STATE_LABELS[r.state],
        reviewed_by=r.reviewed_by.name if r.reviewed_by else None, reviewed_at=r.reviewed_at,
        review_note=r.review_note, credit_event_id=r.event_id)


async def list_fact_reviews(call: Call[None, FourEyesQuery]) -> FactReviewList:
    rows = await fact_reviews.pending(staff=call.me, state=call.query.state)
    return FactReviewList(items=[_fact(r) for r in rows])


async def decide_fact(call: Call[ReviewDecisionIn, None]) -> FactReviewOut:
    return _fact(await fact_reviews.decide(staff=call.me, review_id=call.path["review_id"],
                                           approve=call.body.approve, note=call.body.note))


class RoleChangeIn(Request):
    # The import's words: roles 执法检查人员/组长/发起科室/政策法规科, section by code or name.
    roles: list[Word] | None = Field(None, max_length=4)
    section: Word | None = None


class RoleChangeOut(BaseModel):
    id: int
    staff_id: int
    staff_name: str
    roles: list[str] | None = Field(description="调整后的角色（未调整为空）")
    section: str | None = Field(description="调整后的科室（未调整为空）")
    proposed_by: str
    proposed_at: dt.datetime
    state: ReviewState
    state_label: str
    decided_by: str | None
    decided_at: dt.datetime | None
    note: str
    warnings: list[ProblemOut] = []


class RoleChangeList(BaseModel):
    items: list[RoleChangeOut]


def _change(r: RoleChange, warnings: list[ProblemOut] | None = None) -> RoleChangeOut:
    roles = r.changes.get("roles")
    return RoleChangeOut(
        id=r.id, staff_id=r.staff_id, staff_name=r.staff.name,
        roles=roles.split("、") if isinstance(roles, str) else roles,
        section=r.changes.get("section"), proposed_by=r.proposed_by.name, proposed_at=r.created_at,
        state=r.state, state_label=fact_reviews.STATE_LABELS[r.state],
        decided_by=r.decided_by.name if r.decided_by else None, decided_at=r.decided_at,
        note=r.note, warnings=warnings or [])


async def propose_role_change(call: Call[RoleChangeIn, None]) -> RoleChangeOut:
    changes = call.body.model_dump(exclude_unset=True, exclude_none=True)
    if "roles" in changes:
        changes["roles"] = "、".join(changes["roles"])
    return _change(await role_changes.propose(staff=call.me, staff_id=call.path["staff_id"],
                                              changes=changes))


async def list_role_changes(call: Call[None, FourEyesQuery]) -> RoleChangeList:
    rows = await role_changes.listed(staff=call.me, state=call.query.state)
    return RoleChangeList(items=[_change(r) for r in rows])


async def decide_role_change(call: Call[ReviewDecisionIn, None]) -> RoleChangeOut:
    row, warnings = await role_changes.decide(staff=call.me, change_id=call.path["change_id"],
                                              approve=call.body.approve, note=call.body.note)
    return _change(row, [ProblemOut(**w.as_dict()) for w in warnings])


def routes() -> list[Route]:
    return [
        Route("GET", "/credit-fact-reviews", "listCreditFactReviews",
              "待复核的诚信档案事实（被追究刑事责任等，复核同意后才记入档案和报送）", "credit",
              "policy-section admin (政策法规科)", list_fact_reviews, FactReviewList,
              query=FourEyesQuery, errors=(403,)),
        Route("POST", "/credit-fact-reviews/{review_id}/decision", "decideCreditFactReview",
              "复核诚信档案事实（须由记录人以外的政策法规科工作人员）", "credit", ADMIN,
              decide_fact, FactReviewOut, body=ReviewDecisionIn, creates=True, errors=(403, 409)),
        Route("POST", "/staff/{staff_id}/role-changes", "proposeRoleChange",
              "提出调整他人的角色或科室（须另一名政策法规科工作人员审批后生效）", "rosters",
              "policy-section admin (政策法规科), not for oneself", propose_role_change,
              RoleChangeOut, status=201, body=RoleChangeIn, creates=True, errors=(403, 409)),
        Route("GET", "/role-changes", "listRoleChanges", "角色和科室调整申请", "rosters",
              "policy-section admin (政策法规科)", list_role_changes, RoleChangeList,
              query=FourEyesQuery, errors=(403,)),
        Route("POST", "/role-changes/{change_id}/decision", "decideRoleChange",
              "审批角色或科室调整（须由提出人和本人以外的政策法规科工作人员）", "rosters", ADMIN,
              decide_role_change, RoleChangeOut, body=ReviewDecisionIn, creates=True,
              errors=(403, 409)),
    ]
