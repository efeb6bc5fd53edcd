"""Inspections (one visit per employer, R20), findings, evidence, rectification and follow-up (R22)."""

from tortoise import fields

from models.base import TimestampedModel
from models.enums import (
    EvidenceReview,
    FindingResult,
    FollowUpResult,
    InspectionState,
    RectificationState,
)


class Inspection(TimestampedModel):
    id = fields.IntField(primary_key=True)
    code = fields.CharField(max_length=32, unique=True)  # 检查编号, e.g. JC2026-0001
    employer = fields.ForeignKeyField("models.Employer", related_name="inspections")
    employer_id: int
    state = fields.CharEnumField(InspectionState, max_length=16, default=InspectionState.PLANNED)
    window_start = fields.DateField()
    window_end = fields.DateField()
    checkin_at = fields.DatetimeField(null=True)
    checkin_lat = fields.FloatField(null=True)
    checkin_lng = fields.FloatField(null=True)
    checkin_note = fields.CharField(max_length=200, default="")
    submitted_at = fields.DatetimeField(null=True)
    closed_at = fields.DatetimeField(null=True)
    summary = fields.TextField(default="")
    campaigns: fields.ManyToManyRelation = fields.ManyToManyField(
        "models.Campaign", related_name="inspections", through="inspection_campaign"
    )

    class Meta:
        table = "inspection"


class InspectionMember(TimestampedModel):
    id = fields.IntField(primary_key=True)
    inspection = fields.ForeignKeyField(
        "models.Inspection", related_name="members", on_delete=fields.CASCADE
    )
    inspection_id: int
    staff = fields.ForeignKeyField("models.Staff", related_name="inspection_memberships")
    staff_id: int
    confirmed_at = fields.DatetimeField(null=True)  # signs off the findings

    class Meta:
        table = "inspection_member"
        unique_together = (("inspection", "staff"),)


class Finding(TimestampedModel):
    id = fields.IntField(primary_key=True)
    inspection = fields.ForeignKeyField(
        "models.Inspection", related_name="findings", on_delete=fields.CASCADE
    )
    inspection_id: int
    item_version = fields.ForeignKeyField("models.ItemVersion", related_name="findings")
    item_version_id: int
    result = fields.CharEnumField(FindingResult, max_length=16)
    description = fields.TextField(default="")
    basis = fields.TextField(default="")
    recorded_by = fields.ForeignKeyField("models.Staff", related_name="findings")
    recorded_by_id: int

    class Meta:
        table = "finding"
        unique_together = (("inspection", "item_version"),)


class RectificationOrder(TimestampedModel):
    # 限期改正指令书: the order itself; its printable form is a Notice.

    id = fields.IntField(primary_key=True)
    inspection = fields.ForeignKeyField(
        "models.Inspection", related_name="rectification_orders"
    )
    inspection_id: int
    employer = fields.ForeignKeyField("models.Employer", related_name="rectification_orders")
    employer_id: int
    requirements = fields.TextField()
    issued_on = fields.DateField()
    working_days = fields.IntField()
    deadline = fields.DateField()
    # Counted past the holiday data the system had (weekdays assumed): shown as 暂定 until the
    # year's schedule is entered and the deadline confirmed (inspection/holiday_schedule.py).
    deadline_provisional = fields.BooleanField(default=False)
    state = fields.CharEnumField(RectificationState, max_length=16, default=RectificationState.OPEN)
    closed_on = fields.DateField(null=True)
    issued_by = fields.ForeignKeyField("models.Staff", related_name="rectification_orders")
    issued_by_id: int
    findings: fields.ManyToManyRelation = fields.ManyToManyField(
        "models.Finding", related_name="rectification_orders", through="rectification_finding"
    )

    class Meta:
        table = "rectification_order"


class FollowUp(TimestampedModel):
    # 回访: a follow-up visit to check that a problem was put right (R22).

    id = fields.IntField(primary_key=True)
    order = fields.ForeignKeyField(
        "models.RectificationOrder", related_name="follow_ups", on_delete=fields.CASCADE
    )
    order_id: int
    visited_on = fields.DateField()
    result = fields.CharEnumField(FollowUpResult, max_length=16)
    note = fields.TextField(default="")
    recorded_by = fields.ForeignKeyField("models.Staff", related_name="follow_ups")
    recorded_by_id: int

    class Meta:
        table = "follow_up"


class Evidence(TimestampedModel):
    # A photo or document. Content type is sniffed from the bytes, never taken from the client.

    id = fields.IntField(primary_key=True)
    inspection = fields.ForeignKeyField(
        "models.Inspection", related_name="evidence", on_delete=fields.CASCADE
    )
    inspection_id: int
    finding = fields.ForeignKeyField(
        "models.Finding", related_name="evidence", null=True, on_delete=fields.SET_NULL
    )
    finding_id: int | None
    follow_up = fields.ForeignKeyField(
        "models.FollowUp", related_name="evidence", null=True, on_delete=fields.SET_NULL
    )
    follow_up_id: int | None
    notice = fields.ForeignKeyField(  # uploaded by the employer from the notice page
        "models.Notice", related_name="evidence", null=True, on_delete=fields.SET_NULL
    )
    notice_id: int | None
    content_type = fields.CharField(max_length=64)
    size = fields.IntField()
    sha256 = fields.CharField(max_length=64)
    storage_key = fields.CharField(max_length=200)
    thumbnail_key = fields.CharField(max_length=200, null=True)
    original_name = fields.CharField(max_length=200, default="")
    uploaded_by = fields.ForeignKeyField(
        "models.Staff", related_name="uploads", null=True, on_delete=fields.SET_NULL
    )
    uploaded_by_id: int | None
    reviewed = fields.BooleanField(default=False)
    # Employers' uploads (notice set) are reviewed by the team: pending, accepted or rejected
    # with a reason the employer reads on the notice page (R22). None for the team's own files.
    review_status = fields.CharEnumField(EvidenceReview, max_length=16, null=True)
    review_reason = fields.TextField(default="")
    reviewed_at = fields.DatetimeField(null=True)
    reviewed_by = fields.ForeignKeyField(
        "models.Staff", related_name="evidence_reviews", null=True, on_delete=fields.SET_NULL
    )

    class Meta:
        table = "evidence"
