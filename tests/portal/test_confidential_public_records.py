"""Issue 16 item 3 (R14): nothing about a confidential campaign's employers can be learned from
the public window (its pages and their JSON) before its result is public — not their names or
codes, not a roster hash equal to the hash of a public list (the blacklist, with every candidate
drawn), not the strata's sizes; afterwards the record, its strata and the seal published before
recompute with the citizen's verifier."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from tortoise.transactions import in_transaction

from inspection import clock
from inspection.draw import protocol as draws
from inspection.draw import verifier
from models.draws import Draw, DrawStratum
from models.enums import Grade
from portal.window import LISTINGS
from suiji.app import create_app
from tests.drawkit import approved_campaign, employers_spec, make_world, reveal_now

pytestmark = pytest.mark.usefixtures("clean_db")

PAST = clock.today() - dt.timedelta(days=3)
RULES = {"strata": {"B": {"count": 2}, "C": {"count": 1}, "blacklist": {"all": True}}}


@pytest.fixture
async def client(aiohttp_client: Any, settings: Any) -> Any:
    return await aiohttp_client(create_app(settings, manage_db=False))


async def _public_texts(client: Any, draw_ids: list[int]) -> dict[str, str]:
    paths = ["/public", "/public/index.json", "/public/draws", "/public/draws.json"]
    paths += [f"/public/{x.path}{ext}" for x in LISTINGS for ext in ("", ".json")]
    paths += [f"/public/draws/{d}{ext}" for d in draw_ids for ext in ("", ".json")]
    out = {}
    for path in paths:
        resp = await client.get(path)
        assert resp.status == 200, path
        out[path] = await resp.text()
    return out


async def test_a_confidential_campaigns_employers_are_not_public_before_its_time(
        client: Any) -> None:
    spec = [*employers_spec(5, grade=Grade.B), *employers_spec(3, start=20, grade=Grade.C),
            *employers_spec(3, start=40, grade=Grade.C, blacklisted=True)]
    world = await make_world(employers=spec)
    blacklist = sorted(e.uscc for e in world.employers.values()
                       if int(e.uscc[-4:]) >= 40)  # the public blacklist's codes
    campaign = await approved_campaign(world, code="2026-FL-300", rules=RULES, confidential=True,
                                       field_start=PAST, field_end=PAST + dt.timedelta(days=20))
    async with in_transaction():
        await draws.commit_draws(campaign_code=campaign.code, actor="cli")
    ids = [d.id for d in await Draw.filter(campaign_id=campaign.id).order_by("id")]

    async def assert_nothing_learned() -> dict[str, Any]:
        texts = await _public_texts(client, ids)
        everything = "\n".join(texts.values())
        # The public blacklist names its employers, as it should; no other page names any.
        others = "\n".join(t for path, t in texts.items() if "/blacklist" not in path)
        assert blacklist[0] in texts["/public/blacklist.json"]
        for employer in world.employers.values():
            assert employer.uscc not in others and employer.name not in others
        # No published hash is the hash of a public list, of the whole roster or of a stratum.
        published = set(re.findall(r"[0-9a-f]{64}", everything))
        strata = await DrawStratum.filter(draw__campaign_id=campaign.id)
        guesses = {verifier.roster_hash(blacklist),
                   verifier.roster_hash(sorted(world.employers)),
                   *(s.roster_hash for s in strata)}
        assert not published & guesses
        employers = (await (await client.get(f"/public/draws/{ids[0]}.json")).json())
        assert employers["strata"] == [] and len(employers["strata_seal"]) == 64
        listed = (await (await client.get("/public/draws.json")).json())["draws"]
        assert all(d["strata"] == [] for d in listed)  # no sizes or counts per stratum
        assert "黑名单" not in texts[f"/public/draws/{ids[0]}"]
        return employers

    sealed = await assert_nothing_learned()  # after the commitment
    async with in_transaction():
        await draws.reveal_draws(campaign_code=campaign.code, public_entropy="体彩 7 3 9",
                                 actor="cli", **reveal_now())
    assert (await assert_nothing_learned())["strata_seal"] == sealed["strata_seal"]

    # The field window is open and the team formed: the record is public and recomputes, and
    # its strata are those the seal published before bound.
    campaign.team_formed_at = clock.now()
    await campaign.save(update_fields=["team_formed_at", "updated_at"])
    record = await (await client.get(f"/public/draws/{ids[0]}.json")).json()
    assert record["strata_seal"] == sealed["strata_seal"]
    assert {s["stratum"] for s in record["strata"]} == {"B", "C", "blacklist"}
    assert verifier.verify_record(record) == []
    tampered = dict(record, strata=[dict(s) for s in record["strata"]])
    tampered["strata"][0]["count"] += 1
    assert any(p.field == "strata_seal" for p in verifier.verify_record(tampered))


async def test_a_public_campaigns_record_is_unchanged(client: Any) -> None:
    """DESIGN.md's outside contract holds for a campaign without confidentiality: strata with
    their roster hashes at once, no seal."""
    world = await make_world(employers=employers_spec(4, grade=Grade.B))
    campaign = await approved_campaign(world, code="2026-FL-301", rules=RULES,
                                       field_start=PAST, field_end=PAST + dt.timedelta(days=20))
    async with in_transaction():
        await draws.commit_draws(campaign_code=campaign.code, actor="cli")
    draw = await Draw.get(campaign_id=campaign.id, kind="employers")
    record = await (await client.get(f"/public/draws/{draw.id}.json")).json()
    assert "strata_seal" not in record and record["strata"]
    assert all(len(s["roster_hash"]) == 64 for s in record["strata"])
