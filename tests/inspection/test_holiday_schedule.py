"""The working-day calendar kept by the bureau: a year's State Council schedule, validated,
audited; provisional deadlines marked and confirmed once it is entered; 政策法规科 told from
1 November while next year's is missing.

The tests use 2099, a year chinesecalendar will not ship for a long time, so they keep working
when a new release of the library adds the next year.
"""

from __future__ import annotations

import datetime as dt

import pytest
from tortoise.transactions import in_transaction

from inspection import calendar, clock, holiday_schedule
from inspection.credit import blacklist, reports
from inspection.errors import Forbidden, ValidationFailed
from inspection.fieldwork import rectification as rect
from inspection.publication import duties
from models.audit import AuditEvent
from models.enums import (
    CampaignState,
    FindingResult,
    InspectionState,
    NoticeKind,
    PublicationKind,
)
from models.fieldwork import Finding
from models.notices import Notice
from models.outbox import OutboxMessage
from models.system import HolidaySchedule
from tests import credit_factories as f
from tests import wecom_rows
from tests.fieldworld import World, build_world
from tests.notices_fixtures import ISSUER

pytestmark = pytest.mark.usefixtures("clean_db")

D = dt.date
YEAR = 2099
# 元旦: Thursday to Saturday off, Saturday 10 January worked (调休上班).
NEW_YEAR = [D(2099, 1, 1), D(2099, 1, 2), D(2099, 1, 3)]
WORKED = [D(2099, 1, 10)]
BASIS = "国务院办公厅关于2099年部分节假日安排的通知（测试）"


async def enter(holidays=NEW_YEAR, workdays=WORKED, year=YEAR) -> dict[str, int]:
    async with in_transaction():
        _, confirmed = await holiday_schedule.set_schedule(
            year=year, holidays=holidays, workdays=workdays, basis=BASIS, actor="cli")
    return confirmed


def problems(exc: pytest.ExceptionInfo[ValidationFailed]) -> set[tuple[str | None, str | None]]:
    return {(p.field, p.code) for p in exc.value.problems}


async def test_a_year_without_data_is_counted_on_weekdays_and_marked_provisional() -> None:
    due = await calendar.add_working_days(D(2099, 1, 1), 3)
    assert due.day == D(2099, 1, 6) and due.provisional  # Fri 2, Mon 5, Tue 6
    assert due.warnings == [f"{YEAR}年法定节假日安排尚未收录，按周一至周五为工作日推算，"
                            "请在节假日安排公布后核对"]
    day, warnings = due  # still unpacks as (day, warnings) for older callers
    assert (day, warnings) == (due.day, due.warnings)
    # A year the library knows is firm.
    known = await calendar.add_working_days(D(2026, 9, 30), 1)
    assert known.day == D(2026, 10, 8) and not known.provisional


async def test_an_entered_schedule_makes_the_year_firm_and_wins_over_the_weekdays() -> None:
    await enter()
    due = await calendar.add_working_days(D(2099, 1, 1), 3)
    # 2 and 3 January off, Sunday 4 rest: Mon 5, Tue 6, Wed 7.
    assert due.day == D(2099, 1, 7) and not due.provisional and due.warnings == []
    cal = await calendar.load_calendar()
    assert cal.is_workday(D(2099, 1, 10)) and not cal.is_workday(D(2099, 1, 2))
    assert cal.knows(YEAR) and not cal.knows(YEAR + 1)
    seen = await holiday_schedule.year_schedule(year=YEAR)
    assert (seen.source, seen.holidays, seen.workdays, seen.basis) == (
        "bureau", NEW_YEAR, WORKED, BASIS)
    library = await holiday_schedule.year_schedule(year=2026)
    assert library.source == "library" and D(2026, 10, 1) in library.holidays
    assert D(2026, 10, 10) in library.workdays  # an adjusted working Saturday
    assert (await holiday_schedule.year_schedule(year=YEAR + 1)).source == "none"


async def test_every_kind_of_bad_schedule_is_refused_with_field_and_reason() -> None:
    with pytest.raises(ValidationFailed) as exc:
        holiday_schedule.validate(
            year=YEAR, basis=" ",
            holidays=[D(2098, 12, 31), D(2099, 1, 1), D(2099, 1, 1), D(2099, 3, 7), D(2099, 3, 8)],
            workdays=[D(2099, 1, 1), D(2099, 1, 5)])
    assert problems(exc) == {
        ("holidays.0", "outside_year"), ("holidays.2", "duplicate"),
        ("workdays.0", "both"), ("workdays.1", "not_weekend"),
        ("holidays.3", "weekend_only"),  # 7 and 8 March 2099 are a plain Saturday and Sunday
        ("basis", "required")}
    messages = [p.message for p in exc.value.problems]
    assert "2099-01-05（周一） 本来就是工作日" in " ".join(messages)
    with pytest.raises(ValidationFailed) as exc:
        holiday_schedule.validate(year=YEAR, holidays=[], workdays=[], basis=BASIS)
    assert problems(exc) == {("holidays", "required")}
    with pytest.raises(ValidationFailed) as exc:
        holiday_schedule.validate(year=1999, holidays=NEW_YEAR, workdays=[], basis=BASIS)
    assert problems(exc) == {("year", "bad_year")}
    assert not await HolidaySchedule.exists()


