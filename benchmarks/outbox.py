"""Outbox worker throughput: rows/s delivered to the stand-in WeCom on PostgreSQL.

    python benchmarks/outbox.py [--rows 2000] [--loops 1 4 8] [--latency 0.0]

Creates a throwaway database on SUIJI_BENCH_PG (default postgres://postgres@127.0.0.1:5432/postgres),
uses Redis at SUIJI_BENCH_REDIS (default redis://127.0.0.1:6379/0; "" for in-process) for the
token and rate-limit counters, enqueues `--rows` text messages (one member each, so WeCom's
per-member limit is not what is measured), and times N concurrent worker loops in one process
until every row is sent. Prints one line per configuration.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import aiohttp
import asyncpg

from inspection import clock
from models.enums import OutboxStatus
from models.kv import KeyValue, MemoryKV, RedisKV, connect_redis
from models.outbox import OutboxMessage
from notifications.wecom.client import WeComClient
from notifications.wecom.config import WeComConfig
from notifications.wecom.ratelimit import RateLimiter
from notifications.wecom.topics import MESSAGE, WeComMessageTopic
from notifications.worker import OutboxWorker, WorkerOptions
from suiji import db
from suiji.playground.standin import WeComStandIn

PG = os.environ.get("SUIJI_BENCH_PG", "postgres://postgres@127.0.0.1:5432/postgres")
REDIS = os.environ.get("SUIJI_BENCH_REDIS", "redis://127.0.0.1:6379/0")


async def one_run(rows: int, loops: int, latency: float) -> float:
    await OutboxMessage.all().delete()
    for start in range(0, rows, 500):
        await OutboxMessage.bulk_create([
            OutboxMessage(topic=MESSAGE, idempotency_key=f"bench-{uuid.uuid4().hex}",
                          payload={"touser": f"user{i}", "msgtype": "text",
                                   "text": {"content": f"第 {i} 条"}},
                          due_at=clock.now())
            for i in range(start, min(rows, start + 500))])
    standin = await WeComStandIn(latency=latency).start()
    redis = connect_redis(REDIS) if REDIS else None
    prefix = f"suiji-bench:{uuid.uuid4().hex[:8]}:"
    kv: KeyValue = RedisKV(redis, prefix) if redis is not None else MemoryKV(prefix)
    try:
        async with aiohttp.ClientSession() as session:
            config = WeComConfig(standin.corp_id, standin.agent_id, standin.secret, standin.url)
            client = WeComClient(session, config, kv)
            limiter = RateLimiter(kv, corp_id=config.corp_id, agent_id=config.agent_id)
            handlers = {MESSAGE: WeComMessageTopic(client, limiter)}
            workers = [OutboxWorker(handlers=handlers, name=f"bench-{i}",
                                    options=WorkerOptions(batch=20, poll_interval=0.05))
                       for i in range(loops)]
            await client.get_token()
            started = time.perf_counter()
            tasks = [asyncio.create_task(w.run()) for w in workers]
            while True:
                if not await OutboxMessage.filter(status=OutboxStatus.PENDING).exists():
                    break
                await asyncio.sleep(0.02)
            elapsed = time.perf_counter() - started
            for w in workers:
                w.stop()
            await asyncio.gather(*tasks)
        assert len(standin.deliveries) == rows, (len(standin.deliveries), rows)
        return rows / elapsed
    finally:
        if redis is not None:
            await redis.aclose()
        await standin.close()


async def main(args: argparse.Namespace) -> None:
    base, _, admin_db = PG.rpartition("/")
    name = f"suiji_bench_{uuid.uuid4().hex[:8]}"
    dsn = base.replace("postgres://", "postgresql://", 1)
    conn = await asyncpg.connect(f"{dsn}/{admin_db}")
    await conn.execute(f'CREATE DATABASE "{name}"')
    try:
        url = f"{base}/{name}"
        await db.migrate(url)
        await db.init_db(url)
        for loops in args.loops:
            rate = await one_run(args.rows, loops, args.latency)
            print(f"rows={args.rows} loops={loops} latency={args.latency}s "
                  f"kv={'redis' if REDIS else 'memory'}: {rate:.0f} rows/s")
        await db.close_db()
    finally:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await conn.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=2000)
    parser.add_argument("--loops", type=int, nargs="+", default=[1, 4, 8])
    parser.add_argument("--latency", type=float, default=0.0,
                        help="seconds the stand-in takes per call (WeCom is ~30-100 ms away)")
    asyncio.run(main(parser.parse_args()))
