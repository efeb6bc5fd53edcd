"""The access log never holds a notice's token or a one-time code."""

from __future__ import annotations

import logging
from typing import Any

from aiohttp import web

from suiji.logs import AccessLogger, mask_secrets

TOKEN = "tjoMLEgFnq3xcwBxJ9XV5w"


def test_mask_secrets() -> None:
    assert mask_secrets(f"/n/{TOKEN}") == "/n/tjoM…"
    assert mask_secrets(f"/n/{TOKEN}/pdf") == "/n/tjoM…/pdf"
    assert mask_secrets("/api/v1/auth/wecom-oauth?code=abc123&state=x") == (
        "/api/v1/auth/wecom-oauth?code=…&state=…")
    assert mask_secrets("/public/search?q=重庆") == "/public/search?q=重庆"


async def test_served_requests_are_logged_masked(aiohttp_server: Any, aiohttp_client: Any,
                                                 caplog: Any) -> None:
    async def ok(request: web.Request) -> web.Response:
        return web.Response(text="ok")

    app = web.Application()
    app.router.add_get("/n/{token}", ok)
    server = await aiohttp_server(app, access_log_class=AccessLogger,
                                  access_log=logging.getLogger("aiohttp.access"))
    client = await aiohttp_client(server)
    caplog.set_level(logging.INFO, logger="aiohttp.access")
    assert (await client.get(f"/n/{TOKEN}")).status == 200
    lines = [r.getMessage() for r in caplog.records if r.name == "aiohttp.access"]
    assert any('"GET /n/tjoM… HTTP/1.1" 200' in line for line in lines), lines
    assert not any(TOKEN in line for line in lines)


def test_no_line_is_built_above_info() -> None:
    # aiohttp calls `log` only when `enabled`: at WARNING no line is formatted and masked.
    logger = logging.getLogger("suiji.test.access")
    access = AccessLogger(logger, "")
    logger.setLevel(logging.WARNING)
    assert not access.enabled
    logger.setLevel(logging.INFO)
    assert access.enabled
