from tortoise import migrations
from tortoise.migrations import operations as ops
from models.enums import NoticeKind
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0005_blacklist_credit_repair')]

    initial = False

    operations = [
        ops.AlterField(
            model_name='Notice',
            name='kind',
            field=fields.CharEnumField(description='INSPECTION: inspection\nRECTIFICATION: rectification\nREVIEW: review\nRESULT: result\nINQUIRY: inquiry\nPENALTY_NOTICE: penalty_notice\nPENALTY_DECISION: penalty_decision', enum_type=NoticeKind, max_length=16),
        ),
    ]
