"""Every error body of the app has the one problem+json shape (notifications.problems), whichever
part of the app answers: staff API, credit export, WeCom callback, portal JSON, readiness."""

from __future__ import annotations

from typing import Any

from suiji.app import create_app

SHAPE = {"type", "title", "status", "detail", "code", "errors"}


async def _problem(resp: Any) -> dict[str, Any]:
    assert resp.content_type == "application/problem+json", await resp.text()
    body = await resp.json()
    assert set(body) >= SHAPE, body
    assert body["status"] == resp.status and body["type"].endswith("/" + body["code"])
    assert isinstance(body["errors"], list) and body["title"] and body["detail"]
    return body


async def test_one_shape_everywhere(aiohttp_client, settings):
    client = await aiohttp_client(create_app(settings, manage_db=False))
    staff_api = await _problem(await client.get("/api/v1/inspections"))
    assert set(staff_api) == SHAPE and staff_api["code"] == "unauthenticated"
    export = await _problem(await client.get("/api/v1/credit/export"))
    assert set(export) == SHAPE and export["code"] == "export_disabled"
    callback = await _problem(await client.get("/wecom/callback"))
    assert set(callback) == SHAPE and callback["code"] == "callback_not_configured"
    search = await _problem(await client.get("/public/search.json"))
    assert set(search) == SHAPE and search["code"] == "query_required"
    draw = await _problem(await client.get("/public/draws/999.json"))
    assert set(draw) == SHAPE and draw["status"] == 404


async def test_input_errors_name_the_field(aiohttp_client, settings):
    client = await aiohttp_client(create_app(
        settings.model_copy(update={"credit_export_token": "t" * 40}), manage_db=False))
    body = await _problem(await client.get("/api/v1/credit/export", params={"format": "xml"},
                                           headers={"Authorization": "Bearer " + "t" * 40}))
    assert body["errors"] == [{"message": "格式只能是 json 或 csv", "field": "format"}]


async def test_readiness_says_what_is_down(aiohttp_client, settings):
    bad = settings.model_copy(update={"redis_url": "redis://127.0.0.1:1/0"})
    client = await aiohttp_client(create_app(bad, manage_db=False))
    body = await _problem(await client.get("/readyz"))
    assert body["code"] == "not_ready" and body["checks"]["cache"] == "unreachable"
    assert "缓存" in body["detail"]
