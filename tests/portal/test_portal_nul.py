"""U+0000 in what the public sends (search box, acknowledgement form) is refused politely, never a
server error: PostgreSQL text cannot hold it."""

from __future__ import annotations

import pytest

from suiji.app import create_app
from tests.notices_fixtures import make_world
from tests.portal.test_notice_page import _issue


@pytest.fixture
async def client(aiohttp_client, settings):
    return await aiohttp_client(create_app(settings, manage_db=False))


async def test_search_with_nul_searches_without_it(client):
    await make_world()
    for path in ("/public/search", "/public/search.json"):
        resp = await client.get(path, params={"q": "涪江\x00建筑"})
        assert resp.status == 200, await resp.text()
    body = await (await client.get("/public/search.json", params={"q": "涪江\x00"})).json()
    assert body["q"] == "涪江"
    resp = await client.get("/public/search.json", params={"q": "\x00\x07"})
    assert resp.status == 400 and (await resp.json())["code"] == "query_required"


async def test_acknowledgement_with_nul(client):
    w = await make_world()
    n = await _issue(w)
    resp = await client.post(f"/n/{n.token}/ack", data={"code": "0000\x000000"})
    assert resp.status == 400 and "还可尝试 4 次" in await resp.text()
