"""The burst (issue 16, item 16): 2,000 inspectors answering their call-up cards within one
minute, across two `suiji serve` processes on PostgreSQL + Redis, WeCom at a stand-in.

    .venv/bin/python -m benchmarks.burst [--pg URL] [--redis URL] [--answers 2000] [--seconds 60]
        [--campaigns 10] [--decline-share 0.1] [--requests 8000] [--concurrency 20]

Creates a throwaway database, seeds `--campaigns` call-ups that together call `--answers`
inspectors, starts two `suiji serve` processes (each with its in-process outbox worker) and two
bare callback processes (signature check, decrypt, parse, nothing else), lets the workers
deliver every card to the stand-in WeCom (suiji/playground/standin.py, in this process), then:

1. **Burst**: every called inspector clicks their card (a `--decline-share` of them 因公务无法参加
   with a duty chosen), at uniformly random moments within `--seconds`, alternating between the
   two processes (open loop: a slow answer does not slow the next click). Reported: callback
   response time p50/p95/p99/max; decline click → the next inspector's card at the stand-in; click
   → its card update at the stand-in; WeCom calls completed during the burst and in the 20 s after.
2. **Throughput**, same run: `--requests` signed texts (帮助, each a new delivery) at
   `--concurrency` in a closed loop against the two bare processes, the two app processes and
   the bare ones again (their mean is the reference; a short run measures the warm-up):
   answered per second, the time until every one was applied; replies reaching the stand-in
   during that load and in the 20 s after.

Then it checks that no answer was lost or applied twice. The load generator and the stand-in
share this process and the machine's cores with the servers: the figures are upper bounds."""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import hashlib
import os
import random
import secrets
import statistics
import sys
import time
import uuid
from collections import Counter
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import aiohttp
import asyncpg
from aiohttp import web

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.callup import bare_app, pct  # noqa: E402
from inspection import clock  # noqa: E402
from inspection.callup import calls as callup  # noqa: E402
from models.audit import AuditEvent  # noqa: E402
from models.callups import CallUp  # noqa: E402
from models.draws import Draw, DrawEntry  # noqa: E402
from models.enums import CallUpState, DrawKind, DrawStatus, ReceiptState  # noqa: E402
from models.org import Staff  # noqa: E402
from models.system import InboundReceipt  # noqa: E402
from suiji import db  # noqa: E402
from suiji.playground.standin import SEND, UPDATE, WeComStandIn  # noqa: E402
from tests import factories as f  # noqa: E402
from tests.wecom_callbacks import AES_KEY, CORP_ID, TOKEN, card_event_xml, signed, text_xml  # noqa: E402

AFTER = 20.0  # seconds watched after the load stops


def summary(values: list[float]) -> str:
    if not values:
        return "none"
    return (f"p50 {statistics.median(values):.1f} ms, p95 {pct(values, 95):.1f} ms, "
            f"p99 {pct(values, 99):.1f} ms, max {max(values):.1f} ms (n={len(values)})")


def load() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


async def seed(answers: int, campaigns: int, spares: int) -> None:
    """The campaigns as their reveal leaves them (rows written in bulk), then the real call-up."""
    per, extra = divmod(answers, campaigns)
    leader = await f.staff("刘组长", userid="liu", leader=True, inspector=False)
    section = await f.section()
    sizes = [per + (1 if k < extra else 0) for k in range(campaigns)]
    total = sum(n + spares for n in sizes)
    await Staff.bulk_create([
        Staff(name=f"检查员{n}", wecom_userid=f"insp{n}", section=section,
              cert_no=f"50010{n:06d}", cert_valid_until=dt.date(2028, 12, 31), is_inspector=True)
        for n in range(total)], batch_size=500)
    staff = await Staff.filter(is_inspector=True).order_by("id")
    first = 0
    for k, needed in enumerate(sizes):
        order = staff[first:first + needed + spares]
        first += needed + spares
        c = await f.campaign(code=f"2026-FL-{k + 1:03d}", needed=needed, leader=leader)
        d = await Draw.create(campaign=c, kind=DrawKind.INSPECTORS, status=DrawStatus.REVEALED,
                              secret="ab" * 32, commitment="cd" * 32, committed_at=f.NOW,
                              revealed_at=f.NOW, public_entropy="福彩3D 2026051期 1 2 3")
        await DrawEntry.bulk_create([
            DrawEntry(draw=d, stratum="inspectors", position=pos, key=s.cert_no or "",
                      rank=hashlib.sha256(str(pos).encode()).hexdigest(), staff=s)
            for pos, s in enumerate(order, start=1)], batch_size=500)
        await callup.start_callup(campaign_id=c.id, now=clock.now(), actor="cli")


async def spawn(env: dict[str, str], *args: str) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable, *args, cwd=ROOT, env=env, stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL)


