"""The wage-arrears blacklist (R23) under 《拖欠农民工工资失信联合惩戒对象名单管理暂行办法》
(人力资源社会保障部令第45号, 2021, in force 2022-01-01).

Lifecycle: prior notice (事先告知) → a statement-and-defence window (陈述、申辩) of
HEARING_WORKING_DAYS working days after the notice is served → decision to list (or not) → in force
for TERM_YEARS years from the decision → expiry, or early removal (信用修复, 提前移出) once the
arrears are paid (改正), EARLY_REMOVAL_MONTHS months have passed on the list since the day they were
paid, and a written credit pledge (书面信用承诺) not to owe wages again is made. The employer and its
legal representative are listed together.

Who (谁执法、谁认定、谁负责): the section that enforced — the labour-inspection section, `is_initiator`
— gives notice, decides and removes; 政策法规科 reads. What is public: the party and its legal
representative, the cause, the basis, the listing date and the term, and the deciding bureau, while
in force (portal/window_data.py); a listing is published the day it is decided.

Periods in years and months follow 《民法典》第二百零一条 (the day the period starts is not counted)
and 第二百零二条 (按照年、月计算期间的，到期月的对应日为期间的最后一日；没有对应日的，月末日为期间的
最后一日): a listing decided on 2024-02-29 ends on 2027-02-28, one decided on 2023-02-28 on
2026-02-28; arrears paid on 2024-08-31 allow removal from 2025-02-28.
"""

from __future__ import annotations

import calendar
import datetime as dt

from inspection import audit, clock, outbox
from inspection.calendar import WorkingCalendar, add_working_days
from inspection.credit import ledger
from inspection.errors import Conflict, Forbidden, NotFound, Problem, ValidationFailed
from inspection.publication import duties
from models.employers import BlacklistEntry, Employer
from models.enums import BlacklistStatus, CreditEventKind, PublicationKind, StaffStatus
from models.org import Staff

RULE = "《拖欠农民工工资失信联合惩戒对象名单管理暂行办法》（人力资源社会保障部令第45号）"
HEARING_WORKING_DAYS = 5
TERM_YEARS = 3
EARLY_REMOVAL_MONTHS = 6
EXPIRY_TOPIC = "timer.blacklist_expiry"
MAX_TEXT = 2000


def add_months(start: dt.date, months: int) -> dt.date:
    """The corresponding day `months` later, or the last day of that month (民法典第二百零二条)."""
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def term_end(decided_on: dt.date) -> dt.date:
    """The last day in force of a listing decided on `decided_on`."""
    return add_months(decided_on, 12 * TERM_YEARS)


def earliest_removal(arrears_paid_on: dt.date, decided_on: dt.date) -> dt.date:
    """The first day an early removal may be decided: six months on the list counted from the
    day the arrears were paid (自改正之日起被列入名单满6个月), or from the listing if they were
    paid before it."""
    return add_months(max(arrears_paid_on, decided_on), EARLY_REMOVAL_MONTHS)


async def _officer(staff_id: int) -> Staff:
    # 谁执法、谁认定: the section that enforced decides, not the policy section.
    staff = await Staff.get_or_none(id=staff_id)
    if staff is None or staff.status != StaffStatus.ACTIVE or not staff.is_initiator:
        raise Forbidden("失信联合惩戒名单由执法的劳动保障监察科室（发起科室）告知、认定和移出",
                        "enforcing_section_only")
    return staff


