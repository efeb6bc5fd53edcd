"""`/`: where a newcomer (or a citizen who typed the bare address) finds the way in: the public
window, the staff app, the API document and, in development without WeCom, the playground."""

from __future__ import annotations

from aiohttp import web

from notifications.appkeys import CONFIG
from portal.html import e, page


def _links(request: web.Request) -> list[tuple[str, str, str]]:
    links = [
        ("/public/", "抽查公示窗口", "抽查计划、抽取过程和结果、检查结果、行政处罚等公示信息，任何人都可以查看和核验。"),
        ("/app/", "工作人员应用", "执法检查人员、检查组组长和各科室工作人员在企业微信中使用的应用。"),
        ("/api/v1/openapi.json", "接口文档（数据下载）", "工作人员应用所用接口的说明，供信息化人员对接。"),
    ]
    playground = request.app[CONFIG].playground
    if playground:
        links.insert(0, (playground, "演练场", "以任何一位演示人员的身份试用：查看企业微信发给该人员的召集卡片和消息，"
                         "点击卡片按钮、输入聊天命令，或以该人员的身份打开工作人员应用（仅开发环境）。"))
    return links


async def index(request: web.Request) -> web.Response:
    items = "".join(f'<li><a href="{e(href)}">{e(name)}</a><br><span class="muted">{e(what)}</span>'
                    "</li>" for href, name, what in _links(request))
    return page(request, "双随机、一公开抽查系统", f'<section><ul class="list">{items}</ul></section>')


def setup(app: web.Application) -> None:
    app.router.add_get("/", index)
