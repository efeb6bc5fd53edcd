"""GET /api/v1/credit/export: bearer token (constant-time), 503 when unset, JSON and CSV (R18)."""

import datetime as dt

from inspection.credit import export
from suiji.app import create_app
from tests import credit_factories as f

TOKEN = "t" * 40


async def _client(aiohttp_client, settings, token=TOKEN):
    return await aiohttp_client(create_app(
        settings.model_copy(update={"credit_export_token": token}), manage_db=False))


async def test_unset_token_answers_503(aiohttp_client, settings):
    client = await _client(aiohttp_client, settings, token=None)
    resp = await client.get("/api/v1/credit/export", headers={"Authorization": "Bearer x"})
    assert resp.status == 503
    assert resp.content_type == "application/problem+json"


async def test_wrong_or_missing_token_is_401(aiohttp_client, settings):
    client = await _client(aiohttp_client, settings)
    for headers in ({}, {"Authorization": "Bearer " + "u" * 40}, {"Authorization": TOKEN}):
        resp = await client.get("/api/v1/credit/export", headers=headers)
        assert resp.status == 401
        assert "Bearer" in resp.headers["WWW-Authenticate"]


async def test_json_and_csv_feed(aiohttp_client, settings):
    emp = await f.employer()
    await f.penalty(emp, decided_on=dt.date(2026, 6, 1))
    await f.penalty(emp, decided_on=dt.date(2026, 7, 1))
    client = await _client(aiohttp_client, settings)
    auth = {"Authorization": f"Bearer {TOKEN}"}
    resp = await client.get("/api/v1/credit/export?since=0&limit=1", headers=auth)
    assert resp.status == 200
    first = export.parse_json(await resp.text())
    assert [(r.uscc, r.kind) for r in first] == [(emp.uscc, "penalty")]
    assert resp.headers["X-More"] == "1"
    cursor = resp.headers["X-Next-Cursor"]
    resp = await client.get(f"/api/v1/credit/export?since={cursor}&format=csv", headers=auth)
    assert resp.status == 200
    assert resp.content_type == "text/csv"
    rest = export.parse_csv(await resp.text())
    assert [r.occurred_on for r in rest] == ["2026-07-01"]
    assert resp.headers["X-More"] == "0"


async def test_bad_parameters_are_problems(aiohttp_client, settings):
    client = await _client(aiohttp_client, settings)
    auth = {"Authorization": f"Bearer {TOKEN}"}
    resp = await client.get("/api/v1/credit/export?format=xml", headers=auth)
    assert resp.status == 422
    resp = await client.get("/api/v1/credit/export?since=abc", headers=auth)
    body = await resp.json(content_type="application/problem+json")
    assert (resp.status, body["errors"][0]["field"]) == (422, "since")
