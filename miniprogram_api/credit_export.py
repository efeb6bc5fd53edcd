"""`GET /api/v1/credit/export` — the incremental feed for the regional credit-information sharing
platform (R18), protected by a bearer token (SUIJI_CREDIT_EXPORT_TOKEN; unset → 503).

A thin adapter over `inspection.credit.export`; the format is documented in docs/credit.md.
"""

from __future__ import annotations

import hmac
from typing import Any

from aiohttp import web

from inspection import audit
from inspection.audit import unit_of_work
from inspection.credit import export
from inspection.errors import DomainError, Problem
from notifications.appkeys import CONFIG
from notifications.problems import from_domain, problem

PATH = "/api/v1/credit/export"


def _authorised(request: web.Request, token: str) -> bool:
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    # Constant-time comparison: the token must not leak through response timing.
    return scheme.lower() == "bearer" and hmac.compare_digest(
        given.strip().encode(), token.encode())


async def handle_export(request: web.Request) -> web.Response:
    token = request.app[CONFIG].credit_export_token
    if not token:
        return problem(503, "export_disabled", "信用信息共享平台接口未启用（未配置访问令牌）")
    if not _authorised(request, token):
        return problem(401, "unauthorized", "访问令牌无效",
                       headers={"WWW-Authenticate": 'Bearer realm="suiji-credit"'})
    fmt = request.query.get("format", "json")
    if fmt not in ("json", "csv"):
        return problem(422, "validation_failed", "输入有误，请按提示修改后重试",
                       [Problem("格式只能是 json 或 csv", field="format")])
    try:
        since, limit = export.check_params(since=request.query.get("since"),
                                           limit=request.query.get("limit"))
        async with unit_of_work():
            batch = await export.fetch(since=since, limit=limit, actor=audit.SYSTEM)
    except DomainError as exc:
        return from_domain(exc)
    headers = {"X-Next-Cursor": str(batch.next_cursor), "X-More": "1" if batch.more else "0",
               "Cache-Control": "no-store"}
    if fmt == "csv":
        return web.Response(text=export.to_csv(batch), content_type="text/csv",
                            charset="utf-8", headers=headers)
    return web.Response(text=export.to_json(batch), content_type="application/json",
                        charset="utf-8", headers=headers)


def openapi_path() -> dict[str, Any]:
    """The path item for the OpenAPI document (this route is not a staff-session route)."""
    problem = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
    return {"get": {
        "operationId": "getCreditExport", "tags": ["credit"],
        "summary": "信用信息共享平台增量导出（按统一社会信用代码）",
        "security": [{"creditToken": []}],
        "parameters": [
            {"name": "since", "in": "query", "required": False,
             "schema": {"type": "integer", "minimum": 0}, "description": "上次返回的游标"},
            {"name": "limit", "in": "query", "required": False,
             "schema": {"type": "integer", "minimum": 1, "maximum": 5000}},
            {"name": "format", "in": "query", "required": False,
             "schema": {"type": "string", "enum": ["json", "csv"], "default": "json"}}],
        "responses": {
            "200": {"description": "成功；X-Next-Cursor 为下次游标，X-More 为 1 表示还有",
                    "content": {"application/json": {"schema": {"type": "object"}},
                                "text/csv": {"schema": {"type": "string"}}}},
            "401": {"description": "访问令牌无效", "content": problem},
            "422": {"description": "输入有误", "content": problem},
            "503": {"description": "接口未启用", "content": problem}}}}


def setup(app: web.Application) -> None:
    app.router.add_get(PATH, handle_export)
