"""重大劳动保障违法行为社会公布 (人社部令第29号): the cases that qualify, the items the order has
published, and the quarterly publication with its own duty and due date."""

from __future__ import annotations

import datetime as dt

import pytest
from tortoise.transactions import in_transaction

from inspection.credit import integrity, major
from inspection.errors import Conflict, Forbidden, ValidationFailed
from inspection.publication import duties
from models.credit import CreditEvent
from models.enums import CreditEventKind, MajorViolationCategory, PublicationKind
from models.publication import Publication
from portal import window_data as window
from tests import credit_factories as f
from tests.clockkit import TestClock, beijing

pytestmark = pytest.mark.usefixtures("clean_db")

WAGES = MajorViolationCategory.WAGE_ARREARS


async def officer_and_employer():
    sec = await f.section()
    staff = await f.staff(sec, is_initiator=True)
    emp = await f.employer(address="涪陵区江东街道某路8号", legal_rep="李某")
    return staff, emp


async def test_the_order_s_items_are_required(test_clock: TestClock) -> None:
    staff, emp = await officer_and_employer()
    bare = await f.employer(address="", legal_rep="")
    with pytest.raises(ValidationFailed) as missing:
        await major.record(staff=staff, employer_id=bare.id, category=WAGES, facts=" ",
                           handling="责令支付", decided_on=dt.date(2026, 12, 1))
    fields = {p.field for p in missing.value.problems}
    assert fields == {"facts", "address", "legal_rep", "decided_on"}
    inspector = await f.staff(is_inspector=True)
    with pytest.raises(Forbidden):
        await major.record(staff=inspector, employer_id=emp.id, category=WAGES, facts="拖欠",
                           handling="处理", decided_on=dt.date(2026, 10, 9))
    case = await major.record(staff=staff, employer_id=bare.id, category=WAGES,
                              facts="拖欠 12 名劳动者工资 36 万元", handling="责令限期支付",
                              decided_on=dt.date(2026, 10, 9), address="涪陵区某镇",
                              legal_rep="赵某")
    assert (case.entity_name, case.uscc, case.address, case.legal_rep) == (
        bare.name, bare.uscc, "涪陵区某镇", "赵某")


async def test_a_quarter_is_published_once_over_and_feeds_the_integrity_file(
        test_clock: TestClock) -> None:
    staff, emp = await officer_and_employer()
    test_clock.set(beijing(2026, 9, 20))
    async with in_transaction():
        case = await major.record(
            staff=staff, employer_id=emp.id, category=MajorViolationCategory.CHILD_LABOUR,
            facts="使用 2 名未满十六周岁人员从事包装工作", handling="罚款 1 万元，责令退回",
            decided_on=dt.date(2026, 8, 10))
    assert (case.year, case.quarter) == (2026, 3)
    duty = await Publication.get(kind=PublicationKind.MAJOR_VIOLATION)
    assert duty.title == "2026年第3季度重大劳动保障违法行为社会公布"
    # 10 working days after 30 September, past the National Day holiday.
    due, _ = await duties.publication_due(PublicationKind.MAJOR_VIOLATION, dt.date(2026, 9, 30))
    assert duty.due_on == due and due > dt.date(2026, 10, 8)
    with pytest.raises(Conflict) as early:
        await duties.mark_published(publication_id=duty.id, actor="staff:1")
    assert early.value.code == "quarter_not_over"
    assert await window.major_violations() == []
    test_clock.set(beijing(2026, 10, 12, 10))
    async with in_transaction():
        await duties.mark_published(publication_id=duty.id, actor="staff:1")
    [row] = await window.major_violations()
    assert row["entity_name"] == emp.name and row["uscc"] == emp.uscc
    assert row["address"] == "涪陵区江东街道某路8号" and row["legal_rep"] == "李某"
    assert row["category"] == "违反禁止使用童工规定" and "包装" in row["facts"]
    assert row["handling"] == "罚款 1 万元，责令退回" and row["published_on"] == "2026-10-12"
    event = await CreditEvent.get(kind=CreditEventKind.MAJOR_VIOLATION)
    assert event.occurred_on == dt.date(2026, 10, 12) and event.source_id == case.id
    facts = await integrity.facts_of(employer_id=emp.id)
    assert [x.kind for x in facts] == [CreditEventKind.MAJOR_VIOLATION]

    # A case of a quarter already published joins the current quarter's publication.
    async with in_transaction():
        late = await major.record(staff=staff, employer_id=emp.id, category=WAGES,
                                  facts="拖欠工资", handling="已支付", decided_on=dt.date(2026, 9, 1))
    assert (late.year, late.quarter) == (2026, 4)
    assert await Publication.filter(kind=PublicationKind.MAJOR_VIOLATION).count() == 2
    assert len(await window.major_violations()) == 1


def test_quarters() -> None:
    assert major.quarter_of(dt.date(2026, 12, 31)) == (2026, 4)
    assert major.quarter_end(2026, 4) == dt.date(2026, 12, 31)
    assert major.quarter_end(2026, 1) == dt.date(2026, 3, 31)
    assert major.quarter_end(2024, 2) == dt.date(2024, 6, 30)
    assert len(major.CATEGORY_LABELS) == len(MajorViolationCategory) == 8
