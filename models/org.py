"""Sections, staff (the inspector roster, R8) and declared conflicts (回避)."""

from tortoise import fields

from models.base import TimestampedModel
from models.enums import ReviewState, SectionKind, StaffStatus


class Section(TimestampedModel):
    # A section (科室) of the bureau or a directly affiliated unit (直属单位).

    id = fields.IntField(primary_key=True)
    code = fields.CharField(max_length=32, unique=True)
    name = fields.CharField(max_length=64, unique=True)
    kind = fields.CharEnumField(SectionKind, max_length=16, default=SectionKind.BUSINESS)

    class Meta:
        table = "section"


class Staff(TimestampedModel):
    # A member of staff. Inspectors hold a law-enforcement certificate (行政执法资格证, R8).

    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=32)
    wecom_userid = fields.CharField(max_length=64, unique=True)
    section: fields.ForeignKeyRelation[Section] = fields.ForeignKeyField(
        "models.Section", related_name="staff", on_delete=fields.RESTRICT
    )
    section_id: int
    cert_no = fields.CharField(max_length=32, unique=True, null=True)
    cert_valid_until = fields.DateField(null=True)
    mobile = fields.CharField(max_length=20, default="")
    status = fields.CharEnumField(StaffStatus, max_length=16, default=StaffStatus.ACTIVE)
    # Roles are independent: a team leader is usually an inspector too.
    is_admin = fields.BooleanField(default=False)  # 政策法规科: rosters, item list
    is_initiator = fields.BooleanField(default=False)  # 发起科室: plans, campaigns, draws
    is_leader = fields.BooleanField(default=False)  # 分管领导 eligible as 组长 (R16)
    is_inspector = fields.BooleanField(default=False)  # 执法检查人员

    class Meta:
        table = "staff"


class Conflict(TimestampedModel):
    # A declared conflict of interest (回避): never assign this inspector to this employer.

    id = fields.IntField(primary_key=True)
    staff: fields.ForeignKeyRelation[Staff] = fields.ForeignKeyField(
        "models.Staff", related_name="conflicts", on_delete=fields.CASCADE
    )
    staff_id: int
    employer = fields.ForeignKeyField(
        "models.Employer", related_name="conflicts", on_delete=fields.CASCADE
    )
    employer_id: int
    reason = fields.CharField(max_length=200)

    class Meta:
        table = "conflict"
        unique_together = (("staff", "employer"),)


class RoleChange(TimestampedModel):
    # A change of someone's roles or section (R8, R14: roles open confidential campaigns), proposed
    # by one 政策法规科 admin and taking effect only when a different admin approves it.

    id = fields.IntField(primary_key=True)
    staff: fields.ForeignKeyRelation[Staff] = fields.ForeignKeyField(
        "models.Staff", related_name="role_changes", on_delete=fields.CASCADE)
    staff_id: int
    changes = fields.JSONField(default=dict)  # {"roles": [...], "section": "..."} as the API says
    proposed_by: fields.ForeignKeyRelation[Staff] = fields.ForeignKeyField(
        "models.Staff", related_name="role_changes_proposed", on_delete=fields.RESTRICT)
    proposed_by_id: int
    state = fields.CharEnumField(ReviewState, max_length=16, default=ReviewState.PENDING)
    decided_by: fields.ForeignKeyNullableRelation[Staff] = fields.ForeignKeyField(
        "models.Staff", related_name="role_changes_decided", null=True,
        on_delete=fields.RESTRICT)
    decided_by_id: int | None
    decided_at = fields.DatetimeField(null=True)
    note = fields.TextField(default="")

    class Meta:
        table = "role_change"
