"""Poor networks: a retried creating request or upload creates nothing twice."""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp

from models.enums import InspectionState
from models.fieldwork import Evidence
from models.penalties import PenaltyDecision
from models.system import IdempotencyRecord
from tests.fieldworld import World, jpeg, session_for


def form(data: bytes) -> aiohttp.FormData:
    f = aiohttp.FormData()
    f.add_field("file", data, filename="p.jpg")
    return f


async def _submitted(world: World) -> None:
    world.inspection.state = InspectionState.SUBMITTED
    await world.inspection.save()


async def test_retried_json_post_replays_the_first_answer(api: Any, world: World) -> None:
    await _submitted(world)
    headers = {**await session_for(api, world.staff["leader"]), "Idempotency-Key": "pen-1"}
    body = {"number": "涪人社罚〔2026〕1号", "procedure": "general", "cause": "拖欠工资",
            "basis": "《劳动保障监察条例》第二十六条", "result": "罚款", "decided_on": "2026-11-05"}
    url = f"/api/v1/inspections/{world.inspection.id}/penalties"
    first = await api.post(url, json=body, headers=headers)
    assert first.status == 201, await first.text()
    again = await api.post(url, json=body, headers=headers)
    assert again.status == 201 and again.headers["Idempotent-Replayed"] == "true"
    assert await again.json() == await first.json()
    assert await PenaltyDecision.all().count() == 1


async def test_same_key_with_another_body_is_refused(api: Any, world: World) -> None:
    headers = {**await session_for(api, world.staff["member"]), "Idempotency-Key": "k-1"}
    url = f"/api/v1/inspections/{world.inspection.id}/check-in"
    assert (await api.post(url, json={"note": "一"}, headers=headers)).status == 200
    resp = await api.post(url, json={"note": "二"}, headers=headers)
    assert resp.status == 422
    assert (await resp.json())["code"] == "idempotency_key_reused"


async def test_retried_upload_stores_one_evidence(api: Any, world: World) -> None:
    world.inspection.state = InspectionState.CHECKED_IN
    await world.inspection.save()
    headers = {**await session_for(api, world.staff["member"]), "Idempotency-Key": "up-1"}
    url = f"/api/v1/inspections/{world.inspection.id}/evidence"
    photo = jpeg()
    answers = await asyncio.gather(*[api.post(url, data=form(photo), headers=headers)
                                     for _ in range(3)])
    assert [r.status for r in answers] == [201, 201, 201]
    assert len({(await r.json())["id"] for r in answers}) == 1
    assert await Evidence.all().count() == 1
    assert await IdempotencyRecord.all().count() == 1
    other = await api.post(url, data=form(jpeg(color="blue")), headers=headers)
    assert other.status == 422


async def test_keys_are_per_staff(api: Any, world: World) -> None:
    url = f"/api/v1/inspections/{world.inspection.id}/check-in"
    me = {**await session_for(api, world.staff["member"]), "Idempotency-Key": "same"}
    assert (await api.post(url, json={}, headers=me)).status == 200
    partner = {**await session_for(api, world.staff["member2"]), "Idempotency-Key": "same"}
    resp = await api.post(url, json={}, headers=partner)
    # Not a replay of the other inspector's answer: a fresh request, refused by the state machine.
    assert resp.status == 409 and (await resp.json())["code"] == "illegal_transition"


async def test_concurrent_retries_of_a_state_change_agree(api: Any, world: World) -> None:
    # Without claiming the key first, the second check-in would wait for the first and then be
    # refused as an illegal transition (409) instead of replaying its answer.
    headers = {**await session_for(api, world.staff["member"]), "Idempotency-Key": "ci-1"}
    url = f"/api/v1/inspections/{world.inspection.id}/check-in"
    answers = await asyncio.gather(*[api.post(url, json={"note": "到"}, headers=headers)
                                     for _ in range(4)])
    assert [r.status for r in answers] == [200] * 4, [await r.text() for r in answers]
    assert await IdempotencyRecord.all().count() == 1
