"""Roster maintenance by 政策法规科 (Staff.is_admin) outside the CLI: upload an import, download an
export, edit one employer or member of staff, declare and withdraw conflicts (回避).

A single-record edit runs the very row validation of the import (R8, R9), so a value refused in a
spreadsheet is refused here with the same Chinese message, and is audited the same way (R21).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from typing import Any

from tortoise.expressions import Q

from inspection import audit, clock
from inspection.callup import recusal
from inspection.errors import Conflict, Forbidden, NotFound, Problem, ValidationFailed
from inspection.items import importing as item_import
from inspection.rosters import employers as rosters
from inspection.rosters import inspectors
from inspection.rosters.importing import ImportSummary, RowErrors, apply
from inspection.rosters.tabular import Column
from models.employers import Employer, GradeChange
from models.enums import StaffStatus
from models.org import Conflict as ConflictOfInterest
from models.org import Section, Staff

KINDS = ("sections", "employers", "inspectors", "items")
EXPORTS: dict[str, Callable[[], Awaitable[bytes]]] = {
    "sections": inspectors.export_sections, "employers": rosters.export_employers,
    "inspectors": inspectors.export_inspectors, "items": item_import.export_items,
}


def require_admin(staff: Staff) -> None:
    if not staff.is_admin or staff.status != StaffStatus.ACTIVE:
        raise Forbidden("只有政策法规科可以维护名录库和抽查事项清单", "admin_only")


async def admin_userids() -> list[str]:
    """The WeCom accounts of 政策法规科 (active admins): who is told about the rosters' and the
    calendar's upkeep."""
    return [str(u) for u in await Staff.filter(is_admin=True, status=StaffStatus.ACTIVE)
            .order_by("id").values_list("wecom_userid", flat=True)]


async def import_roster(*, staff: Staff, kind: str, data: bytes, filename: str,
                        publish: bool = False) -> ImportSummary:
    """An upload by 政策法规科, as the CLI imports it."""
    require_admin(staff)
    return await import_kind(kind=kind, data=data, filename=filename,
                             actor=audit.staff_actor(staff.id), publish=publish, grants=False)


async def import_kind(*, kind: str, data: bytes, filename: str, actor: str,
                      publish: bool = False, grants: bool = True) -> ImportSummary:
    """One spreadsheet of one kind, all-or-nothing (ValidationFailed lists every bad row); the
    caller has authorised it (the API above, or the operator at the CLI)."""
    if kind == "employers":
        return await rosters.import_employers(data=data, filename=filename, actor=actor)
    if kind == "inspectors":
        # Over the staff API no row changes an existing person's roles or section (issue 16).
        return await inspectors.import_inspectors(data=data, filename=filename, actor=actor,
                                                  grants=grants)
    if kind == "sections":
        return await inspectors.import_sections(data=data, filename=filename, actor=actor)
    if kind == "items":
        return await item_import.import_items(data=data, filename=filename, actor=actor,
                                              publish=publish)
    raise NotFound("名录类型")


async def export_roster(*, staff: Staff, kind: str) -> bytes:
    require_admin(staff)
    if kind not in EXPORTS:
        raise NotFound("名录类型")
    return await EXPORTS[kind]()


def _single_record(errors: RowErrors, columns: list[Column]) -> None:
    """Row errors of the one edited record, named by the API's field names, not sheet headers."""
    keys = {c.header: c.key for c in columns}
    if errors.problems:
        raise ValidationFailed([Problem(p.message, field=keys.get(p.field or "", p.field),
                                        code=p.code) for p in errors.problems])


async def list_employers(*, staff: Staff, q: str, page: int, page_size: int
                         ) -> tuple[list[Employer], int]:
    require_admin(staff)
    query = Employer.all()
    if q:
        query = query.filter(uscc=q.upper()) if len(q) == 18 else query.filter(name__icontains=q)
    total = await query.count()
    rows = await query.order_by("uscc").offset((page - 1) * page_size).limit(page_size)
    return rows, total


async def get_employer(*, staff: Staff, employer_id: int) -> Employer:
    require_admin(staff)
    employer = await Employer.get_or_none(id=employer_id)
    if employer is None:
        raise NotFound("用人单位")
    return employer


