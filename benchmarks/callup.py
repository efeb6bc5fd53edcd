"""Call-up benchmarks (issue 4, item 9). Run from the repository root:

    .venv/bin/python -m benchmarks.callup [--requests 2000] [--concurrency 20] [--declines 200]

Uses SQLite in a temporary folder unless SUIJI_DATABASE_URL names a PostgreSQL database
(which must be migrated and empty). Two measurements, same run, real HTTP over TCP:

1. Callback throughput: signed, encrypted text messages (帮助 from a rostered inspector, each with
   its own MsgId, so each is de-duplicated, processed in a transaction and answered through the
   outbox) against the full app, versus a bare aiohttp handler that only checks the signature,
   decrypts and parses.
2. Decline click → the next inspector's card committed in the outbox: the callback answers only
   after the transaction that wrote the card committed, so the response time bounds it. (Arrival
   at a stand-in WeCom adds the worker's poll and one HTTP call; measured after the merge.)
"""

from __future__ import annotations

import argparse
import asyncio
import os
import secrets
import statistics
import tempfile
import time
from pathlib import Path

import aiohttp
from aiohttp import web

from bot.crypto import CallbackCrypto, CallbackMalformed, CallbackRejected
from bot.parse import parse_envelope, parse_message
from inspection.callup import calls as callup
from models.callups import CallUp
from models.enums import CallUpState
from models.outbox import OutboxMessage
from notifications.runtime import CallbackConfig
from suiji import db
from suiji.app import create_app
from suiji.settings import load_settings
from tests import factories as f
from tests.wecom_callbacks import AES_KEY, CORP_ID, TOKEN, card_event_xml, signed, text_xml


def bare_app() -> web.Application:
    crypto = CallbackCrypto(CallbackConfig(TOKEN, AES_KEY, CORP_ID))

    async def handler(request: web.Request) -> web.Response:
        q = request.query
        try:
            env = parse_envelope((await request.read()).decode())
            parse_message(crypto.decrypt(msg_signature=q["msg_signature"],
                                         timestamp=q["timestamp"], nonce=q["nonce"],
                                         encrypt=env.encrypt))
        except (CallbackMalformed, CallbackRejected):
            return web.Response(status=400)
        return web.Response(text="")

    app = web.Application()
    app.router.add_post("/wecom/callback", handler)
    return app


async def serve(app: web.Application) -> tuple[web.AppRunner, str]:
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    return runner, f"http://127.0.0.1:{port}/wecom/callback"


async def throughput(url: str, bodies: list[tuple[dict[str, str], str]], concurrency: int) -> float:
    queue = list(bodies)
    async with aiohttp.ClientSession() as http:
        async def worker() -> None:
            while queue:
                params, body = queue.pop()
                async with http.post(url, params=params, data=body.encode()) as resp:
                    assert resp.status == 200, await resp.text()
        start = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        return len(bodies) / (time.perf_counter() - start)


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


async def declines(url: str, n: int) -> list[float]:
    times: list[float] = []
    async with aiohttp.ClientSession() as http:
        for i in range(n):
            current = await CallUp.filter(state=CallUpState.CALLED).prefetch_related("staff").first()
            assert current is not None, "draw order too short"
            params, body = signed(card_event_xml(current.staff.wecom_userid,
                                                 task_id=current.task_id, key="decline",
                                                 response_code=f"RC{i}", reason="meeting"))
            start = time.perf_counter()
            async with http.post(url, params=params, data=body.encode()) as resp:
                assert resp.status == 200
            times.append((time.perf_counter() - start) * 1000)
            nxt = await CallUp.get(replaces_id=current.id)
            assert await OutboxMessage.exists(idempotency_key=f"callup:{nxt.id}:card")
    return times


async def main(args: argparse.Namespace) -> None:
    tmp = Path(tempfile.mkdtemp())
    url = os.environ.get("SUIJI_DATABASE_URL") or f"sqlite://{tmp / 'bench.sqlite3'}"
    settings = load_settings(database_url=url, data_dir=tmp, env="test",
                             secret_key=secrets.token_urlsafe(32), wecom_token=TOKEN,
                             wecom_aes_key=AES_KEY, wecom_corp_id=CORP_ID, wecom_agent_id=1000002,
                             wecom_secret="bench-secret",
                             redis_url=os.environ.get("SUIJI_REDIS_URL"))
    if not db.is_postgres(url):
        await db.migrate(url)
    await db.init_db(url)
    order = [await f.staff(f"检查员{i}", userid=f"insp{i}") for i in range(args.declines + 2)]
    leader = await f.staff("刘组长", userid="liu", leader=True, inspector=False)
    c = await f.campaign(needed=1, leader=leader)
    await f.inspector_draw(c, order)
    await callup.start_callup(campaign_id=c.id, now=f.NOW, actor="cli")

    app_runner, app_url = await serve(create_app(settings, manage_db=False))
    bare_runner, bare_url = await serve(bare_app())
    try:
        msgs = [signed(text_xml(f"insp{i % 50}", "帮助")) for i in range(args.requests)]
        bare = await throughput(bare_url, list(msgs), args.concurrency)
        full = await throughput(app_url, msgs, args.concurrency)
        lat = await declines(app_url, args.declines)
    finally:
        await app_runner.cleanup()
        await bare_runner.cleanup()
        await db.close_db()
    backend = "PostgreSQL" if db.is_postgres(url) else "SQLite"
    print(f"backend: {backend}; requests {args.requests}, concurrency {args.concurrency}")
    print(f"callback throughput, bare decrypt+parse: {bare:8.0f} req/s")
    print(f"callback throughput, full app:          {full:8.0f} req/s ({full / bare:.0%} of bare)")
    print(f"decline click -> next card committed ({args.declines} declines): "
          f"p50 {statistics.median(lat):.1f} ms, p95 {pct(lat, 95):.1f} ms, max {max(lat):.1f} ms")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--declines", type=int, default=200)
    asyncio.run(main(parser.parse_args()))
