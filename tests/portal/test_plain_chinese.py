"""Every public HTML page speaks plain Chinese: no English words, code names or rule numbers.

The walk starts at the window's front page with a world that has something on every page
(tests/portal/public_world.py), follows every link to another HTML page of the site, and adds the
pages no link leads to: searches, notice pages in every state, the error pages. Each page's
visible text — and the attributes a reader sees (placeholders, titles, the column names a phone
shows beside each value) — may hold ASCII letters only inside what the allow-list names: web
addresses, USCCs, hashes, codes of campaigns, inspections and items, "JSON" and the file types of
a download, and the credit grades (A级). Code the guide asks the reader to type (`<code>`,
`<pre>`) is exempt on the guide page only.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from aiohttp import web

from portal.guide import GUIDE_PATH
from suiji.app import create_app
from tests.portal.public_world import build

ALLOWED = [
    r"https?://[^\s<>\"'）]+",  # web addresses
    r"(?<![0-9A-Za-z])[0-9A-Z]{18}(?![0-9A-Za-z])",  # USCCs
    r"(?<![0-9A-Za-z])[0-9a-f]{8,}(?![0-9A-Za-z])",  # hashes (whole or cut short)
    r"(?<![0-9A-Za-z])\d{4}-[A-Z]{1,4}-\d{1,4}(?![0-9A-Za-z])",  # campaign codes: 2026-FL-003
    r"(?<![0-9A-Za-z])[A-Z]{1,4}\d{4}-\d{1,6}(?![0-9A-Za-z])",  # inspection codes: JC2026-0001
    # item codes: SX-001, LD01 (not a rule number: R15)
    r"(?<![0-9A-Za-z])(?:[A-Z]{2,4}-?|[A-Z]-)\d{1,4}(?![0-9A-Za-z])",
    r"(?<![0-9A-Za-z])(?:JSON|PDF|JPG|PNG|MB)(?![0-9A-Za-z])",  # downloads and their size
    r"(?<![0-9A-Za-z])[ABC]级",  # 守法诚信等级
]
_ALLOWED = re.compile("|".join(ALLOWED))
_LETTERS = re.compile(r"[A-Za-z]+")
SHOWN_ATTRIBUTES = {"placeholder", "title", "alt", "data-label", "aria-label"}
MAX_PAGES = 200


class _Text(HTMLParser):
    """What a reader sees of a page, and where its links lead."""

    def __init__(self, *, exempt_code: bool) -> None:
        super().__init__(convert_charrefs=True)
        self.exempt_code = exempt_code
        self.chunks: list[str] = []
        self.links: list[str] = []
        self._skip = 0  # inside <style>, <script>, or exempt code

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("style", "script") or (self.exempt_code and tag in ("code", "pre")):
            self._skip += 1
        for name, value in attrs:
            if name in SHOWN_ATTRIBUTES and value:
                self.chunks.append(value)
            if tag == "a" and name == "href" and value:
                self.links.append(value)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("style", "script") or (self.exempt_code and tag in ("code", "pre")):
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.chunks.append(data)


def english_in(text: str) -> list[str]:
    return _LETTERS.findall(_ALLOWED.sub(" ", text))


# Not public pages: the staff app (its own screens and tests), the staff API, the playground.
STAFF_ONLY = ("/app", "/api/", "/dev")


def _html_page(path: str) -> bool:
    return not path.endswith((".json", ".py", "/pdf")) and not path.startswith(STAFF_ONLY)


@pytest.fixture
async def client(aiohttp_client, settings):
    app = create_app(settings, manage_db=False)

    async def boom(request: web.Request) -> web.Response:
        raise RuntimeError("a failure the page must not show")

    app.router.add_get("/public/test-failure", boom)
    return await aiohttp_client(app)


def test_the_allow_list_lets_through_only_what_it_names():
    assert english_in("JC2026-0001 2026-FL-003 SX-001 91500102MA5U7ABC1K 数据下载（JSON）") == []
    assert english_in("A级 3f9a0c1d… https://suiji.example.gov.cn/public/draws/7.json") == []
    for leak in ("承诺 commitment", "分层 blacklist", "R10–R15", "404: Not Found", "ungraded",
                 "B", "secret", "Internal Server Error"):
        assert english_in(leak), leak


async def test_every_public_page_is_plain_chinese(client):
    world = await build()
    tokens = world["tokens"]
    start = ["/public/", "/public/search?q=涪江", "/public/search?q=91500102MA",
             "/public/search?q=没有这个单位", *(f"/n/{t}" for t in tokens.values()),
             "/n/AAAAAAAAAAAAAAAAAAAAAA", "/", "/nothing-here", "/public/nothing-here",
             "/public/test-failure", GUIDE_PATH]
    seen: set[str] = set()
    queue = list(start)
    leaks: dict[str, list[str]] = {}
    while queue:
        path = queue.pop(0)
        if path in seen:
            continue
        seen.add(path)
        assert len(seen) <= MAX_PAGES, "the walk does not end"
        resp = await client.get(path, headers={"X-Real-IP": f"192.0.2.{len(seen) % 250}"})
        assert resp.content_type == "text/html", (path, resp.status, resp.content_type)
        parser = _Text(exempt_code=urlsplit(path).path == GUIDE_PATH)
        parser.feed(await resp.text())
        found = english_in(" ".join(parser.chunks))
        if found:
            leaks[path] = sorted(set(found))
        for href in parser.links:
            url = urlsplit(urljoin(path, href))
            if url.netloc or not _html_page(url.path):
                continue
            queue.append(url.path + (f"?{url.query}" if url.query else ""))
    assert leaks == {}
    # The walk reached every kind of page.
    for expected in ("/public/items", "/public/items/history", "/public/plans",
                     "/public/results", "/public/penalties", "/public/blacklist",
                     "/public/major-violations", "/public/cancelled", "/public/draws",
                     "/public/search"):
        assert expected in seen, expected
    assert sum(p.startswith("/public/draws/") and p[14:].isdigit() for p in seen) >= 8
