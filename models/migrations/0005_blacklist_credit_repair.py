from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0004_major_violation')]

    initial = False

    operations = [
        ops.AddField(
            model_name='BlacklistEntry',
            name='arrears_paid_on',
            field=fields.DateField(null=True),
        ),
        ops.AddField(
            model_name='BlacklistEntry',
            name='pledge',
            field=fields.TextField(default='', unique=False),
        ),
        ops.AddField(
            model_name='BlacklistEntry',
            name='pledged_on',
            field=fields.DateField(null=True),
        ),
    ]
