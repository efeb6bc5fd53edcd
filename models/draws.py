"""The draw (R10-R15) and its published record. See DESIGN.md "The draw"."""

from tortoise import fields

from models.base import TimestampedModel
from models.enums import DrawKind, DrawStatus


class Draw(TimestampedModel):
    # One draw of one kind for one campaign; never a second (unique), voidable with a reason.

    id = fields.IntField(primary_key=True)
    campaign = fields.ForeignKeyField("models.Campaign", related_name="draws")
    campaign_id: int
    kind = fields.CharEnumField(DrawKind, max_length=16)
    algorithm = fields.CharField(max_length=32, default="suiji-draw-v1")
    status = fields.CharEnumField(DrawStatus, max_length=16, default=DrawStatus.COMMITTED)
    # The secret stays private until the reveal; only its SHA-256 is published at commit.
    secret = fields.CharField(max_length=64)
    commitment = fields.CharField(max_length=64)
    public_entropy = fields.CharField(max_length=200, null=True)
    # The date of the entropy's source (e.g. the lottery's draw date): never before the commit.
    entropy_source_date = fields.DateField(null=True)
    committed_at = fields.DatetimeField()
    revealed_at = fields.DatetimeField(null=True)
    voided_at = fields.DatetimeField(null=True)
    void_reason = fields.TextField(default="")
    committed_by = fields.ForeignKeyField(
        "models.Staff", related_name="committed_draws", null=True, on_delete=fields.SET_NULL
    )
    committed_by_id: int | None
    revealed_by = fields.ForeignKeyField(
        "models.Staff", related_name="revealed_draws", null=True, on_delete=fields.SET_NULL
    )
    revealed_by_id: int | None
    witnesses = fields.TextField(default="")  # who watched the reveal
    # Who could not be drawn and why: [{"key": ..., "reason": code, "detail": ...}]
    exclusions = fields.JSONField(default=list)

    class Meta:
        table = "draw"
        unique_together = (("campaign", "kind"),)


class DrawStratum(TimestampedModel):
    id = fields.IntField(primary_key=True)
    draw: fields.ForeignKeyRelation[Draw] = fields.ForeignKeyField(
        "models.Draw", related_name="strata", on_delete=fields.CASCADE
    )
    draw_id: int
    stratum = fields.CharField(max_length=32)
    count = fields.IntField()
    candidate_count = fields.IntField()
    roster_hash = fields.CharField(max_length=64)
    # Keys sorted by UTF-8 bytes and joined by "\n": exactly the roster_hash input, frozen at commit.
    candidates = fields.TextField()

    class Meta:
        table = "draw_stratum"
        unique_together = (("draw", "stratum"),)


class DrawEntry(TimestampedModel):
    # A drawn candidate in draw order. Employers: the first `count`; inspectors: the whole order.

    id = fields.IntField(primary_key=True)
    draw: fields.ForeignKeyRelation[Draw] = fields.ForeignKeyField(
        "models.Draw", related_name="entries", on_delete=fields.CASCADE
    )
    draw_id: int
    stratum = fields.CharField(max_length=32)
    position = fields.IntField()  # 1-based within the stratum
    key = fields.CharField(max_length=64)
    rank = fields.CharField(max_length=64)
    employer = fields.ForeignKeyField(
        "models.Employer", related_name="draw_entries", null=True, on_delete=fields.RESTRICT
    )
    employer_id: int | None
    staff = fields.ForeignKeyField(
        "models.Staff", related_name="draw_entries", null=True, on_delete=fields.RESTRICT
    )
    staff_id: int | None

    class Meta:
        table = "draw_entry"
        unique_together = (("draw", "stratum", "position"), ("draw", "key"))
