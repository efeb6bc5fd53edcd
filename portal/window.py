"""The publication window (抽查公示窗口) under `/public/`: HTML for people, `.json` for machines.

Draw records are the draw pages' (`/public/draws`); this module links to them.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from aiohttp import web

from inspection import clock
from notifications.appkeys import CONFIG
from notifications.problems import problem
from portal import window_data as data
from portal.html import download, e, over_limit, page, table, too_many

WINDOW_LIMIT = (120, 60.0)  # requests per IP per minute
MAX_QUERY = 64
# Cells kept on one line on a desktop: codes, numbers, dates, USCCs (never split mid-token).
NOWRAP = frozenset({"code", "uscc", "number", "version", "year", "quarter", "effective_from",
                    "published_on", "closed_on", "decided_on", "term_start", "term_end",
                    "cancelled_on", "items_checked", "noncompliant", "late", "seq"})
# Columns holding the date a row became public or last changed: a listing was last updated on
# the latest of them.
DATED = ("published_on", "closed_on", "decided_on", "term_start", "cancelled_on")


@dataclass(frozen=True)
class Listing:
    path: str
    title: str
    rule: str
    columns: list[tuple[str, str]]
    load: Callable[[int], Awaitable[list[dict[str, Any]]]]
    # A column naming the bureau that decided: the same setting the notices print.
    bureau_column: str | None = None
    intro: str = ""  # a paragraph above the table, saying what the listing is for

    def rows_for(self, request: web.Request, rows: list[dict[str, Any]]
                 ) -> list[dict[str, Any]]:
        if self.bureau_column is None:
            return rows
        bureau = request.app[CONFIG].issuer.name
        return [{**r, self.bureau_column: bureau} for r in rows]

    def table(self, rows: list[dict[str, Any]]) -> str:
        return table(self.columns, rows, classes={k: "nw" for k, _ in self.columns if k in NOWRAP})


def _updated(rows: list[dict[str, Any]]) -> str | None:
    """The latest date in the rows' date columns (ISO dates sort as text)."""
    return max((str(r[k]) for r in rows for k in DATED if r.get(k)), default=None)


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
    Listing("audit-heads", "审计记录链摘要", "R21", [
        ("published_on", "公布日期"), ("seq", "最新事件序号"), ("hash", "链头哈希值")],
        data.chain_heads, intro=(
            "本系统对每一项操作都留有审计记录，每条记录都含有前一条记录的哈希值，首尾相连成链。"
            "本局每天公布这条记录链的链头，即当天凌晨最新一条记录的序号和哈希值。"
            "已公布的链头不再更改；此后如有记录被删除或修改，记录链就与这里公布的链头对不上，"
            "公众和信用信息共享平台可保存本页数据，据此监督操作记录的完整。")),
]
NAV_LINKS = [("/public/", "首页"), *((f"/public/{x.path}", x.title) for x in LISTINGS),
             ("/public/draws", "随机抽取记录"), ("/public/search", "按单位查询")]


def nav(here: str) -> str:
    """The window's links, the page's own marked as the current one."""
    current = ' aria-current="page"'
    return "<nav>" + "".join(
        f'<a href="{href}"{current if href == here else ""}>{e(title)}</a>'
        for href, title in NAV_LINKS) + "</nav>"


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
        intro = f"<p>{e(x.intro)}</p>" if x.intro else ""
        body = (f"{nav(f'/public/{x.path}')}<section><h2>{e(x.title)}</h2>{intro}{x.table(rows)}"
                f'<p class="muted">{pager} {download(f"/public/{x.path}.json?page={n}")}</p>'
                "</section>")
        return page(request, x.title, body, updated=_updated(rows))

    async def as_json(request: web.Request) -> web.Response:
        n = _page_no(request)
        rows = x.rows_for(request, await x.load(n))
        return _json(x.title, {"rule": x.rule, "page": n, "page_size": data.PAGE_SIZE,
                               "columns": dict(x.columns), "rows": rows})

    return _limited(html), _limited(as_json)


async def index(request: web.Request) -> web.Response:
    links = "".join(f'<li><a href="/public/{x.path}">{e(x.title)}</a></li>' for x in LISTINGS)
    body = ("<section><p>本窗口公示本局“双随机、一公开”抽查的事项清单、年度计划、随机抽取过程、"
            "抽查结果和依法应当公开的处理情况，供社会监督。</p></section>"
            + _search_form("")
            + f"<section><h2>公示内容</h2><ul class=list>{links}"
            '<li><a href="/public/draws">随机抽取记录</a>（每次抽取的承诺与揭示，可自行核验）</li>'
            '<li><a href="/public/draws/guide">随机抽取及其核验方法</a></li></ul>'
            f'<p class="muted">各栏目均提供数据下载，供程序读取：{download("/public/index.json")}</p>'
            "</section>")
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
    q, n = _query(request), _page_no(request)
    body = nav("/public/search") + _search_form(q)
    if q:
        found = await data.search(q, n)
        more = False
        for x in LISTINGS:
            if x.path not in found:
                continue
            total, rows = found[x.path]
            first = (n - 1) * data.PAGE_SIZE + 1
            shown = (f"共 {total} 条，本页第 {first}–{first + len(rows) - 1} 条"
                     if rows and total > len(rows) else f"共 {total} 条")
            more = more or first - 1 + len(rows) < total
            body += (f"<section><h2>{e(x.title)}</h2><p class=\"muted\">{shown}</p>"
                     f"{x.table(x.rows_for(request, rows))}</section>")
        pager = ""
        if n > 1:
            pager += f'<a href="{e(_qs(q, n - 1))}">上一页</a> '
        if more:
            pager += f'<a href="{e(_qs(q, n + 1))}">下一页</a> '
        body += (f'<section><p class="muted">{pager}'
                 f"{download(_qs(q, n, '/public/search.json'))}</p></section>")
    return page(request, "公示查询", body)


def _qs(q: str, n: int, path: str = "/public/search") -> str:
    """The search page `n` of `q`."""
    return f"{path}?{urlencode({'q': q, 'page': n})}"


async def search_json(request: web.Request) -> web.Response:
    q, n = _query(request), _page_no(request)
    if not q:
        return problem(400, "query_required", "请输入单位名称或统一社会信用代码")
    found = await data.search(q, n)
    rows = {key: next((x.rows_for(request, r) for x in LISTINGS if x.path == key), r)
            for key, (_total, r) in found.items()}
    totals = {key: total for key, (total, _rows) in found.items()}
    return _json("公示查询", {"q": q, "page": n, "page_size": data.PAGE_SIZE, "totals": totals,
                             **rows})


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