async def healthy(http: aiohttp.ClientSession, url: str) -> None:
    async with asyncio.timeout(90):
        while True:
            try:
                async with http.get(url) as r:
                    if r.status < 500:
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.2)


async def _none_pending() -> bool:
    return not await InboundReceipt.filter(state=ReceiptState.PENDING).exists()

async def until(check: Callable[[], Awaitable[bool]], within: float) -> None:
    async with asyncio.timeout(within):
        while True:
            if await check():
                return
            await asyncio.sleep(0.05)


def ok_calls(standin: WeComStandIn, path: str) -> list[Any]:
    return [c for c in standin.calls
            if c.path == path and c.status == 200 and (c.answer or {}).get("errcode") == 0]


def delivered_between(standin: WeComStandIn, start: float, end: float) -> tuple[int, int]:
    """(messages sent, cards updated) completed at the stand-in within [start, end)."""
    sends = sum(1 for c in ok_calls(standin, SEND) if start <= c.at < end)
    updates = sum(1 for c in ok_calls(standin, UPDATE) if start <= c.at < end)
    return sends, updates


async def post(http: aiohttp.ClientSession, url: str, params: dict[str, str], body: str) -> int:
    async with http.post(url, params=params, data=body.encode()) as r:
        return (await r.read(), r.status)[1]


# long: the burst reads top to bottom: clicks scheduled, sent, then matched at the stand-in.
async def burst(http: aiohttp.ClientSession, urls: list[str], standin: WeComStandIn,
                args: argparse.Namespace) -> dict[str, Any]:
    called = await CallUp.filter(state=CallUpState.CALLED).prefetch_related("staff")
    codes = {u: c for c, u in standin._response_codes.items()}  # the code each card carries
    rng = random.Random(16)
    declining = {c.id for c in rng.sample(called, round(len(called) * args.decline_share))}
    plan = []
    for i, c in enumerate(called):
        decline = c.id in declining
        inner = card_event_xml(c.staff.wecom_userid, task_id=c.task_id,
                               key="decline" if decline else "accept",
                               response_code=codes[c.staff.wecom_userid],
                               reason="meeting" if decline else None)
        plan.append((rng.uniform(0, args.seconds), urls[i % len(urls)], signed(inner), c))
    plan.sort(key=lambda p: p[0])
    latencies: list[float] = []
    sent_at: dict[int, float] = {}
    statuses: Counter[int] = Counter()
    start = time.time()

    async def click(offset: float, url: str, req: tuple[dict[str, str], str], c: CallUp) -> None:
        await asyncio.sleep(max(0.0, start + offset - time.time()))
        t0 = time.time()
        sent_at[c.id] = t0
        try:
            status = await post(http, url, *req)
        except aiohttp.ClientError:
            status = 599
        statuses[status] += 1
        latencies.append((time.time() - t0) * 1000)

    async def applied_all() -> float:
        return (await until(_none_pending, 900), time.time() - start)[1]
    await asyncio.gather(*(click(*p) for p in plan))
    end = time.time()
    applying = asyncio.create_task(applied_all())
    await asyncio.sleep(AFTER)
    during, after = (delivered_between(standin, a, b) for a, b in ((start, end), (end, end + AFTER)))
    all_applied = await applying
    await asyncio.sleep(5.0)  # the last answers' WeCom calls
    # click → its card's update at the stand-in; and from the commit that applied the click (the
    # call-up's last change) to that update: the outbox's own share
    by_user = {c.staff.wecom_userid: c.id for c in called}
    applied_at = {c.id: c.updated_at.timestamp() for c in await CallUp.filter(
        id__in=[c.id for c in called])}
    update_lag, outbox_lag = [], []
    for call in ok_calls(standin, UPDATE):
        cid = by_user.get(call.body["userids"][0])
        if cid in sent_at and call.at >= sent_at[cid]:
            update_lag.append((call.at - sent_at[cid]) * 1000)
            outbox_lag.append((call.at - applied_at[cid]) * 1000)
    # decline click → the replacement's card at the stand-in
    next_card = []
    for r in await CallUp.filter(replaces_id__in=list(declining)).prefetch_related("staff"):
        cards = [d.at for d in standin.delivered_to(r.staff.wecom_userid)
                 if d.body.get("msgtype") == "template_card"]
        if cards and r.replaces_id in sent_at:
            next_card.append((min(cards) - sent_at[r.replaces_id]) * 1000)
    return {"answers": len(plan), "declines": len(declining), "statuses": dict(statuses),
            "wall": end - start, "latency": latencies, "during": during, "after": after,
            "update_lag": update_lag, "outbox_lag": outbox_lag, "all_applied": all_applied,
            "next_card": next_card, "declining": declining, "called": [c.id for c in called]}


