"""Annual plans (R13) and campaigns, each with its implementation plan (实施方案, R14)."""

from tortoise import fields

from models.base import TimestampedModel
from models.enums import CampaignKind, CampaignState, PlanStatus


class AnnualPlan(TimestampedModel):
    id = fields.IntField(primary_key=True)
    year = fields.IntField()
    section = fields.ForeignKeyField("models.Section", related_name="plans")
    section_id: int
    needs = fields.TextField()  # 抽查需求
    submitted_at = fields.DatetimeField()
    late = fields.BooleanField(default=False)  # submitted after 30 June (R13)
    status = fields.CharEnumField(PlanStatus, max_length=16, default=PlanStatus.SUBMITTED)
    published_at = fields.DatetimeField(null=True)

    class Meta:
        table = "annual_plan"
        unique_together = (("year", "section"),)


class Campaign(TimestampedModel):
    id = fields.IntField(primary_key=True)
    code = fields.CharField(max_length=32, unique=True)  # e.g. 2026-FL-003
    title = fields.CharField(max_length=200)
    kind = fields.CharEnumField(CampaignKind, max_length=16, default=CampaignKind.PLANNED)
    plan = fields.ForeignKeyField(
        "models.AnnualPlan", related_name="campaigns", null=True, on_delete=fields.SET_NULL
    )
    plan_id: int | None
    section = fields.ForeignKeyField("models.Section", related_name="campaigns")
    section_id: int
    purpose = fields.TextField(default="")  # 抽查目的
    method = fields.CharField(max_length=200, default="")  # 检查方式
    field_start = fields.DateField()
    field_end = fields.DateField()
    employers_needed = fields.IntField(default=0)
    inspectors_per_employer = fields.IntField(default=2)  # at least 2 (行政执法两人以上)
    inspectors_needed = fields.IntField(default=2)
    confidential = fields.BooleanField(default=False)  # 保密要求 (R14)
    confidentiality_note = fields.TextField(default="")
    use_of_results = fields.TextField(default="")  # 结果运用
    leader = fields.ForeignKeyField(
        "models.Staff", related_name="led_campaigns", null=True, on_delete=fields.SET_NULL
    )
    leader_id: int | None
    created_by = fields.ForeignKeyField(
        "models.Staff", related_name="created_campaigns", null=True, on_delete=fields.SET_NULL
    )
    created_by_id: int | None
    state = fields.CharEnumField(CampaignState, max_length=16, default=CampaignState.DRAFT)
    # Sampling rules (R11, R12): strata, filters, intervals. Shape documented in docs/sampling.md.
    rules = fields.JSONField(default=dict)
    reply_hours = fields.IntField(default=24)  # call-up answer deadline
    team_formed_at = fields.DatetimeField(null=True)
    approved_at = fields.DatetimeField(null=True)
    closed_at = fields.DatetimeField(null=True)
    cancel_reason = fields.TextField(default="")  # published with the cancellation
    inspector_sections: fields.ManyToManyRelation = fields.ManyToManyField(
        "models.Section", related_name="inspector_campaigns", through="campaign_inspector_section"
    )

    class Meta:
        table = "campaign"


class CampaignItem(TimestampedModel):
    # Which published item versions a campaign checks (R1: only listed items).

    id = fields.IntField(primary_key=True)
    campaign = fields.ForeignKeyField(
        "models.Campaign", related_name="campaign_items", on_delete=fields.CASCADE
    )
    campaign_id: int
    item_version = fields.ForeignKeyField("models.ItemVersion", related_name="campaign_items")
    item_version_id: int

    class Meta:
        table = "campaign_item"
        unique_together = (("campaign", "item_version"),)
