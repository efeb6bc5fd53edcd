"""The draw (R10–R15) against DESIGN.md, checked with an independent reference (tests/drawkit)."""

from __future__ import annotations

import asyncio
import copy
import datetime as dt

import pytest
from tortoise.transactions import in_transaction

from inspection.draw import protocol as draws
from inspection.draw import records as draw_records
from inspection.draw import verifier as verify_draw
from inspection.draw import voiding
from inspection.errors import Conflict, ValidationFailed
from inspection.planning import campaigns
from models.audit import AuditEvent
from models.campaigns import Campaign
from models.draws import Draw, DrawEntry, DrawStratum
from models.enums import CampaignState, DrawStatus, Grade
from models.publication import Publication
from tests.drawkit import (
    FIELD_START,
    approved_campaign,
    employers_spec,
    make_world,
    reference_check,
    reference_order,
    reveal_now,
    suspend,
    uscc,
)

pytestmark = pytest.mark.usefixtures("clean_db")

ENTROPY = "福彩3D 2026321期 5 8 2"
LATER = dt.datetime(2027, 1, 1, tzinfo=dt.UTC)


def mixed_roster() -> list[dict]:
    inspected_30_days_ago = FIELD_START - dt.timedelta(days=30)
    return (employers_spec(5, start=1, grade=Grade.A)
            + employers_spec(20, start=100, grade=Grade.B)
            + employers_spec(6, start=200, grade=Grade.C)
            + [{"uscc": uscc(300), "grade": Grade.C, "blacklisted": True},
               {"uscc": uscc(301), "grade": Grade.A, "blacklisted": True},
               {"uscc": uscc(400), "grade": Grade.B, "last_inspected_on": inspected_30_days_ago},
               {"uscc": uscc(401), "grade": Grade.B,
                "last_inspected_on": FIELD_START - dt.timedelta(days=400)}])


RULES = {"strata": {"A": {"count": 2}, "B": {"ratio": 0.25}, "C": {"count": 10},
                    "ungraded": {"count": 3}, "blacklist": {"all": True}}}


async def drawn_campaign(*, rules=RULES, confidential=False, entropy=ENTROPY, **kw):
    world = await make_world(employers=mixed_roster(), **kw)
    campaign = await approved_campaign(world, rules=rules, confidential=confidential)
    async with in_transaction():
        await draws.commit_draws(campaign_code=campaign.code, actor="cli")
    async with in_transaction():
        await draws.reveal_draws(campaign_code=campaign.code, public_entropy=entropy,
                                 actor="cli", witnesses="张三（纪检）", **reveal_now())
    return world, await Campaign.get(id=campaign.id)


async def record_of(campaign: Campaign, kind: str) -> dict:
    draw = await Draw.get(campaign_id=campaign.id, kind=kind)
    return await draw_records.public_record(draw.id, now=LATER)


async def test_published_records_recompute_with_an_independent_reference():
    _, campaign = await drawn_campaign()
    # both draws revealed and a leader named: the call-up started in the same transaction
    assert campaign.state == CampaignState.CALLING_UP
    for kind in ("employers", "inspectors"):
        record = await record_of(campaign, kind)
        reference_check(record)  # written from DESIGN.md only
        assert verify_draw.verify_record(record) == []  # and the shipped verifier agrees
        assert record["public_entropy"] == ENTROPY and record["witnesses"] == "张三（纪检）"


