"""Benchmark: draw 1,000 of 1,000,000 employers from PostgreSQL, end to end, against the floor.

    .venv/bin/python benchmarks/draw.py [--employers 1000000] [--drawn 1000] [--runs 3]

Creates a throwaway database (admin URL from SUIJI_BENCH_PG_URL, default
postgres://postgres@127.0.0.1:5432/postgres), migrates it, loads the employers with COPY, then per
run: the domain's commit + reveal of an employer draw (sampling, frozen roster, commitment,
ranking, entries, R20 inspections, audit, publication — each in its own transaction, as the CLI
does), and the floor: fetch the keys with asyncpg and rank them with SHA-256. Prints both and the
ratio (goal: at most 2x). The database is dropped at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import hashlib
import heapq
import os
import random
import sys
import time
import uuid
from pathlib import Path

import asyncpg

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tortoise.transactions import in_transaction

from inspection import clock
from inspection.draw import protocol as draws
from inspection.planning import campaigns
from models.enums import ItemVersionStatus, SectionKind
from models.items import Item, ItemVersion
from models.org import Section, Staff
from suiji import db

ADMIN = os.environ.get("SUIJI_BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/postgres")


def _dsn(url: str) -> str:
    return url.replace("postgres://", "postgresql://", 1)


async def load_employers(dsn: str, n: int) -> None:
    rng = random.Random(42)
    now = dt.datetime.now(dt.UTC)
    grades = ["A"] * 2 + ["B"] * 5 + ["C"] * 2 + ["none"]
    towns = ["龙桥街道", "敦仁街道", "崇义街道", "荔枝街道", "江北街道", "李渡街道"]
    rows = []
    for i in range(n):
        last = (dt.date(2026, 9, 1) - dt.timedelta(days=rng.randint(1, 1500))
                if rng.random() < 0.3 else None)
        rows.append((f"91500102MA{i:08d}", f"重庆市涪陵区单位{i}", "", towns[i % 6], "制造业",
                     rng.randint(1, 500), "", "", grades[i % 10], "active", last, now, now))
    conn = await asyncpg.connect(dsn)
    try:
        await conn.copy_records_to_table(
            "employer", records=rows,
            columns=["uscc", "name", "legal_rep", "township", "industry", "headcount", "address",
                     "contact_phone", "grade", "status", "last_inspected_on", "created_at",
                     "updated_at"])
        await conn.execute("ANALYZE employer")
    finally:
        await conn.close()


async def setup_bureau() -> dict[str, int]:
    section = await Section.create(code="JCZD", name="劳动保障监察支队",
                                   kind=SectionKind.INITIATING)
    leader = await Staff.create(name="王组长", wecom_userid="leader", section=section,
                                is_leader=True)
    for i in range(20):
        await Staff.create(name=f"检查员{i}", wecom_userid=f"i{i}", section=section,
                           cert_no=f"500100{i:04d}", cert_valid_until=dt.date(2030, 1, 1),
                           is_inspector=True)
    item = await Item.create(code="LD01")
    version = await ItemVersion.create(item=item, version=1, name="劳动合同", basis="劳动合同法",
                                       subject="区人力社保局", content="签订", method="现场",
                                       status=ItemVersionStatus.PUBLISHED,
                                       effective_from=dt.date(2020, 1, 1))
    return {"section": section.id, "leader": leader.id, "item": version.id}


async def domain_draw(ids: dict[str, int], code: str, drawn: int) -> float:
    per = drawn // 4
    rules = {"strata": {"A": {"count": per}, "B": {"count": per}, "C": {"count": per},
                        "ungraded": {"count": drawn - 3 * per}},
             "max_per_year": {"A": None, "B": None, "C": None, "ungraded": None}}
    async with in_transaction():
        await campaigns.create_campaign(
            code=code, title="基准测试", section_id=ids["section"],
            field_start=dt.date(2026, 9, 1), field_end=dt.date(2026, 9, 30),
            item_version_ids=[ids["item"]], actor="cli", leader_id=ids["leader"],
            purpose="p", method="m", use_of_results="u", rules=rules)
        await campaigns.approve_campaign(code=code, actor="cli")
    t0 = time.perf_counter()
    async with in_transaction():
        await draws.commit_draw(campaign_code=code, kind="employers", actor="cli")
    t1 = time.perf_counter()
    async with in_transaction():
        # Timed from commit to reveal: the R10 wait after the commitment is left out.
        await draws.reveal_draw(campaign_code=code, kind="employers", actor="cli",
                                public_entropy="福彩3D 2026321期 5 8 2",
                                min_delay=dt.timedelta(0), entropy_source_date=clock.today())
    t2 = time.perf_counter()
    print(f"  {code}: commit {t1 - t0:.2f} s + reveal {t2 - t1:.2f} s = {t2 - t0:.2f} s")
    return t2 - t0


async def floor(dsn: str, drawn: int) -> float:
    t0 = time.perf_counter()
    conn = await asyncpg.connect(dsn)
    try:
        keys = [r[0] for r in await conn.fetch("SELECT uscc FROM employer")]
    finally:
        await conn.close()
    seed = hashlib.sha256(b"floor").digest()
    heapq.nsmallest(drawn, ((hashlib.sha256(seed + k.encode()).hexdigest(), k) for k in keys))
    elapsed = time.perf_counter() - t0
    print(f"  floor: fetch {len(keys)} keys + SHA-256 rank = {elapsed:.2f} s")
    return elapsed


async def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--employers", type=int, default=1_000_000)
    ap.add_argument("--drawn", type=int, default=1000)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    base, _, _admin_db = ADMIN.rpartition("/")
    name = f"suiji_bench_{uuid.uuid4().hex[:8]}"
    admin = await asyncpg.connect(_dsn(ADMIN))
    await admin.execute(f'CREATE DATABASE "{name}"')
    url = f"{base}/{name}"
    try:
        await db.migrate(url)
        await db.init_db(url)
        t = time.perf_counter()
        await load_employers(_dsn(url), args.employers)
        print(f"loaded {args.employers} employers with COPY in {time.perf_counter() - t:.1f} s")
        ids = await setup_bureau()
        ours, floors = [], []
        for run in range(args.runs):
            floors.append(await floor(_dsn(url), args.drawn))
            ours.append(await domain_draw(ids, f"BENCH-{run + 1:03d}", args.drawn))
        best, best_floor = min(ours), min(floors)
        print(f"RESULT draw {args.drawn} of {args.employers}: best {best:.2f} s, "
              f"floor best {best_floor:.2f} s, ratio {best / best_floor:.2f}x (goal <= 2x)")
    finally:
        await db.close_db()
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


if __name__ == "__main__":
    asyncio.run(main())
