from tortoise import fields
from tortoise.models import Model


class TimestampedModel(Model):
    # Every row knows when it was created and last changed (R21: traceable).

    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        abstract = True
