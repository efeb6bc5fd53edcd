"""`/healthz` (the process is up) and `/readyz` (database and cache reachable, and the evidence
object store usable when one is configured; when not, a problem+json 503 whose `checks` says
which)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from aiohttp import web
from tortoise import connections

from inspection.fieldwork import evidence
from notifications.appkeys import KV, STORAGE
from notifications.problems import problem

log = logging.getLogger(__name__)

_NAMES = {"database": "数据库", "cache": "缓存", "storage": "证据存储"}


async def healthz(request: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})


async def _probe(name: str, check: Callable[[], Awaitable[object]], *, within: float,
                 bad: str) -> str:
    try:
        async with asyncio.timeout(within):
            await check()
        return "ok"
    except Exception as exc:  # any failure means "not ready"; the reason goes to the log
        log.warning("readiness: %s %s", name, bad, extra={"error": repr(exc)})
        return bad


async def readyz(request: web.Request) -> web.Response:
    app = request.app
    checks = {
        "database": await _probe("database", lambda: connections.get("default").execute_query(
            "SELECT 1"), within=2, bad="unreachable"),
        "cache": await _probe("cache", app[KV].ping, within=2, bad="unreachable"),
    }
    storage = app[STORAGE]
    if not isinstance(storage, evidence.LocalStorage):  # the object store, when configured (SUIJI_S3_*)
        checks["storage"] = await _probe("evidence storage", storage.check, within=5,
                                         bad="unavailable")
    if all(v == "ok" for v in checks.values()):
        return web.json_response({"status": "ok", "checks": checks})
    down = "、".join(_NAMES[name] for name, v in checks.items() if v != "ok")
    return problem(503, "not_ready", f"{down}暂不可用", extra={"checks": checks})


def setup(app: web.Application) -> None:
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/readyz", readyz)
