from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from models.enums import EvidenceReview
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0007_inbound_receipt')]

    initial = False

    operations = [
        ops.CreateModel(
            name='HolidaySchedule',
            fields=[
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('year', fields.IntField(unique=True)),
                ('holidays', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('workdays', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('basis', fields.CharField(max_length=200)),
                ('entered_by', fields.ForeignKeyField('models.Staff', source_field='entered_by_id', null=True, db_constraint=True, to_field='id', related_name='holiday_schedules', on_delete=OnDelete.SET_NULL)),
            ],
            options={'table': 'holiday_schedule', 'app': 'models', 'pk_attr': 'id'},
            bases=['TimestampedModel'],
        ),
        ops.AddField(
            model_name='CampaignReport',
            name='due_from',
            field=fields.DateField(null=True),
        ),
        ops.AddField(
            model_name='CampaignReport',
            name='due_provisional',
            field=fields.BooleanField(default=False),
        ),
        ops.AddField(
            model_name='Draw',
            name='entropy_source_date',
            field=fields.DateField(null=True),
        ),
        ops.AddField(
            model_name='Employer',
            name='categories',
            field=fields.CharField(default='', max_length=200),
        ),
        ops.AddField(
            model_name='Evidence',
            name='review_reason',
            field=fields.TextField(default='', unique=False),
        ),
        ops.AddField(
            model_name='Evidence',
            name='review_status',
            field=fields.CharEnumField(null=True, description='PENDING: pending\nACCEPTED: accepted\nREJECTED: rejected', enum_type=EvidenceReview, max_length=16),
        ),
        ops.AddField(
            model_name='Evidence',
            name='reviewed_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='Evidence',
            name='reviewed_by',
            field=fields.ForeignKeyField('models.Staff', source_field='reviewed_by_id', null=True, db_constraint=True, to_field='id', related_name='evidence_reviews', on_delete=OnDelete.SET_NULL),
        ),
        ops.AddField(
            model_name='ItemVersion',
            name='categories',
            field=fields.CharField(default='', max_length=200),
        ),
        ops.AddField(
            model_name='Notice',
            name='deadline_provisional',
            field=fields.BooleanField(default=False),
        ),
        ops.AddField(
            model_name='Publication',
            name='due_from',
            field=fields.DateField(null=True),
        ),
        ops.AddField(
            model_name='Publication',
            name='due_provisional',
            field=fields.BooleanField(default=False),
        ),
        ops.AddField(
            model_name='Publication',
            name='due_working_days',
            field=fields.IntField(null=True),
        ),
        ops.AddField(
            model_name='RectificationOrder',
            name='deadline_provisional',
            field=fields.BooleanField(default=False),
        ),
    ]
