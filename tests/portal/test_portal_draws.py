"""The public window's draw pages, through the real app factory."""

from __future__ import annotations

import datetime as dt
import hashlib
import json

import pytest
from tortoise.transactions import in_transaction

from inspection import clock
from inspection.draw import protocol as draws
from models.draws import Draw
from models.enums import Grade
from suiji.app import create_app
from tests.drawkit import (
    approved_campaign,
    employers_spec,
    make_world,
    reference_check,
    reveal_now,
)

PAST = clock.today() - dt.timedelta(days=3)
FUTURE = clock.today() + dt.timedelta(days=30)


@pytest.fixture
async def client(aiohttp_client, settings):
    return await aiohttp_client(create_app(settings, manage_db=False))


async def _draw(world, code, *, confidential, start, reveal=True):
    roster = {"strata": {"B": {"count": 3}}}
    c = await approved_campaign(world, code=code, rules=roster, confidential=confidential,
                                field_start=start, field_end=start + dt.timedelta(days=20))
    async with in_transaction():
        await draws.commit_draws(campaign_code=c.code, actor="cli")
    if reveal:
        async with in_transaction():
            await draws.reveal_draws(campaign_code=c.code, public_entropy="体彩 7 3 9",
                                     actor="cli", **reveal_now())
    return c


async def test_record_json_recomputes_with_the_reference(client):
    roster = [*employers_spec(8, grade=Grade.B), {"uscc": "91500102MA<script>", "grade": Grade.B}]
    world = await make_world(employers=roster)
    campaign = await _draw(world, "2026-FL-003", confidential=False, start=FUTURE)
    draw = await Draw.get(campaign_id=campaign.id, kind="employers")
    resp = await client.get(f"/public/draws/{draw.id}.json")
    assert resp.status == 200
    record = json.loads(await resp.read())
    reference_check(record)
    assert "91500102MA<script>" in record["strata"][0]["candidates"]
    listing = await (await client.get("/public/draws.json")).json()
    assert {d["draw_id"] for d in listing["draws"]} == {
        d.id for d in await Draw.filter(campaign_id=campaign.id)}
    campaign.title = "<script>alert(1)</script>"
    await campaign.save()
    html = await (await client.get(f"/public/draws/{draw.id}")).text()
    assert "<script>" not in html and "&lt;script&gt;alert(1)" in html
    assert record["secret"] in html
    listing_html = await (await client.get("/public/draws")).text()
    assert f"/public/draws/{draw.id}" in listing_html


async def test_confidential_record_waits_for_the_field_window_and_the_team(client):
    world = await make_world(employers=employers_spec(8, grade=Grade.B))
    hidden = await _draw(world, "2026-FL-100", confidential=True, start=FUTURE)
    opened = await _draw(world, "2026-FL-101", confidential=True, start=PAST)
    h = await Draw.get(campaign_id=hidden.id, kind="employers")
    o = await Draw.get(campaign_id=opened.id, kind="employers")
    body = await (await client.get(f"/public/draws/{h.id}.json")).json()
    assert body["status"] == "revealed" and "secret" not in body and "visible_from" in body
    # R14: not even the strata before their time, only their seal (test_confidential_public_records)
    assert body["strata"] == [] and len(body["strata_seal"]) == 64
    assert body["commitment"] == h.commitment  # the commitment shows at once
    assert h.secret not in await (await client.get(f"/public/draws/{h.id}")).text()
    # The field window has opened, but no team has formed: still secret (R14).
    early = await (await client.get(f"/public/draws/{o.id}.json")).json()
    assert "secret" not in early and all("drawn" not in s for s in early["strata"])
    assert not (await (await client.get("/public/draws.json")).json())["draws"][0]["result_public"]
    opened.team_formed_at = clock.now()
    await opened.save(update_fields=["team_formed_at", "updated_at"])
    reference_check(await (await client.get(f"/public/draws/{o.id}.json")).json())


async def test_committed_draw_shows_commitment_only(client):
    world = await make_world(employers=employers_spec(4, grade=Grade.B))
    c = await _draw(world, "2026-FL-200", confidential=False, start=FUTURE, reveal=False)
    d = await Draw.get(campaign_id=c.id, kind="employers")
    body = await (await client.get(f"/public/draws/{d.id}.json")).json()
    assert body["status"] == "committed" and "secret" not in body
    assert body["commitment"] == d.commitment


async def test_unknown_draw_is_404_problem(client):
    resp = await client.get("/public/draws/999.json")
    assert resp.status == 404 and resp.content_type == "application/problem+json"
    assert (await client.get("/public/draws/999")).status == 404
    assert (await client.get("/public/draws/abc.json")).status == 404


async def test_verifier_download_is_the_shipped_file(client):
    resp = await client.get("/public/tools/verify_draw.py")
    assert resp.status == 200 and "attachment" in resp.headers["Content-Disposition"]
    import tools.verify_draw as v

    body = await resp.read()
    with open(v.__file__, "rb") as f:  # noqa: ASYNC230 - a test reading a small local file
        assert hashlib.sha256(body).digest() == hashlib.sha256(f.read()).digest()


async def test_suiji_draw_verify_reads_the_published_url(client, settings, tmp_path):
    import asyncio
    import os
    import sys

    world = await make_world(employers=employers_spec(6, grade=Grade.B))
    campaign = await _draw(world, "2026-FL-300", confidential=False, start=FUTURE)
    draw = await Draw.get(campaign_id=campaign.id, kind="inspectors")
    url = str(client.make_url(f"/public/draws/{draw.id}.json"))
    env = dict(os.environ, SUIJI_ENV="test", SUIJI_DATA_DIR=str(tmp_path),
               SUIJI_DATABASE_URL=settings.database_url)
    # An asyncio subprocess, so the test server keeps answering while the verifier fetches.
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "suiji", "draw", "verify", url, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, err = await asyncio.wait_for(proc.communicate(), timeout=60)
    assert proc.returncode == 0, (out + err).decode()
    assert "RESULT: OK" in out.decode()
