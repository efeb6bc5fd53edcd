"""A small but real world for the API tests: two campaigns sharing one employer (R20), a team of
two, a leader, an initiating section, an admin and outsiders; a stand-in WeCom for login."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from typing import Any

import pytest
from aiohttp import web
from PIL import Image

from inspection.clock import BEIJING
from miniprogram_api import sessions
from models.callups import CallUp
from models.campaigns import Campaign, CampaignItem
from models.draws import DrawEntry
from models.employers import Employer
from models.enums import (
    CallUpState,
    FindingResult,
    InspectionState,
    ItemVersionStatus,
    SectionKind,
)
from models.fieldwork import Finding, Inspection, InspectionMember
from models.items import Item, ItemVersion
from models.org import Section, Staff
from notifications.appkeys import CONFIG, KV, LOGIN_EXCHANGE, LoginExchange
from suiji.app import create_app
from tests import factories

WECOM_TOKEN = "stand-in-access-token"
ROLES = ["admin", "initiator", "leader", "other_leader", "member", "outsider", "anonymous"]


@dataclass
class World:
    staff: dict[str, Staff]
    employer: Employer
    campaigns: list[Campaign]
    other_campaign: Campaign
    items: list[ItemVersion]
    inspection: Inspection


async def build_world(state: InspectionState = InspectionState.ASSIGNED) -> World:
    initiating = await Section.create(code="JCZD", name="劳动保障监察支队",
                                      kind=SectionKind.INITIATING)
    policy = await Section.create(code="ZCFG", name="政策法规科", kind=SectionKind.POLICY)
    other = await Section.create(code="YWK", name="劳动关系科", kind=SectionKind.BUSINESS)

    async def person(key: str, name: str, section: Section, **roles: bool) -> Staff:
        return await Staff.create(name=name, wecom_userid=f"u-{key}", section=section,
                                  cert_no=f"CERT-{key}", **roles)

    staff = {
        "admin": await person("admin", "管理员", policy, is_admin=True),
        "initiator": await person("initiator", "发起人", initiating, is_initiator=True),
        "leader": await person("leader", "王组长", other, is_leader=True, is_inspector=True),
        "other_leader": await person("other_leader", "李组长", other, is_leader=True,
                                     is_inspector=True),
        "member": await person("member", "张检查", other, is_inspector=True),
        "member2": await person("member2", "赵检查", other, is_inspector=True),
        "outsider": await person("outsider", "钱检查", other, is_inspector=True),
    }
    employer = await Employer.create(uscc="91500102MA5U000001", name="涪陵某建筑有限公司",
                                     township="敦仁街道", address="涪陵区某路1号")
    items = []
    for n in range(3):
        item = await Item.create(code=f"LB-{n + 1:02d}")
        items.append(await ItemVersion.create(
            item=item, version=1, name=f"抽查事项{n + 1}", basis="《劳动保障监察条例》",
            subject="区人力社保局", content=f"检查内容{n + 1}", method="现场检查",
            status=ItemVersionStatus.PUBLISHED))
    start = dt.date(2026, 11, 2)
    campaigns = []
    for n, ivs in enumerate([items[:2], items[1:]]):
        c = await Campaign.create(code=f"2026-FL-00{n + 1}", title=f"抽查任务{n + 1}",
                                  section=initiating, field_start=start,
                                  field_end=start + dt.timedelta(days=30),
                                  leader=staff["leader"], created_by=staff["initiator"])
        for iv in ivs:
            await CampaignItem.create(campaign=c, item_version=iv)
        campaigns.append(c)
    other_campaign = await Campaign.create(
        code="2026-FL-009", title="另一任务", section=other, field_start=start,
        field_end=start + dt.timedelta(days=30), leader=staff["other_leader"])
    inspection = await Inspection.create(code="JC2026-0001", employer=employer, state=state,
                                         window_start=start,
                                         window_end=start + dt.timedelta(days=30))
    await inspection.campaigns.add(*campaigns)
    for key in ("member", "member2"):
        await InspectionMember.create(inspection=inspection, staff=staff[key])
    return World(staff, employer, campaigns, other_campaign, items, inspection)


async def answer_all(world: World) -> None:
    """Every item of the visit has a finding (符合 where none was recorded), as a visit must
    before it is submitted or closed."""
    done = set(await Finding.filter(inspection_id=world.inspection.id)
               .values_list("item_version_id", flat=True))
    for iv in world.items:
        if iv.id not in done:
            await Finding.create(inspection=world.inspection, item_version=iv,
                                 result=FindingResult.COMPLIANT, recorded_by=world.staff["member"])


async def called_up(world: World, key: str, *, task_id: str = "") -> CallUp:
    """One inspector called for the first campaign and not yet answered (R15)."""
    campaign = world.campaigns[0]
    draw = await factories.inspector_draw(campaign, [world.staff[key]])
    entry = await DrawEntry.get(draw=draw)
    now = dt.datetime(2026, 11, 1, 9, 0, tzinfo=BEIJING)
    return await CallUp.create(campaign=campaign, staff=world.staff[key], draw_entry=entry,
                               position=1, state=CallUpState.CALLED, called_at=now,
                               reply_deadline=now + dt.timedelta(days=1),
                               task_id=task_id or f"callup-{campaign.id}-{key}")


async def form_team(world: World, keys: list[str]) -> None:
    """The first campaign's call-up is over: these inspectors were drawn, in this order, and
    accepted (R15), so its leader may assign them (R16)."""
    campaign = world.campaigns[0]
    order = [world.staff[k] for k in keys]
    draw = await factories.inspector_draw(campaign, order)
    now = dt.datetime(2026, 11, 1, 9, 0, tzinfo=BEIJING)
    for entry in await DrawEntry.filter(draw=draw).order_by("position"):
        await CallUp.create(campaign=campaign, staff_id=entry.staff_id,
                            draw_entry=entry, position=entry.position,
                            state=CallUpState.ACCEPTED, called_at=now, reply_deadline=now,
                            answered_at=now, task_id=f"callup-{campaign.id}-{entry.position}")
    campaign.team_formed_at = now
    await campaign.save(update_fields=["team_formed_at", "updated_at"])


@pytest.fixture
async def world(clean_db: Any) -> World:
    return await build_world()


@pytest.fixture
async def wecom_server(aiohttp_server: Any) -> Any:
    """A stand-in for WeCom's jscode2session (code "code-<userid>" logs in as <userid>) and
    OAuth getuserinfo."""
    async def jscode2session(request: web.Request) -> web.Response:
        if request.query.get("access_token") != WECOM_TOKEN:
            return web.json_response({"errcode": 40014, "errmsg": "invalid access_token"})
        code = request.query.get("js_code", "")
        if not code.startswith("code-"):
            return web.json_response({"errcode": 40029, "errmsg": "invalid code"})
        return web.json_response({"errcode": 0, "errmsg": "ok", "corpid": "wwcorp",
                                  "userid": code.removeprefix("code-"),
                                  "session_key": "SECRET-SESSION-KEY-" + code})

    async def getuserinfo(request: web.Request) -> web.Response:
        """WeCom OAuth: "oauth-<userid>" is a member, "oauth-outsider" someone outside."""
        if request.query.get("access_token") != WECOM_TOKEN:
            return web.json_response({"errcode": 40014, "errmsg": "invalid access_token"})
        code = request.query.get("code", "")
        if code == "oauth-outsider":
            return web.json_response({"errcode": 0, "errmsg": "ok", "openid": "o-outsider"})
        if not code.startswith("oauth-"):
            return web.json_response({"errcode": 40029, "errmsg": "invalid code"})
        return web.json_response({"errcode": 0, "errmsg": "ok",
                                  "userid": code.removeprefix("oauth-")})

    app = web.Application()
    app.router.add_get("/cgi-bin/miniprogram/jscode2session", jscode2session)
    app.router.add_get("/cgi-bin/auth/getuserinfo", getuserinfo)
    return await aiohttp_server(app)


@pytest.fixture
async def api(aiohttp_client: Any, settings: Any, wecom_server: Any) -> Any:
    # The credit-platform token is set so the fuzz run reaches that route (401, not 503).
    settings = settings.model_copy(update={"credit_export_token": "t" * 32})
    app = create_app(settings, manage_db=False)

    async def token() -> str:
        return WECOM_TOKEN

    app[LOGIN_EXCHANGE] = LoginExchange(token, str(wecom_server.make_url("")).rstrip("/"))
    return await aiohttp_client(app)


async def session_for(api: Any, staff: Staff) -> dict[str, str]:
    token = await sessions.create(api.app[KV], secret_key=api.app[CONFIG].secret_key,
                                  staff_id=staff.id, userid=staff.wecom_userid, session_key="k")
    return {"Authorization": f"Bearer {token}"}


async def login(api: Any, staff: Staff) -> dict[str, str]:
    resp = await api.post("/api/v1/auth/login", json={"code": f"code-{staff.wecom_userid}"})
    assert resp.status == 200, await resp.text()
    return {"Authorization": f"Bearer {(await resp.json())['token']}"}


def jpeg(size: tuple[int, int] = (64, 48), color: str = "red") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, "JPEG")
    return out.getvalue()


def pdf() -> bytes:
    return (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]"
            b"/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")
