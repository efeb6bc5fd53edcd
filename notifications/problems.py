"""Every HTTP error body of the app as `application/problem+json` (RFC 9457), in one shape:

    {"type": "https://suiji.invalid/problems/<code>", "title": <the status in Chinese>,
     "status": <int>, "detail": <what went wrong, in Chinese>, "code": <stable machine code>,
     "errors": [{"message": …, "field": …, "row": …, "code": …}, …]}

`errors` lists what is wrong with the input, one entry per field or row (`inspection.errors.
Problem`), and is empty otherwise. A response may add members of its own (RFC 9457 §3.2), such as
`/readyz`'s `checks`. Used by the staff API, the credit export, the WeCom callback, the portal's
JSON pages and the health checks; here because adapters may not import each other.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Mapping
from typing import Any

from aiohttp import web

from inspection.errors import DomainError, Problem
from models.kv import KVUnavailable

log = logging.getLogger(__name__)
RETRY_AFTER = "5"  # seconds; Redis restarts (or fails over) in about that

PROBLEM_TYPE = "application/problem+json"
TYPE_BASE = "https://suiji.invalid/problems/"

TITLES = {400: "请求有误", 401: "未登录或登录已失效", 403: "无权操作", 404: "不存在",
          405: "不支持的请求方法", 409: "当前状态不允许此操作", 413: "内容过大",
          415: "不支持的内容类型", 422: "输入有误", 429: "请求过于频繁",
          500: "服务器内部错误", 502: "上游服务出错", 503: "服务暂不可用"}


def problem(status: int, code: str, detail: str, errors: Iterable[Problem] = (), *,
            headers: Mapping[str, str] | None = None,
            extra: Mapping[str, Any] | None = None) -> web.Response:
    body: dict[str, Any] = {
        "type": TYPE_BASE + code, "title": TITLES.get(status, "错误"), "status": status,
        "detail": detail, "code": code, "errors": [p.as_dict() for p in errors], **(extra or {}),
    }
    return web.Response(status=status, headers=headers, content_type=PROBLEM_TYPE,
                        charset="utf-8", text=json.dumps(body, ensure_ascii=False))


def from_domain(exc: DomainError, *, headers: Mapping[str, str] | None = None) -> web.Response:
    return problem(exc.status, exc.code, exc.message, exc.problems, headers=headers)


def unavailable() -> web.Response:
    return problem(503, "store_unavailable", "服务暂时不可用，请稍后重试",
                   headers={"Retry-After": RETRY_AFTER})


@web.middleware
async def unavailable_middleware(request: web.Request, handler: Any) -> web.StreamResponse:
    """Outermost: a request that met an unreachable Redis answers 503 with Retry-After and one
    log line, not a 500 with a traceback. It changed nothing: the store is used before any
    transaction commits (sessions, rate limits, de-duplication)."""
    try:
        return await handler(request)
    except KVUnavailable as exc:
        log.warning("store unavailable: %s %s (%s)", request.method, request.path, exc)
        return unavailable()