def _text(value: str, name: str, problems: list[Problem], *, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        problems.append(Problem("必须填写", field=name))
    elif len(value) > MAX_TEXT:
        problems.append(Problem(f"不能超过 {MAX_TEXT} 字", field=name))
    return value


async def _entry(entry_id: int) -> BlacklistEntry:
    entry = await BlacklistEntry.get_or_none(id=entry_id)
    if entry is None:
        raise NotFound("名单记录")
    return entry


async def give_notice(*, employer_id: int, cause: str, basis: str, noticed_on: dt.date,
                      staff_id: int, legal_rep: str | None = None,
                      today: dt.date | None = None) -> BlacklistEntry:
    """事先告知: record the notice served and open the statement-and-defence window."""
    staff = await _officer(staff_id)
    employer = await Employer.get_or_none(id=employer_id)
    if employer is None:
        raise NotFound("用人单位")
    today = today or clock.today()
    problems: list[Problem] = []
    cause = _text(cause, "cause", problems)
    basis = _text(basis, "basis", problems)
    rep = _text(legal_rep if legal_rep is not None else employer.legal_rep, "legal_rep", problems)
    if len(rep) > 64:
        problems.append(Problem("不能超过 64 字", field="legal_rep"))
    if noticed_on > today:
        problems.append(Problem("告知书送达日期不能晚于今天", field="noticed_on"))
    if problems:
        raise ValidationFailed(problems)
    if await BlacklistEntry.filter(employer_id=employer.id, status__in=[
            BlacklistStatus.NOTICED, BlacklistStatus.IN_FORCE]).exists():
        raise Conflict("blacklist_open", "该单位已有在办或生效的名单记录")
    hearing = await add_working_days(noticed_on, HEARING_WORKING_DAYS)
    entry = await BlacklistEntry.create(
        employer_id=employer.id, legal_rep=rep, status=BlacklistStatus.NOTICED, cause=cause,
        basis=basis, noticed_on=noticed_on, hearing_until=hearing.day,
        hearing_provisional=hearing.provisional)
    await audit.record(actor=audit.staff_actor(staff.id), action="blacklist.notice", obj=entry,
                       after=audit.snapshot(entry))
    return entry


async def confirm_hearings(*, calendar: WorkingCalendar, actor: str) -> int:
    """Recount the statement-and-defence windows still open that were counted without the
    holiday schedule. The notice was served with its date, so a window is never shortened: the
    employer keeps the later of the two. Returns how many changed."""
    changed = 0
    for entry in await BlacklistEntry.filter(status=BlacklistStatus.NOTICED,
                                             hearing_provisional=True).order_by("id"):
        if entry.noticed_on is None or entry.hearing_until is None:
            continue
        counted = calendar.due(entry.noticed_on, HEARING_WORKING_DAYS)
        until = max(counted.day, entry.hearing_until)
        if (until, counted.provisional) == (entry.hearing_until, entry.hearing_provisional):
            continue
        fields = ["hearing_until", "hearing_provisional"]
        before = audit.snapshot(entry, fields)
        entry.hearing_until, entry.hearing_provisional = until, counted.provisional
        await entry.save(update_fields=[*fields, "updated_at"])
        await audit.record(actor=actor, action="blacklist.hearing_confirmed", obj=entry,
                           before=before, after=audit.snapshot(entry, fields))
        changed += 1
    return changed


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0, 0), tzinfo=clock.BEIJING).astimezone(dt.UTC)


async def decide(*, entry_id: int, staff_id: int, listed: bool, decided_on: dt.date,
                 reason: str = "", today: dt.date | None = None) -> BlacklistEntry:
    """列入决定 (or 不予列入 after the statements), only once the window has closed."""
    staff = await _officer(staff_id)
    entry = await _entry(entry_id)
    today = today or clock.today()
    if entry.status != BlacklistStatus.NOTICED:
        raise Conflict("blacklist_not_noticed", "该记录不在事先告知阶段，不能作出决定")
    problems: list[Problem] = []
    reason = _text(reason, "reason", problems, required=not listed)
    if decided_on > today:
        problems.append(Problem("决定日期不能晚于今天", field="decided_on"))
    if problems:
        raise ValidationFailed(problems)
    assert entry.hearing_until is not None
    if decided_on <= entry.hearing_until:
        raise Conflict("hearing_window_open",
                       f"陈述、申辩期至 {entry.hearing_until.isoformat()} 届满，届满后方可作出决定")
    before = audit.snapshot(entry)
    entry.decided_on, entry.decided_by = decided_on, staff
    if listed:
        entry.status = BlacklistStatus.IN_FORCE
        entry.term_start, entry.term_end = decided_on, term_end(decided_on)
    else:
        entry.status, entry.removal_reason = BlacklistStatus.WITHDRAWN, reason
    await entry.save()
    await audit.record(actor=audit.staff_actor(staff.id),
                       action="blacklist.list" if listed else "blacklist.withdraw", obj=entry,
                       before=before, after=audit.snapshot(entry))
    if listed:
        assert entry.term_end is not None
        employer = await Employer.get(id=entry.employer_id)
        await ledger.append(
            employer_id=entry.employer_id, kind=CreditEventKind.BLACKLISTED,
            occurred_on=decided_on, source_type="blacklist_entry", source_id=entry.id,
            detail={"summary": f"列入失信联合惩戒对象名单，期限至 {entry.term_end.isoformat()}",
                    "employer_name": employer.name, "legal_rep": entry.legal_rep,
                    "cause": entry.cause, "basis": entry.basis, "term_start": entry.term_start,
                    "term_end": entry.term_end})
        await outbox.enqueue(topic=EXPIRY_TOPIC, payload={"entry_id": entry.id},
                             key=f"blacklist-expiry:{entry.id}",
                             due_at=_midnight(entry.term_end + dt.timedelta(days=1)))
        await duties.record_published(  # public from the decision (R23)
            kind=PublicationKind.BLACKLIST, object_type="blacklist_entry", object_id=entry.id,
            title=f"{employer.name}列入拖欠农民工工资失信联合惩戒对象名单"[:200],
            section_id=staff.section_id, actor=audit.staff_actor(staff.id))
    return entry


