"""Fieldwork's words for a finding's result, a rectification order's state, a follow-up's
result and the review of an employer's upload: the one table each, read by the notices (inspection/notices/particulars.py), the notice
page, the campaign report and the domain's own refusals. A leaf module (it imports only the
enums), so the notices and the report read it without an import cycle."""

from __future__ import annotations

from models.enums import EvidenceReview, FindingResult, FollowUpResult, RectificationState

RESULT_LABELS: dict[FindingResult, str] = {
    FindingResult.COMPLIANT: "符合", FindingResult.NONCOMPLIANT: "不符合",
    FindingResult.NOT_APPLICABLE: "不适用"}
ORDER_STATE_LABELS: dict[RectificationState, str] = {
    RectificationState.OPEN: "整改中", RectificationState.RECTIFIED: "已整改",
    RectificationState.ESCALATED: "已转立案查处", RectificationState.CANCELLED: "已撤销"}
FOLLOW_UP_LABELS: dict[FollowUpResult, str] = {
    FollowUpResult.RECTIFIED: "已整改", FollowUpResult.PARTIAL: "部分整改",
    FollowUpResult.NOT_RECTIFIED: "未整改"}
# An employer's upload as the notice page shows it to the employer (R22).
REVIEW_LABELS: dict[EvidenceReview, str] = {
    EvidenceReview.PENDING: "待执法人员审核", EvidenceReview.ACCEPTED: "已采纳",
    EvidenceReview.REJECTED: "未采纳"}
