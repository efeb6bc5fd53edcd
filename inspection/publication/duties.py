"""Publication duties (R3, R7, R13, R17, R23): what must reach the public window, by when.

Each duty is a `Publication` row. Its due date is counted in working days (statutory holidays
and adjusted working weekends, `inspection.calendar`) from the day of the decision, the day
itself not counted. Reminders are outbox timers ("timer.publication_due") written with the
duty; `on_publication_due` turns a timer into a WeCom message to the responsible section, unless
the duty was done meanwhile, and links to the duty in the staff app. A duty may publish itself
at a set moment (`publish_automatically`, timer "timer.publication_auto") unless a reviewer
withholds it first (`withhold`, with a reason and its legal basis, before the due date). Nothing
is public before `visible_from` (R14 confidential campaigns).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from tortoise.expressions import Q
from tortoise.queryset import QuerySet

from inspection import audit, clock, messages, outbox
from inspection.calendar import Due, WorkingCalendar, add_working_days, load_calendar
from inspection.credit import major_quarters
from inspection.errors import Conflict, NotFound, Problem, ValidationFailed
from models.enums import PublicationKind, StaffStatus
from models.org import Section, Staff
from models.publication import Publication

TIMER_TOPIC = "timer.publication_due"
# Working days from the decision to publication. Penalty decisions: 20 by the guideline (R17).
# Others have no statutory period; the bureau's practice of "promptly" is taken as these.
DUE_WORKING_DAYS: dict[PublicationKind, int] = {
    PublicationKind.PENALTY: 20,
    PublicationKind.RESULT: 20,
    PublicationKind.ITEM_LIST: 5,
    PublicationKind.PLAN: 5,
    PublicationKind.DRAW: 1,
    PublicationKind.BLACKLIST: 5,
    PublicationKind.REPORT: 10,
    PublicationKind.CANCELLATION: 1,
    # After the quarter's last day (重大劳动保障违法行为: the order sets the quarterly rhythm, the
    # bureau the day).
    PublicationKind.MAJOR_VIOLATION: 10,
}
KIND_LABELS: dict[PublicationKind, str] = {
    PublicationKind.ITEM_LIST: "抽查事项清单",
    PublicationKind.PLAN: "年度抽查计划",
    PublicationKind.DRAW: "抽取记录",
    PublicationKind.RESULT: "抽查结果",
    PublicationKind.PENALTY: "行政处罚决定",
    PublicationKind.BLACKLIST: "黑名单",
    PublicationKind.REPORT: "抽查报告",
    PublicationKind.CANCELLATION: "抽查任务取消公告",
    PublicationKind.MAJOR_VIOLATION: "重大劳动保障违法行为社会公布",
}
AUTO_TOPIC = "timer.publication_auto"
MAX_TEXT = 2000
REMIND_BEFORE_WORKING_DAYS = 3
REMIND_AT = dt.time(9, 0)
STAGES = ("before", "due", "overdue")  # Beijing time, the start of the working day


def app_path(publication_id: int) -> str:
    """Where the staff app shows a duty (its reminders link here)."""
    return f"/app/#/publication/{publication_id}"


async def publication_due(kind: PublicationKind, decided_on: dt.date, *,
                          working_days: int | None = None) -> Due:
    """Due date of a duty decided on `decided_on`, provisional (with warnings) if the calendar
    lacks the year's holiday schedule."""
    return await add_working_days(decided_on, _days(kind, working_days))


def _days(kind: PublicationKind, working_days: int | None) -> int:
    days = DUE_WORKING_DAYS[PublicationKind(kind)] if working_days is None else working_days
    if not 0 < days <= 250:
        raise ValidationFailed([Problem("公示期限应为 1 至 250 个工作日", field="working_days")])
    return days


def _at_nine(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, REMIND_AT, tzinfo=clock.BEIJING)


