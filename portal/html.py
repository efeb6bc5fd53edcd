"""The public portal's one page frame — notice pages (/n/…), the publication window (/public/…)
and its draw pages (/public/draws…): mobile-first, everything escaped, no external resources
(inline CSS, no scripts, no web fonts) and a CSP that forbids them; plus per-client rate limits.
The JSON pages answer refusals with `notifications.problems`."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from html import escape
from typing import Any

from aiohttp import web

from notifications.appkeys import CONFIG, KV
from notifications.client_ip import client_ip

CSP = ("default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; "
       "form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
_CSS = """
*{box-sizing:border-box}body{margin:0;font:16px/1.6 system-ui,-apple-system,"PingFang SC",
"Microsoft YaHei","WenQuanYi Zen Hei",sans-serif;color:#1f2328;background:#f5f6f8}
header{background:#b3261e;color:#fff;padding:12px 16px}header a{color:#fff;text-decoration:none}
header .org{font-size:14px;opacity:.9}header h1{margin:2px 0 0;font-size:20px}
main{max-width:960px;margin:0 auto;padding:12px}section,.card{background:#fff;border-radius:8px;
padding:12px 14px;margin:0 0 12px;box-shadow:0 1px 2px rgba(0,0,0,.06)}
h2{font-size:18px;margin:4px 0 8px}h3{font-size:16px;margin:12px 0 4px}dl{margin:0}
dt{color:#59636e;font-size:14px}dd{margin:0 0 8px;overflow-wrap:anywhere}
code,.h{font-family:ui-monospace,monospace;font-size:13px;word-break:break-all}
ul.list{padding-left:20px}ul.list li{margin-bottom:10px}.banner{border-radius:8px;padding:12px 14px;margin:0 0 12px;font-weight:600}
.ok{background:#e6f4ea;color:#0d652d;border:1px solid #9ad3a8}
.bad{background:#fce8e6;color:#a50e0e;border:1px solid #f1a9a0}
.warn{background:#fef7e0;color:#7a4f01;border:1px solid #f4d27a}
.muted{color:#59636e;font-size:14px}table{width:100%;border-collapse:collapse;font-size:14px}
th,td{text-align:left;padding:6px;border-bottom:1px solid #e5e7eb;vertical-align:top;
overflow-wrap:anywhere}
th{background:#f0f2f5}.scroll{overflow-x:auto}input,button{font:inherit;padding:8px 10px;
border-radius:6px;border:1px solid #c4c9d0}button{background:#b3261e;color:#fff;border:0}
form.row{display:flex;gap:8px;flex-wrap:wrap}nav a{display:inline-block;margin:0 12px 6px 0}
footer{text-align:center;color:#59636e;font-size:12px;padding:16px}
@media (max-width:640px){table,tbody,tr,td{display:block}thead{display:none}
tr{border-bottom:2px solid #e5e7eb;padding:6px 0}td{border:0;padding:2px 0}
td[data-label]::before{content:attr(data-label) "：";color:#59636e}}
"""


def e(value: Any) -> str:
    return escape("" if value is None else str(value), quote=True)


def page(request: web.Request, title: str, body: str, *, status: int = 200,
         headers: Mapping[str, str] | None = None) -> web.Response:
    """A page in the frame, under the bureau's name (SUIJI_BUREAU_NAME, as on its notices)."""
    org = request.app[CONFIG].issuer.name
    doc = (f'<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">'
           f'<meta name="viewport" content="width=device-width,initial-scale=1">'
           f'<meta name="referrer" content="no-referrer">'
           f"<title>{e(title)}</title><style>{_CSS}</style></head><body>"
           f'<header><div class="org">{e(org)}</div><h1>{e(title)}</h1></header>'
           f"<main>{body}</main><footer>双随机、一公开 · 抽查公示窗口</footer></body></html>")
    resp = web.Response(text=doc, status=status, content_type="text/html", charset="utf-8")
    resp.headers["Content-Security-Policy"] = CSP
    resp.headers["X-Content-Type-Options"] = "nosniff"
    resp.headers["Referrer-Policy"] = "no-referrer"
    for k, v in (headers or {}).items():
        resp.headers[k] = v
    return resp


def table(columns: Iterable[tuple[str, str]], rows: Iterable[Mapping[str, Any]], *,
          classes: Mapping[str, str] | None = None) -> str:
    """`classes`: a CSS class for the cells of some columns (e.g. "h" for hashes)."""
    cols = list(columns)
    css = {key: f' class="{e(name)}"' for key, name in (classes or {}).items()}
    head = "".join(f"<th>{e(label)}</th>" for _key, label in cols)
    # On a phone each row becomes a card; data-label names the column beside each value.
    body = "".join("<tr>" + "".join(
        f'<td data-label="{e(label)}"{css.get(key, "")}>{e(row.get(key))}</td>'
        for key, label in cols) + "</tr>" for row in rows)
    if not body:
        body = f'<tr><td colspan="{len(cols)}" class="muted">暂无公示内容</td></tr>'
    return f'<div class="scroll"><table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>'


async def over_limit(request: web.Request, bucket: str, *, limit: int, window: float) -> bool:
    """Fixed-window per-IP counter in the shared KV store (Redis when configured)."""
    address = client_ip(request, request.app[CONFIG].trusted_proxies)
    count = await request.app[KV].incr(f"rl:{bucket}:{address}", ttl=window)
    return count > limit


def too_many(request: web.Request) -> web.Response:
    return page(request, "访问过于频繁", '<div class="banner warn">访问过于频繁，请稍后再试。</div>',
                status=429, headers={"Retry-After": "60"})
