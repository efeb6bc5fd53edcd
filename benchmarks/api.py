"""Benchmark: GET /api/v1/inspections ("my inspections") at 100 concurrent clients on PostgreSQL.

Creates a throwaway database, migrates and seeds it (1,000 employers, 1,000 inspections with a
team of two each among 100 inspectors, so each inspector has ~20), starts `suiji serve` in a
separate process, then 100 clients each with its own session request their first page
(page_size 20) in a loop. Prints p50/p95/p99/max latency and throughput.

    .venv/bin/python benchmarks/api.py [--pg postgres://postgres@127.0.0.1:5432/postgres]
        [--redis redis://127.0.0.1:6379/0] [--clients 100] [--requests 30]
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import gc
import os
import secrets
import statistics
import sys
import time
import uuid
from pathlib import Path

import aiohttp
import asyncpg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from miniprogram_api import sessions  # noqa: E402
from models.kv import RedisKV, connect_redis  # noqa: E402
from suiji import db  # noqa: E402


def _cpu_seconds(pid: int) -> float:
    """User + system CPU of the server and its children: steadier than latency on a shared
    machine."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    own = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    return own + sum(_cpu_seconds(int(child)) for child in children)


async def seed(url: str, inspectors: int) -> list[int]:
    from models.campaigns import Campaign
    from models.employers import Employer
    from models.enums import InspectionState, SectionKind
    from models.fieldwork import Inspection, InspectionMember
    from models.org import Section, Staff

    await db.migrate(url)
    await db.init_db(url)
    section = await Section.create(code="JCZD", name="劳动保障监察支队", kind=SectionKind.INITIATING)
    staff = [await Staff.create(name=f"检查员{n}", wecom_userid=f"u{n}", section=section,
                                cert_no=f"C{n}", is_inspector=True) for n in range(inspectors)]
    start = dt.date(2026, 11, 2)
    campaign = await Campaign.create(code="2026-FL-001", title="基准", section=section,
                                     field_start=start, field_end=start + dt.timedelta(days=60))
    employers = await Employer.bulk_create([
        Employer(uscc=f"91500102MA{n:08d}", name=f"单位{n}", township="敦仁街道")
        for n in range(1000)])
    employers = await Employer.all().order_by("id")
    states = list(InspectionState)
    await Inspection.bulk_create([
        Inspection(code=f"JC2026-{n:05d}", employer_id=e.id, state=states[n % len(states)],
                   window_start=start + dt.timedelta(days=n % 30),
                   window_end=start + dt.timedelta(days=30 + n % 30))
        for n, e in enumerate(employers)])
    inspections = await Inspection.all().order_by("id")
    for i in inspections:
        await i.campaigns.add(campaign)
    await InspectionMember.bulk_create([
        InspectionMember(inspection_id=i.id, staff_id=staff[(n * 2 + k) % inspectors].id)
        for n, i in enumerate(inspections) for k in range(2)])
    await db.close_db()
    return [s.id for s in staff]


# long: one benchmark run reads top to bottom: set-up, load, measure, report.
async def run(args: argparse.Namespace) -> None:
    base, admin_db = args.pg.rsplit("/", 1)
    name = f"suiji_bench_{uuid.uuid4().hex[:8]}"
    dsn = base.replace("postgres://", "postgresql://", 1)
    conn = await asyncpg.connect(f"{dsn}/{admin_db}")
    await conn.execute(f'CREATE DATABASE "{name}"')
    await conn.close()
    url = f"{base}/{name}"
    prefix = f"suiji-bench:{uuid.uuid4().hex[:8]}:"
    secret = secrets.token_urlsafe(32)
    port = 18000 + secrets.randbelow(1000)
    server = None
    try:
        staff_ids = await seed(url, args.clients)
        redis = connect_redis(args.redis)
        kv = RedisKV(redis, prefix)
        tokens = [await sessions.create(kv, secret_key=secret, staff_id=sid, userid=f"u{n}",
                                        session_key="k") for n, sid in enumerate(staff_ids)]
        await redis.aclose()
        env = {**os.environ, "SUIJI_DATABASE_URL": url + f"?maxsize={args.pool}",
               "SUIJI_REDIS_URL": args.redis, "SUIJI_REDIS_PREFIX": prefix,
               "SUIJI_SECRET_KEY": secret, "SUIJI_LOG_LEVEL": "WARNING",
               "SUIJI_DATA_DIR": "/tmp/suiji-bench"}
        server = await asyncio.create_subprocess_exec(
            sys.executable, *os.environ.get("BENCH_PYFLAGS", "").split(), "-m", "suiji", "serve", "--port", str(port),
            "--processes", str(args.processes), cwd=ROOT, env=env,
            stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL)
        origin = f"http://127.0.0.1:{port}"
        connector = aiohttp.TCPConnector(limit=args.clients + 10)
        async with aiohttp.ClientSession(connector=connector) as http:
            for _ in range(600):  # up to a minute: start-up is slow on a busy machine
                try:
                    async with http.get(origin + "/healthz") as r:
                        if r.status == 200:
                            break
                except aiohttp.ClientError:
                    await asyncio.sleep(0.1)
            latencies: list[float] = []
            path = "/healthz" if args.baseline else "/api/v1/inspections?page_size=20"

            async def client(token: str, n: int, record: bool) -> None:
                headers = {"Authorization": f"Bearer {token}"}
                for _ in range(n):
                    t0 = time.perf_counter()
                    async with http.get(origin + path, headers=headers) as r:
                        body = await r.json()
                        assert r.status == 200 and (args.baseline or body["total"] > 0), body
                    if record:
                        latencies.append((time.perf_counter() - t0) * 1000)

            await asyncio.gather(*[client(t, 3, False) for t in tokens])  # warm-up
            if not args.client_gc:
                # This process imported the models to seed (~160,000 objects): a full collection
                # here walks them all and holds every client for ~100 ms, which the latencies
                # would charge to the server. Frozen, the collector sees only the clients' own.
                gc.collect()
                gc.freeze()
            cpu0 = _cpu_seconds(server.pid)
            t0 = time.perf_counter()
            await asyncio.gather(*[client(t, args.requests, True) for t in tokens])
            wall = time.perf_counter() - t0
            cpu = _cpu_seconds(server.pid) - cpu0
        q = statistics.quantiles(latencies, n=100)
        print(f"{path} clients={args.clients} requests={len(latencies)} pool={args.pool} "
              f"p50={q[49]:.1f}ms p95={q[94]:.1f}ms p99={q[98]:.1f}ms "
              f"max={max(latencies):.1f}ms throughput={len(latencies) / wall:.0f} req/s "
              f"server_cpu={cpu * 1000 / len(latencies):.2f}ms/req")
    finally:
        if server is not None:
            server.terminate()
            await asyncio.wait_for(server.wait(), 10)
        conn = await asyncpg.connect(f"{dsn}/{admin_db}")
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await conn.close()


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--pg", default="postgres://postgres@127.0.0.1:5432/postgres")
    p.add_argument("--redis", default="redis://127.0.0.1:6379/0")
    p.add_argument("--clients", type=int, default=100)
    p.add_argument("--requests", type=int, default=30)
    p.add_argument("--pool", type=int, default=20)
    p.add_argument("--processes", type=int, default=1, help="`suiji serve --processes N`")
    p.add_argument("--client-gc", action="store_true",
                   help="leave the load generator's collector alone (how runs before 2026-11-30 measured)")
    p.add_argument("--baseline", action="store_true",
                   help="measure GET /healthz instead: what the machine and aiohttp allow")
    asyncio.run(run(p.parse_args()))


if __name__ == "__main__":
    main()