async def edit_employer(*, staff: Staff, employer_id: int, changes: dict[str, Any],
                        today: dt.date | None = None) -> Employer:
    """Change some fields of one employer (R9), validated as the import validates a row; a
    changed grade also writes the grade history (R12). The USCC is the key and cannot change."""
    employer = await get_employer(staff=staff, employer_id=employer_id)
    errors = RowErrors(rosters.EMPLOYER_COLUMNS)
    values = {"uscc": employer.uscc, "name": employer.name, **changes}
    clean = rosters.validate_row(values, 0, ["name", *changes], errors)
    # The USCC is not being edited: a legacy record's key must not block fixing other fields.
    errors.problems = [p for p in errors.problems if p.field != errors.headers["uscc"]]
    _single_record(errors, rosters.EMPLOYER_COLUMNS)
    clean.pop("uscc")
    _, before = await apply(model=Employer, existing=employer, values=clean,
                            actor=audit.staff_actor(staff.id), action="employer", key=employer.uscc,
                            summary=ImportSummary(kind="employers"))
    if "grade" in before:
        await GradeChange.create(employer=employer, grade=employer.grade, previous=before["grade"],
                                 effective_from=today or clock.today(), source="manual",
                                 reason="名录维护", decided_by=staff)
    return employer


async def list_staff(*, staff: Staff, q: str, page: int, page_size: int
                     ) -> tuple[list[Staff], int]:
    require_admin(staff)
    query = Staff.all()
    if q:
        query = query.filter(Q(name__icontains=q) | Q(wecom_userid=q))
    total = await query.count()
    rows = await (query.order_by("wecom_userid").offset((page - 1) * page_size)
                  .limit(page_size).prefetch_related("section"))
    return rows, total


async def get_staff(*, staff: Staff, staff_id: int) -> Staff:
    require_admin(staff)
    person = await Staff.get_or_none(id=staff_id).prefetch_related("section")
    if person is None:
        raise NotFound("人员")
    return person


SELF_LOCKED = frozenset({"roles", "section", "status"})


def validate_staff_changes(person: Staff, changes: dict[str, Any], day: dt.date, *,
                           all_sections: list[Section], taken: bool = False) -> tuple[dict[str, Any], RowErrors, list[Problem]]:
    """Check `changes` to `person` as the import checks a row (R8): certificate required of
    inspectors, expiry warnings. Raises on errors unless `taken` (the caller adds its own first)."""
    errors = RowErrors(inspectors.INSPECTOR_COLUMNS)
    sections = inspectors.section_lookup(all_sections)
    warnings: list[Problem] = []
    values = {"name": person.name, "wecom_userid": person.wecom_userid,
              "section": person.section.code, **changes}
    clean = inspectors.validate_row(values, 0, list(changes), errors, sections, day, warnings)
    inspector = clean.get("is_inspector", person.is_inspector)
    cert = clean.get("cert_no", person.cert_no)
    until = clean.get("cert_valid_until", person.cert_valid_until)
    # Only when the edit touches them: suspending someone must never wait on their paperwork.
    touches_cert = bool({"cert_no", "cert_valid_until", "roles"} & set(changes))
    if (touches_cert and inspector and (not cert or until is None)
            and until is not inspectors.BAD_DATE):
        errors.add(0, "cert_no", "执法检查人员须填写执法证号和执法证有效期至", "cert_required")
    if not taken:
        _single_record(errors, inspectors.INSPECTOR_COLUMNS)
    return clean, errors, warnings


