"""The outbox: every outbound message and timer, written in the transaction that causes it."""

from tortoise import fields

from models.base import TimestampedModel
from models.enums import OutboxStatus


class OutboxMessage(TimestampedModel):
    id = fields.BigIntField(primary_key=True)
    # What to do: "wecom.send", "wecom.update_card", "timer.callup_deadline", ...
    topic = fields.CharField(max_length=64)
    payload = fields.JSONField(default=dict)
    # Unique: writing the same intent twice is a no-op, and the sender passes it on to WeCom.
    idempotency_key = fields.CharField(max_length=128, unique=True)
    status = fields.CharEnumField(OutboxStatus, max_length=16, default=OutboxStatus.PENDING)
    due_at = fields.DatetimeField(db_index=True)
    attempts = fields.IntField(default=0)
    last_error = fields.TextField(default="")
    locked_until = fields.DatetimeField(null=True)
    locked_by = fields.CharField(max_length=64, default="")
    sent_at = fields.DatetimeField(null=True)
    result = fields.JSONField(default=dict)

    class Meta:
        table = "outbox"
        indexes = (("status", "due_at"),)
