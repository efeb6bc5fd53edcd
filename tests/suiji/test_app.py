import pytest

from suiji.app import create_app


@pytest.fixture
async def client(aiohttp_client, settings):
    return await aiohttp_client(create_app(settings, manage_db=False))


async def test_healthz(client):
    resp = await client.get("/healthz")
    assert resp.status == 200
    assert (await resp.json())["status"] == "ok"


async def test_readyz_checks_database_and_cache(client):
    resp = await client.get("/readyz")
    body = await resp.json()
    assert resp.status == 200, body
    assert body["checks"] == {"database": "ok", "cache": "ok"}


async def test_readyz_reports_unreachable_cache(aiohttp_client, settings):
    bad = settings.model_copy(update={"redis_url": "redis://127.0.0.1:1/0"})
    client = await aiohttp_client(create_app(bad, manage_db=False))
    resp = await client.get("/readyz")
    assert resp.status == 503
    assert (await resp.json())["checks"]["cache"] == "unreachable"
