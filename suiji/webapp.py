"""The staff app's build (webapp/dist, docs/webapp.md) at /app/, and WeCom's domain-verification
file at the root.

Hashed assets (/app/assets/…) never change under their name: a year, immutable. index.html and
sw.js change with every build: `no-cache`, so a phone always asks whether there is a newer one.
Every answer carries a CSP that allows this origin only (no external scripts, styles, fonts or
connections). Without a build, /app/ answers a Chinese page saying how to make one.
"""

from __future__ import annotations

import html
import logging
from collections.abc import Awaitable, Callable
from pathlib import Path

from aiohttp import web

from suiji.settings import Settings

log = logging.getLogger(__name__)
DIST = Path(__file__).resolve().parents[1] / "webapp" / "dist"

CSP = "; ".join([
    "default-src 'self'", "script-src 'self'", "style-src 'self'", "img-src 'self' data: blob:",
    "font-src 'self' data:", "connect-src 'self'", "worker-src 'self'", "manifest-src 'self'",
    "object-src 'none'", "base-uri 'none'", "form-action 'self'", "frame-ancestors 'none'",
])
IMMUTABLE = "public, max-age=31536000, immutable"
HEADERS = {"Content-Security-Policy": CSP, "X-Content-Type-Options": "nosniff",
           "Referrer-Policy": "no-referrer"}
TYPES = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8",
         ".html": "text/html; charset=utf-8", ".svg": "image/svg+xml", ".png": "image/png",
         ".json": "application/json", ".woff2": "font/woff2"}


MISSING = """<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1"><title>员工应用尚未构建</title>
</head><body style="font-family:sans-serif;max-width:40em;margin:2em auto;padding:0 1em;line-height:1.6">
<h1>员工应用尚未构建</h1>
<p>检查人员和组长在手机上使用的员工应用还没有构建，所以暂时无法打开。</p>
<p>请在项目目录中运行 <code>./run.sh</code>（会自动构建），或者手动构建：</p>
<pre style="background:#f4f5f7;padding:1em">cd webapp
npm ci
npm run build</pre>
<p>构建需要 Node.js 20 或更新版本以及 npm。构建完成后刷新本页即可。</p>
<p>（服务器在 {where} 中没有找到构建结果。）</p>
</body></html>"""


def _file(dist: Path, rel: str) -> Path | None:
    root = dist.resolve()
    target = (root / rel).resolve()
    if not target.is_relative_to(root) or not target.is_file() or target.suffix == ".gz":
        return None
    return target


def app_files(dist: Path) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
    """The handler of /app/ and everything under it, from the build in `dist`."""
    async def app_file(request: web.Request) -> web.StreamResponse:
        return await _app_file(dist, request)
    return app_file


async def _app_file(dist: Path, request: web.Request) -> web.StreamResponse:
    if not (dist / "index.html").is_file():
        return web.Response(text=MISSING.replace("{where}", html.escape(str(dist))), status=503,
                            content_type="text/html", charset="utf-8",
                            headers={**HEADERS, "Cache-Control": "no-store"})
    rel = request.match_info.get("path", "") or "index.html"
    target = _file(dist, rel)
    if target is None:
        raise web.HTTPNotFound(headers=HEADERS)
    headers = {**HEADERS, "Cache-Control": IMMUTABLE if rel.startswith("assets/") else "no-cache"}
    if target.suffix in TYPES:
        headers["Content-Type"] = TYPES[target.suffix]
    # FileResponse sends the build's .gz copy to browsers that accept gzip, and answers
    # conditional requests (ETag, Last-Modified) with 304.
    return web.FileResponse(target, headers=headers)


async def to_app(request: web.Request) -> web.StreamResponse:
    raise web.HTTPMovedPermanently("/app/")


def verify_file_handler(content: bytes) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
    async def verify(request: web.Request) -> web.StreamResponse:
        return web.Response(body=content, content_type="text/plain", charset="utf-8",
                            headers={"Cache-Control": "no-cache"})
    return verify


def setup(app: web.Application, settings: Settings) -> None:
    app_file = app_files(settings.webapp_dir or DIST)
    app.router.add_get("/app", to_app)
    app.router.add_get("/app/", app_file)
    app.router.add_get("/app/{path:.+}", app_file)
    verify = settings.wecom_verify_file
    if verify is not None:
        try:
            content = verify.read_bytes()[:4096]
        except OSError as exc:
            log.warning("SUIJI_WECOM_VERIFY_FILE unreadable, not served: %s", exc)
            return
        app.router.add_get(f"/{verify.name}", verify_file_handler(content))
