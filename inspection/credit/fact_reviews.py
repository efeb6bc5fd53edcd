"""A second person's review of weighty facts recorded by hand (issue 16 item 5, R18, R21).

A fact that alone puts an employer at grade C — criminal liability, child or forced labour, a mass
incident, obstruction or false materials, a refusal to carry out an order or decision (grading's
C clauses) — is not believed on one person's word: `integrity.record_fact` files it as a
`CreditFactReview`, outside the integrity file and the credit-platform export, until an active
政策法规科 admin other than the one who recorded it approves it. Approval writes the CreditEvent
then (a fresh id, so the export's cursor never passes over it); rejection writes nothing. Both
are audited.
"""

from __future__ import annotations

from inspection import audit, clock
from inspection.credit import ledger
from inspection.errors import Conflict, Forbidden, NotFound, Problem, ValidationFailed
from models.credit import CreditFactReview
from models.enums import CreditEventKind, ReviewState, StaffStatus
from models.org import Staff

# The kinds of fact that make a C clause apply by themselves (inspection/credit/grading.py).
REVIEWED_KINDS = frozenset({
    CreditEventKind.CRIMINAL, CreditEventKind.CHILD_LABOUR, CreditEventKind.FORCED_LABOUR,
    CreditEventKind.MASS_INCIDENT, CreditEventKind.OBSTRUCTION, CreditEventKind.FALSE_MATERIALS,
    CreditEventKind.REFUSED_RECTIFICATION,
})
# The one label table of ReviewState (also read for role changes, inspection/rosters/role_changes).
STATE_LABELS = {ReviewState.PENDING: "待复核", ReviewState.APPROVED: "已同意",
                ReviewState.REJECTED: "未同意"}
MAX_NOTE = 2000
MAX_LISTED = 500


def require_reviewer(staff: Staff) -> None:
    if not staff.is_admin or staff.status != StaffStatus.ACTIVE:
        raise Forbidden("只有政策法规科可以复核诚信档案事实", "admin_only")


async def pending(*, staff: Staff, state: ReviewState | None = ReviewState.PENDING
                  ) -> list[CreditFactReview]:
    """The facts waiting for review (or those in `state`), oldest first, with their employer and
    recorder."""
    require_reviewer(staff)
    query = CreditFactReview.all() if state is None else CreditFactReview.filter(state=state)
    return await query.order_by("id").limit(MAX_LISTED).prefetch_related(
        "employer", "recorded_by", "reviewed_by")


async def decide(*, staff: Staff, review_id: int, approve: bool, note: str) -> CreditFactReview:
    """Approve (the fact enters the integrity file and the export) or reject (with a reason)."""
    require_reviewer(staff)
    review = await CreditFactReview.filter(id=review_id).select_for_update().first()
    if review is None:
        raise NotFound("待复核事实")
    if review.recorded_by_id == staff.id:
        raise Forbidden("不能复核本人记录的事实，请由政策法规科其他工作人员复核", "own_fact")
    if review.state != ReviewState.PENDING:
        raise Conflict("already_reviewed", f"该事实已{STATE_LABELS[review.state]}，不能再次复核")
    note = (note or "").strip()
    if not approve and not note:
        raise ValidationFailed([Problem("不予确认须说明理由", field="note")])
    if len(note) > MAX_NOTE:
        raise ValidationFailed([Problem(f"不能超过 {MAX_NOTE} 字", field="note")])
    before = audit.snapshot(review, ["state"])
    review.state = ReviewState.APPROVED if approve else ReviewState.REJECTED
    review.reviewed_by_id, review.reviewed_at, review.review_note = staff.id, clock.now(), note
    if approve:
        event = await ledger.append(
            employer_id=review.employer_id, kind=review.kind, occurred_on=review.occurred_on,
            source_type="credit_event", source_id=None,
            detail={**review.detail, "recorded_by": review.recorded_by_id,
                    "reviewed_by": staff.id})
        review.event_id = event.id
    await review.save()
    await audit.record(actor=audit.staff_actor(staff.id),
                       action="credit.fact.approve" if approve else "credit.fact.reject",
                       obj=review, before=before,
                       after=audit.snapshot(review, ["state", "reviewed_by_id", "review_note",
                                                     "event_id"]))
    await review.fetch_related("employer", "recorded_by", "reviewed_by")
    return review
