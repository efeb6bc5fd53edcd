"""The integrity file (R18): each fact from the record that proves it."""

import datetime as dt

import pytest
from tortoise.transactions import in_transaction

from inspection.credit import integrity, timers
from models.audit import AuditEvent
from models.enums import CreditEventKind, InspectionState, RectificationState
from tests import credit_factories as f

pytestmark = pytest.mark.usefixtures("clean_db")


async def test_file_lists_each_fact_with_its_source():
    emp = await f.employer()
    inspector = await f.staff(is_inspector=True)
    ins = await f.inspection(emp, submitted_on=dt.date(2026, 3, 2))
    finding = await f.finding(ins, await f.item_version(name="工资支付"), inspector)
    order = await f.order(ins, inspector, issued_on=dt.date(2026, 3, 2),
                          state=RectificationState.RECTIFIED, closed_on=dt.date(2026, 3, 12))
    penalty = await f.penalty(emp, ins=ins, decided_on=dt.date(2026, 4, 1))
    async with in_transaction():
        event = await integrity.record_fact(
            employer_id=emp.id, kind=CreditEventKind.WAGE_ARREARS, occurred_on=dt.date(2026, 5, 1),
            description="拖欠 12 名职工 4 月工资", evidence="投诉受理登记 2026-077",
            basis="《保障农民工工资支付条例》第十五条", staff_id=inspector.id,
            today=dt.date(2026, 5, 2))
    file = await integrity.integrity_file(employer_id=emp.id)
    assert [(x.kind, x.source_type, x.source_id) for x in file.facts] == [
        (CreditEventKind.VIOLATION, "finding", finding.id),
        (CreditEventKind.RECTIFIED, "rectification_order", order.id),
        (CreditEventKind.PENALTY, "penalty_decision", penalty.id),
        (CreditEventKind.WAGE_ARREARS, "credit_event", event.id),
    ]
    assert "工资支付" in file.facts[0].summary
    assert file.facts[3].detail["evidence"] == "投诉受理登记 2026-077"
    assert await AuditEvent.filter(action="credit.fact.record").count() == 1
    # A window of dates narrows the file.
    spring = await integrity.integrity_file(employer_id=emp.id, start=dt.date(2026, 4, 1),
                                            end=dt.date(2026, 4, 30))
    assert [x.kind for x in spring.facts] == [CreditEventKind.PENALTY]


def test_timer_handlers_are_registered():
    assert set(timers.handlers()) == {"timer.grade_effective", "timer.report_due",
                                      "timer.blacklist_expiry"}


async def test_draft_findings_are_not_facts_yet():
    # Findings may still change until the inspection is submitted; only then are they facts.
    emp = await f.employer()
    inspector = await f.staff(is_inspector=True)
    ins = await f.inspection(emp, state=InspectionState.CHECKED_IN)
    await f.finding(ins, await f.item_version(), inspector)
    assert (await integrity.integrity_file(employer_id=emp.id)).facts == []
    ins.state = InspectionState.SUBMITTED
    await ins.save()
    assert [x.kind for x in (await integrity.integrity_file(employer_id=emp.id)).facts] == [
        CreditEventKind.VIOLATION]
