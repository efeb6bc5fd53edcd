import datetime as dt

import pytest
from tortoise.transactions import in_transaction

from inspection import clock
from inspection.errors import Conflict
from inspection.publication import duties as publication
from models.audit import AuditEvent
from models.enums import OutboxStatus, PublicationKind, StaffStatus
from models.org import Staff
from models.outbox import OutboxMessage
from models.publication import Publication
from tests.notices_fixtures import make_world
from tests.wecom_rows import body, content

pytestmark = pytest.mark.usefixtures("clean_db")

DECIDED = dt.date(2026, 9, 30)  # the working day before National Day 2026 (1-7 Oct off, 10 Oct worked)


async def test_penalty_due_across_national_day():
    # R17: 20 working days after 2026-09-30: 8, 9, 10 (adjusted Saturday) Oct ... 3 Nov.
    due, warnings = await publication.publication_due(PublicationKind.PENALTY, DECIDED)
    assert due == dt.date(2026, 11, 3) and warnings == []
    due, _ = await publication.publication_due(PublicationKind.PENALTY, DECIDED, working_days=2)
    assert due == dt.date(2026, 10, 9)


async def _penalty_duty(w) -> Publication:
    async with in_transaction():
        return await publication.create_duty(
            kind=PublicationKind.PENALTY, object_type="penalty_decision", object_id=7,
            title="涪人社监罚〔2026〕第3号 行政处罚决定", section_id=w["section"].id,
            decided_on=DECIDED, actor="staff:1", today=DECIDED)


async def test_overdue_list_catches_it_once_missed():
    w = await make_world()
    duty = await _penalty_duty(w)
    assert duty.due_on == dt.date(2026, 11, 3)
    assert await publication.overdue(today=dt.date(2026, 11, 3)) == []
    late = await publication.overdue(today=dt.date(2026, 11, 4))
    assert [d.id for d in late] == [duty.id]
    async with in_transaction():
        await publication.mark_published(publication_id=duty.id, actor="staff:1")
    assert await publication.overdue(today=dt.date(2026, 11, 4)) == []
    with pytest.raises(Conflict):
        async with in_transaction():
            await publication.mark_published(publication_id=duty.id, actor="staff:1")
    actions = await AuditEvent.filter(object_type="publication").values_list("action", flat=True)
    assert actions == ["publication.duty_created", "publication.published"]


async def test_reminder_timers_then_cancelled_when_published():
    w = await make_world()
    duty = await _penalty_duty(w)
    timers = await OutboxMessage.filter(topic=publication.TIMER_TOPIC).order_by("due_at")
    assert [t.payload["stage"] for t in timers] == ["before", "due", "overdue"]
    beijing = [t.due_at.astimezone(clock.BEIJING) for t in timers]
    assert [(b.date(), b.hour) for b in beijing] == [
        (dt.date(2026, 10, 29), 9), (dt.date(2026, 11, 3), 9), (dt.date(2026, 11, 4), 9)]
    assert all(t.status == OutboxStatus.PENDING for t in timers)
    async with in_transaction():
        await publication.mark_published(publication_id=duty.id, actor="staff:1")
    assert {t.status for t in await OutboxMessage.filter(topic=publication.TIMER_TOPIC)} == {
        OutboxStatus.CANCELLED}


def test_reminder_days_skip_the_holiday():
    from inspection.calendar import WorkingCalendar

    cal = WorkingCalendar()
    # Due 9 Oct 2026: three working days before is 29 Sep (30 Sep, 8 Oct, 9 Oct... counting back).
    days = publication.reminder_days(cal, dt.date(2026, 10, 9), dt.date(2026, 9, 1))
    assert days == {"before": dt.date(2026, 9, 29), "due": dt.date(2026, 10, 9),
                    "overdue": dt.date(2026, 10, 10)}  # the adjusted working Saturday
    days = publication.reminder_days(cal, dt.date(2026, 10, 9), dt.date(2026, 10, 8))
    assert days["before"] == dt.date(2026, 10, 8)  # never in the past


async def test_due_handler_messages_the_section_unless_done():
    w = await make_world()
    await Staff.create(name="离职者", wecom_userid="gone", section=w["section"],
                       status=StaffStatus.LEFT)
    duty = await _penalty_duty(w)
    async with in_transaction():
        await publication.on_publication_due({"publication_id": duty.id, "stage": "before"})
        await publication.on_publication_due({"publication_id": duty.id, "stage": "before"})
    msgs = await OutboxMessage.filter(topic="wecom.message")
    assert len(msgs) == 1  # idempotent
    sent = body(msgs[0])
    assert set(sent["touser"].split("|")) == {"zhangming", "lihua"} and sent["msgtype"] == "text"
    assert "agentid" not in sent
    assert "行政处罚决定" in content(msgs[0]) and "2026年11月3日" in content(msgs[0])
    async with in_transaction():
        await publication.mark_published(publication_id=duty.id, actor="staff:1")
        await publication.on_publication_due({"publication_id": duty.id, "stage": "due"})
    assert await OutboxMessage.filter(topic="wecom.message").count() == 1


async def test_overdue_reminder_text():
    w = await make_world()
    duty = await _penalty_duty(w)
    async with in_transaction():
        await publication.on_publication_due({"publication_id": duty.id, "stage": "overdue"})
    msg = await OutboxMessage.get(topic="wecom.message")
    assert content(msg).startswith("【公示已逾期】")


async def test_visible_respects_embargo_and_withdrawal():
    w = await make_world()
    now = dt.datetime(2026, 10, 1, tzinfo=dt.UTC)
    base = {"kind": PublicationKind.RESULT, "object_type": "inspection", "title": "t",
            "section": w["section"], "published_at": now - dt.timedelta(days=1)}
    shown = await Publication.create(object_id=1, **base)
    await Publication.create(object_id=2, visible_from=now + dt.timedelta(days=1), **base)
    await Publication.create(object_id=3, withdrawn_at=now, **base)
    await Publication.create(object_id=4, **{**base, "published_at": None})
    ids = await publication.visible(Publication.all(), now=now).values_list("id", flat=True)
    assert ids == [shown.id]
