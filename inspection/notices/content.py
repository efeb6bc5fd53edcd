"""What a notice says and refers to, checked before it is issued: its content (body, legal basis,
listed items, within their lengths) and the records it names (a visit, an order, a penalty
decision), each of which must belong to the addressee (R22)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from inspection.errors import Problem, ValidationFailed
from models.employers import Employer
from models.enums import NoticeKind
from models.fieldwork import Inspection, RectificationOrder
from models.penalties import PenaltyDecision

_CONTENT_KEYS = {"body", "basis", "items"}
_MAX_BODY = 4000
_MAX_BASIS = 1000
_MAX_ITEMS = 30
_MAX_ITEM = 300


def clean_content(content: dict[str, Any], default_body: str | None) -> dict[str, Any]:
    problems: list[Problem] = []
    unknown = set(content) - _CONTENT_KEYS
    if unknown:
        problems.append(Problem(f"不支持的字段：{'、'.join(sorted(unknown))}", field="content"))
    body = content.get("body")
    if (body is None or body == "") and default_body is not None:
        body = default_body
    if not isinstance(body, str) or not body.strip():
        problems.append(Problem("请填写文书正文", field="content.body"))
    elif len(body) > _MAX_BODY:
        problems.append(Problem(f"正文不能超过 {_MAX_BODY} 字", field="content.body"))
    basis = content.get("basis", "")
    if not isinstance(basis, str) or len(basis) > _MAX_BASIS:
        problems.append(Problem(f"法律依据应为不超过 {_MAX_BASIS} 字的文字", field="content.basis"))
    items = content.get("items", [])
    if (not isinstance(items, list) or len(items) > _MAX_ITEMS
            or not all(isinstance(i, str) and 0 < len(i.strip()) <= _MAX_ITEM for i in items)):
        problems.append(Problem(f"事项应为不超过 {_MAX_ITEMS} 条、每条不超过 {_MAX_ITEM} 字的文字",
                                field="content.items"))
    if problems:
        raise ValidationFailed(problems)
    assert isinstance(body, str) and isinstance(basis, str) and isinstance(items, list)
    return {"body": body.strip(), "basis": basis.strip(), "items": [i.strip() for i in items]}


@dataclass
class Links:
    inspection: Inspection | None = None
    order: RectificationOrder | None = None
    penalty: PenaltyDecision | None = None


async def _owned(model: Any, record_id: int | None, employer: Employer, what: str,
                 field: str, problems: list[Problem]) -> Any:
    if record_id is None:
        return None
    row = await model.get_or_none(id=record_id)
    if row is None or row.employer_id != employer.id:
        problems.append(Problem(f"{what}不存在或不属于该用人单位", field=field))
        return None
    return row


async def links_of(employer: Employer, inspection_id: int | None, order_id: int | None,
                 penalty_id: int | None, problems: list[Problem]) -> Links:
    """The records a notice refers to; each must belong to the addressee. An order or a
    decision brings its inspection when none is named."""
    links = Links(
        inspection=await _owned(Inspection, inspection_id, employer, "检查记录", "inspection_id",
                                problems),
        order=await _owned(RectificationOrder, order_id, employer, "整改指令",
                           "rectification_order_id", problems),
        penalty=await _owned(PenaltyDecision, penalty_id, employer, "处罚决定",
                             "penalty_decision_id", problems))
    for linked in (links.order, links.penalty):
        linked_inspection = getattr(linked, "inspection_id", None)
        if links.inspection is None and linked_inspection is not None:
            links.inspection = await Inspection.get(id=linked_inspection)
    return links


def default_body(kind: NoticeKind, links: Links) -> str | None:
    # An order's notice states its requirements; a decision's, the penalty decided.
    if kind == NoticeKind.RECTIFICATION and links.order is not None:
        return links.order.requirements
    if kind == NoticeKind.PENALTY_DECISION and links.penalty is not None:
        return links.penalty.result
    return None