async def closed_loop(http: aiohttp.ClientSession, urls: list[str],
                      bodies: list[tuple[dict[str, str], str]], concurrency: int) -> float:
    queue = list(enumerate(bodies))
    start = time.perf_counter()

    async def worker() -> None:
        while queue:
            i, (params, body) = queue.pop()
            status = await post(http, urls[i % len(urls)], params, body)
            assert status == 200, status

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return len(bodies) / (time.perf_counter() - start)


async def throughput(http: aiohttp.ClientSession, app_urls: list[str], bare_urls: list[str],
                     standin: WeComStandIn, args: argparse.Namespace) -> dict[str, Any]:
    users = list(await Staff.filter(is_inspector=True).values_list("wecom_userid", flat=True))
    bodies = [signed(text_xml(users[i % len(users)], "帮助")) for i in range(args.requests)]
    bare = await closed_loop(http, bare_urls, bodies, args.concurrency)
    before = await InboundReceipt.all().count()
    start = time.time()
    full = await closed_loop(http, app_urls, bodies, args.concurrency)
    end = time.time()

    async def applied_all() -> bool:
        return await InboundReceipt.filter(state=ReceiptState.DONE).count() >= before + len(bodies)

    await until(applied_all, 300)
    applied = time.time() - start
    await asyncio.sleep(max(0.0, end + AFTER - time.time()))
    texts = [c for c in ok_calls(standin, SEND) if c.body.get("msgtype") == "text"]
    # Its rate drifts by a fifth between runs: the mean of one before and one after the app.
    bare_after = await closed_loop(http, bare_urls, bodies, args.concurrency)
    return {"bare": (bare + bare_after) / 2, "bare_runs": (bare, bare_after), "full": full,
            "applied_rate": len(bodies) / applied,
            "replies_during": sum(1 for c in texts if start <= c.at < end),
            "replies_after": sum(1 for c in texts if end <= c.at < end + AFTER)}


async def check(result: dict[str, Any], standin: WeComStandIn) -> list[str]:
    """What went wrong, if anything: lost or doubled answers."""
    problems = []
    declining, called = result["declining"], result["called"]
    states = Counter(c.state for c in await CallUp.filter(id__in=called))
    if states != {CallUpState.ACCEPTED: len(called) - len(declining),
                  CallUpState.DECLINED: len(declining)}:
        problems.append(f"call-up states {dict(states)}")
    for action, n in (("callup.accept", len(called) - len(declining)),
                      ("callup.decline", len(declining))):
        got = await AuditEvent.filter(action=action).count()
        if got != n:
            problems.append(f"{action}: {got} audit events for {n} answers")
    replaced = await CallUp.filter(replaces_id__in=list(declining)).values_list("replaces_id",
                                                                                flat=True)
    if sorted(replaced) != sorted(declining):
        problems.append(f"{len(replaced)} replacements for {len(declining)} declines")
    updated = Counter(u["response_code"] for u in standin.card_updates)
    if len(updated) != len(called) or max(updated.values()) != 1:
        problems.append(f"{len(updated)} cards updated for {len(called)} answers")
    pending = await InboundReceipt.exclude(state=ReceiptState.DONE).count()
    if pending:
        problems.append(f"{pending} receipts not done")
    return problems


