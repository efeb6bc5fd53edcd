"""The audit chain's published head (issue 16, item 14; R21). Deleting the newest events leaves
a chain that is still sound on its own; only a head kept elsewhere shows the cut. Each day's head
is recorded once and never changed, shown on the public window (HTML and JSON) and in the credit
export, and `suiji audit verify --against` checks the local chain against a saved copy: intact
passes, the newest event deleted or an event altered fails naming it."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from pathlib import Path

import pytest
from tortoise.transactions import in_transaction

from inspection import audit, audit_heads, clock
from inspection.credit import export
from models.audit import AuditEvent, AuditHead
from suiji.app import create_app
from tests.suiji.cli_helpers import run_cli

pytestmark = pytest.mark.usefixtures("clean_db")

BJ = clock.BEIJING


async def _events(n: int) -> None:
    async with in_transaction():
        for i in range(n):
            await audit.record(actor=audit.CLI, action="test.change", object_type="thing",
                               object_id=i, after={"n": i})


async def test_one_head_a_day_recorded_once_and_kept() -> None:
    assert await audit_heads.publish(now=clock.now()) is None  # an empty chain: nothing to say
    await _events(3)
    day1 = dt.datetime(2026, 11, 27, 2, 30, tzinfo=BJ)
    head = await audit_heads.publish(now=day1)
    assert head == audit_heads.Head(day="2026-11-27", seq=3,
                                    hash=(await AuditEvent.get(seq=3)).hash)
    await _events(2)
    # A second run the same day keeps what was published; the next day publishes the new head.
    assert await audit_heads.publish(now=day1 + dt.timedelta(hours=5)) == head
    later = await audit_heads.publish(now=day1 + dt.timedelta(days=1))
    assert later is not None and later.seq == 5
    assert [h.seq for h in await audit_heads.recent()] == [5, 3]
    assert await AuditHead.all().count() == 2


@pytest.fixture
async def client(aiohttp_client, settings):
    return await aiohttp_client(create_app(settings, manage_db=False))


async def test_the_window_and_the_credit_export_publish_the_head(client) -> None:
    await _events(4)
    head = await audit_heads.publish(now=clock.now())
    assert head is not None
    page = await client.get("/public/audit-heads")
    text = await page.text()
    assert page.status == 200 and "审计记录链摘要" in text
    assert head.hash in text and "数据下载（JSON）" in text and "/public/audit-heads.json" in text
    index = await (await client.get("/public/")).text()
    assert 'href="/public/audit-heads"' in index
    body = await (await client.get("/public/audit-heads.json")).json()
    assert body["rows"] == [{"published_on": head.day, "seq": 4, "hash": head.hash}]
    async with in_transaction():
        batch = await export.fetch(since=0, actor=audit.SYSTEM)
    assert json.loads(export.to_json(batch))["audit_heads"] == [
        {"day": head.day, "seq": 4, "hash": head.hash}]


async def _published_copy(client, folder: Path) -> Path:
    """What an outside party saved from the window's JSON."""
    body = await (await client.get("/public/audit-heads.json")).text()
    path = folder / "audit-heads.json"
    path.write_text(body, encoding="utf-8")
    return path


async def test_verify_against_a_published_head(client, settings, tmp_path: Path) -> None:
    await _events(5)
    await audit_heads.publish(now=clock.now())
    saved = await _published_copy(client, tmp_path)

    # Straight from the window's address (the server answers while the command runs).
    url = str(client.make_url("/public/audit-heads.json"))
    ok = await asyncio.to_thread(run_cli, settings, tmp_path, "audit", "verify", "--against", url)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "审计链完整：共 5 条事件" in ok.stdout and "与已公布的链头相符" in ok.stdout

    # The same copy as the credit platform keeps it: the export's JSON.
    async with in_transaction():
        batch = await export.fetch(since=0, actor=audit.SYSTEM)
    platform = tmp_path / "credit.json"
    platform.write_text(export.to_json(batch), encoding="utf-8")
    assert run_cli(settings, tmp_path, "audit", "verify", "--against", str(platform)).returncode == 0

    # Someone deletes the newest event: the chain alone still looks sound, the database's own
    # record of what it published does not…
    await AuditEvent.filter(seq=5).delete()
    own = run_cli(settings, tmp_path, "audit", "verify")
    assert own.returncode == 1 and "共 4 条事件" in own.stdout
    assert "与本库记录的已公布链头不符" in own.stdout and "第 5 号事件在本地已不存在" in own.stdout
    # …so they delete that too: now only the outside copy shows it.
    await AuditHead.all().delete()
    alone = run_cli(settings, tmp_path, "audit", "verify")
    assert alone.returncode == 0 and "共 4 条事件" in alone.stdout
    cut = run_cli(settings, tmp_path, "audit", "verify", "--against", str(saved))
    assert cut.returncode == 1, cut.stdout
    assert "第 5 号事件在本地已不存在" in cut.stdout and "本地链只到第 4 号" in cut.stdout


async def test_verify_against_names_a_replaced_head(client, settings, tmp_path: Path) -> None:
    await _events(3)
    await audit_heads.publish(now=clock.now())
    saved = await _published_copy(client, tmp_path)
    # The newest event rewritten with a hash that fits its own content: still a sound chain.
    ev = await AuditEvent.get(seq=3)
    digest = audit.event_hash(prev_hash=ev.prev_hash, seq=3, at=ev.at, actor="staff:1",
                              action=ev.action, object_type=ev.object_type,
                              object_id=ev.object_id, before=ev.before, after=ev.after)
    await AuditEvent.filter(id=ev.id).update(actor="staff:1", hash=digest)
    await AuditHead.all().delete()
    assert run_cli(settings, tmp_path, "audit", "verify").returncode == 0
    out = run_cli(settings, tmp_path, "audit", "verify", "--against", str(saved))
    assert out.returncode == 1 and "第 3 号事件的哈希值与" in out.stdout


@pytest.mark.parametrize("content", ["不是数据", '{"rows": []}', '{"rows": [{"seq": 1}]}'])
async def test_an_unreadable_copy_is_refused_clearly(settings, tmp_path: Path,
                                                     content: str) -> None:
    bad = tmp_path / "heads.json"
    bad.write_text(content, encoding="utf-8")
    out = run_cli(settings, tmp_path, "audit", "verify", "--against", str(bad))
    assert out.returncode == 2 and "无法读取已公布的链头" in out.stdout
    missing = run_cli(settings, tmp_path, "audit", "verify", "--against", str(tmp_path / "无"))
    assert missing.returncode == 2 and "读取失败" in missing.stdout