async def test_strata_edges_r11_r12_r20():
    _, campaign = await drawn_campaign()
    record = await record_of(campaign, "employers")
    strata = {s["stratum"]: s for s in record["strata"]}
    # Blacklisted employers form their own stratum, whatever their grade, and all are drawn (R12).
    assert strata["blacklist"]["candidates"] == [uscc(300), uscc(301)]
    assert sorted(strata["blacklist"]["drawn"]) == [uscc(300), uscc(301)]
    assert uscc(301) not in strata["A"]["candidates"] and uscc(300) not in strata["C"]["candidates"]
    # A stratum smaller than its count: everyone in it is drawn, in draw order.
    assert strata["C"]["count"] == 10 and len(strata["C"]["candidates"]) == 6
    assert sorted(strata["C"]["drawn"]) == strata["C"]["candidates"]
    # An empty stratum is still published, with the hash of the empty roster.
    assert strata["ungraded"]["candidates"] == [] and strata["ungraded"]["drawn"] == []
    assert strata["ungraded"]["roster_hash"] == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    # A ratio rounds up: 21 eligible B employers x 0.25 -> 6.
    assert strata["B"]["candidate_count"] == 21 and strata["B"]["count"] == 6
    assert len(strata["B"]["drawn"]) == 6
    # Inspected 30 days before the field window: excluded with its reason; 400 days: eligible.
    excluded = {e["key"]: e for e in record["exclusions"]}
    assert excluded[uscc(400)]["reason"] == "recent_inspection"
    assert uscc(400) not in strata["B"]["candidates"] and uscc(401) in strata["B"]["candidates"]
    # Ties are impossible by construction: keys are unique, so (rank, key) is a total order.
    for s in record["strata"]:
        assert len(set(s["candidates"])) == len(s["candidates"])
    entries = await DrawEntry.filter(draw__campaign_id=campaign.id, draw__kind="employers")
    assert len(entries) == len({e.key for e in entries}) == 2 + 6 + 6 + 2
    assert all(e.employer_id is not None for e in entries)
    # R20: each drawn employer has exactly one planned inspection for this campaign.
    inspections = await campaign.inspections.all()
    assert len(inspections) == len(entries)


async def test_inspector_certificate_expiring_mid_window_is_excluded():
    world = await make_world(employers=employers_spec(3))
    world.inspectors[0].cert_valid_until = FIELD_START + dt.timedelta(days=10)
    await world.inspectors[0].save()
    await suspend(world.inspectors[1])
    campaign = await approved_campaign(world, inspectors_needed=2)
    async with in_transaction():
        await draws.commit_draws(campaign_code=campaign.code, actor="cli")
    async with in_transaction():
        await draws.reveal_draws(campaign_code=campaign.code,
                                 public_entropy="3 5 6", actor="cli", **reveal_now())
    record = await record_of(campaign, "inspectors")
    (stratum,) = record["strata"]
    assert world.inspectors[0].cert_no not in stratum["candidates"]
    assert world.inspectors[1].cert_no not in stratum["candidates"]
    assert len(stratum["drawn"]) == len(stratum["candidates"]) == 4  # the whole order is kept
    reasons = {e["key"]: e["reason"] for e in record["exclusions"]}
    assert reasons[world.inspectors[0].cert_no] == "certificate_expires"
    assert reasons[world.inspectors[1].cert_no] == "inactive"
    entries = await DrawEntry.filter(draw__campaign_id=campaign.id, draw__kind="inspectors") \
        .order_by("position")
    assert [e.key for e in entries] == stratum["drawn"]
    assert all(e.staff_id is not None for e in entries)


@pytest.mark.parametrize("change", ["candidate", "entropy", "secret"])
async def test_changing_an_input_changes_the_result(change):
    _, campaign = await drawn_campaign()
    record = await record_of(campaign, "employers")
    s = next(s for s in record["strata"] if s["stratum"] == "B")
    keys, entropy, secret = list(s["candidates"]), record["public_entropy"], record["secret"]
    if change == "candidate":
        keys[0] = uscc(999)
    elif change == "entropy":
        entropy += " 1"
    else:
        secret = "0" * 63 + ("1" if secret[-1] != "1" else "2")
    _, order = reference_order(record["campaign_code"], "B", keys, entropy, secret)
    assert order[:s["count"]] != s["drawn"]
    edited = copy.deepcopy(record)
    if change == "candidate":
        s2 = next(x for x in edited["strata"] if x["stratum"] == "B")
        s2["candidates"] = sorted(keys)
    elif change == "entropy":
        edited["public_entropy"] = entropy
    else:
        edited["secret"] = secret
    assert verify_draw.verify_record(edited) != []


