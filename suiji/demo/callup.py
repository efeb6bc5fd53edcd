"""Demo part "callup" (after "draws"): leave one campaign at the call-up stage.

It takes the first campaign already calling up (the draws part's reveal starts the call-up of a
campaign with a leader, docs/callup.md), else the first drawn one and calls its first inspectors, so the cards wait in the outbox and, with WeCom configured, reach the
phones (or a stand-in WeCom) when the worker runs. Without such a campaign (the draws part not
loaded), it builds a small one of its own with a genuine, recomputable suiji-draw-v1 inspector
draw. Idempotent: a second run finds the campaign already calling up and adds nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from inspection import audit, clock
from inspection.callup import calls as callup
from inspection.draw import verifier as verify_draw
from models.campaigns import Campaign, CampaignItem
from models.draws import Draw, DrawEntry, DrawStratum
from models.employers import Employer
from models.enums import CampaignState, DrawKind, DrawStatus, ItemVersionStatus, SectionKind
from models.fieldwork import Inspection
from models.items import Item, ItemVersion
from models.org import Section, Staff
from suiji.settings import Settings

CODE = "2026-FL-090"
ACTOR = audit.CLI
INSPECTORS = ["陈明", "李娟", "王强", "赵丽", "孙伟", "周敏", "吴刚", "郑洁", "冯涛", "何静"]
EMPLOYERS = [("91500102MA60DEMO1A", "重庆涪陵示范建筑工程有限公司"),
             ("91500102MA60DEMO2B", "涪陵区示范食品加工厂"),
             ("91500102MA60DEMO3C", "重庆示范物流有限公司")]


async def _ready_campaign() -> Campaign | None:
    calling = await Campaign.filter(state=CampaignState.CALLING_UP).order_by("code").first()
    if calling is not None:
        return calling
    for c in await Campaign.filter(state=CampaignState.DRAWN, leader_id__isnull=False
                                   ).order_by("code"):
        if await Draw.exists(campaign_id=c.id, kind=DrawKind.INSPECTORS,
                             status=DrawStatus.REVEALED):
            return c
    return None


async def _own_campaign(now: dt.datetime) -> Campaign:
    section, _ = await Section.get_or_create(
        code="JCZD", defaults={"name": "劳动保障监察支队", "kind": SectionKind.INITIATING})
    leader, _ = await Staff.get_or_create(
        wecom_userid="demo.leader", defaults={"name": "刘建国", "section": section,
                                              "is_leader": True, "is_initiator": True})
    staff = []
    for i, name in enumerate(INSPECTORS, start=1):
        s, _ = await Staff.get_or_create(wecom_userid=f"demo.insp{i:02d}", defaults={
            "name": name, "section": section, "cert_no": f"500102DEMO{i:04d}",
            "cert_valid_until": dt.date(2028, 12, 31), "is_inspector": True})
        staff.append(s)
    item, _ = await Item.get_or_create(code="DEMO-LS-01")
    version, _ = await ItemVersion.get_or_create(item=item, version=1, defaults={
        "name": "工资支付情况", "basis": "《保障农民工工资支付条例》", "subject": "区人力社保局",
        "content": "工资支付台账、按月足额支付", "method": "现场检查、查阅资料",
        "status": ItemVersionStatus.PUBLISHED, "published_at": now})
    today = clock.today()
    campaign = await Campaign.create(
        code=CODE, title="2026年工资支付专项抽查（演示）", section=section, leader=leader,
        created_by=leader, purpose="检查用人单位工资支付情况", method="现场检查",
        field_start=today + dt.timedelta(days=14), field_end=today + dt.timedelta(days=25),
        employers_needed=len(EMPLOYERS), inspectors_needed=4, inspectors_per_employer=2,
        confidential=True, confidentiality_note="检查开始前不得向被检查单位透露",
        state=CampaignState.DRAWN)
    await CampaignItem.create(campaign=campaign, item_version=version)
    await audit.record(actor=ACTOR, action="demo.campaign", obj=campaign,
                       after=audit.snapshot(campaign, ["code", "title", "state"]), at=now)
    for uscc, name in EMPLOYERS:
        emp, _ = await Employer.get_or_create(uscc=uscc, defaults={"name": name})
        insp = await Inspection.create(code=f"JC-DEMO-{uscc[-2:]}", employer=emp,
                                       window_start=campaign.field_start,
                                       window_end=campaign.field_end)
        await insp.campaigns.add(campaign)
    await _inspector_draw(campaign, staff, now)
    return campaign


async def _inspector_draw(campaign: Campaign, staff: list[Staff], now: dt.datetime) -> None:
    """A real suiji-draw-v1 draw (recomputable with `suiji draw verify`)."""
    keys = sorted((s.cert_no or "" for s in staff), key=lambda k: k.encode())
    secret = hashlib.sha256(f"demo-secret:{CODE}".encode()).hexdigest()  # demo only: public
    entropy = "演示 福彩3D 2026090期 3 1 4"
    roster = verify_draw.roster_hash(keys)
    seed = verify_draw.compute_seed(CODE, "inspectors", roster, entropy, secret)
    draw = await Draw.create(campaign=campaign, kind=DrawKind.INSPECTORS,
                             status=DrawStatus.REVEALED, secret=secret,
                             commitment=verify_draw.commitment(secret), public_entropy=entropy,
                             committed_at=now, revealed_at=now, witnesses="演示")
    await DrawStratum.create(draw=draw, stratum="inspectors", count=len(keys),
                             candidate_count=len(keys), roster_hash=roster,
                             candidates="\n".join(keys))
    by_key = {s.cert_no: s for s in staff}
    for pos, key in enumerate(verify_draw.draw_order(seed, keys), start=1):
        await DrawEntry.create(draw=draw, stratum="inspectors", position=pos, key=key,
                               rank=verify_draw.rank(seed, key), staff=by_key[key])
    await audit.record(actor=ACTOR, action="draw.reveal", obj=draw,
                       after={"kind": "inspectors", "order": verify_draw.draw_order(seed, keys)},
                       at=now)


async def load(settings: Settings | None = None) -> None:
    now = clock.now()
    campaign = await _ready_campaign()
    if campaign is None:
        campaign = await Campaign.get_or_none(code=CODE) or await _own_campaign(now)
    await callup.start_callup(campaign_id=campaign.id, now=now, actor=ACTOR)
