"""What a notice states besides the text staff write: the facts found (经查), the legal basis of
each, the inspectors and their certificate numbers, the items to be checked, the follow-up
visits, the penalty decided and the issuing bureau's contact and the bodies a party may turn to.

All of it is copied into the notice's content when it is issued, so a notice keeps saying what it
said when it was served, whatever later happens to the team, the findings or the settings.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from inspection import access
from inspection.clock import BEIJING
from inspection.errors import Problem
from inspection.fieldwork import labels
from models.campaigns import CampaignItem
from models.employers import Employer
from models.enums import FindingResult, NoticeKind, NoticeStatus
from models.fieldwork import Finding, FollowUp, Inspection, InspectionMember, RectificationOrder
from models.notices import Notice
from models.penalties import PenaltyDecision

# 《劳动保障监察条例》第十六条: an inspection is carried out by at least two inspectors, who show
# their certificates; every notice names them.
MIN_INSPECTORS = 2
# Kinds that state violations found and so need at least one non-compliant finding.
FACT_KINDS = frozenset({NoticeKind.RECTIFICATION, NoticeKind.PENALTY_NOTICE,
                        NoticeKind.PENALTY_DECISION})


@dataclass(frozen=True)
class Issuer:
    """The bureau as printed on its papers; adapters build it from the settings."""

    name: str  # 发文机关
    address: str  # 联系地址
    phone: str  # 联系电话
    review_body: str  # 行政复议机关
    litigation_court: str  # 行政诉讼的人民法院
    # Each numbered kind's number prefix (`numbering.number_prefixes`: the bureau's short name
    # and the kind's word, or the bureau's own).
    number_prefixes: Mapping[NoticeKind, str]

    def contact(self) -> dict[str, str]:
        """What the notice prints of the bureau besides its name (kept in its own column)."""
        return {"address": self.address, "phone": self.phone, "review_body": self.review_body,
                "litigation_court": self.litigation_court}


def _fk(obj: Any, name: str) -> Any:
    return getattr(obj, f"{name}_id")


async def inspectors(inspection: Inspection) -> list[dict[str, str]]:
    """The inspection's team members who hold a certificate, in the order they joined."""
    members = await InspectionMember.filter(inspection_id=inspection.id).select_related(
        "staff").order_by("id")
    return [{"name": m.staff.name, "cert_no": m.staff.cert_no} for m in members
            if m.staff.cert_no]


def _finding(f: Finding) -> dict[str, str]:
    iv = f.item_version
    return {"item": iv.name, "item_basis": iv.basis, "result": labels.RESULT_LABELS[f.result],
            "description": f.description, "basis": f.basis}


async def findings(kind: NoticeKind, inspection: Inspection,
                   order: RectificationOrder | None) -> list[dict[str, str]]:
    """The findings a notice of this kind states: an order's own, every finding for the result,
    the non-compliant ones otherwise."""
    if kind in (NoticeKind.INSPECTION, NoticeKind.INQUIRY):
        return []
    if order is not None and kind in (NoticeKind.RECTIFICATION, NoticeKind.REVIEW):
        rows = await order.findings.all().select_related("item_version").order_by("id")
        return [_finding(f) for f in rows]
    query = Finding.filter(inspection_id=inspection.id)
    if kind != NoticeKind.RESULT:
        query = query.filter(result=FindingResult.NONCOMPLIANT)
    return [_finding(f) for f in await query.select_related("item_version").order_by("id")]


async def checks(inspection: Inspection) -> list[dict[str, str]]:
    """The published items the inspection's campaigns check (检查事项, 检查依据, 检查内容). R14:
    a paper handed to the employer leaves out a confidential campaign whose team is not formed."""
    campaign_ids = [c.id for c in await access.visible_campaigns(staff=None,
                                                                 inspection=inspection)]
    rows = await CampaignItem.filter(campaign_id__in=list(campaign_ids)).select_related(
        "item_version__item").order_by("item_version__item__code", "id")
    seen: dict[int, dict[str, str]] = {}
    for row in rows:
        iv = row.item_version
        seen.setdefault(iv.id, {"item": iv.name, "basis": iv.basis, "content": iv.content})
    return list(seen.values())


