"""The audit trail (R21): append-only, each event chained to the previous by SHA-256."""

from tortoise import fields
from tortoise.models import Model


class AuditEvent(Model):
    id = fields.BigIntField(primary_key=True)
    # Gapless position in the chain, assigned under a lock: a deleted row leaves a hole.
    seq = fields.BigIntField(unique=True)
    at = fields.DatetimeField()
    actor = fields.CharField(max_length=64)  # "staff:12", "cli", "system", "employer:notice:7"
    action = fields.CharField(max_length=64)
    object_type = fields.CharField(max_length=32)
    object_id = fields.CharField(max_length=64)
    before = fields.JSONField(null=True)
    after = fields.JSONField(null=True)
    prev_hash = fields.CharField(max_length=64)
    hash = fields.CharField(max_length=64, unique=True)

    class Meta:
        table = "audit_event"


class AuditHead(Model):
    """The chain's head as published on a day (public window, credit export): a published head
    stays published — rows are only ever added, one per day."""

    id = fields.IntField(primary_key=True)
    day = fields.DateField(unique=True)  # Beijing date of publication
    seq = fields.BigIntField()
    hash = fields.CharField(max_length=64)
    published_at = fields.DatetimeField()

    class Meta:
        table = "audit_head"
