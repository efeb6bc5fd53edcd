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
from inspection.planning import sampling
from models.draws import DrawEntry
from models.enums import DrawKind, DrawStatus
from notifications.problems import from_domain
from portal.guide import GUIDE_PATH
from portal.html import download, e, page, table

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


# What the two steps are, in two sentences: on the list and on every record.
EXPLAIN = ("<p><strong>承诺：</strong>抽取之前，系统先生成一个保密的随机数（秘密值），只公布由它算出的"
           "“承诺值”，此后谁也无法更换这个秘密值。</p><p><strong>揭示：</strong>抽取当天，由见证人当场输入"
           "一个事先无人能预知的公开随机数（如彩票开奖号码），系统随即公布秘密值和抽取结果，任何人"
           "都可以用公开的数据重新算一遍、核对结果。</p>"
           f'<p>详见<a href="{GUIDE_PATH}">《随机抽取及其核验方法》</a>。</p>')


def _strata_table(strata: list[dict[str, Any]]) -> str:
    hashed = bool(strata) and "roster_hash" in strata[0]
    columns = [("stratum", "分层"), ("candidate_count", "候选数"), ("count", "抽取数")]
    if hashed:
        columns.append(("roster_hash", "名单哈希值"))
    rows = [{**s, "stratum": sampling.stratum_label(s["stratum"]),
             "roster_hash": s.get("roster_hash", "")} for s in strata]
    return table(columns, rows, classes={"roster_hash": "h", "candidate_count": "nw",
                                         "count": "nw", "stratum": "nw"})


def _latest(*stamps: str | None) -> str | None:
    return max((s for s in stamps if s), default=None)


async def list_html(request: web.Request) -> web.Response:
    n = _page_no(request)
    rows = await draw_records.public_list(now=clock.now(), limit=PER_PAGE,
                                          offset=(n - 1) * PER_PAGE)
    items = "".join(
        f"<li><a href=\"/public/draws/{r['draw_id']}\">{e(r['title'])}</a>"
        f"<br><small>{e(r['status_label'])}"
        f"{'（保密抽查，检查开始后公示结果）' if r['confidential'] and not r['result_public'] else ''}"
        f" · 承诺值 <code>{e(r['commitment'][:16])}…</code></small></li>" for r in rows)
    more = (f"<p><a href=\"/public/draws?page={n + 1}\">下一页</a></p>"
            if len(rows) == PER_PAGE else "")
    body = (f"<section>{EXPLAIN}</section><section><h2>抽取记录</h2>"
            f"<ul class=list>{items or '<li>暂无抽取记录</li>'}</ul>{more}"
            f'<p class="muted">{download(f"/public/draws.json?page={n}")}</p></section>')
    updated = _latest(*(_latest(r["committed_at"], r["revealed_at"]) for r in rows))
    return page(request, "随机抽取公示", body, updated=updated)


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


def _facts(r: dict[str, Any], kind: str) -> list[tuple[str, str]]:
    facts = [("抽查任务", f"{r['campaign_code']} {r['campaign_title']}"), ("抽取对象", kind),
             ("状态", draw_records.STATUS_LABELS[DrawStatus(r["status"])]),
             ("检查期间", " 至 ".join(r["field_window"])),
             ("承诺值", r["commitment"]), ("承诺时间", _local(r["committed_at"]))]
    if "strata_seal" in r:  # a confidential campaign (R14): its strata sealed until published
        facts.append(("分层封存值", r["strata_seal"]))
    if "public_entropy" in r:
        facts += [("公开随机数", r["public_entropy"])]
        if "public_entropy_date" in r:
            facts.append(("公开随机数来源日期", r["public_entropy_date"]))
        facts += [("秘密值", r["secret"]),
                  ("揭示时间", _local(r["revealed_at"])), ("见证人", r.get("witnesses") or "")]
    if r["status"] == "voided":
        facts += [("作废时间", _local(r.get("voided_at"))), ("作废理由", r.get("void_reason", ""))]
    if "note" in r:
        facts.append(("说明", f"{r['note']}；公示时间 {_local(r.get('visible_from'))}"))
    return facts


async def _drawn(r: dict[str, Any]) -> str:
    if not any("drawn" in s for s in r["strata"]):
        return ""
    names = await _names(r["draw_id"], r["kind"])
    out = ""
    for s in r["strata"]:
        rows = "".join(f"<li><code>{e(k)}</code> {e(names.get(k) or '')}</li>" for k in s["drawn"])
        order = ("（完整顺序：先召集排在前面的人员，有人因公务无法参加时，按此顺序依次递补）"
                 if r["kind"] == "inspectors" else "")
        out += (f"<h3>{e(sampling.stratum_label(s['stratum']))}：抽中 {len(s['drawn'])}"
                f"{order}</h3><ol>{rows or '<li>无</li>'}</ol>")
    return out


async def record_html(request: web.Request) -> web.Response:
    try:
        r = await _record(request, with_candidates=False)
    except NotFound as exc:
        return page(request, "未找到", f"<section><p>{e(exc.message)}</p>"
                    '<p><a href="/public/draws">返回抽取记录</a></p></section>', status=404)
    kind = protocol.KIND_LABELS[DrawKind(r["kind"])]
    dl = "".join(f"<dt>{e(k)}</dt><dd{' class=h' if k in ('承诺值', '秘密值', '分层封存值') else ''}>"
                 f"{e(str(v))}</dd>" for k, v in _facts(r, kind))
    excluded = ""
    if r.get("exclusions"):
        counts: dict[str, int] = {}
        for x in r["exclusions"]:
            counts[x["reason_label"]] = counts.get(x["reason_label"], 0) + 1
        excluded = "<section><h2>未列入候选</h2><ul>" + "".join(
            f"<li>{e(k)}：{v}</li>" for k, v in sorted(counts.items())) + "</ul></section>"
    record = f"/public/draws/{r['draw_id']}.json"
    strata = (f"{_strata_table(r['strata'])}{await _drawn(r)}" if r["strata"] else
              "<p>保密抽查：分层、各层候选数、抽取数和名单哈希值在抽取结果公示时一并公布，此前只公布"
              "“分层封存值”，公布后可用核验工具核对两者一致。</p>")
    body = (f"<section><dl>{dl}</dl></section><section>{EXPLAIN}</section>"
            f"<section><h2>分层</h2>{strata}</section>"
            f"{excluded}<section><h2>自己核验</h2><p>下载本次<a href=\"{record}\">抽取记录"
            f"（数据下载，JSON）</a>（含候选名单全文）和<a href=\"/public/tools/verify_draw.py\">"
            f"核验工具</a>，按<a href=\"{GUIDE_PATH}\">《随机抽取及其核验方法》</a>第三部分的步骤"
            "运行，就能在自己的电脑上重新算出抽取结果。</p>"
            '<p><a href="/public/draws">返回抽取记录</a></p></section>')
    updated = _latest(r.get("committed_at"), r.get("revealed_at"), r.get("voided_at"))
    return page(request, f"{r['campaign_code']} {kind}抽取", body, updated=updated)


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
