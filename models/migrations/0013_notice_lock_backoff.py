from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0012_inbound_receipt_queue')]

    initial = False

    operations = [
        ops.AddField(
            model_name='Notice',
            name='ack_lockouts',
            field=fields.IntField(default=0),
        ),
        ops.AddField(
            model_name='Notice',
            name='ack_locked_until',
            field=fields.DatetimeField(null=True),
        ),
        # Wrong answers counted against the old proof (the USCC's last 6 characters) say nothing
        # about the new verification code; a notice locked for good by them opens again.
        ops.RunSQL("UPDATE notice SET ack_failures = 0", reverse_sql="SELECT 1"),
    ]
