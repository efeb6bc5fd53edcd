"""The draw ceremony's data over the staff API (issue 14, R10, R14, R15): what the commitment
froze, then the ranked employers and inspectors with names in the order of the published record;
a confidential campaign's employers are not shown to its leader before its team is formed (R14,
`inspection.access.sees_employers`);
whether a draw may still be voided, and the rule."""

from __future__ import annotations

import datetime as dt
from typing import Any

from inspection import clock
from inspection.rosters.uscc import make_uscc
from models.campaigns import Campaign
from models.draws import Draw, DrawEntry
from models.enums import CampaignState
from tests.fieldworld import session_for
from tests.miniprogram_api.test_api_campaigns import _campaign_body, _certified, _published_item
from tests.miniprogram_api.test_api_roster_preview import _form


async def _approved(api: Any, world: Any, **extra: Any) -> tuple[int, dict[str, str]]:
    admin = await session_for(api, world.staff["admin"])
    initiator = await session_for(api, world.staff["initiator"])
    await _certified(world)
    rows = "".join(f"{make_uscc(f'91500102MA6U0000{n}')},涪陵{n}号公司\n" for n in range(3))
    resp = await api.post("/api/v1/imports/employers", headers=admin,
                          data=_form("统一社会信用代码,单位名称\n" + rows))
    assert resp.status == 201, await resp.text()
    version_id = await _published_item(api, admin)
    resp = await api.post("/api/v1/campaigns", headers=initiator,
                          json=_campaign_body(world, version_id) | extra)
    assert resp.status == 201, await resp.text()
    campaign_id = (await resp.json())["id"]
    resp = await api.post(f"/api/v1/campaigns/{campaign_id}/approve", headers=initiator)
    assert resp.status == 200, await resp.text()
    return campaign_id, initiator


async def _reveal(api: Any, campaign_id: int, initiator: dict[str, str], **extra: Any) -> Any:
    """As at a draw meeting: an hour after the commitment (R10), with today's lottery."""
    await Draw.filter(campaign_id=campaign_id).update(
        committed_at=clock.now() - dt.timedelta(minutes=61))
    body = {"public_entropy": "福彩3D 2026321期 5 8 2",
            "entropy_source_date": clock.today().isoformat(), **extra}
    return await api.post(f"/api/v1/campaigns/{campaign_id}/draws/reveal", headers=initiator,
                          json=body)


async def test_commit_shows_what_it_froze_and_reveal_the_order_by_name(api: Any,
                                                                        world: Any) -> None:
    campaign_id, initiator = await _approved(api, world)
    resp = await api.post(f"/api/v1/campaigns/{campaign_id}/draws/commit", headers=initiator)
    assert resp.status == 201, await resp.text()
    out = await resp.json()
    assert out["code"] == "2026-FL-101" and out["title"] == "劳动合同专项抽查"
    employers, inspectors = out["draws"]
    assert employers["kind"] == "employers" and inspectors["kind"] == "inspectors"
    assert [s["candidate_count"] for s in employers["strata"]] != []
    assert all(len(s["roster_hash"]) == 64 and s["drawn"] == [] for s in employers["strata"])
    assert employers["record_url"].endswith(f"/public/draws/{employers['id']}")
    assert out["verifier_url"].endswith("/public/tools/verify_draw.py")
    assert out["voidable"] and employers["voidable"] and "作废" in out["void_rule"]
    wait = dt.datetime.fromisoformat(out["reveal_not_before"]) - max(
        dt.datetime.fromisoformat(d["committed_at"]) for d in out["draws"])
    assert wait == dt.timedelta(minutes=60)  # R10: the default wait, said before the reveal

    resp = await _reveal(api, campaign_id, initiator, witnesses="刘芳")
    assert resp.status == 200, await resp.text()
    employers, inspectors = (await resp.json())["draws"]
    drawn = [d for s in employers["strata"] for d in s["drawn"]]
    assert len(drawn) == sum(s["count"] for s in employers["strata"]) > 0
    assert all(d["name"].startswith("涪陵") for d in drawn)
    entries = await DrawEntry.filter(draw_id=employers["id"]).order_by("stratum", "position")
    assert [d["key"] for d in drawn] == [e.key for e in entries]
    order = [d for s in inspectors["strata"] for d in s["drawn"]]
    assert [d["position"] for d in order] == list(range(1, len(order) + 1))
    assert all(d["name"] for d in order)


async def test_confidential_employers_stay_hidden_from_the_leader(api: Any, world: Any) -> None:
    campaign_id, initiator = await _approved(api, world, confidential=True)
    await api.post(f"/api/v1/campaigns/{campaign_id}/draws/commit", headers=initiator)
    resp = await _reveal(api, campaign_id, initiator)
    assert resp.status == 200, await resp.text()
    leader = await session_for(api, world.staff["leader"])
    employers, inspectors = (await (await api.get(f"/api/v1/campaigns/{campaign_id}/draws",
                                                  headers=leader)).json())["draws"]
    assert employers["hidden"] and all(s["drawn"] == [] for s in employers["strata"])
    assert not inspectors["hidden"] and inspectors["strata"][0]["drawn"]
    mine = (await (await api.get(f"/api/v1/campaigns/{campaign_id}/draws",
                                 headers=initiator)).json())["draws"][0]
    assert not mine["hidden"] and any(s["drawn"] for s in mine["strata"])
    # The team formed: the leader, who assigns them (R16), sees the drawn employers.
    await Campaign.filter(id=campaign_id).update(team_formed_at=clock.now())
    employers = (await (await api.get(f"/api/v1/campaigns/{campaign_id}/draws",
                                      headers=leader)).json())["draws"][0]
    assert not employers["hidden"] and any(s["drawn"] for s in employers["strata"])


async def test_a_draw_in_use_may_no_longer_be_voided(api: Any, world: Any) -> None:
    campaign_id, initiator = await _approved(api, world)
    await api.post(f"/api/v1/campaigns/{campaign_id}/draws/commit", headers=initiator)
    await Campaign.filter(id=campaign_id).update(state=CampaignState.IN_FIELD)
    out = await (await api.get(f"/api/v1/campaigns/{campaign_id}/draws",
                               headers=initiator)).json()
    assert not out["voidable"] and not any(d["voidable"] for d in out["draws"])
    resp = await api.post(f"/api/v1/campaigns/{campaign_id}/draws/void", headers=initiator,
                          json={"kind": "employers", "reason": "程序有误"})
    assert resp.status == 409
    assert "检查已开始" in (await resp.json(content_type="application/problem+json"))["detail"]
