"""Integrity files (守法诚信档案, R18), grade assessments (R12) and the credit-platform feed."""

from tortoise import fields

from models.base import TimestampedModel
from models.enums import AssessmentStatus, CreditEventKind, Grade


class CreditEvent(TimestampedModel):
    # One fact in an employer's integrity file, pointing at the record that proves it.
    #
    # The ascending id doubles as the cursor of the incremental export.
    #

    id = fields.IntField(primary_key=True)
    employer = fields.ForeignKeyField("models.Employer", related_name="credit_events")
    employer_id: int
    kind = fields.CharEnumField(CreditEventKind, max_length=32)
    occurred_on = fields.DateField()
    source_type = fields.CharField(max_length=32)
    source_id = fields.IntField(null=True)
    detail = fields.JSONField(default=dict)

    class Meta:
        table = "credit_event"


class GradeAssessment(TimestampedModel):
    id = fields.IntField(primary_key=True)
    employer = fields.ForeignKeyField("models.Employer", related_name="assessments")
    employer_id: int
    year = fields.IntField()
    proposed = fields.CharEnumField(Grade, max_length=8)
    clauses = fields.JSONField(default=list)  # which clauses of 人社部规〔2016〕1号 applied
    status = fields.CharEnumField(
        AssessmentStatus, max_length=16, default=AssessmentStatus.PROPOSED
    )
    confirmed = fields.CharEnumField(Grade, max_length=8, null=True)
    effective_from = fields.DateField(null=True)
    reviewed_by = fields.ForeignKeyField(
        "models.Staff", related_name="assessments", null=True, on_delete=fields.SET_NULL
    )
    reviewed_by_id: int | None
    review_note = fields.TextField(default="")

    class Meta:
        table = "grade_assessment"
        unique_together = (("employer", "year"),)
