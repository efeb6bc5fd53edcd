"""Real `suiji worker` and `suiji outbox` processes against the test database and the stand-in."""

from __future__ import annotations

import asyncio
import signal
import sys
from collections import Counter
from pathlib import Path

import pytest

from inspection import housekeeping
from models.audit import AuditEvent
from models.enums import OutboxStatus
from models.outbox import OutboxMessage
from suiji.settings import Settings
from tests.e2e import processes
from tests.notifications.outbox_helpers import enqueue, eventually, text

# Several app processes each, with deadlines: on one xdist worker, one such test at a time
# (two at once would starve each other of a 2-core machine's CPU).
pytestmark = pytest.mark.xdist_group("app-processes")

ROOT = Path(__file__).resolve().parents[2]


def _env(settings: Settings) -> dict[str, str]:
    env = processes.base_env(settings)
    if settings.wecom_enabled:
        env.update({"SUIJI_WECOM_CORP_ID": settings.wecom_corp_id or "",
                    "SUIJI_WECOM_AGENT_ID": str(settings.wecom_agent_id),
                    "SUIJI_WECOM_SECRET": settings.wecom_secret or "",
                    "SUIJI_WECOM_API_BASE": settings.wecom_api_base})
    return env


async def _suiji(settings: Settings, *args: str) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "suiji", *args, cwd=str(ROOT), env=_env(settings),
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)


async def messages_pending() -> bool:
    # Only the messages: each worker start-up also makes sure tomorrow's housekeeping run exists.
    return not await OutboxMessage.filter(topic="wecom.message",
                                          status=OutboxStatus.PENDING).exists()


async def _run(settings: Settings, *args: str) -> tuple[int, str]:
    proc = await _suiji(settings, *args)
    out, err = await asyncio.wait_for(proc.communicate(), 60)
    assert proc.returncode is not None
    return proc.returncode, out.decode() + err.decode()


@pytest.mark.postgres_only
async def test_two_worker_processes_one_killed_mid_run(is_postgres, wecom_settings,
                                                       wecom_standin):
    if not is_postgres:
        pytest.skip("several processes on one database need PostgreSQL")
    wecom_standin.latency = 0.01
    # Throttling answers pause the whole app (tested in tests/notifications); here: crashes.
    wecom_standin.fail(0.3, modes=("http500", "lost"), seed=5)
    total = 150
    for i in range(total):
        await enqueue("wecom.message", text(f"user{i % 50}", f"row {i}"), f"m-{i}")
    args = ("worker", "--concurrency", "2", "--lease", "1.5", "--retry-base", "0.05",
            "--poll-interval", "0.05", "--max-attempts", "100")
    doomed = await _suiji(wecom_settings, *args)
    survivor = await _suiji(wecom_settings, *args)
    try:
        try:
            await eventually(lambda: len(wecom_standin.deliveries) >= 30, within=30)
        except TimeoutError:
            survivor.send_signal(signal.SIGTERM)
            _, err = await survivor.communicate()
            raise AssertionError(f"{len(wecom_standin.calls)} calls; " + err.decode()[-3000:]) from None
        # Kill it only once it has claimed rows itself, so the kill lands mid-run.
        for _ in range(200):
            if await OutboxMessage.filter(locked_by__contains=f":{doomed.pid}:").exists():
                break
            await asyncio.sleep(0.05)
        else:
            raise AssertionError("the first worker process never claimed a row")
        doomed.send_signal(signal.SIGKILL)  # mid-run: some of its rows are leased, in flight
        await doomed.wait()
        await eventually(messages_pending, within=60)
    finally:
        for proc in (doomed, survivor):
            if proc.returncode is None:
                proc.send_signal(signal.SIGTERM)
        await asyncio.wait_for(survivor.wait(), 40)
        await asyncio.wait_for(doomed.wait(), 5)
    assert survivor.returncode == 0  # graceful stop on SIGTERM
    assert doomed.returncode == -signal.SIGKILL
    delivered = Counter(d.body["text"]["content"] for d in wecom_standin.deliveries)
    assert delivered == Counter({f"row {i}": 1 for i in range(total)})
    rows = await OutboxMessage.filter(topic="wecom.message")
    assert len(rows) == total and {r.status for r in rows} == {OutboxStatus.SENT}
    # Both processes bootstrapped the daily housekeeping timer at once: one row.
    [run] = await OutboxMessage.filter(topic=housekeeping.TOPIC)
    assert run.status == OutboxStatus.PENDING


async def test_outbox_status_and_retry_commands(settings):
    await enqueue("wecom.message", text("zhangsan", "x"), "m-1")
    failed = await enqueue("timer.test", {}, "t-1")
    await OutboxMessage.filter(id=failed.id).update(status=OutboxStatus.FAILED, attempts=12,
                                                    last_error="gave up after 12 attempts: boom")
    code, out = await _run(settings, "outbox", "status")
    assert code == 0, out
    assert "wecom.message" in out and "pending" in out
    assert f"#{failed.id} timer.test" in out and "boom" in out

    code, out = await _run(settings, "outbox", "retry", str(failed.id))
    assert code == 0, out
    await failed.refresh_from_db()
    assert failed.status == OutboxStatus.PENDING and failed.attempts == 0
    event = await AuditEvent.get(action="outbox.retry")
    assert event.actor == "cli" and event.before["status"] == "failed"

    code, out = await _run(settings, "outbox", "retry", str(failed.id))
    assert code == 1 and "只有失败的记录可以重试" in out
    code, out = await _run(settings, "outbox", "retry", "999999")
    assert code == 1 and "没有编号为 999999" in out
