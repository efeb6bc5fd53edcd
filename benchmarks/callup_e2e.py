"""Call-up end to end (issue 4, item 9). Run from the repository root:

    .venv/bin/python -m benchmarks.callup_e2e [--declines 100] [--requests 2000] [--concurrency 20]

Uses SQLite in a temporary folder unless SUIJI_DATABASE_URL names a PostgreSQL database (migrated
and empty; set SUIJI_REDIS_URL too for the Redis de-duplication store and wake-ups). The app runs
with its in-process outbox worker, pointed at a stand-in WeCom (suiji/playground/standin.py, a real
aiohttp server on 127.0.0.1). Two measurements, same run, real HTTP over TCP:

1. Decline click → the next inspector's card received by the stand-in: from sending the signed,
   encrypted template_card_event until the stand-in has accepted the `message/send` of the next
   card (its own receive timestamp). Covers the callback, the transaction, the commit's wake-up of
   the worker, the worker's claim and the HTTP call to WeCom.
2. Callback throughput of the full app versus a bare handler that only checks the signature,
   decrypts and parses (benchmarks/callup.py), measured after the declines so that the worker
   delivering the answers does not disturb them.
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

from benchmarks.callup import bare_app, pct, serve, throughput
from inspection.callup import calls as callup
from models.callups import CallUp
from models.enums import CallUpState
from notifications.appkeys import OUTBOX_WAKE
from suiji import db
from suiji.app import create_app
from suiji.playground.standin import WeComStandIn
from suiji.settings import load_settings
from tests import factories as f
from tests.wecom_callbacks import AES_KEY, CORP_ID, TOKEN, card_event_xml, signed, text_xml

WAIT = 10.0  # seconds; a card later than this is a failure, not a data point


async def arrival(standin: WeComStandIn, userid: str) -> float:
    """The stand-in's receive time of the first template card to `userid`."""
    async with asyncio.timeout(WAIT):
        while True:
            for d in standin.delivered_to(userid):
                if d.body.get("msgtype") == "template_card":
                    return d.at
            await asyncio.sleep(0.0005)


def click_code(standin: WeComStandIn, userid: str) -> str:
    # The response_code WeCom attached to the card on that phone (single use).
    return next(c for c, u in standin._response_codes.items() if u == userid)


async def declines(url: str, standin: WeComStandIn, n: int) -> list[float]:
    times: list[float] = []
    async with aiohttp.ClientSession() as http:
        for _ in range(n):
            current = await CallUp.filter(state=CallUpState.CALLED).prefetch_related("staff").first()
            assert current is not None, "draw order too short"
            userid = current.staff.wecom_userid
            await arrival(standin, userid)
            params, body = signed(card_event_xml(userid, task_id=current.task_id, key="decline",
                                                 response_code=click_code(standin, userid),
                                                 reason="meeting"))
            start = time.time()
            async with http.post(url, params=params, data=body.encode()) as resp:
                assert resp.status == 200
            # The callback answered after its transaction committed, so the row exists; the time
            # measured is the stand-in's own receive timestamp, not this query's.
            nxt = await CallUp.get(replaces_id=current.id).prefetch_related("staff")
            times.append((await arrival(standin, nxt.staff.wecom_userid) - start) * 1000)
    return times


async def main(args: argparse.Namespace) -> None:
    tmp = Path(tempfile.mkdtemp())
    url = os.environ.get("SUIJI_DATABASE_URL") or f"sqlite://{tmp / 'bench.sqlite3'}"
    standin = await WeComStandIn(corp_id=CORP_ID).start()
    settings = load_settings(database_url=url, data_dir=tmp, env="test",
                             secret_key=secrets.token_urlsafe(32), wecom_token=TOKEN,
                             wecom_aes_key=AES_KEY, wecom_corp_id=CORP_ID,
                             wecom_agent_id=standin.agent_id, wecom_secret=standin.secret,
                             wecom_api_base=standin.url,
                             redis_url=os.environ.get("SUIJI_REDIS_URL"),
                             redis_prefix=f"bench:{secrets.token_hex(4)}:")
    if not db.is_postgres(url):
        await db.migrate(url)
    await db.init_db(url)
    order = [await f.staff(f"检查员{i}", userid=f"insp{i}") for i in range(args.declines + 2)]
    leader = await f.staff("刘组长", userid="liu", leader=True, inspector=False)
    c = await f.campaign(needed=1, leader=leader)
    await f.inspector_draw(c, order)
    await callup.start_callup(campaign_id=c.id, now=f.NOW, actor="cli")

    app = create_app(settings, manage_db=False, run_worker=True)
    app_runner, app_url = await serve(app)
    bare_runner, bare_url = await serve(bare_app())
    try:
        app[OUTBOX_WAKE].wake()
        lat = await declines(app_url, standin, args.declines)
        msgs = [signed(text_xml(f"insp{i % 50}", "帮助")) for i in range(args.requests)]
        bare = await throughput(bare_url, list(msgs), args.concurrency)
        full = await throughput(app_url, msgs, args.concurrency)
    finally:
        await app_runner.cleanup()
        await bare_runner.cleanup()
        await standin.close()
        await db.close_db()
    backend = "PostgreSQL + Redis" if db.is_postgres(url) else "SQLite"
    print(f"backend: {backend}; in-process worker; stand-in WeCom on 127.0.0.1")
    print(f"decline click -> next card at the stand-in ({args.declines} declines): "
          f"p50 {statistics.median(lat):.1f} ms, p95 {pct(lat, 95):.1f} ms, max {max(lat):.1f} ms")
    print(f"callback throughput, bare decrypt+parse: {bare:8.0f} req/s")
    print(f"callback throughput, full app:          {full:8.0f} req/s ({full / bare:.0%} of bare)"
          f" (requests {args.requests}, concurrency {args.concurrency})")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--declines", type=int, default=100)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=20)
    asyncio.run(main(parser.parse_args()))
