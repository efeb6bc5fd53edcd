"""The migrations describe the models exactly: a model change without a migration fails here."""

from tortoise.cli.cli import tortoise_cli_context
from tortoise.migrations.autodetector import MigrationAutodetector

from suiji import db
from suiji.db import tortoise_config


async def test_models_and_migrations_agree(database_url):
    config = tortoise_config("sqlite://:memory:")
    apps_dict = config["apps"]
    try:
        async with tortoise_cli_context(config) as ctx:
            writers = await MigrationAutodetector(ctx.apps, apps_dict).changes()
    finally:
        # The CLI context rebuilds every model's base query for SQLite ("?" placeholders); bind
        # the models to the test database again, or later tests' selects fail on PostgreSQL.
        await db.init_db(database_url)
    assert writers == [], (
        "models changed without a migration: run "
        "`tortoise -c suiji.db.TORTOISE_ORM makemigrations`"
    )