async def test_second_commit_and_second_reveal_are_refused():
    _, campaign = await drawn_campaign()
    with pytest.raises(Conflict) as exc:
        async with in_transaction():
            await draws.reveal_draw(campaign_code=campaign.code, kind="employers",
                                    public_entropy="1 2 3", actor="cli", **reveal_now())
    assert exc.value.code == "already_revealed"
    with pytest.raises(Conflict) as exc:
        async with in_transaction():
            await draws.commit_draw(campaign_code=campaign.code, kind="employers", actor="cli")
    assert exc.value.code in ("already_committed", "campaign_not_approved")
    assert await Draw.filter(campaign_id=campaign.id).count() == 2


async def test_second_commit_before_reveal_is_refused():
    world = await make_world(employers=employers_spec(3))
    campaign = await approved_campaign(world)
    async with in_transaction():
        await draws.commit_draw(campaign_code=campaign.code, kind="employers", actor="cli")
    with pytest.raises(Conflict) as exc:
        async with in_transaction():
            await draws.commit_draw(campaign_code=campaign.code, kind="employers", actor="cli")
    assert exc.value.code == "already_committed"


async def test_commitment_is_published_before_the_reveal_and_hides_the_secret():
    world = await make_world(employers=mixed_roster())
    campaign = await approved_campaign(world, rules=RULES)
    async with in_transaction():
        draw = await draws.commit_draw(campaign_code=campaign.code, kind="employers", actor="cli")
    record = await draw_records.public_record(draw.id, now=LATER)
    assert record["status"] == "committed" and "secret" not in record
    assert "public_entropy" not in record and all("drawn" not in s for s in record["strata"])
    assert record["commitment"] == draw.commitment
    b = next(s for s in record["strata"] if s["stratum"] == "B")
    assert verify_draw.roster_hash(b["candidates"]) == b["roster_hash"]
    event = await AuditEvent.filter(action="draw.commit").first()
    assert event is not None and event.after["commitment"] == draw.commitment
    assert draw.secret not in str(event.after)


@pytest.mark.parametrize("entropy", ["", "   ", "x" * 201, "line\nbreak"])
async def test_bad_entropy_is_refused(entropy):
    world = await make_world(employers=employers_spec(3))
    campaign = await approved_campaign(world)
    async with in_transaction():
        await draws.commit_draws(campaign_code=campaign.code, actor="cli")
    with pytest.raises(ValidationFailed):
        async with in_transaction():
            await draws.reveal_draws(campaign_code=campaign.code, public_entropy=entropy,
                                     actor="cli", **reveal_now())
    assert not await DrawEntry.exists()


async def test_too_few_inspectors_refuses_the_commit():
    world = await make_world(inspectors=3, employers=employers_spec(3))
    campaign = await approved_campaign(world, inspectors_needed=4)
    with pytest.raises(Conflict) as exc:
        async with in_transaction():
            await draws.commit_draws(campaign_code=campaign.code, actor="cli")
    assert exc.value.code == "not_enough_inspectors"
    assert not await Draw.exists()  # nothing half-done: the employer commit rolled back too


