from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0002_campaign_end_and_publication')]

    initial = False

    operations = [
        ops.AddField(
            model_name='PenaltyDecision',
            name='effective_on',
            field=fields.DateField(null=True),
        ),
    ]
