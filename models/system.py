"""Working-day overrides, the bureau's holiday schedules, idempotency records and receipts of
WeCom deliveries."""

from tortoise import fields

from models.base import TimestampedModel
from models.enums import ReceiptState


class CalendarOverride(TimestampedModel):
    # A local change to the national calendar (e.g. a district-specific 调休).

    id = fields.IntField(primary_key=True)
    day = fields.DateField(unique=True)
    is_workday = fields.BooleanField()
    reason = fields.CharField(max_length=200)

    class Meta:
        table = "calendar_override"


class HolidaySchedule(TimestampedModel):
    # A year's State Council holiday schedule as 政策法规科 entered it: the holidays and the
    # adjusted working weekends (调休上班) as ISO dates. For its year it wins over chinesecalendar,
    # whose data ends with the last year it shipped (inspection/calendar.py).

    id = fields.IntField(primary_key=True)
    year = fields.IntField(unique=True)
    holidays = fields.JSONField(default=list)
    workdays = fields.JSONField(default=list)
    basis = fields.CharField(max_length=200)  # the notice it comes from (国办发明电〔…〕…号)
    entered_by = fields.ForeignKeyField(
        "models.Staff", related_name="holiday_schedules", null=True, on_delete=fields.SET_NULL
    )

    class Meta:
        table = "holiday_schedule"


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


class InboundReceipt(TimestampedModel):
    # One WeCom delivery (the hash of its de-duplication key), written by the callback before it
    # answers WeCom, with the decrypted message, as `pending`; applied right after in one
    # transaction that marks it `done` (docs/callup.md, "The callback"). The unique key is the
    # de-duplication: a retry or replay of the delivery, even after Redis lost its keys, finds it.
    # `created_at` is when it was received (the moment the answer counts from).

    id = fields.IntField(primary_key=True)
    key = fields.CharField(max_length=64, unique=True)
    state = fields.CharEnumField(ReceiptState, max_length=16, default=ReceiptState.PENDING)
    # `bot.parse.Inbound` as a dict while pending; emptied once applied.
    payload = fields.JSONField(null=True)
    attempts = fields.IntField(default=0)
    last_error = fields.TextField(default="")

    class Meta:
        table = "inbound_receipt"
        indexes = (("state", "created_at"),)
