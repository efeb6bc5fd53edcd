"""What every public page carries (the bureau, its contact, the complaint channel, the update
time), the draw guide, the search over every match, unbroken codes on a desktop and the site's
error pages."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from aiohttp import web

from models.employers import Employer
from models.enums import PenaltyProcedure
from models.penalties import PenaltyDecision
from portal import window_data
from portal.guide import GUIDE_PATH
from suiji.app import create_app
from tests.portal.public_world import build
from tests.portal.test_window import make_public_world


@pytest.fixture
async def client(aiohttp_client, settings):
    settings = settings.model_copy(update={"bureau_complaint": "监督电话 023-72229999",
                                           "bureau_phone": "023-72220000",
                                           "bureau_address": "重庆市涪陵区太白大道1号"})
    app = create_app(settings, manage_db=False)

    async def boom(request: web.Request) -> web.Response:
        raise RuntimeError("secret detail of the failure")

    app.router.add_get("/public/test-failure", boom)
    app.router.add_get("/test-failure.json", boom)
    return await aiohttp_client(app)


def _foot(html: str) -> str:
    return html[html.index("<footer>"):]


async def test_every_page_names_the_bureau_its_contact_and_the_complaint_channel(client):
    await build()
    for path in ("/", "/public/", "/public/results", "/public/draws", "/public/draws/1",
                 GUIDE_PATH, "/public/search?q=涪江", "/nothing"):
        foot = _foot(await (await client.get(path)).text())
        assert "重庆市涪陵区人力资源和社会保障局" in foot, path
        assert "联系电话：023-72220000" in foot and "重庆市涪陵区太白大道1号" in foot, path
        assert "社会监督（投诉举报）：监督电话 023-72229999" in foot, path
        assert re.search(r"(本页更新时间|数据截至)：\d{4}年\d{1,2}月\d{1,2}日", foot), path


async def test_a_listing_was_updated_when_its_newest_record_became_public(client):
    await make_public_world()
    foot = _foot(await (await client.get("/public/penalties")).text())
    assert "本页更新时间：2026年9月30日" in foot  # the decision's date, no leading zero
    foot = _foot(await (await client.get("/public/guide-that-is-not")).text())
    assert "数据截至：" in foot


async def test_draw_pages_say_what_commitment_and_reveal_are_and_link_the_guide(client):
    await build()
    for path in ("/public/draws", "/public/draws/1"):
        html = await (await client.get(path)).text()
        assert "承诺：</strong>抽取之前" in html and "揭示：</strong>抽取当天" in html
        assert f'href="{GUIDE_PATH}"' in html
    guide = await client.get(GUIDE_PATH)
    html = await guide.text()
    assert guide.status == 200 and "<h1>随机抽取及其核验方法</h1>" in html
    assert "<h2>三、动手核验（推荐）</h2>" in html
    # The guide's addresses name this window; its code stays code.
    assert "&lt;公示网站&gt;" not in html and "<pre><code>python3 verify_draw.py record.json" in html
    assert "本页更新时间：2026年11月30日" in html
    # Chinese lines of one paragraph are joined without a space between them.
    assert "执法检查人员、记者和普通市民" in html


async def test_downloads_are_named_for_people(client):
    await build()
    for path, href in (("/public/results", "/public/results.json?page=1"),
                       ("/public/draws", "/public/draws.json?page=1"),
                       ("/public/", "/public/index.json")):
        html = await (await client.get(path)).text()
        assert f'<a href="{href}">数据下载（JSON）</a>' in html, path
        assert ">JSON<" not in html


async def test_desktop_tables_keep_codes_dates_and_usccs_whole(client):
    await make_public_world()
    html = await (await client.get("/public/results")).text()
    for value in ("JC2026-0001", "91500102MA5U7ABC1K"):
        assert re.search(rf'<td data-label="[^"]+" class="nw">{value}</td>', html), value
    assert re.search(r'<td data-label="办结日期" class="nw">\d{4}-\d{2}-\d{2}</td>', html)
    assert re.search(r"\.nw\{white-space:nowrap", html)


async def test_search_pages_through_every_match(client, monkeypatch):
    """Many employers match "重庆" without anything public; the ones with published penalties
    come later in the table and are all found, page after page."""
    monkeypatch.setattr(window_data, "PAGE_SIZE", 3)
    for i in range(60):
        await Employer.create(uscc=f"91500102MA{i:08d}", name=f"重庆某某商贸有限公司{i}")
    for i in range(8):
        emp = await Employer.create(uscc=f"91500102MB{i:08d}", name=f"重庆某某建筑有限公司{i}")
        await PenaltyDecision.create(number=f"涪人社监罚〔2026〕第{i + 10}号", employer=emp,
                                     procedure=PenaltyProcedure.GENERAL, cause="拖欠工资",
                                     basis="《劳动保障监察条例》", result="罚款",
                                     decided_on=dt.date(2026, 9, 1) + dt.timedelta(days=i))
    numbers = []
    for n in (1, 2, 3):
        body = await (await client.get("/public/search.json",
                                       params={"q": "重庆", "page": n})).json()
        assert body["totals"]["penalties"] == 8 and body["page"] == n
        numbers += [p["number"] for p in body["penalties"]]
    assert len(numbers) == len(set(numbers)) == 8
    html = await (await client.get("/public/search", params={"q": "重庆"})).text()
    assert "共 8 条，本页第 1–3 条" in html
    assert 'href="/public/search?q=%E9%87%8D%E5%BA%86&amp;page=2">下一页</a>' in html
    last = await (await client.get("/public/search", params={"q": "重庆", "page": 3})).text()
    assert "本页第 7–8 条" in last and "下一页" not in last and "上一页" in last


async def test_error_pages_for_the_whole_site(client, caplog):
    for path in ("/nothing", "/public/nothing", "/n/too/many/parts"):
        resp = await client.get(path)
        html = await resp.text()
        assert resp.status == 404 and resp.content_type == "text/html", path
        assert "<h1>页面不存在</h1>" in html and 'href="/public/"' in html, path
        assert "Not Found" not in html
    resp = await client.post("/public/items")
    assert resp.status == 405 and "<h1>无法以这种方式访问</h1>" in await resp.text()
    assert "GET" in resp.headers["Allow"]
    resp = await client.get("/public/test-failure")
    html = await resp.text()
    assert resp.status == 500 and "<h1>系统出现故障</h1>" in html
    assert "secret detail" not in html and "Traceback" not in html
    assert "secret detail of the failure" in caplog.text  # logged for the operators
    # Programs keep their answers: problem+json for JSON paths and the API.
    for path in ("/public/nothing.json", "/api/v1/nothing-here"):
        resp = await client.get(path)
        assert resp.status == 404 and resp.content_type == "application/problem+json", path
    resp = await client.get("/test-failure.json")
    assert resp.status == 500 and resp.content_type == "application/problem+json"
