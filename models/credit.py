"""Integrity files (守法诚信档案, R18), grade assessments (R12) and the credit-platform feed."""

from tortoise import fields

from models.base import TimestampedModel
from models.enums import (
    AssessmentStatus,
    CreditEventKind,
    Grade,
    MajorViolationCategory,
    ReviewState,
)


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


class MajorViolation(TimestampedModel):
    # A 重大劳动保障违法行为 to be published with its quarter (人社部令第29号): the case as it
    # will be published (第六条's items copied at recording, so later roster edits do not change
    # what was decided), and the quarterly publication it belongs to.

    id = fields.IntField(primary_key=True)
    employer = fields.ForeignKeyField(
        "models.Employer", related_name="major_violations", on_delete=fields.RESTRICT
    )
    employer_id: int
    category = fields.CharEnumField(MajorViolationCategory, max_length=32)
    entity_name = fields.CharField(max_length=128)  # 违法主体全称
    uscc = fields.CharField(max_length=32)  # 统一社会信用代码（或者注册号）
    address = fields.CharField(max_length=200)
    legal_rep = fields.CharField(max_length=64)  # 法定代表人或者负责人姓名
    facts = fields.TextField()  # 主要违法事实
    handling = fields.TextField()  # 相关处理情况
    decided_on = fields.DateField()  # the day the case was decided (已查处并作出处理决定)
    year = fields.IntField()
    quarter = fields.IntField()
    penalty_decision = fields.ForeignKeyField(
        "models.PenaltyDecision", related_name="major_violations", null=True,
        on_delete=fields.SET_NULL
    )
    penalty_decision_id: int | None
    recorded_by = fields.ForeignKeyField(
        "models.Staff", related_name="major_violations", null=True, on_delete=fields.SET_NULL
    )

    class Meta:
        table = "major_violation"


class CreditFactReview(TimestampedModel):
    # A weighty fact recorded by hand (one that alone puts an employer at grade C, e.g. criminal
    # liability) waiting for a second person's review. It enters the integrity file and the
    # credit-platform export only when approved: then a CreditEvent is written (`event`), with a
    # fresh id, so the export's cursor never skips it.

    id = fields.IntField(primary_key=True)
    employer = fields.ForeignKeyField("models.Employer", related_name="fact_reviews")
    employer_id: int
    kind = fields.CharEnumField(CreditEventKind, max_length=32)
    occurred_on = fields.DateField()
    detail = fields.JSONField(default=dict)  # description, evidence, basis, refused
    recorded_by = fields.ForeignKeyField("models.Staff", related_name="facts_recorded",
                                         on_delete=fields.RESTRICT)
    recorded_by_id: int
    state = fields.CharEnumField(ReviewState, max_length=16, default=ReviewState.PENDING)
    reviewed_by = fields.ForeignKeyField("models.Staff", related_name="facts_reviewed",
                                         null=True, on_delete=fields.RESTRICT)
    reviewed_by_id: int | None
    reviewed_at = fields.DatetimeField(null=True)
    review_note = fields.TextField(default="")
    event = fields.ForeignKeyField("models.CreditEvent", related_name="review", null=True,
                                   on_delete=fields.SET_NULL)
    event_id: int | None

    class Meta:
        table = "credit_fact_review"
