"""The staff app's build (webapp/dist, docs/webapp.md) at /app/, and WeCom's domain-verification
file at the root.

Hashed assets (/app/assets/…) never change under their name: a year, immutable. index.html and
sw.js change with every build: `no-cache`, so a phone always asks whether there is a newer one.
Every answer carries a CSP that allows this origin only (no external scripts, styles, fonts or
connections). Without a build, /app/ answers a Chinese page saying how to make one.

index.html draws the app's first screen by itself (webapp/build/boot.ts, benchmarks/README.md):
it carries an inline script and style sheet, which the CSP of that page allows by their SHA-256
and nothing else inline, and the data of that screen, inserted here at the build's marker — in
development the demo staff members of the development login (the list `GET
/api/v1/auth/dev-users` answers), elsewhere `null`. It is sent gzipped when the browser accepts it.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import html
import json
import logging
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

from aiohttp import web

from miniprogram_api.webauth import dev_user_list
from suiji.settings import Settings

log = logging.getLogger(__name__)
DIST = Path(__file__).resolve().parents[1] / "webapp" / "dist"


def csp(scripts: tuple[str, ...] = (), styles: tuple[str, ...] = ()) -> str:
    """This origin only; inline scripts and style sheets only those whose hashes are given."""
    def src(kind: str, hashes: tuple[str, ...]) -> str:
        return " ".join([f"{kind}-src 'self'", *(f"'{h}'" for h in hashes)])
    return "; ".join([
        "default-src 'self'", src("script", scripts), src("style", styles),
        "img-src 'self' data: blob:", "font-src 'self' data:", "connect-src 'self'",
        "worker-src 'self'", "manifest-src 'self'", "object-src 'none'", "base-uri 'none'",
        "form-action 'self'", "frame-ancestors 'none'",
    ])


CSP = csp()
BOOT_DATA = "<!--suiji-boot-data-->"  # webapp/build/boot.ts
# Inline code of index.html: a <script> or <style> without attributes (the JSON data block has a
# type, and is data, not code).
_INLINE = re.compile(r"<(script|style)>(.*?)</\1>", re.S)
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


def _sha256(text: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode()


@dataclass(frozen=True)
class Index:
    """The build's index.html, read once per change of the file, with the CSP for its inline code."""
    stamp: tuple[int, int]
    html: str
    csp: str


_indexes: dict[Path, Index] = {}


def read_index(path: Path) -> Index:
    st = path.stat()
    stamp = (st.st_mtime_ns, st.st_size)
    cached = _indexes.get(path)
    if cached is not None and cached.stamp == stamp:
        return cached
    text = path.read_text(encoding="utf-8")
    found = _INLINE.findall(text)
    index = Index(stamp, text, csp(tuple(_sha256(c) for k, c in found if k == "script"),
                                   tuple(_sha256(c) for k, c in found if k == "style")))
    _indexes[path] = index
    return index


def boot_json(data: object) -> str:
    """JSON safe inside a <script> element: no `<`, `>` or `&` (a name like `</script>` stays
    text)."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


async def boot_data(settings: Settings) -> str:
    """The data block of index.html's first screen; empty when it cannot be read (the app then
    asks the API itself)."""
    if settings.env != "development":
        data: dict[str, object] = {"dev_users": None}
    else:
        try:
            data = {"dev_users": (await dev_user_list()).model_dump()["items"]}
        except Exception as exc:  # the page must open even when the database is away
            log.warning("index.html without the demo staff list: %s", exc)
            return ""
    return f'<script type="application/json" id="suiji-boot">{boot_json(data)}</script>'


async def _index_response(request: web.Request, path: Path, settings: Settings) -> web.StreamResponse:
    index = read_index(path)
    body = index.html.replace(BOOT_DATA, await boot_data(settings), 1).encode("utf-8")
    etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    headers = {**HEADERS, "Content-Security-Policy": index.csp, "Cache-Control": "no-cache",
               "Content-Type": TYPES[".html"], "ETag": etag, "Vary": "Accept-Encoding"}
    if etag in request.headers.get("If-None-Match", ""):
        return web.Response(status=304, headers=headers)
    if "gzip" in request.headers.get("Accept-Encoding", ""):
        body = gzip.compress(body, 6)
        headers["Content-Encoding"] = "gzip"
    return web.Response(body=body, headers=headers)


def _file(dist: Path, rel: str) -> Path | None:
    root = dist.resolve()
    target = (root / rel).resolve()
    if not target.is_relative_to(root) or not target.is_file() or target.suffix == ".gz":
        return None
    return target


def app_files(dist: Path, settings: Settings
              ) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
    """The handler of /app/ and everything under it, from the build in `dist`."""
    async def app_file(request: web.Request) -> web.StreamResponse:
        return await _app_file(dist, request, settings)
    return app_file


async def _app_file(dist: Path, request: web.Request, settings: Settings) -> web.StreamResponse:
    if not (dist / "index.html").is_file():
        return web.Response(text=MISSING.replace("{where}", html.escape(str(dist))), status=503,
                            content_type="text/html", charset="utf-8",
                            headers={**HEADERS, "Cache-Control": "no-store"})
    rel = request.match_info.get("path", "") or "index.html"
    target = _file(dist, rel)
    if target is None:
        raise web.HTTPNotFound(headers=HEADERS)
    if rel == "index.html":
        return await _index_response(request, target, settings)
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
    app_file = app_files(settings.webapp_dir or DIST, settings)
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
