"""The employer roster (监管对象名录库, R9), integrity grades (R12) and the blacklist (R23)."""

from tortoise import fields

from models.base import TimestampedModel
from models.enums import BlacklistStatus, EmployerStatus, Grade


class Employer(TimestampedModel):
    id = fields.IntField(primary_key=True)
    uscc = fields.CharField(max_length=18, unique=True)  # 统一社会信用代码, GB 32100-2015
    name = fields.CharField(max_length=128, db_index=True)
    legal_rep = fields.CharField(max_length=64, default="")
    township = fields.CharField(max_length=32, default="", db_index=True)  # 乡镇街道
    industry = fields.CharField(max_length=64, default="", db_index=True)
    headcount = fields.IntField(default=0)  # 职工人数
    # 单位类别 (R2), e.g. 建筑施工企业、劳务派遣单位: names from inspection/rosters/categories.py
    # joined by "、", so that the draw's one-pass scan filters them with LIKE on both databases.
    categories = fields.CharField(max_length=200, default="")
    address = fields.CharField(max_length=200, default="")
    contact_phone = fields.CharField(max_length=32, default="")
    grade = fields.CharEnumField(Grade, max_length=8, default=Grade.NONE, db_index=True)
    status = fields.CharEnumField(EmployerStatus, max_length=16, default=EmployerStatus.ACTIVE)
    # Denormalised from closed inspections so the draw's frequency rules stay one indexed scan.
    last_inspected_on = fields.DateField(null=True)

    class Meta:
        table = "employer"


class GradeChange(TimestampedModel):
    # Grade history: every grade an employer held and from when.

    id = fields.IntField(primary_key=True)
    employer: fields.ForeignKeyRelation[Employer] = fields.ForeignKeyField(
        "models.Employer", related_name="grade_changes", on_delete=fields.CASCADE
    )
    employer_id: int
    grade = fields.CharEnumField(Grade, max_length=8)
    previous = fields.CharEnumField(Grade, max_length=8, null=True)
    effective_from = fields.DateField()
    source = fields.CharField(max_length=32)  # import / assessment / manual
    reason = fields.CharField(max_length=200, default="")
    decided_by = fields.ForeignKeyField(
        "models.Staff", related_name="grade_decisions", null=True, on_delete=fields.SET_NULL
    )
    decided_by_id: int | None

    class Meta:
        table = "grade_change"


class BlacklistEntry(TimestampedModel):
    # 拖欠农民工工资失信联合惩戒对象名单 entry: notice, hearing, decision, term, removal.

    id = fields.IntField(primary_key=True)
    employer: fields.ForeignKeyRelation[Employer] = fields.ForeignKeyField(
        "models.Employer", related_name="blacklist_entries", on_delete=fields.RESTRICT
    )
    employer_id: int
    legal_rep = fields.CharField(max_length=64, default="")
    status = fields.CharEnumField(BlacklistStatus, max_length=16, default=BlacklistStatus.NOTICED)
    cause = fields.TextField()
    basis = fields.TextField(default="")
    noticed_on = fields.DateField(null=True)
    hearing_until = fields.DateField(null=True)
    # Counted without the year's holiday schedule (inspection/calendar.py): shown as 暂定.
    hearing_provisional = fields.BooleanField(default=False)
    decided_on = fields.DateField(null=True)
    term_start = fields.DateField(null=True)
    term_end = fields.DateField(null=True)
    removed_on = fields.DateField(null=True)
    removal_reason = fields.TextField(default="")
    # 信用修复 (人社部令第45号): the day the arrears were paid (改正之日), from which six months
    # on the list count, and the written credit pledge (信用承诺) with its date.
    arrears_paid_on = fields.DateField(null=True)
    pledge = fields.TextField(default="")
    pledged_on = fields.DateField(null=True)
    decided_by = fields.ForeignKeyField(
        "models.Staff", related_name="blacklist_decisions", null=True, on_delete=fields.SET_NULL
    )
    decided_by_id: int | None

    class Meta:
        table = "blacklist_entry"
