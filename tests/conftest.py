"""Test wiring: one real database per run (SQLite file, or a throwaway PostgreSQL database),
migrated with the real migrations, emptied after every test.

Backends are chosen by environment:
  SUIJI_TEST_DATABASE_URL  postgres://user@host:port/any_db  -> a throwaway suiji_test_* database
                           unset -> a SQLite file in a temporary folder
  SUIJI_TEST_REDIS_URL     redis://host:port/db -> Redis with a unique key prefix; unset -> in-process
"""

from __future__ import annotations

import os
import secrets
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import aiohttp
import asyncpg
import pytest
from tortoise import Tortoise, connections

from models.kv import KeyValue, MemoryKV, RedisKV, connect_redis
from notifications.wecom.client import WeComClient
from notifications.wecom.config import WeComConfig
from suiji import db
from suiji.settings import Settings, load_settings
from tests.wecom_standin import WeComStandIn

# Fixtures shared by several folders: `moto_s3`, a real S3 server (tests/s3_server.py).
pytest_plugins = ["tests.s3_server", "tests.clockkit"]

PG_URL = os.environ.get("SUIJI_TEST_DATABASE_URL", "")
REDIS_URL = os.environ.get("SUIJI_TEST_REDIS_URL", "")


def _pg_parts(url: str) -> tuple[str, str]:
    base, _, _name = url.rpartition("/")
    return base, _name


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if not PG_URL:
        yield f"sqlite://{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"
        return
    import asyncio

    base, admin_db = _pg_parts(PG_URL.replace("postgresql://", "postgres://"))
    name = f"suiji_test_{uuid.uuid4().hex[:12]}"
    dsn = base.replace("postgres://", "postgresql://", 1)

    async def admin(sql: str) -> None:
        conn = await asyncpg.connect(f"{dsn}/{admin_db}")
        try:
            await conn.execute(sql)
        finally:
            await conn.close()

    asyncio.run(admin(f'CREATE DATABASE "{name}"'))
    yield f"{base}/{name}"
    asyncio.run(admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(scope="session")
def is_postgres(database_url: str) -> bool:
    return db.is_postgres(database_url)


@pytest.fixture(scope="session")
async def _schema(database_url: str) -> AsyncIterator[list[str]]:
    await db.migrate(database_url)
    await db.init_db(database_url)
    tables = [m._meta.db_table for m in Tortoise.apps["models"].values()]
    for model in Tortoise.apps["models"].values():
        for field in model._meta.m2m_fields:
            through = model._meta.fields_map[field].through  # type: ignore[attr-defined]
            if through not in tables:
                tables.append(through)
    yield tables
    await db.close_db()


async def _empty(tables: list[str]) -> None:
    conn = connections.get("default")
    if conn.capabilities.dialect == "postgres":
        quoted = ", ".join(f'"{t}"' for t in tables)
        await conn.execute_script(f"TRUNCATE {quoted} RESTART IDENTITY CASCADE")
    else:
        script = "PRAGMA foreign_keys=OFF;" + "".join(f'DELETE FROM "{t}";' for t in tables)
        script += "DELETE FROM sqlite_sequence; PRAGMA foreign_keys=ON;"
        await conn.execute_script(script)


@pytest.fixture(autouse=True)
async def clean_db(_schema: list[str]) -> AsyncIterator[None]:
    """Every test starts from an empty, migrated database."""
    yield
    await _empty(_schema)


@pytest.fixture
async def kv() -> AsyncIterator[KeyValue]:
    if not REDIS_URL:
        yield MemoryKV()
        return
    client = connect_redis(REDIS_URL)
    yield RedisKV(client, f"suiji-test:{uuid.uuid4().hex[:8]}:")
    await client.aclose()


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return load_settings(
        env="test", database_url=database_url, data_dir=tmp_path / "data",
        secret_key=secrets.token_urlsafe(32),
        redis_url=REDIS_URL or None, redis_prefix=f"suiji-test:{uuid.uuid4().hex[:8]}:",
    )


@pytest.fixture
async def wecom_standin() -> AsyncIterator[WeComStandIn]:
    """A real stand-in WeCom server (tests/wecom_standin.py) on a random local port."""
    standin = await WeComStandIn().start()
    yield standin
    await standin.close()


@pytest.fixture
def wecom_settings(settings: Settings, wecom_standin: WeComStandIn) -> Settings:
    """`settings` with the WeCom app configured and pointed at the stand-in."""
    return settings.model_copy(update={
        "wecom_corp_id": wecom_standin.corp_id, "wecom_agent_id": wecom_standin.agent_id,
        "wecom_secret": wecom_standin.secret, "wecom_api_base": wecom_standin.url})


@pytest.fixture
async def wecom_client(wecom_standin: WeComStandIn, kv: KeyValue) -> AsyncIterator[WeComClient]:
    """A WeCom client talking to the stand-in, caching its token in `kv`."""
    config = WeComConfig(wecom_standin.corp_id, wecom_standin.agent_id, wecom_standin.secret,
                         wecom_standin.url)
    async with aiohttp.ClientSession() as session:
        yield WeComClient(session, config, kv, timeout=5)
