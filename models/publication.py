"""Publication duties (R3, R17): what must go on the public window, by when, and when it did."""

from tortoise import fields

from models.base import TimestampedModel
from models.enums import PublicationKind


class Publication(TimestampedModel):
    id = fields.IntField(primary_key=True)
    kind = fields.CharEnumField(PublicationKind, max_length=16)
    object_type = fields.CharField(max_length=32)
    object_id = fields.IntField()
    title = fields.CharField(max_length=200)
    section = fields.ForeignKeyField(
        "models.Section", related_name="publications", null=True, on_delete=fields.SET_NULL
    )
    section_id: int | None
    due_on = fields.DateField(null=True)
    # What the due date was counted from, so that a date counted without the year's holiday
    # schedule (due_provisional) can be confirmed once the schedule is entered.
    due_from = fields.DateField(null=True)
    due_working_days = fields.IntField(null=True)
    due_provisional = fields.BooleanField(default=False)
    # A confidential campaign's record becomes visible only from this moment (R14).
    visible_from = fields.DatetimeField(null=True)
    published_at = fields.DatetimeField(null=True)
    # Published by itself at this moment unless withheld before (R17: a penalty decision once
    # it takes effect); null for duties a reviewer publishes.
    auto_publish_at = fields.DatetimeField(null=True)
    # Withheld (不予公开) or taken off the window, with the reason and its legal basis.
    withdrawn_at = fields.DatetimeField(null=True)
    withdrawn_reason = fields.TextField(default="")
    withdrawn_basis = fields.TextField(default="")
    withdrawn_by = fields.ForeignKeyField(
        "models.Staff", related_name="withheld_publications", null=True,
        on_delete=fields.SET_NULL
    )

    class Meta:
        table = "publication"
        unique_together = (("kind", "object_type", "object_id"),)
