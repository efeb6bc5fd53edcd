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
        # The CLI context rebinds the (global) model classes to its SQLite connection and
        # dialect; bind them back to the test database, or later queries on PostgreSQL are
        # built with SQLite's "?" placeholders.
        await db.init_db(database_url)
    assert writers == [], (
        "models changed without a migration: run "
        "`tortoise -c suiji.db.TORTOISE_ORM makemigrations`"
    )
