"""Notices to employers (检查通知书, 限期改正指令书, 整改复查意见书, 检查结果告知书)."""

from tortoise import fields

from models.base import TimestampedModel
from models.enums import NoticeKind, NoticeStatus


class Notice(TimestampedModel):
    id = fields.IntField(primary_key=True)
    kind = fields.CharEnumField(NoticeKind, max_length=16)
    number = fields.CharField(max_length=64, unique=True)  # e.g. 涪人社监察〔2026〕第12号
    year = fields.IntField()
    sequence = fields.IntField()
    # 128 random bits, URL-safe; never derived from an id (the QR code is the only way in).
    token = fields.CharField(max_length=32, unique=True)
    employer = fields.ForeignKeyField("models.Employer", related_name="notices")
    employer_id: int
    inspection = fields.ForeignKeyField(
        "models.Inspection", related_name="notices", null=True, on_delete=fields.SET_NULL
    )
    inspection_id: int | None
    rectification_order = fields.ForeignKeyField(
        "models.RectificationOrder", related_name="notices", null=True, on_delete=fields.SET_NULL
    )
    rectification_order_id: int | None
    issuer = fields.CharField(max_length=100)
    issued_on = fields.DateField()
    deadline = fields.DateField(null=True)
    # The printed deadline was counted without the year's holiday schedule (暂定).
    deadline_provisional = fields.BooleanField(default=False)
    content = fields.JSONField(default=dict)
    status = fields.CharEnumField(NoticeStatus, max_length=16, default=NoticeStatus.ISSUED)
    status_reason = fields.TextField(default="")
    superseded_by = fields.ForeignKeyField(
        "models.Notice", related_name="supersedes", null=True, on_delete=fields.SET_NULL
    )
    superseded_by_id: int | None
    issued_by = fields.ForeignKeyField(
        "models.Staff", related_name="notices", null=True, on_delete=fields.SET_NULL
    )
    issued_by_id: int | None
    acknowledged_at = fields.DatetimeField(null=True)
    # Wrong verification codes since the last lock, success or unlock; at 5 the notice locks
    # until `ack_locked_until`, for 15 minutes doubling with each lock (`ack_lockouts`), at most
    # a day; an inspector of the visit's team can lift it (docs/notices.md).
    ack_failures = fields.IntField(default=0)
    ack_lockouts = fields.IntField(default=0)
    ack_locked_until = fields.DatetimeField(null=True)

    class Meta:
        table = "notice"
        unique_together = (("kind", "year", "sequence"),)


class NumberCounter(TimestampedModel):
    # Gapless document numbers: locked and incremented in the issuing transaction.

    id = fields.IntField(primary_key=True)
    series = fields.CharField(max_length=32)  # notice kind, penalty, inspection...
    year = fields.IntField()
    last_value = fields.IntField(default=0)

    class Meta:
        table = "number_counter"
        unique_together = (("series", "year"),)
