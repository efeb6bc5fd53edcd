"""The public window's draw pages (抽查公示窗口, R3, R10–R15).

/public/draws(.json) lists draws; /public/draws/{id}(.json) is one record in DESIGN.md's format;
/public/tools/verify_draw.py is the stdlib verifier anyone can run on it. The HTML is in the
portal's one frame (portal/html.py); every value is escaped.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from aiohttp import web

from inspection import clock
from inspection.draw import protocol
from inspection.draw import records as draw_records
from inspection.errors import NotFound
from models.draws import DrawEntry
from models.enums import DrawKind, DrawStatus
from notifications.appkeys import CONFIG
from notifications.problems import from_domain
from portal.html import e, page, table

PER_PAGE = 50


def _local(iso: str | None) -> str:
    # Records keep UTC ISO timestamps; people read Beijing time.
    if not iso:
        return ""
    return dt.datetime.fromisoformat(iso).astimezone(clock.BEIJING).strftime("%Y-%m-%d %H:%M:%S（北京时间）")


def _page_no(request: web.Request) -> int:
    try:
        return max(1, min(10_000, int(request.query.get("page", "1"))))
    except ValueError:
        return 1


async def list_json(request: web.Request) -> web.Response:
    n = _page_no(request)
    rows = await draw_records.public_list(now=clock.now(), limit=PER_PAGE,
                                          offset=(n - 1) * PER_PAGE)
    for row in rows:
        row["record_url"] = f"/public/draws/{row['draw_id']}.json"
    return web.json_response({"page": n, "draws": rows},
                             dumps=lambda o: json.dumps(o, ensure_ascii=False))


def _strata_table(strata: list[dict[str, Any]]) -> str:
    hashed = bool(strata) and "roster_hash" in strata[0]
    columns = [("stratum", "分层"), ("candidate_count", "候选数"), ("count", "抽取数")]
    if hashed:
        columns.append(("roster_hash", "名单哈希 roster_hash"))
    rows = [{**s, "roster_hash": s.get("roster_hash", "")} for s in strata]
    return table(columns, rows, classes={"roster_hash": "h"})


async def list_html(request: web.Request) -> web.Response:
    n = _page_no(request)
    rows = await draw_records.public_list(now=clock.now(), limit=PER_PAGE,
                                          offset=(n - 1) * PER_PAGE)
    items = "".join(
        f"<li><a href=\"/public/draws/{r['draw_id']}\">{e(r['title'])}</a>"
        f"<br><small>{e(r['status_label'])}"
        f"{'（保密，检查开始后公示结果）' if r['confidential'] and not r['result_public'] else ''}"
        f" · 承诺 <code>{e(r['commitment'][:16])}…</code></small></li>" for r in rows)
    more = (f"<p><a href=\"/public/draws?page={n + 1}\">下一页</a></p>"
            if len(rows) == PER_PAGE else "")
    body = (f"<section><p>每次抽取先公布承诺，再由见证人输入公开随机数后揭示；任何人可用"
            f"<a href=\"/public/tools/verify_draw.py\">核验工具</a>重新计算。</p>"
            f"<ul class=list>{items or '<li>暂无抽取记录</li>'}</ul>{more}"
            f"<p><a href=\"/public/draws.json?page={n}\">JSON</a></p></section>")
    return page(request, "随机抽取公示", body)


async def _record(request: web.Request, *, with_candidates: bool = True) -> dict[str, Any]:
    return await draw_records.public_record(int(request.match_info["id"]), now=clock.now(),
                                            with_candidates=with_candidates)


async def record_json(request: web.Request) -> web.Response:
    try:
        record = await _record(request)
    except NotFound as exc:
        return from_domain(exc)
    name = f"draw-{record['draw_id']}-{record['campaign_code']}-{record['kind']}.json"
    return web.json_response(record, dumps=lambda o: json.dumps(o, ensure_ascii=False),
                             headers={"Content-Disposition": f'inline; filename="{name}"'})


async def _names(draw_id: int, kind: str) -> dict[str, str]:
    rel = "employer__name" if kind == "employers" else "staff__name"
    return dict(await DrawEntry.filter(draw_id=draw_id).values_list("key", rel))


async def record_html(request: web.Request) -> web.Response:
    try:
        r = await _record(request, with_candidates=False)
    except NotFound as exc:
        return page(request, "未找到", f"<section><p>{e(exc.message)}</p></section>", status=404)
    kind = protocol.KIND_LABELS[DrawKind(r["kind"])]
    base = request.app[CONFIG].public_base_url.rstrip("/")
    record_url = f"{base}/public/draws/{r['draw_id']}.json"
    facts = [("抽查任务", f"{r['campaign_code']} {r['campaign_title']}"), ("抽取对象", kind),
             ("状态", draw_records.STATUS_LABELS[DrawStatus(r["status"])]),
             ("检查期间", " 至 ".join(r["field_window"])),
             ("承诺 commitment", r["commitment"]), ("承诺时间", _local(r["committed_at"]))]
    if "public_entropy" in r:
        facts += [("公开随机数", r["public_entropy"]), ("秘密值 secret", r["secret"]),
                  ("揭示时间", _local(r["revealed_at"])), ("见证人", r.get("witnesses") or "")]
    if r["status"] == "voided":
        facts += [("作废时间", _local(r.get("voided_at"))), ("作废理由", r.get("void_reason", ""))]
    if "note" in r:
        facts.append(("说明", f"{r['note']}；公示时间 {_local(r.get('visible_from'))}"))
    dl = "".join(f"<dt>{e(k)}</dt><dd>{e(str(v))}</dd>" for k, v in facts)
    results = ""
    if any("drawn" in s for s in r["strata"]):
        names = await _names(r["draw_id"], r["kind"])
        for s in r["strata"]:
            rows = "".join(f"<li><code>{e(k)}</code> {e(names.get(k) or '')}</li>"
                           for k in s["drawn"])
            results += (f"<h3>分层 {e(s['stratum'])}：抽中 {len(s['drawn'])}"
                        f"{'（完整顺序，依次递补，R15）' if r['kind'] == 'inspectors' else ''}</h3>"
                        f"<ol>{rows or '<li>无</li>'}</ol>")
    excluded = ""
    if r.get("exclusions"):
        counts: dict[str, int] = {}
        for x in r["exclusions"]:
            counts[x["reason_label"]] = counts.get(x["reason_label"], 0) + 1
        excluded = "<section><h2>未列入候选</h2><ul>" + "".join(
            f"<li>{e(k)}：{v}</li>" for k, v in sorted(counts.items())) + "</ul></section>"
    body = (f"<section><dl>{dl}</dl></section>"
            f"<section><h2>分层</h2>{_strata_table(r['strata'])}{results}</section>{excluded}"
            f"<section><h2>自己核验</h2><p>下载<a href=\"/public/draws/{r['draw_id']}.json\">"
            f"抽取记录</a>（含候选名单全文）和<a href=\"/public/tools/verify_draw.py\">核验工具</a>，"
            f"运行 <code>python3 verify_draw.py {e(record_url)}</code>"
            f"（或下载的记录文件名）。步骤详见《随机抽取及其核验方法》。</p>"
            f"<p><a href=\"/public/draws\">返回列表</a></p></section>")
    return page(request, f"{r['campaign_code']} {kind}抽取", body)


async def verifier(request: web.Request) -> web.FileResponse:
    return web.FileResponse(draw_records.VERIFIER_PATH, headers={
        "Content-Type": "text/x-python; charset=utf-8",
        "Content-Disposition": 'attachment; filename="verify_draw.py"'})


def setup(app: web.Application) -> None:
    app.router.add_get("/public/draws", list_html)
    app.router.add_get("/public/draws.json", list_json)
    app.router.add_get(r"/public/draws/{id:\d{1,9}}.json", record_json)
    app.router.add_get(r"/public/draws/{id:\d{1,9}}", record_html)
    app.router.add_get("/public/tools/verify_draw.py", verifier)
