"""The migrations describe the models exactly: a model change without a migration fails here."""

from tortoise import Tortoise
from tortoise.cli.cli import tortoise_cli_context
from tortoise.migrations.autodetector import MigrationAutodetector

from suiji.db import tortoise_config


async def test_models_and_migrations_agree():
    config = tortoise_config("sqlite://:memory:")
    apps_dict = config["apps"]
    async with tortoise_cli_context(config) as ctx:
        writers = await MigrationAutodetector(ctx.apps, apps_dict).changes()
    # The context rebuilt the shared model classes' base queries for its SQLite connection;
    # rebuild them for the test database, or later PostgreSQL tests emit SQLite SQL.
    Tortoise._build_initial_querysets()
    assert writers == [], (
        "models changed without a migration: run "
        "`tortoise -c suiji.db.TORTOISE_ORM makemigrations`"
    )
