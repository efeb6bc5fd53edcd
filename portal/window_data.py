"""What the publication window shows (R3, R7, R13, R17, R23), as plain rows for HTML and JSON.

Only what is public now: item versions and plans once published; closed inspections' results and
general-procedure penalty decisions and blacklist entries in force, unless their publication duty
(a `Publication` row) is still unpublished, embargoed (`visible_from`, R14) or withdrawn; cancelled
campaigns and the quarters of 重大劳动保障违法行为 whose publication is public.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from tortoise.expressions import Q

from inspection import clock
from inspection.credit import major
from inspection.items import catalogue
from inspection.publication import duties
from models.campaigns import AnnualPlan, Campaign
from models.credit import MajorViolation
from models.employers import BlacklistEntry, Employer
from models.enums import (
    BlacklistStatus,
    FindingResult,
    InspectionState,
    ItemVersionStatus,
    PenaltyProcedure,
    PlanStatus,
    PublicationKind,
)
from models.fieldwork import Finding, Inspection
from models.items import ItemVersion
from models.penalties import PenaltyDecision
from models.publication import Publication

PAGE_SIZE = 100
Row = dict[str, Any]


def _d(value: dt.date | dt.datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.astimezone(clock.BEIJING).date().isoformat()
    return value.isoformat()


async def _hidden_ids(kind: PublicationKind, object_type: str, now: dt.datetime) -> set[int]:
    """Objects whose publication duty exists but is not public yet (or any more)."""
    rows = Publication.filter(kind=kind, object_type=object_type)
    all_ids = {int(i) for i in await rows.values_list("object_id", flat=True)}  # type: ignore[call-overload]
    shown = {int(i) for i in await duties.visible(rows, now=now).values_list("object_id", flat=True)}  # type: ignore[call-overload]
    return all_ids - shown


async def items(page: int = 1) -> list[Row]:
    q = ItemVersion.filter(status=ItemVersionStatus.PUBLISHED).select_related("item")
    rows = await q.order_by("item__code").offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE)
    return [{"code": v.item.code, "name": v.name, "basis": v.basis, "subject": v.subject,
             "content": v.content, "method": v.method, "version": v.version,
             "effective_from": _d(v.effective_from)} for v in rows]


async def item_history(page: int = 1) -> list[Row]:
    q = ItemVersion.filter(published_at__isnull=False,
                           status__not=ItemVersionStatus.DRAFT).select_related("item")
    rows = await q.order_by("item__code", "-version").offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE)
    return [{"code": v.item.code, "version": v.version, "name": v.name,
             "status": catalogue.STATUS_LABELS[v.status], "reason": v.reason,
             "effective_from": _d(v.effective_from), "published_on": _d(v.published_at)}
            for v in rows]


async def plans(page: int = 1) -> list[Row]:
    q = AnnualPlan.filter(status=PlanStatus.PUBLISHED).select_related("section")
    rows = await q.order_by("-year", "section__name").offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE)
    return [{"year": p.year, "section": p.section.name, "needs": p.needs,
             "late": "是" if p.late else "否", "published_on": _d(p.published_at)} for p in rows]


async def results(page: int = 1, employer_ids: list[int] | None = None) -> list[Row]:
    now = clock.now()
    hidden = await _hidden_ids(PublicationKind.RESULT, "inspection", now)
    q = Inspection.filter(state=InspectionState.CLOSED, closed_at__isnull=False)
    if hidden:
        q = q.exclude(id__in=hidden)
    if employer_ids is not None:
        q = q.filter(employer_id__in=employer_ids)
    rows = await q.select_related("employer").order_by("-closed_at", "-id").offset(
        (page - 1) * PAGE_SIZE).limit(PAGE_SIZE)
    findings = await Finding.filter(inspection_id__in=[r.id for r in rows]).select_related(
        "item_version")
    by_insp: dict[int, list[Finding]] = {}
    for f in findings:
        by_insp.setdefault(f.inspection_id, []).append(f)
    out = []
    for r in rows:
        fs = by_insp.get(r.id, [])
        counts = Counter(f.result for f in fs)
        problems = [f.item_version.name for f in fs if f.result == FindingResult.NONCOMPLIANT]
        out.append({"code": r.code, "employer": r.employer.name, "uscc": r.employer.uscc,
                    "closed_on": _d(r.closed_at), "items_checked": len(fs),
                    "compliant": counts[FindingResult.COMPLIANT],
                    "noncompliant": counts[FindingResult.NONCOMPLIANT],
                    "problems": "；".join(problems) or "未发现问题"})
    return out


async def penalties(page: int = 1, employer_ids: list[int] | None = None) -> list[Row]:
    # R17: general procedure only; party, cause, basis, result.
    now = clock.now()
    hidden = await _hidden_ids(PublicationKind.PENALTY, "penalty_decision", now)
    q = PenaltyDecision.filter(procedure=PenaltyProcedure.GENERAL)
    if hidden:
        q = q.exclude(id__in=hidden)
    if employer_ids is not None:
        q = q.filter(employer_id__in=employer_ids)
    rows = await q.select_related("employer").order_by("-decided_on", "-id").offset(
        (page - 1) * PAGE_SIZE).limit(PAGE_SIZE)
    return [{"number": p.number, "party": p.employer.name, "uscc": p.employer.uscc,
             "cause": p.cause, "basis": p.basis, "result": p.result,
             "decided_on": _d(p.decided_on)} for p in rows]


async def blacklist(page: int = 1, employer_ids: list[int] | None = None) -> list[Row]:
    today = clock.today()
    hidden = await _hidden_ids(PublicationKind.BLACKLIST, "blacklist_entry", clock.now())
    q = BlacklistEntry.filter(status=BlacklistStatus.IN_FORCE, term_start__lte=today)
    if hidden:
        q = q.exclude(id__in=hidden)
    if employer_ids is not None:
        q = q.filter(employer_id__in=employer_ids)
    rows = await q.select_related("employer").order_by("-term_start", "-id").offset(
        (page - 1) * PAGE_SIZE).limit(PAGE_SIZE)
    # What 人社部令第45号 has published: the parties, the cause, the basis, the dates, and who
    # decided (the bureau, SUIJI_BUREAU_NAME: added by the window, `Listing.bureau_column`).
    return [{"employer": b.employer.name, "uscc": b.employer.uscc, "legal_rep": b.legal_rep,
             "cause": b.cause, "basis": b.basis, "term_start": _d(b.term_start),
             "term_end": _d(b.term_end)} for b in rows
            if b.term_end is None or b.term_end >= today]


async def cancelled(page: int = 1) -> list[Row]:
    """Campaigns cancelled after their draw was announced, with the reason (R3)."""
    shown = duties.visible(Publication.filter(kind=PublicationKind.CANCELLATION,
                                              object_type="campaign"), now=clock.now())
    ids = [int(i) for i in await shown.order_by("-published_at", "-id").offset(  # type: ignore[call-overload]
        (page - 1) * PAGE_SIZE).limit(PAGE_SIZE).values_list("object_id", flat=True)]
    by_id = {c.id: c for c in await Campaign.filter(id__in=ids).select_related("section")}
    return [{"code": c.code, "title": c.title, "section": c.section.name,
             "field": f"{_d(c.field_start)} 至 {_d(c.field_end)}",
             "cancelled_on": _d(c.closed_at), "reason": c.cancel_reason}
            for c in (by_id[i] for i in ids if i in by_id)]


async def major_violations(page: int = 1, employer_ids: list[int] | None = None) -> list[Row]:
    """The published quarters of 重大劳动保障违法行为 (人社部令第29号), newest first."""
    quarters = await duties.visible(Publication.filter(
        kind=PublicationKind.MAJOR_VIOLATION, object_type=major.OBJECT_TYPE),
        now=clock.now()).values_list("object_id", "published_at")
    if not quarters:
        return []
    published = {int(key): at for key, at in quarters}
    which = Q(*[Q(year=key // 10, quarter=key % 10) for key in published], join_type="OR")
    q = MajorViolation.filter(which)
    if employer_ids is not None:
        q = q.filter(employer_id__in=employer_ids)
    rows = await q.order_by("-year", "-quarter", "id").offset((page - 1) * PAGE_SIZE).limit(
        PAGE_SIZE)
    return [major.public_row(c) | {"published_on": _d(published[major.quarter_key(
        c.year, c.quarter)])} for c in rows]


async def search(q: str) -> dict[str, list[Row]]:
    """Employers by name (contains) or USCC (prefix), then their public records only."""
    term = q.strip()
    if len(term) >= 2 and term.isascii() and term.isalnum():
        found = Employer.filter(uscc__startswith=term.upper())
    else:
        found = Employer.filter(name__icontains=term)
    ids = [int(i) for i in await found.order_by("id").limit(50).values_list("id", flat=True)]  # type: ignore[call-overload]
    return {"results": await results(employer_ids=ids),
            "penalties": await penalties(employer_ids=ids),
            "blacklist": await blacklist(employer_ids=ids),
            "major-violations": await major_violations(employer_ids=ids)}
