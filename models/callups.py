"""Call-up of drawn inspectors through WeCom and replacement in draw order (R15, R16)."""

from tortoise import fields

from models.base import TimestampedModel
from models.enums import CallUpState


class CallUp(TimestampedModel):
    id = fields.IntField(primary_key=True)
    campaign = fields.ForeignKeyField("models.Campaign", related_name="callups")
    campaign_id: int
    staff = fields.ForeignKeyField("models.Staff", related_name="callups")
    staff_id: int
    draw_entry = fields.ForeignKeyField("models.DrawEntry", related_name="callups")
    draw_entry_id: int
    position = fields.IntField()  # the inspector's place in the draw order
    state = fields.CharEnumField(CallUpState, max_length=16, default=CallUpState.CALLED)
    called_at = fields.DatetimeField()
    reply_deadline = fields.DatetimeField()
    answered_at = fields.DatetimeField(null=True)
    reason = fields.TextField(default="")  # official duty (事由) of a decline, or why skipped
    reminded_at = fields.DatetimeField(null=True)
    escalated_at = fields.DatetimeField(null=True)
    # WeCom template card: task_id is unique per app; response_code comes with each click
    # and is valid once for update_template_card.
    task_id = fields.CharField(max_length=128, unique=True)
    response_code = fields.CharField(max_length=256, default="")
    replaces = fields.ForeignKeyField(
        "models.CallUp", related_name="replaced_by", null=True, on_delete=fields.SET_NULL
    )
    replaces_id: int | None

    class Meta:
        table = "callup"
        unique_together = (("campaign", "staff"),)