def reminder_days(calendar: WorkingCalendar, due_on: dt.date, today: dt.date) -> dict[str, dt.date]:
    """When to remind: some working days before the due date, on it, and the working day after
    it if still not done (overdue); never in the past."""
    before = due_on
    for _ in range(REMIND_BEFORE_WORKING_DAYS):
        before -= dt.timedelta(days=1)
        while not calendar.is_workday(before):
            before -= dt.timedelta(days=1)
    stages = {"before": before, "due": due_on, "overdue": calendar.add_working_days(due_on, 1)}
    return {k: max(v, today) for k, v in stages.items()}


def timer_key(publication_id: int, stage: str) -> str:
    return f"publication:{publication_id}:timer:{stage}"


async def create_duty(*, kind: PublicationKind, object_type: str, object_id: int, title: str,
                      section_id: int | None, decided_on: dt.date, actor: str,
                      working_days: int | None = None,
                      visible_from: dt.datetime | None = None,
                      today: dt.date | None = None) -> Publication:
    """Record a publication duty with its due date and reminders. Call inside a transaction."""
    kind = PublicationKind(kind)
    if not title.strip() or len(title) > 200:
        raise ValidationFailed([Problem("请填写不超过 200 字的公示标题", field="title")])
    if section_id is not None and not await Section.exists(id=section_id):
        raise NotFound("责任科室")
    if await Publication.exists(kind=kind, object_type=object_type, object_id=object_id):
        raise Conflict("publication_exists", "该事项已有公示任务")
    days = _days(kind, working_days)
    due = await add_working_days(decided_on, days)
    duty = await Publication.create(kind=kind, object_type=object_type, object_id=object_id,
                                    title=title.strip(), section_id=section_id, due_on=due.day,
                                    due_from=decided_on, due_working_days=days,
                                    due_provisional=due.provisional, visible_from=visible_from)
    await audit.record(actor=actor, action="publication.duty_created", obj=duty,
                       after=audit.snapshot(duty))
    await schedule_reminders(duty, today=today)
    return duty


async def schedule_reminders(duty: Publication, *, today: dt.date | None = None) -> None:
    """Outbox timers for a duty (idempotent: one per stage). `today` defaults to Beijing's."""
    if duty.due_on is None or duty.section_id is None:
        return
    calendar = await load_calendar()
    for stage, day in reminder_days(calendar, duty.due_on, today or clock.today()).items():
        await outbox.enqueue(topic=TIMER_TOPIC, key=timer_key(duty.id, stage),
                             payload={"publication_id": duty.id, "stage": stage},
                             due_at=_at_nine(day))


async def confirm_due_dates(*, calendar: WorkingCalendar, actor: str,
                            today: dt.date | None = None) -> int:
    """Recount the pending duties whose due date was provisional, now that more of the holiday
    schedule is known, and move their reminders. Returns how many duties changed."""
    changed = 0
    day = today or clock.today()
    for duty in await pending().filter(due_provisional=True, due_from__isnull=False,
                                       due_working_days__isnull=False).order_by("id"):
        assert duty.due_from is not None and duty.due_working_days is not None
        due = calendar.due(duty.due_from, duty.due_working_days)
        if (due.day, due.provisional) == (duty.due_on, duty.due_provisional):
            continue
        before = audit.snapshot(duty, ["due_on", "due_provisional"])
        duty.due_on, duty.due_provisional = due.day, due.provisional
        await duty.save(update_fields=["due_on", "due_provisional", "updated_at"])
        for stage, when in reminder_days(calendar, due.day, day).items():
            await outbox.reschedule(key=timer_key(duty.id, stage), due_at=_at_nine(when))
        await audit.record(actor=actor, action="publication.due_confirmed", obj=duty,
                           before=before, after=audit.snapshot(duty, ["due_on", "due_provisional"]))
        changed += 1
    return changed