async def test_entering_is_audited_and_an_unchanged_entry_records_nothing() -> None:
    await enter()
    await enter()
    [event] = await AuditEvent.filter(action="calendar.schedule_set")
    assert event.before is None
    assert event.after["holidays"] == [d.isoformat() for d in NEW_YEAR]
    assert event.after["basis"] == BASIS
    await enter(holidays=[*NEW_YEAR, D(2099, 1, 5)])
    events = await AuditEvent.filter(action="calendar.schedule_set").order_by("seq")
    assert len(events) == 2 and events[1].before["holidays"] == events[0].after["holidays"]


@pytest.fixture
async def world() -> World:
    world = await build_world(InspectionState.SUBMITTED)
    await Finding.create(inspection=world.inspection, item_version=world.items[0],
                         result=FindingResult.NONCOMPLIANT, description="未签劳动合同",
                         recorded_by=world.staff["member"])
    return world


async def _order(world: World):  # type: ignore[no-untyped-def]
    bad = await Finding.get(inspection_id=world.inspection.id)
    async with in_transaction():
        order, warnings = await rect.issue_order(
            staff=world.staff["member"], inspection_id=world.inspection.id,
            finding_ids=[bad.id], requirements="补签劳动合同", working_days=3, issuer=ISSUER,
            issued_on=D(2099, 1, 1))
    return order, warnings


async def _duty(world: World):  # type: ignore[no-untyped-def]
    async with in_transaction():
        return await duties.create_duty(
            kind=PublicationKind.PENALTY, object_type="penalty_decision", object_id=1,
            title="某公司行政处罚决定", section_id=world.campaigns[0].section_id,
            decided_on=D(2099, 1, 1), actor="cli", working_days=3)


async def _hearing(world: World):  # type: ignore[no-untyped-def]
    chief = await f.staff(is_initiator=True)
    async with in_transaction():
        return await blacklist.give_notice(
            employer_id=world.employer.id, cause="拖欠农民工工资", basis="第五条",
            noticed_on=D(2098, 12, 31), staff_id=chief.id, legal_rep="张某",
            today=D(2099, 1, 1))


async def test_provisional_deadlines_are_marked_and_confirmed_when_the_year_is_entered(
        world: World) -> None:
    order, warnings = await _order(world)
    assert order.deadline == D(2099, 1, 6) and order.deadline_provisional and warnings
    notice = await Notice.get(rectification_order_id=order.id, kind=NoticeKind.RECTIFICATION)
    assert notice.deadline == D(2099, 1, 6) and notice.deadline_provisional
    duty = await _duty(world)
    assert (duty.due_on, duty.due_provisional) == (D(2099, 1, 6), True)
    campaign = await f.campaign(field_end=D(2099, 1, 1), state=CampaignState.REPORTING,
                                code="2099-T-001")
    async with in_transaction():
        report = await reports.open_report(campaign_id=campaign.id, actor="cli")
    assert report.due_provisional
    entry = await _hearing(world)  # five working days from the day after the notice
    assert (entry.hearing_until, entry.hearing_provisional) == (D(2099, 1, 7), True)

    assert await enter() == {"rectification_orders": 1, "publication_duties": 1, "reports": 1,
                             "blacklist_hearings": 1}

    await order.refresh_from_db()
    assert (order.deadline, order.deadline_provisional) == (D(2099, 1, 7), False)
    timer = await OutboxMessage.get(idempotency_key=f"rectification-due:{order.id}")
    assert clock.db_time(timer.due_at).date() == D(2099, 1, 8)  # the chase follows the deadline
    await duty.refresh_from_db()
    assert (duty.due_on, duty.due_provisional) == (D(2099, 1, 7), False)
    due_timer = await OutboxMessage.get(idempotency_key=duties.timer_key(duty.id, "due"))
    assert clock.db_time(due_timer.due_at) == dt.datetime(2099, 1, 7, 9, 0, tzinfo=clock.BEIJING)
    await report.refresh_from_db()
    assert not report.due_provisional  # its date happened to be right: 10 days either way
    await entry.refresh_from_db()
    assert (entry.hearing_until, entry.hearing_provisional) == (D(2099, 1, 9), False)
    # The printed notice stays as served: its date was 暂定, the page shows the confirmed one.
    await notice.refresh_from_db()
    assert notice.deadline == D(2099, 1, 6) and notice.deadline_provisional
    actions = set(await AuditEvent.all().values_list("action", flat=True))
    assert {"rectification.deadline_confirmed", "publication.due_confirmed",
            "report.due_confirmed", "blacklist.hearing_confirmed"} <= actions


