"""The publication window (抽查公示窗口) under `/public/`: HTML for people, `.json` for machines.

Draw records are the draw pages' (`/public/draws`); this module links to them.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from inspection import clock
from notifications.appkeys import CONFIG
from notifications.problems import problem
from portal import window_data as data
from portal.html import e, over_limit, page, table, too_many

WINDOW_LIMIT = (120, 60.0)  # requests per IP per minute
MAX_QUERY = 64


@dataclass(frozen=True)
class Listing:
    path: str
    title: str
    rule: str
    columns: list[tuple[str, str]]
    load: Callable[[int], Awaitable[list[dict[str, Any]]]]
    # A column naming the bureau that decided: the same setting the notices print.
    bureau_column: str | None = None

    def rows_for(self, request: web.Request, rows: list[dict[str, Any]]
                 ) -> list[dict[str, Any]]:
        if self.bureau_column is None:
            return rows
        bureau = request.app[CONFIG].issuer.name
        return [{**r, self.bureau_column: bureau} for r in rows]


LISTINGS = [
    Listing("items", "抽查事项清单", "R7", [
        ("code", "编号"), ("name", "检查事项"), ("basis", "检查依据"), ("subject", "检查主体"),
        ("content", "检查内容"), ("method", "检查方式"), ("version", "版本"),
        ("effective_from", "施行日期")], data.items),
    Listing("items/history", "抽查事项清单调整记录", "R7", [
        ("code", "编号"), ("version", "版本"), ("name", "检查事项"), ("status", "状态"),
        ("reason", "调整原因"), ("effective_from", "施行日期"), ("published_on", "公示日期")],
        data.item_history),
    Listing("plans", "年度抽查计划", "R13", [
        ("year", "年度"), ("section", "发起科室"), ("needs", "抽查需求"), ("late", "年中补充"),
        ("published_on", "公示日期")], data.plans),
    Listing("results", "抽查结果", "R17", [
        ("code", "检查编号"), ("employer", "用人单位"), ("uscc", "统一社会信用代码"),
        ("closed_on", "办结日期"), ("items_checked", "检查事项数"),
        ("noncompliant", "不符合项"), ("problems", "发现的问题")], data.results),
    Listing("penalties", "行政处罚决定（一般程序）", "R17", [
        ("number", "决定书文号"), ("party", "当事人"), ("uscc", "统一社会信用代码"),
        ("cause", "案由"), ("basis", "处罚依据"), ("result", "处罚结果"),
        ("decided_on", "决定日期")], data.penalties),
    Listing("blacklist", "拖欠农民工工资失信联合惩戒对象名单", "R23", [
        ("employer", "用人单位"), ("uscc", "统一社会信用代码"),
        ("legal_rep", "法定代表人（主要负责人）"), ("cause", "列入事由"), ("basis", "认定依据"),
        ("term_start", "列入日期"), ("term_end", "有效期至"), ("decided_by", "作出决定的部门")],
        data.blacklist, bureau_column="decided_by"),
    Listing("major-violations", "重大劳动保障违法行为社会公布", "R17", [
        ("quarter", "公布批次"), ("entity_name", "违法主体全称"),
        ("uscc", "统一社会信用代码（注册号）"), ("address", "地址"),
        ("legal_rep", "法定代表人（负责人）"), ("category", "违法情形"),
        ("facts", "主要违法事实"), ("handling", "相关处理情况"), ("published_on", "公布日期")],
        data.major_violations),
    Listing("cancelled", "已取消的抽查任务", "R3", [
        ("code", "任务编号"), ("title", "任务名称"), ("section", "发起科室"),
        ("field", "原定检查时间"), ("cancelled_on", "取消日期"), ("reason", "取消原因")],
        data.cancelled),
]
NAV = ("<nav>" + "".join(f'<a href="/public/{x.path}">{e(x.title)}</a>' for x in LISTINGS)
       + '<a href="/public/draws">抽取记录</a><a href="/public/search">查询</a></nav>')


def _page_no(request: web.Request) -> int:
    try:
        n = int(request.query.get("page", "1"))
    except ValueError:
        return 1
    return min(max(n, 1), 1000)


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _json(title: str, body: dict[str, Any]) -> web.Response:
    return web.json_response({"title": title, "generated_at": clock.now().isoformat(), **body},
                             headers={"X-Content-Type-Options": "nosniff"},
                             dumps=_dumps)


def _limited(handler: Callable[[web.Request], Awaitable[web.Response]]
             ) -> Callable[[web.Request], Awaitable[web.Response]]:
    async def wrapped(request: web.Request) -> web.Response:
        if await over_limit(request, "window", limit=WINDOW_LIMIT[0], window=WINDOW_LIMIT[1]):
            return too_many(request)
        return await handler(request)
    return wrapped


def _listing_handlers(x: Listing) -> tuple[Callable[..., Awaitable[web.Response]], ...]:
    async def html(request: web.Request) -> web.Response:
        n = _page_no(request)
        rows = x.rows_for(request, await x.load(n))
        pager = ""
        if n > 1:
            pager += f'<a href="/public/{x.path}?page={n - 1}">上一页</a> '
        if len(rows) == data.PAGE_SIZE:
            pager += f'<a href="/public/{x.path}?page={n + 1}">下一页</a>'
        body = (f"{NAV}<section><h2>{e(x.title)}</h2>{table(x.columns, rows)}"
                f'<p class="muted">{pager} <a href="/public/{x.path}.json?page={n}">JSON</a></p>'
                "</section>")
        return page(request, x.title, body)

    async def as_json(request: web.Request) -> web.Response:
        n = _page_no(request)
        rows = x.rows_for(request, await x.load(n))
        return _json(x.title, {"rule": x.rule, "page": n, "page_size": data.PAGE_SIZE,
                               "columns": dict(x.columns), "rows": rows})

    return _limited(html), _limited(as_json)


async def index(request: web.Request) -> web.Response:
    links = "".join(f'<li><a href="/public/{x.path}">{e(x.title)}</a>（<a href="/public/'
                    f'{x.path}.json">JSON</a>）</li>' for x in LISTINGS)
    body = (f"<section><h2>公示内容</h2><ul>{links}<li><a href=\"/public/draws\">抽取记录</a>"
            "</li></ul></section>" + _search_form(""))
    return page(request, "抽查公示窗口", body)


async def index_json(request: web.Request) -> web.Response:
    return _json("抽查公示窗口", {"listings": [
        {"title": x.title, "html": f"/public/{x.path}", "json": f"/public/{x.path}.json"}
        for x in LISTINGS] + [{"title": "抽取记录", "html": "/public/draws"}],
        "search": "/public/search.json?q="})


def _search_form(q: str) -> str:
    return ('<section><h2>按单位查询</h2><form class="row" method="get" action="/public/search">'
            f'<input name="q" value="{e(q)}" maxlength="{MAX_QUERY}" placeholder="单位名称或统一社会信用代码">'
            '<button type="submit">查询</button></form></section>')


def _query(request: web.Request) -> str:
    # Control characters can only be noise in a search box (and PostgreSQL refuses U+0000).
    q = "".join(c for c in request.query.get("q", "") if c.isprintable())
    return q.strip()[:MAX_QUERY]


async def search_html(request: web.Request) -> web.Response:
    q = _query(request)
    body = NAV + _search_form(q)
    if q:
        found = await _search(request, q)
        for x in LISTINGS:
            key = x.path
            if key in found:
                body += f"<section><h2>{e(x.title)}</h2>{table(x.columns, found[key])}</section>"
    return page(request, "公示查询", body)


async def search_json(request: web.Request) -> web.Response:
    q = _query(request)
    if not q:
        return problem(400, "query_required", "请输入单位名称或统一社会信用代码")
    return _json("公示查询", {"q": q, **await _search(request, q)})


async def _search(request: web.Request, q: str) -> dict[str, list[dict[str, Any]]]:
    found = await data.search(q)
    return {key: next((x.rows_for(request, rows) for x in LISTINGS if x.path == key), rows)
            for key, rows in found.items()}


def setup(app: web.Application) -> None:
    r = app.router
    r.add_get("/public", _limited(index))
    r.add_get("/public/", _limited(index))
    r.add_get("/public/index.json", _limited(index_json))
    r.add_get("/public/search", _limited(search_html))
    r.add_get("/public/search.json", _limited(search_json))
    for x in LISTINGS:
        html, as_json = _listing_handlers(x)
        r.add_get(f"/public/{x.path}", html)
        r.add_get(f"/public/{x.path}.json", as_json)
