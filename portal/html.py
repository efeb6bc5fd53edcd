"""The public portal's one page frame — notice pages (/n/…), the publication window (/public/…),
its draw pages and guide, and the error pages of the whole site: mobile-first, everything
escaped, no external resources (inline CSS, no scripts, no web fonts) and a CSP that forbids
them; plus per-client rate limits.

Every page names the bureau (SUIJI_BUREAU_NAME, as on its notices) and, at its foot, the bureau's
phone and address, where to report a problem with the inspections (社会监督,
SUIJI_BUREAU_COMPLAINT) and when the page's content last changed. Words are plain Chinese:
no English, no code names, no rule numbers (tests/portal/test_plain_chinese.py walks every page).
The JSON pages answer refusals with `notifications.problems`.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Mapping
from html import escape
from typing import Any

from aiohttp import web

from inspection import clock
from models.kv import KVUnavailable
from notifications.appkeys import CONFIG, KV
from notifications.client_ip import client_ip
from notifications.problems import TITLES, problem

log = logging.getLogger(__name__)

CSP = ("default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; "
       "form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
_CSS = """
*{box-sizing:border-box}body{margin:0;font:16px/1.6 system-ui,-apple-system,"PingFang SC",
"Microsoft YaHei","WenQuanYi Zen Hei",sans-serif;color:#1f2328;background:#f5f6f8}
header{background:#b3261e;color:#fff;padding:12px 16px}header a{color:#fff;text-decoration:none}
header .org{font-size:14px;opacity:.9}header h1{margin:2px 0 0;font-size:20px}
main{max-width:1080px;margin:0 auto;padding:12px}section,.card{background:#fff;border-radius:8px;
padding:12px 14px;margin:0 0 12px;box-shadow:0 1px 2px rgba(0,0,0,.06)}
h2{font-size:18px;margin:4px 0 8px}h3{font-size:16px;margin:12px 0 4px}dl{margin:0}
dt{color:#59636e;font-size:14px}dd{margin:0 0 8px;overflow-wrap:anywhere}
code,.h{font-family:ui-monospace,monospace;font-size:13px;word-break:break-all}
pre{background:#f0f2f5;padding:8px 10px;border-radius:6px;overflow-x:auto;font-size:13px}
pre code{word-break:normal}
ul.list{padding-left:20px}ul.list li{margin-bottom:10px}.banner{border-radius:8px;padding:12px 14px;margin:0 0 12px;font-weight:600}
.ok{background:#e6f4ea;color:#0d652d;border:1px solid #9ad3a8}
.bad{background:#fce8e6;color:#a50e0e;border:1px solid #f1a9a0}
.warn{background:#fef7e0;color:#7a4f01;border:1px solid #f4d27a}
.muted{color:#59636e;font-size:14px}table{width:100%;border-collapse:collapse;font-size:14px}
th,td{text-align:left;padding:6px;border-bottom:1px solid #e5e7eb;vertical-align:top;
overflow-wrap:anywhere}
th{background:#f0f2f5}.nw{white-space:nowrap;overflow-wrap:normal}
.scroll{overflow-x:auto}input,button{font:inherit;padding:8px 10px;
border-radius:6px;border:1px solid #c4c9d0}input{flex:1 1 220px;min-width:0;max-width:100%}
button{background:#b3261e;color:#fff;border:0}
form.row{display:flex;gap:8px;flex-wrap:wrap;align-items:flex-end}
form.row label{flex:1 1 220px}form.row label input{width:100%}nav{margin:0 0 8px}
nav a{display:inline-block;margin:0 14px 6px 0}
nav a[aria-current]{color:#1f2328;font-weight:600;text-decoration:none}
footer{color:#59636e;font-size:13px;padding:16px;max-width:1080px;margin:0 auto;
border-top:1px solid #e5e7eb}footer p{margin:2px 0}footer .org{font-weight:600;color:#1f2328}
@media (max-width:640px){table,tbody,tr,td{display:block}thead{display:none}
tr{border-bottom:2px solid #e5e7eb;padding:6px 0}td{border:0;padding:2px 0}
td.nw{white-space:normal}
td[data-label]::before{content:attr(data-label) "：";color:#59636e}}
"""
# Paths answered for programs: their errors stay problem+json (or the API's own).
_MACHINE_PREFIXES = ("/api/", "/wecom/", "/healthz", "/readyz")
ERROR_TEXTS = {
    404: ("页面不存在", "您要访问的页面不存在，可能是地址有误，或内容已经移除。"),
    405: ("无法以这种方式访问", "该页面不支持这种访问方式，请从页面上的链接进入。"),
    413: ("提交的内容过大", "提交的内容超过了允许的大小，请减小后重试。"),
    500: ("系统出现故障", "服务器暂时无法处理您的请求，请稍后重试。"),
}


def e(value: Any) -> str:
    return escape("" if value is None else str(value), quote=True)


def cn_time(value: dt.datetime | dt.date | str | None) -> str:
    """2026年11月30日 9:05 (Beijing time, no leading zeros); a date alone without the time."""
    if not value:
        return ""
    if isinstance(value, str):
        value = (dt.datetime.fromisoformat(value) if "T" in value
                 else dt.date.fromisoformat(value))
    if isinstance(value, dt.datetime):
        local = value.astimezone(clock.BEIJING)
        return f"{local.year}年{local.month}月{local.day}日 {local.hour}:{local.minute:02d}"
    return f"{value.year}年{value.month}月{value.day}日"


def _footer(request: web.Request, updated: dt.datetime | dt.date | str | None) -> str:
    config = request.app[CONFIG]
    issuer = config.issuer
    when = (f"本页更新时间：{e(cn_time(updated))}" if updated
            else f"数据截至：{e(cn_time(clock.now()))}")
    complaint = (f"<p>社会监督（投诉举报）：{e(config.complaint)}</p>"
                 if config.complaint else "")
    return (f'<footer><p class="org">{e(issuer.name)} · 双随机、一公开抽查公示窗口</p>'
            f"<p>联系电话：{e(issuer.phone)}　联系地址：{e(issuer.address)}</p>"
            f"{complaint}<p>{when}</p></footer>")


def page(request: web.Request, title: str, body: str, *, status: int = 200,
         headers: Mapping[str, str] | None = None,
         updated: dt.datetime | dt.date | str | None = None) -> web.Response:
    """A page in the frame, under the bureau's name (SUIJI_BUREAU_NAME, as on its notices).

    `updated`: when the page's content last changed; None for pages computed afresh on every
    visit (their foot says the data are as of now)."""
    org = request.app[CONFIG].issuer.name
    doc = (f'<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">'
           f'<meta name="viewport" content="width=device-width,initial-scale=1">'
           f'<meta name="referrer" content="no-referrer">'
           f"<title>{e(title)}</title><style>{_CSS}</style></head><body>"
           f'<header><div class="org">{e(org)}</div><h1>{e(title)}</h1></header>'
           f"<main>{body}</main>{_footer(request, updated)}</body></html>")
    resp = web.Response(text=doc, status=status, content_type="text/html", charset="utf-8")
    resp.headers["Content-Security-Policy"] = CSP
    resp.headers["X-Content-Type-Options"] = "nosniff"
    resp.headers["Referrer-Policy"] = "no-referrer"
    for k, v in (headers or {}).items():
        resp.headers[k] = v
    return resp


def download(href: str) -> str:
    """The link to a page's machine-readable copy."""
    return f'<a href="{e(href)}">数据下载（JSON）</a>'


def table(columns: Iterable[tuple[str, str]], rows: Iterable[Mapping[str, Any]], *,
          classes: Mapping[str, str] | None = None) -> str:
    """`classes`: a CSS class for the cells of some columns ("nw" keeps codes, dates and USCCs
    on one line on a desktop; "h" for hashes)."""
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


def error_page(request: web.Request, status: int,
               headers: Mapping[str, str] | None = None) -> web.Response:
    """The site's page for an HTTP error, in the frame, in plain Chinese."""
    title, text = ERROR_TEXTS.get(status, (TITLES.get(status, "请求未能完成"),
                                           "请求未能完成，请返回上一页重试。"))
    phone = request.app[CONFIG].issuer.phone
    body = (f'<div class="banner {"bad" if status >= 500 else "warn"}">{e(text)}</div>'
            "<section><p>您可以：</p><ul>"
            '<li><a href="/public/">前往抽查公示窗口首页</a></li>'
            '<li><a href="/public/search">按单位名称或统一社会信用代码查询公示内容</a></li>'
            f"<li>如需帮助，请致电 {e(phone)}</li></ul></section>")
    return page(request, title, body, status=status, headers=headers)


def _for_programs(path: str) -> bool:
    return path.startswith(_MACHINE_PREFIXES) or path.endswith(".json")


@web.middleware
async def error_pages(request: web.Request, handler: Any) -> web.StreamResponse:
    """Errors outside the API as friendly Chinese pages (or problem+json for a `.json` path):
    a path no route knows, a method a route does not take, an unexpected failure (logged)."""
    try:
        return await handler(request)
    except web.HTTPException as exc:
        if exc.status < 400 or request.path.startswith(_MACHINE_PREFIXES):
            raise
        allow = {"Allow": exc.headers["Allow"]} if "Allow" in exc.headers else None
        if _for_programs(request.path):
            return problem(exc.status, "not_found" if exc.status == 404 else "http_error",
                           TITLES.get(exc.status, "请求未能完成"), headers=allow)
        return error_page(request, exc.status, headers=allow)
    except KVUnavailable:
        raise  # the outermost middleware answers 503 (notifications.problems)
    except Exception:
        if request.path.startswith(_MACHINE_PREFIXES):
            raise
        log.exception("unhandled error in %s %s", request.method, request.path)
        if _for_programs(request.path):
            return problem(500, "internal_error", "服务器内部错误，请稍后重试")
        return error_page(request, 500)