# long: one benchmark run reads top to bottom: set-up, load, measure, report.
async def run(args: argparse.Namespace) -> None:
    base, admin_db = args.pg.rsplit("/", 1)
    name = f"suiji_bench_burst_{uuid.uuid4().hex[:8]}"
    dsn = base.replace("postgres://", "postgresql://", 1)
    conn = await asyncpg.connect(f"{dsn}/{admin_db}")
    await conn.execute(f'CREATE DATABASE "{name}"')
    await conn.close()
    url = f"{base}/{name}"
    procs: list[asyncio.subprocess.Process] = []
    standin = await WeComStandIn(corp_id=CORP_ID).start()
    print(f"load average at start: {load()}", flush=True)
    try:
        await db.migrate(url)
        await db.init_db(url)
        t = time.time()
        await seed(args.answers, args.campaigns,
                   # declines fall unevenly on the campaigns: room for twice the average
                   spares=round(2 * args.answers * args.decline_share / args.campaigns) + 10)
        print(f"seeded {args.answers} call-ups in {args.campaigns} campaigns "
              f"in {time.time() - t:.1f} s", flush=True)
        env = {**{k: v for k, v in os.environ.items() if not k.startswith("SUIJI_")},
               "SUIJI_ENV": "test", "SUIJI_DATABASE_URL": url, "SUIJI_REDIS_URL": args.redis,
               "SUIJI_REDIS_PREFIX": f"bench:{uuid.uuid4().hex[:8]}:",
               "SUIJI_SECRET_KEY": secrets.token_urlsafe(32), "SUIJI_LOG_LEVEL": "WARNING",
               "SUIJI_DATA_DIR": "/tmp/suiji-bench-burst", "PYTHONPATH": str(ROOT),
               "SUIJI_WECOM_CORP_ID": CORP_ID, "SUIJI_WECOM_AGENT_ID": str(standin.agent_id),
               "SUIJI_WECOM_SECRET": standin.secret, "SUIJI_WECOM_API_BASE": standin.url,
               "SUIJI_WECOM_TOKEN": TOKEN, "SUIJI_WECOM_AES_KEY": AES_KEY}
        ports = [18000 + secrets.randbelow(1000) + 1000 * k for k in range(4)]
        for port in ports[:2]:
            procs.append(await spawn(env, "-m", "suiji", "serve", "--port", str(port)))
        for port in ports[2:]:
            procs.append(await spawn(env, "-m", "benchmarks.burst", "--bare", str(port)))
        app_urls = [f"http://127.0.0.1:{p}/wecom/callback" for p in ports[:2]]
        bare_urls = [f"http://127.0.0.1:{p}/wecom/callback" for p in ports[2:]]
        connector = aiohttp.TCPConnector(limit=200)
        async with aiohttp.ClientSession(connector=connector,
                                         timeout=aiohttp.ClientTimeout(total=30)) as http:
            for p in ports[:2]:
                await healthy(http, f"http://127.0.0.1:{p}/healthz")
            for u in bare_urls:
                await healthy(http, u)
            t = time.time()

            async def carded() -> bool:
                return len(standin._response_codes) >= args.answers

            await until(carded, 600)
            print(f"{args.answers} cards at the stand-in after {time.time() - t:.1f} s",
                  flush=True)
            await asyncio.sleep(1.0)
            print(f"load average before the burst: {load()}", flush=True)
            b = await burst(http, app_urls, standin, args)
            print(f"load average after the burst: {load()}", flush=True)
            problems = await check(b, standin)
            tp = await throughput(http, app_urls, bare_urls, standin, args)
        print(f"load average at the end: {load()}")
        print(f"\nburst: {b['answers']} answers ({b['declines']} declines) in {b['wall']:.1f} s "
              f"into two processes; answers {b['statuses']}")
        print(f"  callback response time: {summary(b['latency'])}")
        print(f"  decline click -> next card at the stand-in: {summary(b['next_card'])}")
        print(f"  every answer applied {b['all_applied']:.1f} s after the first click")
        print(f"  click -> its card updated at the stand-in: {summary(b['update_lag'])}")
        print(f"  answer applied (committed) -> its card updated: {summary(b['outbox_lag'])}")
        print(f"  WeCom calls done during the burst: {b['during'][0]} messages, "
              f"{b['during'][1]} card updates; in the {AFTER:.0f} s after: {b['after'][0]} "
              f"messages, {b['after'][1]} card updates")
        print(f"  lost or doubled: {'; '.join(problems) or 'none'}")
        print(f"\nthroughput, {args.requests} texts at concurrency {args.concurrency}, "
              "two processes each:")
        print(f"  bare decrypt+parse: {tp['bare']:.0f} req/s (runs {tp['bare_runs'][0]:.0f}, "
              f"{tp['bare_runs'][1]:.0f})")
        print(f"  full app answered:  {tp['full']:.0f} req/s ({tp['full'] / tp['bare']:.0%} "
              f"of bare); all applied at {tp['applied_rate']:.0f} msg/s "
              f"({tp['applied_rate'] / tp['bare']:.0%} of bare)")
        print(f"  replies at the stand-in during the load: {tp['replies_during']}, "
              f"in the {AFTER:.0f} s after: {tp['replies_after']}")
    finally:
        for p in procs:
            if p.returncode is None:
                p.terminate()
        for p in procs:
            try:
                await asyncio.wait_for(p.wait(), 20)
            except TimeoutError:
                p.kill()
        await db.close_db()
        await standin.close()
        conn = await asyncpg.connect(f"{dsn}/{admin_db}")
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await conn.close()


def serve_bare(port: int) -> None:
    web.run_app(bare_app(), host="127.0.0.1", port=port, access_log=None, print=None)


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--pg", default="postgres://postgres@127.0.0.1:5432/postgres")
    p.add_argument("--redis", default="redis://127.0.0.1:6379/0")
    p.add_argument("--answers", type=int, default=2000)
    p.add_argument("--seconds", type=float, default=60.0)
    p.add_argument("--campaigns", type=int, default=10)
    p.add_argument("--decline-share", type=float, default=0.1)
    p.add_argument("--requests", type=int, default=8000)
    p.add_argument("--concurrency", type=int, default=20)
    p.add_argument("--bare", type=int, metavar="PORT", help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.bare:
        serve_bare(args.bare)
        return
    asyncio.run(run(args))


if __name__ == "__main__":
    main()
