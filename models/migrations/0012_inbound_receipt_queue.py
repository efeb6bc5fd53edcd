from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from models.enums import ReceiptState
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0011_four_eyes_fact_reviews_role_changes')]

    initial = False

    operations = [
        ops.AddField(
            model_name='InboundReceipt',
            name='attempts',
            field=fields.IntField(default=0),
        ),
        ops.AddField(
            model_name='InboundReceipt',
            name='last_error',
            field=fields.TextField(default='', unique=False),
        ),
        ops.AddField(
            model_name='InboundReceipt',
            name='payload',
            field=fields.JSONField(null=True, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads),
        ),
        ops.AddField(
            model_name='InboundReceipt',
            name='state',
            field=fields.CharEnumField(default=ReceiptState.PENDING, description='PENDING: pending\nDONE: done\nFAILED: failed', enum_type=ReceiptState, max_length=16),
        ),
        # Receipts written before they carried their message were written by the transaction that
        # applied the delivery: they are done.
        ops.RunSQL("UPDATE inbound_receipt SET state = 'done'", reverse_sql=""),
        ops.AddIndex(
            model_name='InboundReceipt',
            index=Index(fields=['state', 'created_at']),
        ),
    ]