async def test_a_served_deadline_is_never_brought_forward(world: World) -> None:
    order, _ = await _order(world)
    duty = await _duty(world)
    entry = await _hearing(world)
    # Both weekend days after 元旦 worked: the real third working day is Sunday 4 January.
    await enter(holidays=[D(2099, 2, 2)], workdays=[D(2099, 1, 3), D(2099, 1, 4)])
    await order.refresh_from_db()
    assert (order.deadline, order.deadline_provisional) == (D(2099, 1, 6), False)
    await duty.refresh_from_db()  # an internal duty takes the exact date
    assert (duty.due_on, duty.due_provisional) == (D(2099, 1, 4), False)
    await entry.refresh_from_db()  # the window served is never shortened
    assert (entry.hearing_until, entry.hearing_provisional) == (D(2099, 1, 7), False)


async def test_reminders_say_provisional(world: World) -> None:
    order, _ = await _order(world)
    async with in_transaction():
        await rect.on_rectification_due({"order_id": order.id})
    sent = await OutboxMessage.filter(idempotency_key__startswith="rectification-overdue:").first()
    assert sent is not None
    assert "2099年1月6日（暂定，待国务院公布节假日安排后确认）" in wecom_rows.content(sent)
    duty = await _duty(world)
    async with in_transaction():
        await duties.on_publication_due({"publication_id": duty.id, "stage": "before"})
    sent = await OutboxMessage.get(idempotency_key=f"publication:{duty.id}:remind:before")
    assert "2099年1月6日（暂定" in wecom_rows.content(sent)


async def test_policy_section_is_told_from_november_once_a_year() -> None:
    admin = await f.staff(is_admin=True)
    await f.staff(is_inspector=True)
    async with in_transaction():
        assert await holiday_schedule.warn_missing(today=D(YEAR - 1, 10, 31)) == [YEAR - 1]
        assert await holiday_schedule.warn_missing(today=D(YEAR - 1, 11, 1)) == [YEAR]
        assert await holiday_schedule.warn_missing(today=D(YEAR - 1, 11, 2)) == []
    rows = await OutboxMessage.filter(idempotency_key=f"calendar-missing:{YEAR}")
    assert len(rows) == 1 and wecom_rows.to(rows[0]) == {admin.wecom_userid}
    assert f"{YEAR}年法定节假日安排" in wecom_rows.content(rows[0])
    await enter(year=YEAR + 1, holidays=[D(2100, 1, 1)], workdays=[])
    async with in_transaction():
        # 2099 was told about in 2098 already; 2100 is now known.
        assert await holiday_schedule.warn_missing(today=D(YEAR, 11, 1)) == []
        assert await holiday_schedule.warn_missing(today=D(2025, 11, 1)) == []  # 2025, 2026 known


async def test_without_anyone_in_the_policy_section_nothing_is_queued_and_it_waits() -> None:
    async with in_transaction():
        assert await holiday_schedule.warn_missing(today=D(YEAR - 1, 11, 1)) == []
    assert not await OutboxMessage.exists()
    await f.staff(is_admin=True)
    async with in_transaction():
        assert await holiday_schedule.warn_missing(today=D(YEAR - 1, 11, 3)) == [YEAR - 1, YEAR]


def test_a_schedule_sheet_is_read_with_every_bad_row_named() -> None:
    good = "日期,安排,说明\n2099-01-01,放假,元旦\n2099/1/2,休息,\n2099年1月10日,上班,调休\n"
    holidays, workdays = holiday_schedule.read_schedule_file(good.encode(), "2099.csv")
    assert holidays == [D(2099, 1, 1), D(2099, 1, 2)] and workdays == [D(2099, 1, 10)]
    bad = "日期,安排\n2099-13-01,放假\n2099-01-02,加班\n"
    with pytest.raises(ValidationFailed) as exc:
        holiday_schedule.read_schedule_file(bad.encode(), "2099.csv")
    assert {(p.row, p.field, p.code) for p in exc.value.problems} == {
        (2, "日期", "bad_date"), (3, "安排", "bad_kind")}


async def test_only_the_policy_section_may_enter_a_schedule_over_the_api_functions() -> None:
    clerk = await f.staff(is_initiator=True)
    with pytest.raises(Forbidden):
        await holiday_schedule.year_for(staff=clerk, year=YEAR)
    with pytest.raises(Forbidden):
        await holiday_schedule.enter_for(staff=clerk, year=YEAR, holidays=NEW_YEAR,
                                         workdays=WORKED, basis=BASIS)
