"""Administrative penalty decisions (R17: general-procedure ones are published)."""

from tortoise import fields

from models.base import TimestampedModel
from models.enums import PenaltyProcedure


class PenaltyDecision(TimestampedModel):
    id = fields.IntField(primary_key=True)
    number = fields.CharField(max_length=64, unique=True)  # 行政处罚决定书文号
    employer = fields.ForeignKeyField("models.Employer", related_name="penalties")
    employer_id: int
    inspection = fields.ForeignKeyField(
        "models.Inspection", related_name="penalties", null=True, on_delete=fields.SET_NULL
    )
    inspection_id: int | None
    procedure = fields.CharEnumField(PenaltyProcedure, max_length=16)
    cause = fields.TextField()  # 案由
    basis = fields.TextField()  # 处罚依据
    result = fields.TextField()  # 处罚结果
    amount_yuan = fields.DecimalField(max_digits=14, decimal_places=2, null=True)
    decided_on = fields.DateField()
    # 生效日期: a general-procedure decision goes on the window by itself from this day (R17).
    effective_on = fields.DateField(null=True)
    recorded_by = fields.ForeignKeyField(
        "models.Staff", related_name="penalties", null=True, on_delete=fields.SET_NULL
    )
    recorded_by_id: int | None

    class Meta:
        table = "penalty_decision"