async def order_facts(order: RectificationOrder) -> dict[str, Any]:
    """A 整改复查意见书's reference to the order it reviews and the visits since."""
    served = await Notice.filter(rectification_order_id=order.id, kind=NoticeKind.RECTIFICATION,
                                 status=NoticeStatus.ISSUED).order_by("-id").first()
    visits = await FollowUp.filter(order_id=order.id).order_by("visited_on", "id")
    return {
        "order": {"number": served.number if served else "", "issued_on": order.issued_on.isoformat(),
                  "deadline": order.deadline.isoformat(), "requirements": order.requirements},
        "follow_ups": [{"visited_on": v.visited_on.isoformat(),
                        "result": labels.FOLLOW_UP_LABELS[v.result], "note": v.note} for v in visits],
    }


def penalty_facts(decision: PenaltyDecision) -> dict[str, str]:
    amount = decision.amount_yuan
    return {"number": decision.number, "cause": decision.cause, "basis": decision.basis,
            "result": decision.result, "decided_on": decision.decided_on.isoformat(),
            "amount_yuan": "" if amount is None else str(Decimal(amount).quantize(Decimal("0.01")))}


def party(employer: Employer) -> dict[str, str]:
    """The addressee as named on the paper the day it was issued."""
    return {"name": employer.name, "uscc": employer.uscc, "address": employer.address,
            "legal_rep": employer.legal_rep}


def visit(inspection: Inspection) -> dict[str, str]:
    checked = inspection.checkin_at.astimezone(BEIJING).date() if inspection.checkin_at else None
    return {"code": inspection.code, "checked_on": checked.isoformat() if checked else ""}


async def gather(*, kind: NoticeKind, employer: Employer, inspection: Inspection | None,
                 order: RectificationOrder | None, penalty: PenaltyDecision | None,
                 issuer: Issuer) -> tuple[dict[str, Any], list[Problem]]:
    """The particulars to copy into a notice of `kind`, and why it cannot be issued, if so."""
    problems: list[Problem] = []
    facts: dict[str, Any] = {"issuer": issuer.contact(), "party": party(employer)}
    if inspection is None:
        return facts, [Problem("文书须关联一次检查（执法人员、检查事项和检查结果都从检查中来）",
                               field="inspection_id", code="inspection_required")]
    facts["inspection"] = visit(inspection)
    team = await inspectors(inspection)
    if len(team) < MIN_INSPECTORS:
        problems.append(Problem(
            f"该检查只有 {len(team)} 名持执法证的检查人员；文书须载明至少两名执法人员及其执法证号",
            field="inspection_id", code="too_few_inspectors"))
    facts["inspectors"] = team
    facts["findings"] = await findings(kind, inspection, order)
    if kind in FACT_KINDS and not any(f["result"] == "不符合" for f in facts["findings"]):
        problems.append(Problem("该检查没有“不符合”的检查结果，无法写明违法事实",
                                field="inspection_id", code="no_violation_found"))
    if kind in (NoticeKind.INSPECTION, NoticeKind.INQUIRY):
        facts["checks"] = await checks(inspection)
        facts["window"] = [inspection.window_start.isoformat(), inspection.window_end.isoformat()]
    if kind == NoticeKind.REVIEW:
        if order is None:
            problems.append(Problem("整改复查意见书须关联所复查的限期改正指令",
                                    field="rectification_order_id", code="order_required"))
        else:
            facts.update(await order_facts(order))
    if kind == NoticeKind.PENALTY_DECISION:
        if penalty is None:
            problems.append(Problem("行政处罚决定书须关联已录入的处罚决定",
                                    field="penalty_decision_id", code="penalty_required"))
        else:
            facts["penalty"] = penalty_facts(penalty)
        told = await Notice.filter(inspection_id=inspection.id, kind=NoticeKind.PENALTY_NOTICE,
                                   status=NoticeStatus.ISSUED).order_by("-id").first()
        if told is not None:  # the 行政处罚告知书 that gave the party its say
            facts["told"] = {"number": told.number, "issued_on": told.issued_on.isoformat()}
    return facts, problems


def check_dates(kind: NoticeKind, issued_on: dt.date, deadline: dt.date | None) -> list[Problem]:
    if kind in (NoticeKind.RECTIFICATION, NoticeKind.INQUIRY) and deadline is None:
        what = "改正期限" if kind == NoticeKind.RECTIFICATION else "接受询问的日期"
        return [Problem(f"{what}必须填写", field="deadline")]
    return []