async def remove_early(*, entry_id: int, staff_id: int, removed_on: dt.date,
                       arrears_paid_on: dt.date, pledge: str, pledged_on: dt.date | None = None,
                       note: str = "", today: dt.date | None = None) -> BlacklistEntry:
    """信用修复: early removal once the arrears are paid, six months have passed on the list
    since the day they were paid, and a written credit pledge is made."""
    staff = await _officer(staff_id)
    entry = await _entry(entry_id)
    today = today or clock.today()
    if entry.status != BlacklistStatus.IN_FORCE:
        raise Conflict("blacklist_not_in_force", "该记录不在名单有效期内，不能提前移出")
    problems: list[Problem] = []
    pledge = _text(pledge, "pledge", problems)
    note = _text(note, "note", problems, required=False)
    pledged_on = pledged_on or removed_on
    assert entry.noticed_on is not None and entry.decided_on is not None
    if not entry.noticed_on <= arrears_paid_on <= today:
        problems.append(Problem("拖欠工资付清日期须在事先告知之后、不晚于今天",
                                field="arrears_paid_on"))
    if not arrears_paid_on <= pledged_on <= today:
        problems.append(Problem("信用承诺日期须在工资付清之后、不晚于今天", field="pledged_on"))
    if removed_on > today:
        problems.append(Problem("移出日期不能晚于今天", field="removed_on"))
    if problems:
        raise ValidationFailed(problems)
    earliest = earliest_removal(arrears_paid_on, entry.decided_on)
    if removed_on < earliest:
        raise Conflict("too_early",
                       f"自拖欠工资付清之日（{arrears_paid_on.isoformat()}）起在名单上未满"
                       f"{EARLY_REMOVAL_MONTHS}个月，最早可于 {earliest.isoformat()} 提前移出")
    before = audit.snapshot(entry)
    entry.status, entry.removed_on = BlacklistStatus.REMOVED, removed_on
    entry.arrears_paid_on, entry.pledge, entry.pledged_on = arrears_paid_on, pledge, pledged_on
    entry.removal_reason = (f"信用修复：拖欠工资已于 {arrears_paid_on.isoformat()} 付清，"
                            f"已作出书面信用承诺" + (f"；{note}" if note else ""))
    await entry.save()
    await audit.record(actor=audit.staff_actor(staff.id), action="blacklist.remove", obj=entry,
                       before=before, after=audit.snapshot(entry))
    await _removed_event(entry, removed_on, "提前移出（信用修复）")
    await outbox.cancel(key=f"blacklist-expiry:{entry.id}")
    return entry


async def _removed_event(entry: BlacklistEntry, on: dt.date, why: str) -> None:
    detail: dict[str, object] = {"summary": f"移出失信联合惩戒对象名单：{why}", "reason": why,
                                 "legal_rep": entry.legal_rep}
    if entry.arrears_paid_on is not None:
        detail |= {"arrears_paid_on": entry.arrears_paid_on, "pledged_on": entry.pledged_on}
    await ledger.append(employer_id=entry.employer_id,
                        kind=CreditEventKind.BLACKLIST_REMOVED, occurred_on=on,
                        source_type="blacklist_entry", source_id=entry.id, detail=detail)


async def expire(*, today: dt.date | None = None,
                 actor: str = audit.SYSTEM) -> list[BlacklistEntry]:
    """Move every listing whose term has ended to EXPIRED (the timer's work; also a sweep)."""
    today = today or clock.today()
    done = []
    for entry in await BlacklistEntry.filter(status=BlacklistStatus.IN_FORCE,
                                             term_end__lt=today).order_by("id"):
        before = audit.snapshot(entry)
        entry.status = BlacklistStatus.EXPIRED
        await entry.save()
        await audit.record(actor=actor, action="blacklist.expire", obj=entry, before=before,
                           after=audit.snapshot(entry))
        assert entry.term_end is not None
        await _removed_event(entry, entry.term_end + dt.timedelta(days=1), "期满移出")
        done.append(entry)
    return done


async def on_blacklist_expiry(payload: dict[str, object]) -> None:
    """Outbox handler for "timer.blacklist_expiry" (runs in the worker's transaction)."""
    await expire()


async def in_force(*, today: dt.date | None = None) -> list[BlacklistEntry]:
    """Listings in force on `today` — what the public window shows (employer prefetched)."""
    today = today or clock.today()
    return await BlacklistEntry.filter(
        status=BlacklistStatus.IN_FORCE, term_start__lte=today, term_end__gte=today,
    ).select_related("employer").order_by("term_start", "id")