async def edit_staff(*, staff: Staff, staff_id: int, changes: dict[str, Any],
                     today: dt.date | None = None, granted: bool = False
                     ) -> tuple[Staff, list[Problem]]:
    """Change some fields of one member of staff (R8), validated as the import validates a row:
    certificate required of inspectors, unique certificate number, expiry warnings. Returns the
    warnings; the caller ends the sessions of someone no longer active. Roles and section change
    only through a second admin's approval (`role_changes.decide`, which passes `granted`)."""
    person = await get_staff(staff=staff, staff_id=staff_id)
    if person.id == staff.id and SELF_LOCKED & set(changes):
        # Otherwise an admin could make themselves an initiator of any section and read its
        # confidential campaigns (R14); another admin changes these.
        raise Forbidden("不能修改本人的角色、科室或在岗状态，请由政策法规科其他工作人员办理",
                        code="own_roles")
    if not granted and {"roles", "section"} & set(changes):
        raise Conflict("second_admin_required",
                       "角色和科室的调整须由政策法规科另一名工作人员审批：请提出调整申请")
    clean, errors, warnings = validate_staff_changes(person, changes, today or clock.today(),
                                                     all_sections=await Section.all(), taken=True)
    cert = clean.get("cert_no", person.cert_no)
    if cert and await Staff.filter(cert_no=cert).exclude(id=person.id).exists():
        errors.add(0, "cert_no", f"执法证号「{cert}」已登记在他人名下", "cert_taken")
    _single_record(errors, inspectors.INSPECTOR_COLUMNS)
    clean.pop("wecom_userid")
    await apply(model=Staff, existing=person, values=clean, actor=audit.staff_actor(staff.id),
                action="staff", key=person.wecom_userid, summary=ImportSummary(kind="inspectors"))
    await person.fetch_related("section")
    keys = {c.header: c.key for c in inspectors.INSPECTOR_COLUMNS}
    return person, [Problem(w.message, field=keys.get(w.field or "", w.field), code=w.code)
                    for w in warnings]


async def declare_conflict(*, staff: Staff, staff_id: int, employer_id: int,
                           reason: str) -> ConflictOfInterest:
    """A declared 回避: the assignment and the draw never put this person on this employer, and
    call-ups and visits under way drop them from it (inspection.callup.recusal)."""
    person = await get_staff(staff=staff, staff_id=staff_id)
    employer = await get_employer(staff=staff, employer_id=employer_id)
    if not reason.strip():
        raise ValidationFailed([Problem("请填写回避理由", field="reason", code="required")])
    if await ConflictOfInterest.filter(staff=person, employer=employer).exists():
        raise Conflict("conflict_exists", f"{person.name}与{employer.name}的回避关系已登记")
    row = await ConflictOfInterest.create(staff=person, employer=employer, reason=reason.strip())
    await audit.record(actor=audit.staff_actor(staff.id), action="conflict.declare", obj=row,
                       after={"staff_id": person.id, "employer_id": employer.id,
                              "reason": row.reason})
    # Found later (e.g. the employer's relationship came to light): campaigns under way follow.
    await recusal.apply_conflict(staff_id=person.id, employer_id=employer.id, reason=row.reason,
                                 now=clock.now(), actor=audit.staff_actor(staff.id))
    return row


async def list_conflicts(*, staff: Staff, staff_id: int) -> list[ConflictOfInterest]:
    person = await get_staff(staff=staff, staff_id=staff_id)
    return await (ConflictOfInterest.filter(staff=person).order_by("id")
                  .prefetch_related("employer"))


async def all_conflicts(*, staff: Staff, q: str, page: int, page_size: int
                        ) -> tuple[list[ConflictOfInterest], int]:
    """The 回避 registry: every declared conflict, newest first; `q` matches the person's or the
    employer's name (contains) or the employer's USCC (exact)."""
    require_admin(staff)
    query = ConflictOfInterest.all()
    if q:
        names = Q(staff__name__icontains=q) | Q(employer__name__icontains=q)
        # Only something shaped like a code is compared with one (the column holds 18).
        code = q.strip().upper()
        query = query.filter(names | Q(employer__uscc=code) if len(code) == 18 else names)
    total = await query.count()
    rows = await (query.order_by("-id").offset((page - 1) * page_size).limit(page_size)
                  .prefetch_related("staff__section", "employer"))
    return rows, total


async def delete_conflict(*, staff: Staff, conflict_id: int) -> None:
    require_admin(staff)
    row = await ConflictOfInterest.get_or_none(id=conflict_id)
    if row is None:
        raise NotFound("回避关系")
    await audit.record(actor=audit.staff_actor(staff.id), action="conflict.delete", obj=row,
                       before={"staff_id": row.staff_id, "employer_id": row.employer_id,
                               "reason": row.reason})
    await row.delete()