async def test_void_needs_a_reason_is_audited_published_and_final():
    world = await make_world(employers=employers_spec(5))
    campaign = await approved_campaign(world)
    async with in_transaction():
        await draws.commit_draws(campaign_code=campaign.code, actor="cli")
    with pytest.raises(ValidationFailed):
        async with in_transaction():
            await draws.void_draw(campaign_code=campaign.code, kind="employers", reason=" ",
                                  actor="cli")
    async with in_transaction():
        draw = await draws.void_draw(campaign_code=campaign.code, kind="employers",
                                     reason="承诺生成时名录有误", actor="staff:1")
    assert draw.status == DrawStatus.VOIDED
    assert (await Campaign.get(id=campaign.id)).state == CampaignState.CANCELLED
    assert await AuditEvent.filter(action="draw.void", actor="staff:1").exists()
    record = await draw_records.public_record(draw.id, now=LATER)
    assert record["status"] == "voided" and record["void_reason"] == "承诺生成时名录有误"
    assert verify_draw.commitment(record["secret"]) == record["commitment"]
    with pytest.raises(Conflict) as exc:
        async with in_transaction():
            await draws.reveal_draw(campaign_code=campaign.code, kind="employers",
                                    public_entropy="1", actor="cli", **reveal_now())
    assert exc.value.code == "draw_voided"


async def test_a_campaign_cancelled_before_its_reveal_voids_its_commitments():  # R3, R15
    world = await make_world(employers=employers_spec(5))
    campaign = await approved_campaign(world)
    async with in_transaction():
        await draws.commit_draws(campaign_code=campaign.code, actor="cli")
    async with in_transaction():
        await campaigns.cancel_campaign(code=campaign.code, actor="staff:1",
                                        reason="因区政府统一部署调整，本次抽查取消")
    voided = await Draw.filter(campaign_id=campaign.id).order_by("id")
    assert len(voided) == 2 and {d.status for d in voided} == {DrawStatus.VOIDED}
    assert await AuditEvent.filter(action="draw.void", actor="staff:1").count() == 2
    # The window no longer lists a draw "still to be revealed"; the secret shows it was honest.
    listed = await draw_records.public_list(now=LATER)
    assert {r["status_label"] for r in listed} == {"已作废"}
    record = await draw_records.public_record(voided[0].id, now=LATER)
    assert record["void_reason"] == "抽查任务已取消：因区政府统一部署调整，本次抽查取消"
    assert verify_draw.commitment(record["secret"]) == record["commitment"]


async def test_confidential_result_opens_with_the_field_window_and_the_team():  # R14
    _, campaign = await drawn_campaign(confidential=True)
    draw = await Draw.get(campaign_id=campaign.id, kind="employers")
    pub = await Publication.get(object_type="draw", object_id=draw.id)
    assert pub.visible_from == voiding.field_opens_at(campaign)
    before = pub.visible_from - dt.timedelta(seconds=1)
    hidden = await draw_records.public_record(draw.id, now=before)
    # R14: no strata (names, sizes, roster hashes) before their time, only their seal.
    assert "secret" not in hidden and hidden["strata"] == [] and hidden["strata_seal"]
    assert hidden["commitment"] == draw.commitment and "visible_from" in hidden
    no_team = await draw_records.public_record(draw.id, now=pub.visible_from)
    assert "secret" not in no_team and all("drawn" not in s for s in no_team["strata"])
    campaign.team_formed_at = pub.visible_from
    await campaign.save(update_fields=["team_formed_at", "updated_at"])
    shown = await draw_records.public_record(draw.id, now=pub.visible_from)
    reference_check(shown)
    listed = await draw_records.public_list(now=before)
    assert listed and not any(row["result_public"] for row in listed)


async def test_r20_one_visit_for_two_campaigns_with_overlapping_windows():
    world = await make_world(employers=employers_spec(2, grade=Grade.C))
    rules = {"strata": {"C": {"all": True}}, "max_per_year": {"C": 4}}
    first = await approved_campaign(world, code="2026-FL-010", rules=rules)
    second = await approved_campaign(world, code="2026-FL-011", rules=rules,
                                     field_start=FIELD_START + dt.timedelta(days=10),
                                     field_end=FIELD_START + dt.timedelta(days=40))
    for c in (first, second):
        async with in_transaction():
            await draws.commit_draws(campaign_code=c.code, actor="cli")
        async with in_transaction():
            await draws.reveal_draws(campaign_code=c.code,
                                     public_entropy="7 7 7", actor="cli", **reveal_now())
    for emp in world.employers.values():
        visits = await emp.inspections.all().prefetch_related("campaigns")
        assert len(visits) == 1
        assert sorted(c.code for c in visits[0].campaigns) == ["2026-FL-010", "2026-FL-011"]


