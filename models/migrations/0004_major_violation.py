from tortoise import migrations
from tortoise.migrations import operations as ops
from models.enums import CreditEventKind, MajorViolationCategory
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0003_penalty_effective_on')]

    initial = False

    operations = [
        ops.CreateModel(
            name='MajorViolation',
            fields=[
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('employer', fields.ForeignKeyField('models.Employer', source_field='employer_id', db_constraint=True, to_field='id', related_name='major_violations', on_delete=OnDelete.RESTRICT)),
                ('category', fields.CharEnumField(description='WAGE_ARREARS: wage_arrears\nWAGE_REFUSAL_CRIMINAL: wage_refusal_criminal\nSOCIAL_INSURANCE: social_insurance\nWORKING_HOURS: working_hours\nSPECIAL_PROTECTION: special_protection\nCHILD_LABOUR: child_labour\nSOCIAL_IMPACT: social_impact\nOTHER: other', enum_type=MajorViolationCategory, max_length=32)),
                ('entity_name', fields.CharField(max_length=128)),
                ('uscc', fields.CharField(max_length=32)),
                ('address', fields.CharField(max_length=200)),
                ('legal_rep', fields.CharField(max_length=64)),
                ('facts', fields.TextField(unique=False)),
                ('handling', fields.TextField(unique=False)),
                ('decided_on', fields.DateField()),
                ('year', fields.IntField()),
                ('quarter', fields.IntField()),
                ('penalty_decision', fields.ForeignKeyField('models.PenaltyDecision', source_field='penalty_decision_id', null=True, db_constraint=True, to_field='id', related_name='major_violations', on_delete=OnDelete.SET_NULL)),
                ('recorded_by', fields.ForeignKeyField('models.Staff', source_field='recorded_by_id', null=True, db_constraint=True, to_field='id', related_name='major_violations', on_delete=OnDelete.SET_NULL)),
            ],
            options={'table': 'major_violation', 'app': 'models', 'pk_attr': 'id'},
            bases=['TimestampedModel'],
        ),
        ops.AlterField(
            model_name='CreditEvent',
            name='kind',
            field=fields.CharEnumField(description='VIOLATION: violation\nPENALTY: penalty\nRECTIFIED: rectified\nREFUSED_RECTIFICATION: refused_rectification\nOBSTRUCTION: obstruction\nWAGE_ARREARS: wage_arrears\nCHILD_LABOUR: child_labour\nFORCED_LABOUR: forced_labour\nMASS_INCIDENT: mass_incident\nCRIMINAL: criminal\nFALSE_MATERIALS: false_materials\nBLACKLISTED: blacklisted\nBLACKLIST_REMOVED: blacklist_removed\nGRADE_CHANGED: grade_changed\nMAJOR_VIOLATION: major_violation', enum_type=CreditEventKind, max_length=32),
        ),
    ]