async def mark_published(*, publication_id: int, actor: str,
                         at: dt.datetime | None = None) -> Publication:
    """The record is on the window: the duty is done and its reminders are moot."""
    duty = await Publication.filter(id=publication_id).select_for_update().first()
    if duty is None:
        raise NotFound("公示任务")
    if duty.published_at is not None:
        raise Conflict("already_published", "该事项已公示")
    if duty.withdrawn_at is not None:
        raise Conflict("publication_withdrawn", "该公示已撤回")
    await _kind_rules(duty, published=False)
    before = audit.snapshot(duty, ["published_at"])
    duty.published_at = at or clock.now()
    await duty.save(update_fields=["published_at", "updated_at"])
    await _cancel_timers(duty)
    await audit.record(actor=actor, action="publication.published", obj=duty, before=before,
                       after=audit.snapshot(duty, ["published_at"]))
    await _kind_rules(duty, published=True)
    return duty


async def _kind_rules(duty: Publication, *, published: bool) -> None:
    # What a kind adds to publishing: the quarterly publication of major violations may not go
    # out before its quarter ends, and goes into each employer's integrity file when it does.
    if duty.kind == PublicationKind.MAJOR_VIOLATION:
        await (major_quarters.quarter_published(duty) if published
               else major_quarters.check_publishable(duty))


async def _cancel_timers(duty: Publication) -> None:
    for stage in (*STAGES, "auto"):
        await outbox.cancel(key=timer_key(duty.id, stage))


async def record_published(*, kind: PublicationKind, object_type: str, object_id: int,
                           title: str, section_id: int | None, actor: str,
                           at: dt.datetime | None = None) -> Publication:
    """A duty done the moment it arises: the record goes on the window at once."""
    when = at or clock.now()
    duty = await Publication.get_or_none(kind=kind, object_type=object_type, object_id=object_id)
    if duty is None:
        duty = await Publication.create(kind=kind, object_type=object_type, object_id=object_id,
                                        title=title.strip()[:200], section_id=section_id,
                                        due_on=when.astimezone(clock.BEIJING).date(),
                                        published_at=when)
        await audit.record(actor=actor, action="publication.published", obj=duty,
                           after=audit.snapshot(duty))
    elif duty.published_at is None and duty.withdrawn_at is None:
        duty = await mark_published(publication_id=duty.id, actor=actor, at=when)
    return duty


async def publish_automatically(*, duty: Publication, at: dt.datetime, actor: str) -> None:
    """Publish `duty` by itself at `at` (at once if that has passed) unless it is withheld
    first; the due-date reminders stay, in case the timer cannot publish it."""
    before = audit.snapshot(duty, ["auto_publish_at"])
    duty.auto_publish_at = max(at, clock.now())
    await duty.save(update_fields=["auto_publish_at", "updated_at"])
    await audit.record(actor=actor, action="publication.auto_scheduled", obj=duty, before=before,
                       after=audit.snapshot(duty, ["auto_publish_at"]))
    await outbox.enqueue(topic=AUTO_TOPIC, key=timer_key(duty.id, "auto"),
                         payload={"publication_id": duty.id}, due_at=duty.auto_publish_at)


async def on_publication_auto(payload: dict[str, Any]) -> None:
    """Outbox handler for "timer.publication_auto": publish unless done or withheld meanwhile."""
    duty = await Publication.get_or_none(id=int(payload["publication_id"]))
    if duty is None or duty.published_at is not None or duty.withdrawn_at is not None:
        return
    await mark_published(publication_id=duty.id, actor=audit.SYSTEM)


def _required(value: str, name: str, problems: list[Problem]) -> str:
    value = (value or "").strip()
    if len(value) < 2:
        problems.append(Problem("请填写（至少 2 个字）", field=name))
    elif len(value) > MAX_TEXT:
        problems.append(Problem(f"不能超过 {MAX_TEXT} 字", field=name))
    return value


