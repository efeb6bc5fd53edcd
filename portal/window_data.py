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
from tortoise.queryset import QuerySet

from inspection import audit_heads, clock
from inspection.credit import major
from inspection.items import catalogue
from inspection.publication import duties
from models.campaigns import AnnualPlan, Campaign
from models.credit import MajorViolation
from models.employers import BlacklistEntry
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
# Filter arguments naming employers through a record's `employer` relation (the search).
Who = dict[str, str]


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
             "effective_from": _d(v.effective_from), "published_on": _d(v.published_at)}
            for v in rows]


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


def who_matches(q: str) -> Who:
    """Employers by USCC (a prefix, for letters and digits only) or by name (contains)."""
    term = q.strip()
    if len(term) >= 2 and term.isascii() and term.isalnum():
        return {"employer__uscc__startswith": term.upper()}
    return {"employer__name__icontains": term}


def _page(q: QuerySet[Any], page: int, *order: str) -> QuerySet[Any]:
    return q.order_by(*order).offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE)


async def _results_query(who: Who | None) -> QuerySet[Inspection]:
    hidden = await _hidden_ids(PublicationKind.RESULT, "inspection", clock.now())
    q = Inspection.filter(state=InspectionState.CLOSED, closed_at__isnull=False, **(who or {}))
    return q.exclude(id__in=hidden) if hidden else q


async def results(page: int = 1, who: Who | None = None) -> list[Row]:
    q = await _results_query(who)
    rows = await _page(q.select_related("employer"), page, "-closed_at", "-id")
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


async def _penalties_query(who: Who | None) -> QuerySet[PenaltyDecision]:
    # R17: general procedure only; party, cause, basis, result.
    hidden = await _hidden_ids(PublicationKind.PENALTY, "penalty_decision", clock.now())
    q = PenaltyDecision.filter(procedure=PenaltyProcedure.GENERAL, **(who or {}))
    return q.exclude(id__in=hidden) if hidden else q


async def penalties(page: int = 1, who: Who | None = None) -> list[Row]:
    q = await _penalties_query(who)
    rows = await _page(q.select_related("employer"), page, "-decided_on", "-id")
    return [{"number": p.number, "party": p.employer.name, "uscc": p.employer.uscc,
             "cause": p.cause, "basis": p.basis, "result": p.result,
             "decided_on": _d(p.decided_on)} for p in rows]


async def _blacklist_query(who: Who | None) -> QuerySet[BlacklistEntry]:
    today = clock.today()
    hidden = await _hidden_ids(PublicationKind.BLACKLIST, "blacklist_entry", clock.now())
    q = BlacklistEntry.filter(Q(term_end__isnull=True) | Q(term_end__gte=today),
                              status=BlacklistStatus.IN_FORCE, term_start__lte=today,
                              **(who or {}))
    return q.exclude(id__in=hidden) if hidden else q


async def blacklist(page: int = 1, who: Who | None = None) -> list[Row]:
    q = await _blacklist_query(who)
    rows = await _page(q.select_related("employer"), page, "-term_start", "-id")
    # What 人社部令第45号 has published: the parties, the cause, the basis, the dates, and who
    # decided (the bureau, SUIJI_BUREAU_NAME: added by the window, `Listing.bureau_column`).
    return [{"employer": b.employer.name, "uscc": b.employer.uscc, "legal_rep": b.legal_rep,
             "cause": b.cause, "basis": b.basis, "term_start": _d(b.term_start),
             "term_end": _d(b.term_end)} for b in rows]


async def cancelled(page: int = 1) -> list[Row]:
    """Campaigns cancelled after their draw was announced, with the reason (R3)."""
    shown = duties.visible(Publication.filter(kind=PublicationKind.CANCELLATION,
                                              object_type="campaign"), now=clock.now())
    ids = [int(i) for i in await _page(shown, page, "-published_at", "-id").values_list(  # type: ignore[call-overload]
        "object_id", flat=True)]
    by_id = {c.id: c for c in await Campaign.filter(id__in=ids).select_related("section")}
    return [{"code": c.code, "title": c.title, "section": c.section.name,
             "field": f"{_d(c.field_start)} 至 {_d(c.field_end)}",
             "cancelled_on": _d(c.closed_at), "reason": c.cancel_reason}
            for c in (by_id[i] for i in ids if i in by_id)]


async def _published_quarters() -> dict[int, dt.datetime]:
    quarters = await duties.visible(Publication.filter(
        kind=PublicationKind.MAJOR_VIOLATION, object_type=major.OBJECT_TYPE),
        now=clock.now()).values_list("object_id", "published_at")
    return {int(key): at for key, at in quarters}


def _major_query(published: dict[int, dt.datetime], who: Who | None
                 ) -> QuerySet[MajorViolation]:
    if not published:
        return MajorViolation.filter(id__in=[])
    which = Q(*[Q(year=key // 10, quarter=key % 10) for key in published], join_type="OR")
    return MajorViolation.filter(which, **(who or {}))


async def major_violations(page: int = 1, who: Who | None = None) -> list[Row]:
    """The published quarters of 重大劳动保障违法行为 (人社部令第29号), newest first."""
    published = await _published_quarters()
    rows = await _page(_major_query(published, who), page, "-year", "-quarter", "id")
    return [major.public_row(c) | {"published_on": _d(published[major.quarter_key(
        c.year, c.quarter)])} for c in rows]


async def _major_count(who: Who) -> int:
    return await _major_query(await _published_quarters(), who).count()


async def _count(query: Any, who: Who) -> int:
    return int(await (await query(who)).count())


async def search(q: str, page: int = 1) -> dict[str, tuple[int, list[Row]]]:
    """Every public record of the employers whose name contains `q` (or whose USCC starts with
    it): per listing, how many there are and the `page`th page of them."""
    who = who_matches(q)
    return {
        "results": (await _count(_results_query, who), await results(page, who)),
        "penalties": (await _count(_penalties_query, who), await penalties(page, who)),
        "blacklist": (await _count(_blacklist_query, who), await blacklist(page, who)),
        "major-violations": (await _major_count(who), await major_violations(page, who)),
    }


async def chain_heads(page: int) -> list[Row]:
    """The audit chain's published heads (R21), newest first."""
    return [{"published_on": h.day, "seq": h.seq, "hash": h.hash}
            for h in await audit_heads.recent(limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)]
