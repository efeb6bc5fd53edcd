from tortoise import migrations
from tortoise.migrations import operations as ops
from models.enums import PublicationKind
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0001_initial')]

    initial = False

    operations = [
        ops.AddField(
            model_name='Campaign',
            name='cancel_reason',
            field=fields.TextField(default='', unique=False),
        ),
        ops.AddField(
            model_name='CampaignReport',
            name='approval_note',
            field=fields.TextField(default='', unique=False),
        ),
        ops.AddField(
            model_name='CampaignReport',
            name='approved_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='CampaignReport',
            name='approved_by',
            field=fields.ForeignKeyField('models.Staff', source_field='approved_by_id', null=True, db_constraint=True, to_field='id', related_name='approved_reports', on_delete=OnDelete.SET_NULL),
        ),
        ops.AlterField(
            model_name='Publication',
            name='kind',
            field=fields.CharEnumField(description='ITEM_LIST: item_list\nPLAN: plan\nDRAW: draw\nRESULT: result\nPENALTY: penalty\nBLACKLIST: blacklist\nREPORT: report\nCANCELLATION: cancellation\nMAJOR_VIOLATION: major_violation', enum_type=PublicationKind, max_length=16),
        ),
        ops.AddField(
            model_name='Publication',
            name='auto_publish_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='Publication',
            name='withdrawn_basis',
            field=fields.TextField(default='', unique=False),
        ),
        ops.AddField(
            model_name='Publication',
            name='withdrawn_by',
            field=fields.ForeignKeyField('models.Staff', source_field='withdrawn_by_id', null=True, db_constraint=True, to_field='id', related_name='withheld_publications', on_delete=OnDelete.SET_NULL),
        ),
    ]