async def withhold(*, publication_id: int, actor: str, reason: str, basis: str,
                   staff_id: int | None = None, today: dt.date | None = None) -> Publication:
    """不予公开: keep a record off the window (or take it down) with a reason and its legal
    basis, e.g. 《政府信息公开条例》第十四条 — before the duty's due date, not after it."""
    problems: list[Problem] = []
    reason = _required(reason, "reason", problems)
    basis = _required(basis, "basis", problems)
    if problems:
        raise ValidationFailed(problems)
    duty = await Publication.filter(id=publication_id).select_for_update().first()
    if duty is None:
        raise NotFound("公示任务")
    if duty.withdrawn_at is not None:
        raise Conflict("publication_withdrawn", "该事项已决定不予公示")
    day = today or clock.today()
    if duty.due_on is not None and day > duty.due_on:
        raise Conflict("withhold_too_late",
                       f"公示期限（{duty.due_on:%Y年%-m月%-d日}）已过，不能再决定不予公示")
    fields = ["withdrawn_at", "withdrawn_reason", "withdrawn_basis", "withdrawn_by_id"]
    before = audit.snapshot(duty, fields)
    duty.withdrawn_at, duty.withdrawn_reason, duty.withdrawn_basis = clock.now(), reason, basis
    duty.withdrawn_by_id = staff_id
    await duty.save(update_fields=[*fields, "updated_at"])
    await _cancel_timers(duty)
    await audit.record(actor=actor, action="publication.withheld", obj=duty, before=before,
                       after=audit.snapshot(duty, fields))
    return duty


def pending() -> QuerySet[Publication]:
    return Publication.filter(published_at__isnull=True, withdrawn_at__isnull=True,
                              due_on__isnull=False)


async def overdue(*, today: dt.date | None = None) -> list[Publication]:
    """Duties not published by their due date: due before `today` (a duty is on time all day)."""
    day = today or clock.today()
    return await pending().filter(due_on__lt=day).order_by("due_on", "id")


def visible(query: QuerySet[Publication], *, now: dt.datetime | None = None
            ) -> QuerySet[Publication]:
    """Only what is public now: published, not withdrawn, past its embargo (R14)."""
    # In the database's time zone: SQLite compares datetimes as text, and Tortoise stores them
    # in the configured zone (Asia/Shanghai) but passes a UTC parameter through as is.
    at = (now or clock.now()).astimezone(clock.BEIJING)
    return query.filter(published_at__isnull=False, published_at__lte=at,
                        withdrawn_at__isnull=True).filter(
        Q(visible_from__isnull=True) | Q(visible_from__lte=at))


def reminder_stage(duty: Publication, stage: str, today: dt.date) -> str:
    """Where the duty stands today: "overdue", "due" (today) or "before" — a late timer (the
    worker was down) says what is true when it runs, not what it was set for."""
    if stage == "overdue" or (duty.due_on and duty.due_on < today):
        return "overdue"
    if stage == "due" or (duty.due_on and duty.due_on <= today):
        return "due"
    return "before"


async def on_publication_due(payload: dict[str, Any], *, base_url: str = "") -> None:
    """Outbox handler for "timer.publication_due": remind the responsible section's staff.

    Runs in the worker's transaction. A duty done or withdrawn meanwhile sends nothing.
    """
    duty = await Publication.get_or_none(id=int(payload["publication_id"]))
    stage = str(payload.get("stage", "due"))
    if duty is None or duty.published_at is not None or duty.withdrawn_at is not None:
        return
    if duty.section_id is None:
        return
    users = await Staff.filter(section_id=duty.section_id,
                               status=StaffStatus.ACTIVE).order_by("id").values_list(
        "wecom_userid", flat=True)
    if not users:
        return
    await messages.send(
        template=messages.Template.PUBLICATION_DUE, to=[str(u) for u in users],
        facts={"kind": str(duty.kind), "title": duty.title,
               "due_on": duty.due_on.isoformat() if duty.due_on else None,
               "provisional": duty.due_provisional,
               "stage": reminder_stage(duty, stage, clock.today()),
               "link": base_url.rstrip("/") + app_path(duty.id) if base_url else ""},
        key=f"publication:{duty.id}:remind:{stage}")
