from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0008_loop_b_calendar_reviews_categories')]

    initial = False

    operations = [
        ops.AddField(
            model_name='BlacklistEntry',
            name='hearing_provisional',
            field=fields.BooleanField(default=False),
        ),
    ]
