"""U+0000 anywhere in a request is the client's error (422 naming the field; schemas.Request),
never a server error: PostgreSQL text cannot store it. Found by the fuzz runs."""

from __future__ import annotations

from typing import Any

from inspection.fieldwork.evidence import clean_filename
from models.fieldwork import Evidence
from models.items import Item
from tests.fieldworld import World, jpeg, session_for


async def test_nul_in_a_json_body_names_the_field(api: Any, world: World) -> None:
    headers = await session_for(api, world.staff["admin"])
    before = await Item.all().count()
    resp = await api.post("/api/v1/items", json={
        "code": "X1", "name": "工资\u0000", "basis": "《劳动保障监察条例》", "subject": "区人力社保局",
        "content": "工资支付", "method": "现场检查"}, headers=headers)
    body = await resp.json()
    assert resp.status == 422 and body["code"] == "validation_failed"
    assert [(p["field"], p["message"]) for p in body["errors"]] == [
        ("name", "不能包含空字符（U+0000）")]
    assert await Item.all().count() == before


async def test_nul_in_a_query_is_refused(api: Any, world: World) -> None:
    # A free-text parameter: only the NUL rule can refuse it (an enum would refuse anything).
    headers = await session_for(api, world.staff["initiator"])
    resp = await api.get("/api/v1/campaigns?q=%E6%8A%BD%00", headers=headers)
    body = await resp.json()
    assert resp.status == 422
    assert [(p["field"], p["message"]) for p in body["errors"]] == [
        ("q", "不能包含空字符（U+0000）")]


def _multipart(filename: str) -> tuple[bytes, str]:
    # Written by hand: aiohttp's client refuses to send such names, a hostile client would not.
    boundary = "x7b2"
    raw = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; "
           f"filename=\"{filename}\"\r\nContent-Type: image/jpeg\r\n\r\n").encode()
    return raw + jpeg() + f"\r\n--{boundary}--\r\n".encode(), boundary


async def test_upload_names_keep_only_printable_characters(api: Any, world: World) -> None:
    from models.enums import InspectionState
    world.inspection.state = InspectionState.CHECKED_IN
    await world.inspection.save()
    url = f"/api/v1/inspections/{world.inspection.id}/evidence"
    session = await session_for(api, world.staff["member"])
    # A right-to-left override would display "现场照片gpj.exe" as "现场照片exe.jpg".
    raw, boundary = _multipart("现场照片\u202egpj.exe")
    resp = await api.post(url, data=raw, headers={
        **session, "Content-Type": f"multipart/form-data; boundary={boundary}"})
    assert resp.status == 201, await resp.text()
    assert (await Evidence.get(id=(await resp.json())["id"])).original_name == "现场照片gpj.exe"
    # NUL in a part header is refused by the multipart parser itself: a 400, not a 500.
    raw, boundary = _multipart("现场\x00照片.jpg")
    resp = await api.post(url, data=raw, headers={
        **session, "Content-Type": f"multipart/form-data; boundary={boundary}"})
    assert resp.status == 400 and (await resp.json())["code"] == "malformed_multipart"
    assert await Evidence.filter(inspection_id=world.inspection.id).count() == 1
    assert clean_filename("a\x00b" * 300) == ("ab" * 300)[:200]
