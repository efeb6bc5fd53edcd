"""Rectification material uploaded by employers from a notice's page (`/n/{token}`, R22).

Each upload tells the visit's team by WeCom at once, waits in their list (`list_uploads`) and
is reviewed by one of them: accepted, or not accepted with a reason that the employer reads on
the notice page. A review is final (a new upload is the way to answer a rejection); every step
is audited (R21). Uploading itself is `inspection.notices.issuing.add_employer_evidence`.
"""

from __future__ import annotations

from inspection import audit, clock, messages
from inspection.access import Need, inspection_for
from inspection.errors import Conflict, NotFound, Problem, ValidationFailed
from inspection.fieldwork import labels
from inspection.fieldwork.inspections import illegal
from models.campaigns import Campaign
from models.employers import Employer
from models.enums import EvidenceReview, InspectionState, StaffStatus
from models.fieldwork import Evidence, Inspection, InspectionMember
from models.notices import Notice
from models.org import Staff

MAX_REASON = 500

async def notify_team(*, evidence: Evidence, notice: Notice, title: str) -> None:
    """Tell the visit's active team members that material is waiting for them (outbox)."""
    inspection = await Inspection.get(id=evidence.inspection_id)
    users = await InspectionMember.filter(
        inspection_id=inspection.id, staff__status=StaffStatus.ACTIVE
    ).values_list("staff__wecom_userid", flat=True)
    employer = await Employer.get(id=inspection.employer_id)
    # The team exists, so naming the employer is allowed even for a confidential campaign (R14).
    campaign = await Campaign.filter(inspections__id=inspection.id).order_by("id").first()
    await messages.send(
        template=messages.Template.EMPLOYER_UPLOAD, to=[str(u) for u in users],
        facts={"employer": employer.name, "title": title, "number": notice.number,
               "file": evidence.original_name or "", "code": inspection.code,
               "inspection_id": inspection.id},
        key=f"employer-upload:{evidence.id}", campaign=campaign)


async def list_uploads(*, staff: Staff, inspection_id: int) -> list[Evidence]:
    """The employer's uploads for one visit, newest first, with their notices."""
    inspection = await inspection_for(staff=staff, inspection_id=inspection_id, need=Need.READ)
    return list(await Evidence.filter(inspection_id=inspection.id, notice_id__isnull=False)
                .order_by("-id").prefetch_related("notice", "reviewed_by"))


async def review(*, staff: Staff, evidence_id: int, accepted: bool, reason: str) -> Evidence:
    """Accept an upload, or refuse it with a reason the employer will read."""
    evidence = await Evidence.filter(id=evidence_id).select_for_update().first()
    if evidence is None:
        raise NotFound("证据材料")
    inspection = await inspection_for(staff=staff, inspection_id=evidence.inspection_id,
                                      need=Need.WORK, lock=True)
    if evidence.notice_id is None:
        raise Conflict("not_employer_upload", "只有用人单位上传的整改材料需要审核")
    if inspection.state == InspectionState.CLOSED:
        raise illegal(inspection.state, "不能再审核整改材料")
    if evidence.review_status not in (None, EvidenceReview.PENDING):
        raise Conflict("already_reviewed", "该材料已审核（"
                       f"{labels.REVIEW_LABELS[evidence.review_status]}），不能重复审核")
    why = reason.strip()
    if not accepted and not why:
        raise ValidationFailed([Problem("不予采纳须说明理由，用人单位将在文书页面看到",
                                        field="reason", code="required")])
    if len(why) > MAX_REASON:
        raise ValidationFailed([Problem(f"理由不能超过 {MAX_REASON} 字", field="reason")])
    fields = ["review_status", "review_reason", "reviewed_at", "reviewed_by_id", "reviewed"]
    before = audit.snapshot(evidence, fields)
    evidence.review_status = EvidenceReview.ACCEPTED if accepted else EvidenceReview.REJECTED
    evidence.review_reason, evidence.reviewed_at = why, clock.now()
    evidence.reviewed_by_id, evidence.reviewed = staff.id, True
    await evidence.save(update_fields=[*fields, "updated_at"])
    await audit.record(actor=audit.staff_actor(staff.id), action="evidence.review", obj=evidence,
                       before=before, after=audit.snapshot(evidence, fields))
    await evidence.fetch_related("notice", "reviewed_by")
    return evidence
