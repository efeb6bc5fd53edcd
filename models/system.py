"""Working-day overrides and idempotency records."""

from tortoise import fields

from models.base import TimestampedModel


class CalendarOverride(TimestampedModel):
    # A local change to the national calendar (e.g. a district-specific 调休).

    id = fields.IntField(primary_key=True)
    day = fields.DateField(unique=True)
    is_workday = fields.BooleanField()
    reason = fields.CharField(max_length=200)

    class Meta:
        table = "calendar_override"


class IdempotencyRecord(TimestampedModel):
    # The stored answer to a creating request, replayed when a flaky client retries it.

    id = fields.IntField(primary_key=True)
    staff = fields.ForeignKeyField("models.Staff", related_name="idempotency_records")
    staff_id: int
    key = fields.CharField(max_length=128)
    method = fields.CharField(max_length=8)
    path = fields.CharField(max_length=200)
    request_hash = fields.CharField(max_length=64)
    status = fields.IntField()
    body = fields.JSONField(default=dict)

    class Meta:
        table = "idempotency_record"
        unique_together = (("staff", "key"),)
