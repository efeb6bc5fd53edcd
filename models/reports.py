"""The campaign report (R19), due 10 working days after the field window closes."""

from tortoise import fields

from models.base import TimestampedModel
from models.enums import ReportStatus


class CampaignReport(TimestampedModel):
    id = fields.IntField(primary_key=True)
    campaign = fields.OneToOneField("models.Campaign", related_name="report")
    campaign_id: int
    due_on = fields.DateField()
    due_provisional = fields.BooleanField(default=False)  # counted without the holiday schedule
    due_from = fields.DateField(null=True)  # the day field work ended, counted from
    status = fields.CharEnumField(ReportStatus, max_length=16, default=ReportStatus.DUE)
    figures = fields.JSONField(default=dict)
    pdf_key = fields.CharField(max_length=200, null=True)
    xlsx_key = fields.CharField(max_length=200, null=True)
    generated_at = fields.DatetimeField(null=True)
    archived_at = fields.DatetimeField(null=True)
    # Approval by the initiating section closes the campaign (R19).
    approved_at = fields.DatetimeField(null=True)
    approved_by = fields.ForeignKeyField(
        "models.Staff", related_name="approved_reports", null=True, on_delete=fields.SET_NULL
    )
    approval_note = fields.TextField(default="")

    class Meta:
        table = "campaign_report"
