"""The migrations describe the models exactly: a model change without a migration fails here."""

from tortoise.cli.cli import tortoise_cli_context
from tortoise.migrations.autodetector import MigrationAutodetector

from suiji.db import tortoise_config
from tests.conftest import SessionDatabase


async def test_models_and_migrations_agree(clean_db: SessionDatabase) -> None:
    config = tortoise_config("sqlite://:memory:")
    apps_dict = config["apps"]
    try:
        async with tortoise_cli_context(config) as ctx:
            writers = await MigrationAutodetector(ctx.apps, apps_dict).changes()
    finally:
        # The detector binds the (process-wide) model classes to its in-memory SQLite, so later
        # tests on PostgreSQL would build SQLite-flavoured queries: bind them back.
        await clean_db.bind()
    assert writers == [], (
        "models changed without a migration: run "
        "`tortoise -c suiji.db.TORTOISE_ORM makemigrations`"
    )
