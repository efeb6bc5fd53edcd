"""The CreditEvent ledger: one row per fact in an employer's integrity file (R18).

Facts that have their own record (a noncompliant finding, a penalty decision, a rectification
order's outcome) are mirrored into the ledger by `sync`, pointing back at that record
(source_type, source_id). Facts with no other record (obstruction, wage arrears, …) are written
directly by `integrity.record_fact`. The ascending id is the cursor of the credit-platform export,
so every insert takes one advisory lock (PostgreSQL) held to commit: ids then become visible in
order and a reader polling `id > cursor` never skips a row committed late.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from tortoise import connections

from inspection import audit
from models.credit import CreditEvent
from models.enums import CreditEventKind, FindingResult, InspectionState, RectificationState
from models.fieldwork import Finding, RectificationOrder
from models.penalties import PenaltyDecision

_LOCK_ID = 0x5E1_C4ED  # arbitrary, fixed: the credit ledger's advisory lock

FINAL_INSPECTION_STATES = (InspectionState.SUBMITTED, InspectionState.RECTIFYING,
                           InspectionState.CLOSED)

KIND_LABELS: dict[CreditEventKind, str] = {
    CreditEventKind.VIOLATION: "发现劳动保障违法行为",
    CreditEventKind.PENALTY: "行政处罚",
    CreditEventKind.RECTIFIED: "已按期整改",
    CreditEventKind.REFUSED_RECTIFICATION: "拒不整改或拒不履行决定",
    CreditEventKind.OBSTRUCTION: "无理抗拒、阻挠劳动保障监察",
    CreditEventKind.WAGE_ARREARS: "拖欠工资",
    CreditEventKind.CHILD_LABOUR: "使用童工",
    CreditEventKind.FORCED_LABOUR: "强迫劳动",
    CreditEventKind.MASS_INCIDENT: "引发群体性事件、极端事件或严重不良社会影响",
    CreditEventKind.CRIMINAL: "被追究刑事责任",
    CreditEventKind.FALSE_MATERIALS: "提供虚假材料、隐瞒事实",
    CreditEventKind.BLACKLISTED: "列入拖欠农民工工资失信联合惩戒对象名单",
    CreditEventKind.BLACKLIST_REMOVED: "移出失信联合惩戒对象名单",
    CreditEventKind.GRADE_CHANGED: "守法诚信等级变更",
    CreditEventKind.MAJOR_VIOLATION: "重大劳动保障违法行为向社会公布",
}


async def lock() -> None:
    """Serialise ledger writers and exporters until the transaction ends (no-op on SQLite)."""
    conn = connections.get("default")
    if conn.capabilities.dialect == "postgres":
        await conn.execute_query("SELECT pg_advisory_xact_lock($1)", [_LOCK_ID])


async def append(*, employer_id: int, kind: CreditEventKind, occurred_on: dt.date,
                 source_type: str, source_id: int | None,
                 detail: dict[str, Any]) -> CreditEvent:
    await lock()
    return await CreditEvent.create(employer_id=employer_id, kind=kind, occurred_on=occurred_on,
                                    source_type=source_type, source_id=source_id,
                                    detail=audit.jsonable(detail))


def _day(at: dt.datetime | None, fallback: dt.date) -> dt.date:
    return at.date() if at is not None else fallback


async def sync(*, actor: str) -> int:
    """Mirror record-backed facts not yet in the ledger; return how many rows were added.

    Idempotent: a (kind, source_type, source_id) already in the ledger is skipped.
    """
    await lock()
    seen = {(k, t, i) for k, t, i in await CreditEvent.filter(source_id__not_isnull=True)
            .values_list("kind", "source_type", "source_id")}
    added = 0

    async def add(kind: CreditEventKind, employer_id: int, on: dt.date, source_type: str,
                  source_id: int, detail: dict[str, Any]) -> None:
        nonlocal added
        if (kind.value, source_type, source_id) in seen:
            return
        await CreditEvent.create(employer_id=employer_id, kind=kind, occurred_on=on,
                                 source_type=source_type, source_id=source_id,
                                 detail=audit.jsonable(detail))
        seen.add((kind.value, source_type, source_id))
        added += 1

    # A finding is final once its inspection is submitted; a draft may still change.
    findings = await Finding.filter(result=FindingResult.NONCOMPLIANT,
                                    inspection__state__in=FINAL_INSPECTION_STATES).select_related(
        "inspection", "item_version")
    # Penalty decisions are final documents, only ever added: look past the newest mirrored.
    last_penalty = max((i for _k, t, i in seen if t == "penalty_decision"), default=0)
    for f in sorted(findings, key=lambda f: f.id):
        insp = f.inspection
        on = _day(insp.submitted_at, f.created_at.date())
        await add(CreditEventKind.VIOLATION, insp.employer_id, on, "finding", f.id,
                  {"inspection": insp.code, "item": f.item_version.name,
                   "description": f.description, "basis": f.basis})
    for p in await PenaltyDecision.filter(id__gt=last_penalty).order_by("id"):
        await add(CreditEventKind.PENALTY, p.employer_id, p.decided_on, "penalty_decision", p.id,
                  {"number": p.number, "procedure": p.procedure.value, "cause": p.cause,
                   "basis": p.basis, "result": p.result,
                   "amount_yuan": str(p.amount_yuan) if p.amount_yuan is not None else None})
    orders = await RectificationOrder.filter(
        state__in=[RectificationState.RECTIFIED, RectificationState.ESCALATED]).order_by("id")
    for o in orders:
        kind = (CreditEventKind.RECTIFIED if o.state == RectificationState.RECTIFIED
                else CreditEventKind.REFUSED_RECTIFICATION)
        await add(kind, o.employer_id, o.closed_on or o.deadline, "rectification_order", o.id,
                  {"refused": "order" if kind == CreditEventKind.REFUSED_RECTIFICATION else None,
                   "issued_on": o.issued_on, "deadline": o.deadline,
                   "requirements": o.requirements})
    if added:
        await audit.record(actor=actor, action="credit.sync", object_type="credit_event",
                           object_id="ledger", after={"added": added})
    return added