async def test_yearly_limit_excludes_with_its_reason():
    world = await make_world(employers=employers_spec(2, grade=Grade.A))
    rules = {"strata": {"A": {"all": True}}, "min_interval_days": {"A": 0}}
    first = await approved_campaign(world, code="2026-FL-020", rules=rules)
    async with in_transaction():
        await draws.commit_draws(campaign_code=first.code, actor="cli")
    async with in_transaction():
        await draws.reveal_draws(campaign_code=first.code,
                                 public_entropy="1", actor="cli", **reveal_now())
    second = await approved_campaign(world, code="2026-FL-021", rules=rules)
    async with in_transaction():
        draw = await draws.commit_draw(campaign_code=second.code, kind="employers", actor="cli")
    stratum = await DrawStratum.get(draw_id=draw.id)
    assert stratum.candidate_count == 0  # A: at most once a year by default (R11, R12)
    assert {e["reason"] for e in draw.exclusions} == {"yearly_limit"}


@pytest.mark.postgres_only
async def test_two_simultaneous_reveals_exactly_one_succeeds(is_postgres):
    if not is_postgres:
        pytest.skip("row locks need PostgreSQL")
    world = await make_world(employers=employers_spec(30))
    campaign = await approved_campaign(world)
    async with in_transaction():
        await draws.commit_draw(campaign_code=campaign.code, kind="employers", actor="cli")

    async def reveal(entropy: str) -> str:
        try:
            async with in_transaction():
                await draws.reveal_draw(campaign_code=campaign.code, kind="employers",
                                        public_entropy=entropy, actor="cli", **reveal_now())
            return "ok"
        except Conflict as exc:
            return exc.code

    results = await asyncio.gather(reveal("1 1 1"), reveal("2 2 2"))
    assert sorted(results) == ["already_revealed", "ok"]
    draw = await Draw.get(campaign_id=campaign.id, kind="employers")
    count = (await DrawStratum.filter(draw_id=draw.id)).__len__()
    assert await DrawEntry.filter(draw_id=draw.id).count() > 0 and count > 0
    assert await AuditEvent.filter(action="draw.reveal").count() == 1


async def test_voiding_a_revealed_employer_draw_withdraws_its_planned_visits():
    world = await make_world(employers=employers_spec(2, grade=Grade.C))
    rules = {"strata": {"C": {"all": True}}, "max_per_year": {"C": 4}}
    first = await approved_campaign(world, code="2026-FL-030", rules=rules)
    second = await approved_campaign(world, code="2026-FL-031", rules=rules)
    for c in (first, second):
        async with in_transaction():
            await draws.commit_draws(campaign_code=c.code, actor="cli")
    async with in_transaction():
        await draws.reveal_draws(campaign_code=first.code,
                                 public_entropy="1", actor="cli", **reveal_now())
    # The second campaign reveals only its employer draw, so it stays approved.
    async with in_transaction():
        await draws.reveal_draw(campaign_code=second.code, kind="employers",
                                public_entropy="2", actor="cli", **reveal_now())
    emp = next(iter(world.employers.values()))
    assert len(await (await emp.inspections.all().first()).campaigns.all()) == 2
    async with in_transaction():
        await draws.void_draw(campaign_code=second.code, kind="employers",
                              reason="候选名单导入有误", actor="cli")
    visits = await emp.inspections.all().prefetch_related("campaigns")
    assert len(visits) == 1 and [c.code for c in visits[0].campaigns] == ["2026-FL-030"]
    async with in_transaction():
        await draws.void_draw(campaign_code=first.code, kind="employers",
                              reason="上级通知暂停", actor="cli")
    assert not await emp.inspections.all().exists()
