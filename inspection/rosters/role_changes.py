"""Role grants need a second admin (issue 16 item 5, R8, R14).

Roles and the section decide what a member of staff may read — an initiator reads the confidential
campaigns of their section — so one 政策法规科 admin proposes a change of another account's roles
or section (`propose`), and it takes effect only when a different active admin approves it
(`decide`), validated again then as the import validates a row. Changes to one's own account stay
refused (`admin.edit_staff`, code `own_roles`); suspension and other fields take effect at once.
Proposal, approval and rejection are audited.
"""

from __future__ import annotations

from typing import Any

from inspection import audit, clock
from inspection.credit.fact_reviews import STATE_LABELS
from inspection.errors import Conflict, Forbidden, NotFound, Problem, ValidationFailed
from inspection.rosters import admin
from models.enums import ReviewState
from models.org import RoleChange, Section, Staff

GRANTS = frozenset({"roles", "section"})  # what needs a second admin
MAX_NOTE = 2000
MAX_LISTED = 500


async def propose(*, staff: Staff, staff_id: int, changes: dict[str, Any]) -> RoleChange:
    """File a change of `staff_id`'s roles and/or section for a second admin. Checked now as it
    will be at approval (a wrong section or role word is refused at once)."""
    person = await admin.get_staff(staff=staff, staff_id=staff_id)
    if person.id == staff.id:
        raise Forbidden("不能修改本人的角色、科室或在岗状态，请由政策法规科其他工作人员办理",
                        code="own_roles")
    changes = {k: v for k, v in changes.items() if k in GRANTS}
    if not changes:
        raise ValidationFailed([Problem("请填写要调整的角色或科室", field="roles")])
    admin.validate_staff_changes(person, changes, clock.today(),
                                 all_sections=await Section.all())
    if await RoleChange.exists(staff_id=person.id, state=ReviewState.PENDING):
        raise Conflict("role_change_pending", "此人已有一项待审批的角色或科室调整，请先办结")
    row = await RoleChange.create(staff_id=person.id, changes=changes, proposed_by_id=staff.id)
    await audit.record(actor=audit.staff_actor(staff.id), action="staff.role_change.propose",
                       obj=row, after=audit.snapshot(row))
    await row.fetch_related("staff", "proposed_by")
    return row


async def listed(*, staff: Staff, state: ReviewState | None = ReviewState.PENDING
                 ) -> list[RoleChange]:
    admin.require_admin(staff)
    query = RoleChange.all() if state is None else RoleChange.filter(state=state)
    return await query.order_by("id").limit(MAX_LISTED).prefetch_related(
        "staff", "proposed_by", "decided_by")


async def decide(*, staff: Staff, change_id: int, approve: bool, note: str
                 ) -> tuple[RoleChange, list[Problem]]:
    """Approve (the change takes effect now, returning the import's warnings) or reject it."""
    admin.require_admin(staff)
    row = await RoleChange.filter(id=change_id).select_for_update().first()
    if row is None:
        raise NotFound("角色调整申请")
    if staff.id in (row.proposed_by_id, row.staff_id):
        raise Forbidden("须由提出调整的人以外的政策法规科工作人员审批，本人的角色也不能自行审批",
                        code="second_admin_required")
    if row.state != ReviewState.PENDING:
        raise Conflict("already_decided", f"该申请已{STATE_LABELS[row.state]}，不能再次审批")
    note = (note or "").strip()
    if not approve and not note:
        raise ValidationFailed([Problem("不同意须说明理由", field="note")])
    if len(note) > MAX_NOTE:
        raise ValidationFailed([Problem(f"不能超过 {MAX_NOTE} 字", field="note")])
    warnings: list[Problem] = []
    if approve:
        _, warnings = await admin.edit_staff(staff=staff, staff_id=row.staff_id,
                                             changes=dict(row.changes), granted=True)
    before = audit.snapshot(row, ["state"])
    row.state = ReviewState.APPROVED if approve else ReviewState.REJECTED
    row.decided_by_id, row.decided_at, row.note = staff.id, clock.now(), note
    await row.save()
    await audit.record(actor=audit.staff_actor(staff.id),
                       action="staff.role_change." + ("approve" if approve else "reject"),
                       obj=row, before=before,
                       after=audit.snapshot(row, ["state", "decided_by_id", "note"]))
    await row.fetch_related("staff", "proposed_by", "decided_by")
    return row, warnings
