"""The wage-arrears blacklist (R23): notice, hearing window, decision, 3-year term across leap
years, early removal after six months, expiry, what the public window shows."""

import datetime as dt

import pytest
from tortoise.transactions import in_transaction

from inspection.credit import blacklist
from inspection.errors import Conflict, Forbidden, ValidationFailed
from models.credit import CreditEvent
from models.employers import BlacklistEntry
from models.enums import BlacklistStatus, CreditEventKind, OutboxStatus, PublicationKind
from models.outbox import OutboxMessage
from models.publication import Publication
from tests import credit_factories as f

pytestmark = pytest.mark.usefixtures("clean_db")


@pytest.mark.parametrize(("decided", "ends"), [
    (dt.date(2024, 2, 29), dt.date(2027, 2, 28)),  # leap day: no 29 Feb in 2027 -> month end
    (dt.date(2023, 2, 28), dt.date(2026, 2, 28)),  # corresponding day exists
    (dt.date(2025, 2, 28), dt.date(2028, 2, 28)),  # ends in a leap year: still the 28th
    (dt.date(2025, 3, 1), dt.date(2028, 3, 1)),
    (dt.date(2026, 12, 31), dt.date(2029, 12, 31)),
])
def test_term_end_across_leap_years(decided, ends):
    assert blacklist.term_end(decided) == ends


@pytest.mark.parametrize(("paid", "earliest"), [
    (dt.date(2024, 8, 31), dt.date(2025, 2, 28)),  # no 31 Feb -> month end (民法典第二百零二条)
    (dt.date(2023, 8, 29), dt.date(2024, 2, 29)),  # leap year has a 29 Feb
    (dt.date(2023, 8, 31), dt.date(2024, 2, 29)),
    (dt.date(2026, 1, 15), dt.date(2026, 7, 15)),
])
def test_six_months_from_the_day_the_arrears_were_paid(paid, earliest):
    listed = dt.date(2023, 1, 10)
    assert blacklist.earliest_removal(paid, listed) == earliest
    # Paid before the listing: six months on the list, counted from the listing.
    assert blacklist.earliest_removal(listed, paid) == blacklist.add_months(paid, 6)


async def _listed(decided_on=dt.date(2024, 2, 29)):
    emp = await f.employer(legal_rep="张三")
    officer = await f.staff(is_initiator=True)
    noticed_on = dt.date(2024, 2, 19)  # Monday
    async with in_transaction():
        entry = await blacklist.give_notice(
            employer_id=emp.id, cause="拖欠 38 名农民工工资 86 万元，经责令限期支付逾期未支付",
            basis="《保障农民工工资支付条例》", noticed_on=noticed_on, staff_id=officer.id,
            today=noticed_on)
    assert entry.hearing_until == dt.date(2024, 2, 26)  # five working days after service
    async with in_transaction():
        entry = await blacklist.decide(entry_id=entry.id, staff_id=officer.id, listed=True,
                                       decided_on=decided_on, today=decided_on)
    return emp, officer, entry


async def test_notice_hearing_and_decision():
    emp = await f.employer(legal_rep="李四")
    officer = await f.staff(is_initiator=True)
    async with in_transaction():
        entry = await blacklist.give_notice(employer_id=emp.id, cause="拖欠工资", basis="依据",
                                            noticed_on=dt.date(2026, 9, 28), staff_id=officer.id,
                                            today=dt.date(2026, 9, 28))
    # 29, 30 Sept, then the National Day holiday, then 8, 9 and Saturday 10 October (调休).
    assert entry.hearing_until == dt.date(2026, 10, 10)
    assert entry.legal_rep == "李四"
    with pytest.raises(Conflict) as exc:
        await blacklist.decide(entry_id=entry.id, staff_id=officer.id, listed=True,
                               decided_on=dt.date(2026, 10, 10), today=dt.date(2026, 10, 10))
    assert exc.value.code == "hearing_window_open"
    with pytest.raises(Conflict):  # one open entry per employer
        await blacklist.give_notice(employer_id=emp.id, cause="再次", basis="依据",
                                    noticed_on=dt.date(2026, 9, 29), staff_id=officer.id,
                                    today=dt.date(2026, 9, 29))
    with pytest.raises(ValidationFailed):  # not listing needs a reason
        await blacklist.decide(entry_id=entry.id, staff_id=officer.id, listed=False,
                               decided_on=dt.date(2026, 10, 13), today=dt.date(2026, 10, 13))
    async with in_transaction():
        entry = await blacklist.decide(entry_id=entry.id, staff_id=officer.id, listed=False,
                                       reason="陈述申辩成立：工资已于告知前付清",
                                       decided_on=dt.date(2026, 10, 13),
                                       today=dt.date(2026, 10, 13))
    assert entry.status == BlacklistStatus.WITHDRAWN
    assert await CreditEvent.filter(kind=CreditEventKind.BLACKLISTED).count() == 0


