from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from models.enums import CreditEventKind, ReviewState
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0010_audit_head')]

    initial = False

    operations = [
        ops.CreateModel(
            name='CreditFactReview',
            fields=[
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('employer', fields.ForeignKeyField('models.Employer', source_field='employer_id', db_constraint=True, to_field='id', related_name='fact_reviews', on_delete=OnDelete.CASCADE)),
                ('kind', fields.CharEnumField(description='VIOLATION: violation\nPENALTY: penalty\nRECTIFIED: rectified\nREFUSED_RECTIFICATION: refused_rectification\nOBSTRUCTION: obstruction\nWAGE_ARREARS: wage_arrears\nCHILD_LABOUR: child_labour\nFORCED_LABOUR: forced_labour\nMASS_INCIDENT: mass_incident\nCRIMINAL: criminal\nFALSE_MATERIALS: false_materials\nBLACKLISTED: blacklisted\nBLACKLIST_REMOVED: blacklist_removed\nGRADE_CHANGED: grade_changed\nMAJOR_VIOLATION: major_violation', enum_type=CreditEventKind, max_length=32)),
                ('occurred_on', fields.DateField()),
                ('detail', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('recorded_by', fields.ForeignKeyField('models.Staff', source_field='recorded_by_id', db_constraint=True, to_field='id', related_name='facts_recorded', on_delete=OnDelete.RESTRICT)),
                ('state', fields.CharEnumField(default=ReviewState.PENDING, description='PENDING: pending\nAPPROVED: approved\nREJECTED: rejected', enum_type=ReviewState, max_length=16)),
                ('reviewed_by', fields.ForeignKeyField('models.Staff', source_field='reviewed_by_id', null=True, db_constraint=True, to_field='id', related_name='facts_reviewed', on_delete=OnDelete.RESTRICT)),
                ('reviewed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('review_note', fields.TextField(default='', unique=False)),
                ('event', fields.ForeignKeyField('models.CreditEvent', source_field='event_id', null=True, db_constraint=True, to_field='id', related_name='review', on_delete=OnDelete.SET_NULL)),
            ],
            options={'table': 'credit_fact_review', 'app': 'models', 'pk_attr': 'id'},
            bases=['TimestampedModel'],
        ),
        ops.CreateModel(
            name='RoleChange',
            fields=[
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('staff', fields.ForeignKeyField('models.Staff', source_field='staff_id', db_constraint=True, to_field='id', related_name='role_changes', on_delete=OnDelete.CASCADE)),
                ('changes', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('proposed_by', fields.ForeignKeyField('models.Staff', source_field='proposed_by_id', db_constraint=True, to_field='id', related_name='role_changes_proposed', on_delete=OnDelete.RESTRICT)),
                ('state', fields.CharEnumField(default=ReviewState.PENDING, description='PENDING: pending\nAPPROVED: approved\nREJECTED: rejected', enum_type=ReviewState, max_length=16)),
                ('decided_by', fields.ForeignKeyField('models.Staff', source_field='decided_by_id', null=True, db_constraint=True, to_field='id', related_name='role_changes_decided', on_delete=OnDelete.RESTRICT)),
                ('decided_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('note', fields.TextField(default='', unique=False)),
            ],
            options={'table': 'role_change', 'app': 'models', 'pk_attr': 'id'},
            bases=['TimestampedModel'],
        ),
    ]
