"""Row builders for the credit and report tests (the shared tests/factories.py is written by
others in parallel; these build only what credit needs, straight on the models)."""

from __future__ import annotations

import datetime as dt
import itertools
import uuid
from decimal import Decimal
from typing import Any

from models.callups import CallUp
from models.campaigns import Campaign, CampaignItem
from models.draws import Draw, DrawEntry
from models.employers import Employer
from models.enums import (
    CallUpState,
    CampaignState,
    DrawKind,
    DrawStatus,
    FindingResult,
    InspectionState,
    ItemVersionStatus,
    PenaltyProcedure,
    RectificationState,
    SectionKind,
)
from models.fieldwork import Finding, Inspection, RectificationOrder
from models.items import Item, ItemVersion
from models.org import Section, Staff
from models.penalties import PenaltyDecision

_seq = itertools.count(1)


def _n() -> int:
    return next(_seq)


async def section(kind: SectionKind = SectionKind.INITIATING) -> Section:
    n = _n()
    return await Section.create(code=f"S{n}", name=f"科室{n}", kind=kind)


async def staff(sec: Section | None = None, **roles: bool) -> Staff:
    n = _n()
    sec = sec or await section()
    return await Staff.create(name=f"人员{n}", wecom_userid=f"user{n}", section=sec,
                              cert_no=f"CERT{n:05d}", **roles)


async def employer(**kw: object) -> Employer:
    n = _n()
    values: dict[str, object] = {"uscc": f"91500102MA{n:08d}", "name": f"重庆某某公司{n}",
                                 "legal_rep": f"法人{n}"}
    values.update(kw)
    return await Employer.create(**values)


async def item_version(code: str | None = None, name: str = "工资支付情况") -> ItemVersion:
    item = await Item.create(code=code or f"ITEM-{_n():03d}")
    return await ItemVersion.create(item=item, version=1, name=name, basis="《劳动保障监察条例》",
                                    subject="区人力社保局", content="检查内容", method="现场检查",
                                    status=ItemVersionStatus.PUBLISHED)


async def campaign(sec: Section | None = None, *, field_end: dt.date = dt.date(2026, 9, 30),
                   state: CampaignState = CampaignState.IN_FIELD, **kw: object) -> Campaign:
    n = _n()
    sec = sec or await section()
    values: dict[str, object] = {"code": f"2026-FL-{n:03d}", "title": f"工资支付专项抽查{n}",
                                 "section": sec, "field_start": field_end - dt.timedelta(days=20),
                                 "field_end": field_end, "state": state}
    values.update(kw)
    return await Campaign.create(**values)


async def inspection(emp: Employer, camp: Campaign | None = None, *,
                     state: InspectionState = InspectionState.SUBMITTED,
                     submitted_on: dt.date = dt.date(2026, 5, 10)) -> Inspection:
    ins = await Inspection.create(
        code=f"JC-{uuid.uuid4().hex[:10]}", employer=emp, state=state,
        window_start=submitted_on - dt.timedelta(days=5), window_end=submitted_on,
        submitted_at=dt.datetime.combine(submitted_on, dt.time(10), tzinfo=dt.UTC)
        if state != InspectionState.PLANNED else None)
    if camp is not None:
        await ins.campaigns.add(camp)
    return ins


async def finding(ins: Inspection, iv: ItemVersion, by: Staff,
                  result: FindingResult = FindingResult.NONCOMPLIANT) -> Finding:
    return await Finding.create(inspection=ins, item_version=iv, result=result,
                                description="未按月足额支付工资", basis="《工资支付暂行规定》",
                                recorded_by=by)


async def order(ins: Inspection, by: Staff, *, issued_on: dt.date = dt.date(2026, 5, 10),
                state: RectificationState = RectificationState.OPEN,
                closed_on: dt.date | None = None) -> RectificationOrder:
    emp = await ins.employer
    return await RectificationOrder.create(
        inspection=ins, employer=emp, requirements="限期补发工资", issued_on=issued_on,
        working_days=10, deadline=issued_on + dt.timedelta(days=14), state=state,
        closed_on=closed_on, issued_by=by)


async def penalty(emp: Employer, *, decided_on: dt.date = dt.date(2026, 6, 1),
                  ins: Inspection | None = None, amount: str | None = "5000.00",
                  procedure: PenaltyProcedure = PenaltyProcedure.GENERAL) -> PenaltyDecision:
    return await PenaltyDecision.create(
        number=f"渝涪人社监罚〔2026〕{_n()}号", employer=emp, inspection=ins,
        procedure=procedure, cause="未按规定支付工资", basis="《劳动保障监察条例》第二十六条",
        result="罚款", amount_yuan=Decimal(amount) if amount else None, decided_on=decided_on)


async def employer_draw(camp: Campaign, strata: dict[str, list[Employer]]) -> Draw:
    draw = await Draw.create(campaign=camp, kind=DrawKind.EMPLOYERS, status=DrawStatus.REVEALED,
                             secret="0" * 64, commitment="1" * 64,
                             committed_at=dt.datetime(2026, 4, 1, tzinfo=dt.UTC))
    for stratum, emps in strata.items():
        for pos, emp in enumerate(emps, 1):
            await DrawEntry.create(draw=draw, stratum=stratum, position=pos, key=emp.uscc,
                                   rank=f"{pos:064x}", employer=emp)
    return draw


async def inspector_callups(camp: Campaign, people: list[tuple[Staff, CallUpState, str]]
                            ) -> list[CallUp]:
    draw = await Draw.create(campaign=camp, kind=DrawKind.INSPECTORS, status=DrawStatus.REVEALED,
                             secret="2" * 64, commitment="3" * 64,
                             committed_at=dt.datetime(2026, 4, 1, tzinfo=dt.UTC))
    out: list[CallUp] = []
    at = dt.datetime(2026, 4, 2, tzinfo=dt.UTC)
    for pos, (person, state, reason) in enumerate(people, 1):
        entry = await DrawEntry.create(draw=draw, stratum="all", position=pos,
                                       key=person.cert_no, rank=f"{pos:064x}", staff=person)
        # A call-up after a decline or a no-answer is its replacement (递补, R15).
        prev = next((c for c in reversed(out)
                     if c.state in (CallUpState.DECLINED, CallUpState.REPLACED)
                     and not any(getattr(o, "replaces_id", None) == c.id for o in out)), None)
        out.append(await CallUp.create(
            campaign=camp, staff=person, draw_entry=entry, position=pos, state=state,
            called_at=at, reply_deadline=at + dt.timedelta(hours=24), reason=reason,
            task_id=f"task-{uuid.uuid4().hex}", replaces=prev))
    return out


async def campaign_item(camp: Campaign, iv: ItemVersion) -> CampaignItem:
    return await CampaignItem.create(campaign=camp, item_version=iv)


async def reviewed(filed: Any) -> Any:
    """A weighty fact filed by `integrity.record_fact`, approved by a second person, a
    政策法规科 admin (issue 16: it enters the file only then); other facts as they are."""
    from inspection.credit import fact_reviews
    from models.credit import CreditFactReview

    if not isinstance(filed, CreditFactReview):
        return filed
    reviewer = await staff(is_admin=True)
    review = await fact_reviews.decide(staff=reviewer, review_id=filed.id, approve=True, note="")
    return await review.event