async def test_listing_sets_term_event_and_expiry_timer():
    emp, _officer, entry = await _listed()
    assert (entry.status, entry.term_start, entry.term_end) == (
        BlacklistStatus.IN_FORCE, dt.date(2024, 2, 29), dt.date(2027, 2, 28))
    event = await CreditEvent.get(kind=CreditEventKind.BLACKLISTED)
    assert (event.employer_id, event.detail["legal_rep"]) == (emp.id, "张三")
    timer = await OutboxMessage.get(topic=blacklist.EXPIRY_TOPIC)
    assert timer.due_at == dt.datetime(2027, 2, 28, 16, 0, tzinfo=dt.UTC)  # 1 March, Beijing
    assert [e.id for e in await blacklist.in_force(today=dt.date(2027, 2, 28))] == [entry.id]
    assert await blacklist.in_force(today=dt.date(2027, 3, 1)) == []


async def test_only_the_enforcing_section_acts():
    emp = await f.employer()
    # 谁执法、谁认定: neither an inspector alone nor the policy section gives notice or decides.
    for other in (await f.staff(is_inspector=True), await f.staff(is_admin=True)):
        with pytest.raises(Forbidden):
            await blacklist.give_notice(employer_id=emp.id, cause="x", basis="y",
                                        noticed_on=dt.date(2026, 1, 5), staff_id=other.id,
                                        today=dt.date(2026, 1, 5))


async def test_a_listing_is_published_the_day_it_is_decided():
    _emp, _officer, entry = await _listed(dt.date(2024, 2, 29))
    duty = await Publication.get(kind=PublicationKind.BLACKLIST, object_id=entry.id)
    assert duty.published_at is not None and "失信联合惩戒对象名单" in duty.title


async def test_early_removal_six_months_after_the_arrears_were_paid():
    _emp, officer, entry = await _listed(dt.date(2024, 2, 29))
    paid = dt.date(2024, 5, 20)
    with pytest.raises(Conflict) as exc:  # six months after the listing is not enough
        await blacklist.remove_early(entry_id=entry.id, staff_id=officer.id,
                                     removed_on=dt.date(2024, 8, 29), arrears_paid_on=paid,
                                     pledge="今后按月足额支付工资", today=dt.date(2024, 8, 29))
    assert exc.value.code == "too_early" and "2024-11-20" in exc.value.message
    with pytest.raises(ValidationFailed) as bad:
        await blacklist.remove_early(entry_id=entry.id, staff_id=officer.id,
                                     removed_on=dt.date(2024, 11, 20),
                                     arrears_paid_on=dt.date(2024, 2, 1), pledge=" ",
                                     today=dt.date(2024, 11, 20))
    assert {p.field for p in bad.value.problems} == {"arrears_paid_on", "pledge"}
    async with in_transaction():
        entry = await blacklist.remove_early(
            entry_id=entry.id, staff_id=officer.id, removed_on=dt.date(2024, 11, 20),
            arrears_paid_on=paid, pledge="今后按月足额支付工资", pledged_on=dt.date(2024, 11, 1),
            today=dt.date(2024, 11, 20))
    assert (entry.status, entry.removed_on) == (BlacklistStatus.REMOVED, dt.date(2024, 11, 20))
    assert (entry.arrears_paid_on, entry.pledged_on) == (paid, dt.date(2024, 11, 1))
    assert entry.pledge == "今后按月足额支付工资"
    removed = await CreditEvent.get(kind=CreditEventKind.BLACKLIST_REMOVED)
    assert removed.detail["arrears_paid_on"] == "2024-05-20"
    timer = await OutboxMessage.get(topic=blacklist.EXPIRY_TOPIC)
    assert timer.status == OutboxStatus.CANCELLED
    assert await blacklist.in_force(today=dt.date(2024, 11, 21)) == []


async def test_expiry_after_the_last_day():
    _emp, _officer, entry = await _listed(dt.date(2024, 2, 29))
    async with in_transaction():
        assert await blacklist.expire(today=dt.date(2027, 2, 28)) == []
    async with in_transaction():
        [done] = await blacklist.expire(today=dt.date(2027, 3, 1))
    assert done.id == entry.id
    assert (await BlacklistEntry.get(id=entry.id)).status == BlacklistStatus.EXPIRED
    removed = await CreditEvent.get(kind=CreditEventKind.BLACKLIST_REMOVED)
    assert removed.occurred_on == dt.date(2027, 3, 1)
