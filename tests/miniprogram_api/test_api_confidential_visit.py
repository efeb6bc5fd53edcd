"""Issue 16 item 1 (R14, R20): a visit shared by two campaigns shows each campaign, its items and
the fact that it inspects this employer only to those entitled to it now — through the one rule
`inspection.access.sees_employers` on every route that lists or shows a campaign's employers."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from bot import commands
from inspection import access, clock
from inspection.errors import Conflict, ValidationFailed
from inspection.fieldwork import inspections as fw
from inspection.notices import particulars
from models.campaigns import Campaign
from models.enums import FindingResult
from tests.fieldworld import World, form_team, session_for

pytestmark = pytest.mark.usefixtures("clean_db")


async def _secret_second_campaign(world: World) -> Campaign:
    """The first campaign's team is formed and on the visit; the second, confidential campaign
    joined the visit (R20) and has another leader and no team yet."""
    await form_team(world, ["member", "member2"])
    second = world.campaigns[1]
    second.confidential = True
    second.leader = world.staff["other_leader"]
    await second.save()
    return second


async def test_a_shared_visit_hides_the_confidential_campaign_from_the_other_team(
        api: Any, world: World) -> None:
    second = await _secret_second_campaign(world)
    url = f"/api/v1/inspections/{world.inspection.id}"

    member = await session_for(api, world.staff["member"])
    out = await (await api.get(url, headers=member)).json()
    assert [c["code"] for c in out["campaigns"]] == [world.campaigns[0].code]
    assert [i["item_version_id"] for i in out["items"]] == [iv.id for iv in world.items[:2]]
    assert second.code not in str(out) and second.title not in str(out)
    # Their own visit stays on their list, under the campaign they may know.
    mine = await (await api.get("/api/v1/inspections", headers=member)).json()
    assert [i["id"] for i in mine["items"]] == [world.inspection.id]

    # The second campaign's leader does not learn, before its team exists, whom it inspects:
    # neither from the visit, nor from the campaign's list of inspections.
    leader = await session_for(api, world.staff["other_leader"])
    assert (await api.get(url, headers=leader)).status == 404
    listed = await (await api.get(f"/api/v1/campaigns/{second.id}/inspections",
                                  headers=leader)).json()
    assert listed["total"] == 0 and listed["items"] == []

    # Its initiating section knows both from the draw.
    initiator = await session_for(api, world.staff["initiator"])
    out = await (await api.get(url, headers=initiator)).json()
    assert [c["code"] for c in out["campaigns"]] == [c.code for c in world.campaigns]
    assert len(out["items"]) == 3
    listed = await (await api.get(f"/api/v1/campaigns/{second.id}/inspections",
                                  headers=initiator)).json()
    assert listed["total"] == 1

    # Once its team is formed, everyone on the visit and its leader see it.
    second.team_formed_at = clock.now()
    await second.save()
    out = await (await api.get(url, headers=member)).json()
    assert [c["code"] for c in out["campaigns"]] == [c.code for c in world.campaigns]
    assert (await api.get(url, headers=leader)).status == 200
    listed = await (await api.get(f"/api/v1/campaigns/{second.id}/inspections",
                                  headers=leader)).json()
    assert listed["total"] == 1


async def test_hidden_items_take_no_finding_and_are_not_named(world: World) -> None:
    await _secret_second_campaign(world)
    member = world.staff["member"]
    await fw.check_in(staff=member, inspection_id=world.inspection.id, lat=None, lng=None)
    with pytest.raises(ValidationFailed):  # item 3 belongs to the confidential campaign only
        await fw.record_finding(staff=member, inspection_id=world.inspection.id,
                                item_version_id=world.items[2].id,
                                result=FindingResult.COMPLIANT, description="", basis="")
    for iv in world.items[:2]:
        await fw.record_finding(staff=member, inspection_id=world.inspection.id,
                                item_version_id=iv.id, result=FindingResult.COMPLIANT,
                                description="", basis="")
    with pytest.raises(Conflict) as exc:
        await fw.confirm(staff=member, inspection_id=world.inspection.id)
    assert exc.value.code == "findings_waiting" and world.items[2].name not in exc.value.message


async def test_papers_and_the_chat_follow_the_same_rule(world: World) -> None:
    second = await _secret_second_campaign(world)
    # The inspection notice handed to the employer lists only the campaigns it may know of.
    checks = await particulars.checks(world.inspection)
    assert [c["item"] for c in checks] == [iv.name for iv in world.items[:2]]
    # The chat's 任务 shows the member's visit (their own campaign is not secret).
    tasks = await commands._tasks(world.staff["member"])
    assert world.inspection.code in tasks
    # The one rule itself.
    assert not access.sees_employers(second, staff=world.staff["other_leader"])
    assert not access.sees_employers(second, staff=None)
    assert access.sees_employers(second, staff=world.staff["initiator"])
    second.team_formed_at = dt.datetime(2026, 11, 1, 9, 0, tzinfo=clock.BEIJING)
    assert access.sees_employers(second, staff=world.staff["other_leader"])
