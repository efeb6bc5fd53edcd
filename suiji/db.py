"""Database wiring: the Tortoise config, start-up and migrations."""

from __future__ import annotations

from typing import Any

from tortoise import Tortoise
from tortoise.backends.base.config_generator import expand_db_url
from tortoise.migrations.api import migrate as migrate_api

from models import MODEL_MODULES


def _normalise_url(url: str) -> str:
    # Tortoise names PostgreSQL "postgres" (asyncpg); accept the common spelling too.
    if url.startswith("postgresql://"):
        return "postgres://" + url.removeprefix("postgresql://")
    return url


# Pool size when the URL names none (`?maxsize=`); tortoise's own default of 5 queues requests
# behind each other long before PostgreSQL is busy.
DEFAULT_POOL_MAX = 20


def _connection(url: str) -> str | dict[str, Any]:
    url = _normalise_url(url)
    if not is_postgres(url):
        return url
    config = expand_db_url(url)
    config["engine"] = "suiji.pg"  # asyncpg with a fair pool and no reset per release
    config["credentials"].setdefault("maxsize", DEFAULT_POOL_MAX)
    return config


def tortoise_config(database_url: str) -> dict[str, Any]:
    return {
        "connections": {"default": _connection(database_url)},
        "apps": {
            "models": {
                "models": list(MODEL_MODULES),
                "default_connection": "default",
                "migrations": "models.migrations",
            }
        },
        "use_tz": True,
        "timezone": "Asia/Shanghai",
    }


async def init_db(database_url: str) -> None:
    # The global fallback lets request tasks see the connections opened in the start-up task.
    await Tortoise.init(config=tortoise_config(database_url), _enable_global_fallback=True)


async def close_db() -> None:
    await Tortoise.close_connections()


async def migrate(database_url: str) -> None:
    """Apply every pending migration (tortoise's built-in migration tool)."""
    await migrate_api(config=tortoise_config(database_url))
    await Tortoise.close_connections()


def is_postgres(database_url: str) -> bool:
    return not database_url.startswith("sqlite://")


# For tortoise's own CLI (`tortoise -c suiji.db.TORTOISE_ORM makemigrations`): model changes are
# detected from the code, so the database here is irrelevant.
TORTOISE_ORM = tortoise_config("sqlite://:memory:")
