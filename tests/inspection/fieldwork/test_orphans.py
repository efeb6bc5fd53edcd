"""The daily sweep of the evidence store (issue 16, item 11): after a `kill -9` during an upload
the file stays without its row, or a `.part-` temporary stays half written. The sweep removes
only what no row references and is older than the grace period — an upload in progress (file
written, row not yet committed) and every referenced file stay — on the local folder and on a
real S3 server (moto's), and the daily housekeeping run logs the counts."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import os
import time
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
from tortoise.transactions import in_transaction

from inspection import clock, housekeeping
from inspection.fieldwork import evidence as ev
from inspection.fieldwork import orphans
from models.enums import InspectionState
from models.fieldwork import Evidence
from models.kv import MemoryKV
from models.outbox import OutboxMessage
from notifications.s3 import S3Storage
from suiji.handlers import build_handlers
from tests.fieldworld import build_world, jpeg
from tests.notifications.outbox_helpers import make_worker
from tests.s3_server import MotoS3

pytestmark = pytest.mark.usefixtures("clean_db")

DAY = 24 * 3600


async def _referenced(storage: ev.Storage) -> Evidence:
    """A real upload: the original and its thumbnail, both named by the row."""
    world = await build_world(InspectionState.CHECKED_IN)
    return await ev.add_evidence(staff=world.staff["member"], inspection_id=world.inspection.id,
                                 data=jpeg(), original_name="现场.jpg", storage=storage)


def _age(root: Path, key: str, seconds: float) -> None:
    then = time.time() - seconds
    os.utime(root / key, (then, then))


async def _local_world(root: Path) -> tuple[ev.LocalStorage, Evidence]:
    store = ev.LocalStorage(root)
    row = await _referenced(store)
    await store.put("evidence/aa/orphan-old", b"\xff\xd8\xff killed before its row", "image/jpeg")
    await store.put("evidence/bb/orphan-fresh", b"\xff\xd8\xff row not committed yet", "image/jpeg")
    (root / "evidence/aa/.part-old").write_bytes(b"half a ph")  # a write killed midway
    (root / "evidence/bb/.part-fresh").write_bytes(b"being writ")  # a write in progress
    (root / "operator").mkdir()
    (root / "operator/notes.txt").write_text("not Suiji's")  # outside the swept folders
    for key in (row.storage_key, row.thumbnail_key, "evidence/aa/orphan-old",
                "operator/notes.txt"):
        assert key
        _age(root, key, 3 * DAY)
    _age(root, "evidence/aa/.part-old", 2 * 3600)
    return store, row


def _files(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}


async def test_local_only_the_old_orphan_and_the_old_partial_go(tmp_path: Path) -> None:
    store, row = await _local_world(tmp_path)
    swept = await orphans.sweep(storage=store, now=clock.now())
    assert (swept.orphans_removed, swept.partials_removed, swept.files_kept) == (1, 1, 4)
    assert _files(tmp_path) == {row.storage_key, row.thumbnail_key, "evidence/bb/orphan-fresh",
                                "evidence/bb/.part-fresh", "operator/notes.txt"}
    # Taken back (no row any more): its files go too, once old.
    await Evidence.filter(id=row.id).delete()
    swept = await orphans.sweep(storage=store, now=clock.now())
    assert swept.orphans_removed == 2
    assert _files(tmp_path) == {"evidence/bb/orphan-fresh", "evidence/bb/.part-fresh",
                                "operator/notes.txt"}


async def test_a_file_shared_by_two_rows_stays_while_either_names_it(tmp_path: Path) -> None:
    store, row = await _local_world(tmp_path)
    twin = await Evidence.create(
        inspection_id=row.inspection_id, content_type=row.content_type, size=row.size,
        sha256=row.sha256, storage_key=row.storage_key, thumbnail_key=None)
    await Evidence.filter(id=row.id).delete()
    await orphans.sweep(storage=store, now=clock.now())
    files = _files(tmp_path)
    assert twin.storage_key in files and row.thumbnail_key not in files


async def test_the_daily_run_sweeps_and_logs_the_counts(tmp_path: Path, caplog) -> None:
    store, row = await _local_world(tmp_path)
    due = housekeeping.next_run(clock.now() - dt.timedelta(days=1))
    async with in_transaction():
        await housekeeping.schedule_next(now=due - dt.timedelta(minutes=1))
    worker = make_worker(build_handlers(wecom_client=None, kv=MemoryKV(), storage=store))
    with caplog.at_level(logging.INFO, logger="inspection.housekeeping"):
        assert await worker.run_once() == 1
    [line] = [r for r in caplog.records if r.getMessage() == "housekeeping: daily run done"]
    assert line.orphan_files_removed == 1 and line.partial_files_removed == 1  # type: ignore[attr-defined]
    assert line.stored_files_kept == 4  # type: ignore[attr-defined]
    assert "evidence/aa/orphan-old" not in _files(tmp_path)
    assert row.storage_key in _files(tmp_path)
    assert await OutboxMessage.filter(topic=housekeeping.TOPIC).count() == 2


async def test_an_unreachable_store_skips_the_sweep_not_the_day(tmp_path: Path, caplog) -> None:
    async with aiohttp.ClientSession() as http:
        dead = S3Storage(endpoint="http://127.0.0.1:9", bucket="suiji-evidence",
                         region="us-east-1", access_key="k", secret_key="s", http=http)
        with caplog.at_level(logging.WARNING, logger="inspection.housekeeping"):
            done = await housekeeping.sweep_store(storage=dead, now=clock.now())
    assert done == {}
    assert any("not swept today" in r.getMessage() for r in caplog.records)


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


async def test_s3_only_the_old_orphan_goes(moto_s3: MotoS3, http: aiohttp.ClientSession) -> None:
    store = S3Storage(endpoint=moto_s3.endpoint, bucket=moto_s3.bucket, region=moto_s3.region,
                      access_key=moto_s3.access_key, secret_key=moto_s3.secret_key, http=http)
    client = moto_s3.client()
    for obj in client.list_objects_v2(Bucket=moto_s3.bucket).get("Contents", []):
        client.delete_object(Bucket=moto_s3.bucket, Key=obj["Key"])  # the session's server
    row = await _referenced(store)
    await store.put("evidence/aa/孤儿 文件+1", b"\xff\xd8\xff killed before its row", "image/jpeg")
    # S3 keeps modification times to the second: "old" is whatever was written before the
    # cut-off, and the sweep's clock is set a grace period after it.
    await asyncio.sleep(1.2)
    cut = dt.datetime.now(dt.UTC) - dt.timedelta(milliseconds=100)
    await asyncio.sleep(1.2)
    await store.put("evidence/bb/orphan-fresh", b"\xff\xd8\xff row not committed yet", "image/jpeg")
    listed = [f async for f in store.files()]
    assert len(listed) == 4 and not any(f.partial for f in listed)
    swept = await orphans.sweep(storage=store, now=cut + orphans.ORPHAN_GRACE)
    assert (swept.orphans_removed, swept.files_kept) == (1, 3)
    left = {o["Key"] for o in client.list_objects_v2(Bucket=moto_s3.bucket)["Contents"]}
    assert left == {row.storage_key, row.thumbnail_key, "evidence/bb/orphan-fresh"}


async def test_s3_listing_follows_continuation_pages(moto_s3: MotoS3,
                                                     http: aiohttp.ClientSession) -> None:
    store = S3Storage(endpoint=moto_s3.endpoint, bucket=moto_s3.bucket, region=moto_s3.region,
                      access_key=moto_s3.access_key, secret_key=moto_s3.secret_key, http=http,
                      list_page=2)
    client = moto_s3.client()
    keys = {f"paging/{i:04d}" for i in range(7)}
    for key in keys:
        client.put_object(Bucket=moto_s3.bucket, Key=key, Body=b"x")
    listed = {f.key async for f in store.files() if f.key.startswith("paging/")}
    assert listed == keys
    for key in keys:
        client.delete_object(Bucket=moto_s3.bucket, Key=key)
