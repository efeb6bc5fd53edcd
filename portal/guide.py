"""《随机抽取及其核验方法》 at `/public/draws/guide`: portal/guides/draw.md as a page of the window.

The Markdown is ours, but it is rendered as if it were not: raw HTML in it is escaped, links are
limited to what markdown-it considers safe (no `javascript:`), and the page has the frame's
policy (no scripts). A line break inside a Chinese paragraph joins the lines without the space a
browser would otherwise show between two Chinese characters. The guide states when it was last
changed in a last line `<!-- 更新日期 YYYY-MM-DD -->` (change it with the text): the page's foot
shows it.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from pathlib import Path
from typing import Any

from aiohttp import web
from markdown_it import MarkdownIt

from notifications.appkeys import CONFIG
from portal.html import e, page

GUIDE_PATH = "/public/draws/guide"
SOURCE = Path(__file__).with_name("guides") / "draw.md"
_CHANGED = re.compile(r"^<!-- 更新日期 (\d{4}-\d{2}-\d{2}) -->\s*$", re.MULTILINE)


def _text_at(tokens: Any, indices: range, end: int) -> str:
    """The character at `end` (0 or -1) of the nearest token in `indices` that has text."""
    return next((tokens[i].content[end] for i in indices if tokens[i].content), "")


def _softbreak(renderer: Any, tokens: Any, idx: int, options: Any, env: Any) -> str:
    before = _text_at(tokens, range(idx - 1, -1, -1), -1)
    after = _text_at(tokens, range(idx + 1, len(tokens)), 0)
    # Between two letters of a Latin script a line break is a space; next to Chinese, nothing.
    return " " if before.isascii() and after.isascii() and before and after else ""


@functools.cache
def rendered(source: Path = SOURCE) -> tuple[str, str, dt.date | None]:
    """(title, body HTML, when the text last changed) of a guide."""
    text = source.read_text(encoding="utf-8")
    found = _CHANGED.search(text)
    changed = dt.date.fromisoformat(found.group(1)) if found else None
    title, _, rest = _CHANGED.sub("", text).partition("\n")
    md = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")
    md.add_render_rule("softbreak", _softbreak)
    return title.lstrip("# ").strip(), md.render(rest), changed


async def draw_guide(request: web.Request) -> web.Response:
    title, body, changed = rendered()
    # The guide's addresses name this window.
    base = e(request.app[CONFIG].public_base_url.rstrip("/"))
    body = body.replace("https://&lt;公示网站&gt;", base)
    return page(request, title, f'<section class="guide">{body}</section>'
                '<p><a href="/public/draws">返回抽取记录</a></p>', updated=changed)


def setup(app: web.Application) -> None:
    app.router.add_get(GUIDE_PATH, draw_guide)
