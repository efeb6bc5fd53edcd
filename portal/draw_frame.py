"""The public window's page frame: mobile-first, self-contained (no external resources)."""

from __future__ import annotations

import json
from html import escape

from aiohttp import web

from inspection.errors import DomainError

_CSS = """
body{font:16px/1.6 system-ui,-apple-system,"PingFang SC","Microsoft YaHei",sans-serif;
margin:0 auto;max-width:52rem;padding:1rem;color:#222}
h1{font-size:1.35rem}h2{font-size:1.15rem;margin-top:1.5rem}h3{font-size:1rem}
code,.h{font-family:ui-monospace,monospace;word-break:break-all;font-size:.85rem}
table{border-collapse:collapse;width:100%}td,th{border:1px solid #ccc;padding:.3rem;text-align:left}
dt{font-weight:600}dd{margin:0 0 .5rem 0;word-break:break-all}ul.list li{margin-bottom:.6rem}
a{color:#0645ad}
"""


def page(title: str, body: str, *, status: int = 200) -> web.Response:
    html = (f"<!doctype html><html lang=zh-CN><head><meta charset=utf-8>"
            f"<meta name=viewport content=\"width=device-width,initial-scale=1\">"
            f"<title>{escape(title)}</title><style>{_CSS}</style></head><body>{body}"
            f"<footer><small>抽查公示窗口 · 双随机、一公开</small></footer></body></html>")
    return web.Response(text=html, content_type="text/html", charset="utf-8", status=status,
                        headers={"Content-Security-Policy": "default-src 'none'; "
                                 "style-src 'unsafe-inline'; base-uri 'none'; form-action 'self'",
                                 "X-Content-Type-Options": "nosniff"})


def problem(exc: DomainError) -> web.Response:
    body = {"type": "about:blank", "title": exc.message, "status": exc.status, "code": exc.code,
            "problems": [p.as_dict() for p in exc.problems]}
    return web.json_response(body, status=exc.status, content_type="application/problem+json",
                             dumps=lambda o: json.dumps(o, ensure_ascii=False))
