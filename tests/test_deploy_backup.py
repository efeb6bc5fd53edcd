"""Backups (issue 16, item 15): the shipped script `deploy/backup/backup.sh` dumps a PostgreSQL
database holding demo-like data and its audit trail; the dump restores into a fresh database on
which `suiji audit verify` passes — against the head published before the backup, too. The
script also archives the data folder, copies the evidence incrementally and deletes backups past
their retention.

PostgreSQL only (a dump of SQLite is a file copy): skipped when SUIJI_TEST_DATABASE_URL is unset.
Uses the machine's `pg_dump` and `pg_restore`."""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import tarfile
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit

import asyncpg
import pytest

from inspection import audit_heads, clock
from models.audit import AuditEvent
from tests.conftest import PG_URL
from tests.portal.public_world import build
from tests.suiji.cli_helpers import run_cli

pytestmark = [
    pytest.mark.usefixtures("clean_db"),
    pytest.mark.skipif(not PG_URL, reason="PostgreSQL is not configured for this run "
                                          "(SUIJI_TEST_DATABASE_URL)"),
    pytest.mark.skipif(not shutil.which("pg_dump") or not shutil.which("pg_restore"),
                       reason="pg_dump/pg_restore not installed"),
]

SCRIPT = Path(__file__).resolve().parents[1] / "deploy" / "backup" / "backup.sh"


def _libpq_env(url: str) -> dict[str, str]:
    """The database as libpq's variables, as the Compose service passes them."""
    u = urlsplit(url)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PG", "POSTGRES_"))}
    env.update({"PGHOST": u.hostname or "127.0.0.1", "PGPORT": str(u.port or 5432),
                "POSTGRES_USER": u.username or "postgres", "POSTGRES_PASSWORD": u.password or "",
                "POSTGRES_DB": u.path.lstrip("/")})
    return env


def _asyncpg_dsn(url: str, name: str) -> str:
    base = url.rpartition("/")[0].replace("postgres://", "postgresql://", 1)
    return f"{base}/{name}"


async def _admin(settings, sql: str) -> None:
    conn = await asyncpg.connect(_asyncpg_dsn(settings.database_url, PG_URL.rpartition("/")[2]))
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


def _host_folders(tmp_path: Path) -> tuple[Path, Path, Path]:
    """What the script finds on the host: the data folder with evidence and a cut-off write,
    and a backup older than the retention."""
    data = tmp_path / "data"
    (data / "uploads/evidence/ab").mkdir(parents=True)
    (data / "uploads/evidence/ab/ab12").write_bytes(b"\xff\xd8\xff a photo")
    (data / "uploads/evidence/ab/.part-x").write_bytes(b"half")
    (data / "secret_key").write_text("k" * 64)
    backups = tmp_path / "backups"
    backups.mkdir()
    stale = backups / "suiji-2020-01-01T031500.dump"
    stale.write_bytes(b"old")
    then = time.time() - 20 * 86400
    os.utime(stale, (then, then))

    return data, backups, stale


async def _restore_and_verify(settings, env: dict[str, str], dump: Path, heads: Path,
                              events: int, tmp_path: Path) -> None:
    """Restore into a fresh database, as deploy/README.md says, and verify there."""
    fresh = f"suiji_restore_{uuid.uuid4().hex[:10]}"
    await _admin(settings, f'CREATE DATABASE "{fresh}"')
    try:
        restore = await asyncio.to_thread(
            subprocess.run, ["pg_restore", "--no-owner", "--exit-on-error", "-d", fresh,
                             str(dump)], env=env, capture_output=True, text=True, timeout=300,
            check=False)
        assert restore.returncode == 0, restore.stderr
        restored = settings.model_copy(update={
            "database_url": settings.database_url.rpartition("/")[0] + "/" + fresh})
        ok = await asyncio.to_thread(run_cli, restored, tmp_path, "audit", "verify",
                                     "--against", str(heads))
        assert ok.returncode == 0, ok.stdout + ok.stderr
        assert f"审计链完整：共 {events} 条事件" in ok.stdout and "与已公布的链头相符" in ok.stdout
        # The check has teeth on the restored copy: a restore that lost the newest event fails.
        conn = await asyncpg.connect(_asyncpg_dsn(settings.database_url, fresh))
        try:
            await conn.execute("DELETE FROM audit_event WHERE seq = $1", events)
        finally:
            await conn.close()
        cut = await asyncio.to_thread(run_cli, restored, tmp_path, "audit", "verify",
                                      "--against", str(heads))
        assert cut.returncode == 1 and "本地已不存在" in cut.stdout
    finally:
        await _admin(settings, f'DROP DATABASE IF EXISTS "{fresh}" WITH (FORCE)')


async def test_backup_script_dump_restores_and_the_audit_chain_verifies(settings, client_heads,
                                                                         tmp_path: Path) -> None:
    await build()  # employers, plans, items, draws, notices: each with its audit events
    events = await AuditEvent.all().count()
    assert events > 20
    await audit_heads.publish(now=clock.now())
    heads = tmp_path / "heads.json"
    heads.write_text(await client_heads(), encoding="utf-8")

    data, backups, stale = _host_folders(tmp_path)

    env = {**_libpq_env(settings.database_url), "BACKUP_DIR": str(backups),
           "BACKUP_DATA_DIR": str(data), "BACKUP_KEEP_DAYS": "14"}
    run = await asyncio.to_thread(subprocess.run, ["sh", str(SCRIPT)], env=env,
                                  capture_output=True, text=True, timeout=300, check=False)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "backup: done:" in run.stdout and "removed_old=1" in run.stdout
    [dump] = backups.glob("suiji-*.dump")
    assert not stale.exists()
    [archive] = backups.glob("suiji-data-*.tar.gz")
    with tarfile.open(archive) as tar:
        names = tar.getnames()
    assert "./secret_key" in names and not any("uploads" in n for n in names)
    assert (backups / "uploads/evidence/ab/ab12").read_bytes() == b"\xff\xd8\xff a photo"
    assert not (backups / "uploads/evidence/ab/.part-x").exists()

    await _restore_and_verify(settings, env, dump, heads, events, tmp_path)


@pytest.fixture
async def client_heads(aiohttp_client, settings):
    """The window's JSON of published heads, as an outside party saves it."""
    from suiji.app import create_app

    client = await aiohttp_client(create_app(settings, manage_db=False))

    async def fetch() -> str:
        return await (await client.get("/public/audit-heads.json")).text()

    return fetch
