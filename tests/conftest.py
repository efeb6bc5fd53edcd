"""Test wiring: one real database per run and per pytest-xdist worker (a SQLite file, or a
throwaway PostgreSQL database), migrated with the real migrations, and lent only to the tests that
ask for it.

How a test gets the database
----------------------------
Request the `clean_db` fixture, directly or through a fixture that depends on it. The test then
starts from an empty, migrated database, emptied again afterwards. Per module:

    pytestmark = pytest.mark.usefixtures("clean_db")

or per test (`async def test_x(clean_db): ...`). These fixtures already depend on it, so a test
that requests one of them needs nothing more: `settings` (hence `wecom_settings`, the apps and
the `suiji` subprocesses built from it), `database_url`, and `world`/`api` (tests/fieldworld.py).

A test that asks for none of them has no database: any ORM use fails at once with
"this test did not ask for the database" (it is not silently run against a database it does not
clean). Pure unit tests thus pay for no schema and no cleanup.

Backends are chosen by environment:
  SUIJI_TEST_DATABASE_URL  postgres://user@host:port/any_db  -> a throwaway suiji_test_* database
                           unset -> a SQLite file in a temporary folder
  SUIJI_TEST_REDIS_URL     redis://host:port/db -> Redis with a unique key prefix; unset -> in-process

Parallel runs (`./test.sh` passes `-n`): each xdist worker is a process of its own with its own
database, temporary folders (tmp_path), Redis key prefixes (a uuid per test) and ports (servers in
the test process bind port 0; a spawned `suiji serve` gets a port the kernel just handed out).
Tests that must not overlap with others carry `pytest.mark.xdist_group("<name>")`;
`--dist loadgroup` runs a group on one worker.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import asyncpg
import pytest
import tortoise.context
from tortoise import connections
from tortoise.context import TortoiseContext

from models.kv import KeyValue, MemoryKV, RedisKV, connect_redis
from notifications.wecom.client import WeComClient
from notifications.wecom.config import WeComConfig
from suiji import db
from suiji.playground.standin import WeComStandIn
from suiji.settings import Settings, load_settings

# Fixtures shared by several folders: `moto_s3`, a real S3 server (tests/s3_server.py).
pytest_plugins = ["tests.s3_server", "tests.clockkit"]

PG_URL = os.environ.get("SUIJI_TEST_DATABASE_URL", "")
REDIS_URL = os.environ.get("SUIJI_TEST_REDIS_URL", "")
# Under pytest-xdist: gw0, gw1, ... (names the worker's PostgreSQL database, for whoever looks).
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "main")

NO_DATABASE = (
    "this test did not ask for the database: request the `clean_db` fixture (or one that "
    "depends on it, such as `settings`), e.g. `pytestmark = pytest.mark.usefixtures(\"clean_db\")`"
    " in the module (tests/conftest.py explains)")


class _NoDatabase(TortoiseContext):
    """The ORM's context while no test holds the database: every query fails, saying why."""

    @property
    def connections(self) -> Any:
        raise RuntimeError(NO_DATABASE)


_NOBODY = _NoDatabase()


def _lend(context: TortoiseContext) -> None:
    # The global fallback, so that the test, its fixtures and the app's request tasks all see it.
    tortoise.context._global_context = context


_lend(_NOBODY)


def _pg_parts(url: str) -> tuple[str, str]:
    base, _, _name = url.rpartition("/")
    return base, _name


@pytest.fixture(scope="session")
def _database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if not PG_URL:
        # tmp_path_factory's folder is already one per xdist worker.
        yield f"sqlite://{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"
        return
    base, admin_db = _pg_parts(PG_URL.replace("postgresql://", "postgres://"))
    name = f"suiji_test_{WORKER}_{uuid.uuid4().hex[:12]}"
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
def is_postgres() -> bool:
    return bool(PG_URL)


@dataclass
class SessionDatabase:
    """The session's migrated database: its URL, its ORM context, its tables."""

    url: str
    context: TortoiseContext
    tables: list[str]

    async def bind(self) -> None:
        """Bind the (process-wide) model classes to this database again, after a test bound
        them elsewhere (tortoise's own CLI context does: tests/models/test_migrations.py)."""
        with self.context:
            await self.context.connections.close_all(discard=True)
            await self.context.init(config=db.tortoise_config(self.url))


@pytest.fixture(scope="session", autouse=True)
async def _models_registered() -> None:
    """The model classes registered with the ORM without opening any connection, so that a test
    that forgot `clean_db` fails with NO_DATABASE even when no test used the database before."""
    context = TortoiseContext()
    with context:
        await context.init(config=db.tortoise_config("sqlite://:memory:"), init_connections=False)


@pytest.fixture(scope="session")
async def _database(_models_registered: None,
                    _database_url: str) -> AsyncIterator[SessionDatabase]:
    # In a task of its own: tortoise's migrate makes its context current and leaves it so.
    await asyncio.create_task(db.migrate(_database_url))
    context = TortoiseContext()
    with context:  # current only while the models are bound; tests see it through `clean_db`
        await context.init(config=db.tortoise_config(_database_url))
    assert context.apps is not None
    models = list(context.apps["models"].values())
    tables = [m._meta.db_table for m in models]
    for model in models:
        for field in model._meta.m2m_fields:
            through = model._meta.fields_map[field].through  # type: ignore[attr-defined]
            if through not in tables:
                tables.append(through)
    yield SessionDatabase(_database_url, context, tables)
    await context.close_connections()


async def _empty(tables: list[str]) -> None:
    conn = connections.get("default")
    if conn.capabilities.dialect == "postgres":
        quoted = ", ".join(f'"{t}"' for t in tables)
        await conn.execute_script(f"TRUNCATE {quoted} RESTART IDENTITY CASCADE")
    else:
        script = "PRAGMA foreign_keys=OFF;" + "".join(f'DELETE FROM "{t}";' for t in tables)
        script += "DELETE FROM sqlite_sequence; PRAGMA foreign_keys=ON;"
        await conn.execute_script(script)


@pytest.fixture
async def clean_db(_database: SessionDatabase) -> AsyncIterator[SessionDatabase]:
    """The migrated test database, empty, lent to this test; emptied afterwards. Request it (or
    `pytestmark = pytest.mark.usefixtures("clean_db")`) in every test that touches the database."""
    assert tortoise.context._current_context.get() is None, "an ORM context leaked into this test"
    _lend(_database.context)
    try:
        yield _database
        await _empty(_database.tables)
    finally:
        _lend(_NOBODY)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A test that has `clean_db` (asked for, or through a fixture) sets it up before its other
    function-scoped fixtures, so that it is torn down after them: an app, a client or a worker
    set up by the test is gone before the database is emptied and taken back."""
    for item in items:
        names = getattr(item, "fixturenames", None)
        if names and "clean_db" in names:
            names.remove("clean_db")
            names.insert(0, "clean_db")


@pytest.fixture
def database_url(clean_db: SessionDatabase) -> str:
    """The test database's URL, for a `suiji` subprocess or a pool of one's own."""
    return clean_db.url


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
    """Settings for an app or a `suiji` process on the test database (so: `clean_db`)."""
    return load_settings(
        env="test", database_url=database_url, data_dir=tmp_path / "data",
        secret_key=secrets.token_urlsafe(32),
        redis_url=REDIS_URL or None, redis_prefix=f"suiji-test:{uuid.uuid4().hex[:8]}:",
    )


@pytest.fixture
async def wecom_standin() -> AsyncIterator[WeComStandIn]:
    """A real stand-in WeCom server (suiji/playground/standin.py) on a random local port."""
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
