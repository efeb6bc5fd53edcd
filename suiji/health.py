"""`/healthz` (the process is up) and `/readyz` (database and cache reachable, and the evidence
object store usable when one is configured)."""

from __future__ import annotations

import asyncio
import logging

from aiohttp import web
from tortoise import connections

from notifications.runtime import RUNTIME

log = logging.getLogger(__name__)


async def healthz(request: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})


async def readyz(request: web.Request) -> web.Response:
    runtime = request.app[RUNTIME]
    checks: dict[str, str] = {}
    try:
        async with asyncio.timeout(2):
            await connections.get("default").execute_query("SELECT 1")
        checks["database"] = "ok"
    except Exception as exc:  # any failure means "not ready"; the reason goes to the log
        log.warning("readiness: database unreachable", extra={"error": repr(exc)})
        checks["database"] = "unreachable"
    try:
        async with asyncio.timeout(2):
            await runtime.kv.ping()
        checks["cache"] = "ok"
    except Exception as exc:
        log.warning("readiness: cache unreachable", extra={"error": repr(exc)})
        checks["cache"] = "unreachable"
    if runtime.storage is not None:  # the object store, when configured (SUIJI_S3_*)
        try:
            async with asyncio.timeout(5):
                await runtime.storage.check()
            checks["storage"] = "ok"
        except Exception as exc:
            log.warning("readiness: evidence storage unavailable", extra={"error": str(exc)})
            checks["storage"] = "unavailable"
    ok = all(v == "ok" for v in checks.values())
    return web.json_response({"status": "ok" if ok else "unavailable", "checks": checks},
                             status=200 if ok else 503)


def setup(app: web.Application) -> None:
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/readyz", readyz)
