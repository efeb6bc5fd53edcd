"""Uploads are checked on their content, not their name, and refused before being read whole."""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp
import pytest

from inspection.fieldwork.evidence import MAX_UPLOAD
from models.enums import InspectionState
from models.fieldwork import Evidence
from tests.fieldworld import World, jpeg, pdf, session_for


@pytest.fixture
async def checked_in(world: World) -> World:
    world.inspection.state = InspectionState.CHECKED_IN
    await world.inspection.save()
    return world


def form(data: bytes, name: str) -> aiohttp.FormData:
    f = aiohttp.FormData()
    f.add_field("file", data, filename=name, content_type="image/jpeg")
    return f


async def _post(api: Any, world: World, data: Any, **extra: Any) -> Any:
    headers = {**await session_for(api, world.staff["member"]), **extra.pop("headers", {})}
    return await api.post(f"/api/v1/inspections/{world.inspection.id}/evidence", data=data,
                          headers=headers, **extra)


async def test_pdf_accepted_without_thumbnail(api: Any, checked_in: World) -> None:
    resp = await _post(api, checked_in, form(pdf(), "询问笔录.pdf"))
    body = await resp.json()
    assert resp.status == 201 and body["content_type"] == "application/pdf"
    assert not body["has_thumbnail"]


@pytest.mark.parametrize("data,name,status,code", [
    (b"MZ\x90\x00 not a photo" * 10, "photo.jpg", 415, "unsupported_type"),  # fake extension
    (b"<html><script>alert(1)</script>", "x.png", 415, "unsupported_type"),
    (b"\xff\xd8\xff\xe0 truncated jpeg", "x.jpg", 422, "corrupt_image"),
])
async def test_wrong_content_refused(api: Any, checked_in: World, data: bytes, name: str,
                                     status: int, code: str) -> None:
    resp = await _post(api, checked_in, form(data, name))
    assert resp.status == status
    assert (await resp.json())["code"] == code
    assert await Evidence.all().count() == 0


async def test_oversize_photo_refused(api: Any, checked_in: World) -> None:
    big = jpeg() + b"\0" * (10 * 1024 * 1024)  # a valid JPEG padded past the photo limit
    resp = await _post(api, checked_in, form(big, "big.jpg"))
    assert resp.status == 413 and (await resp.json())["code"] == "file_too_large"


async def test_oversize_stream_cut_off(api: Any, checked_in: World) -> None:
    # Declared too large: refused on the Content-Length alone, no body byte sent.
    auth = (await session_for(api, checked_in.staff["member"]))["Authorization"]
    reader, writer = await asyncio.open_connection(api.host, api.port)
    writer.write((f"POST /api/v1/inspections/{checked_in.inspection.id}/evidence HTTP/1.1\r\n"
                  f"Host: x\r\nAuthorization: {auth}\r\n"
                  "Content-Type: multipart/form-data; boundary=b\r\n"
                  f"Content-Length: {MAX_UPLOAD + 10**6}\r\n\r\n").encode())
    await writer.drain()
    status_line = await asyncio.wait_for(reader.readline(), 5)
    writer.close()
    assert status_line.split()[1] == b"413"

    async def endless() -> Any:  # no length given: the stream is cut off at the cap
        yield b"--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.jpg\"\r\n\r\n"
        chunk = b"\xff" * 65536
        for _ in range(MAX_UPLOAD // len(chunk) + 2):
            yield chunk

    resp = await _post(api, checked_in, endless(),
                       headers={"Content-Type": "multipart/form-data; boundary=b"})
    assert resp.status == 413


async def test_wrong_media_type_and_missing_file(api: Any, checked_in: World) -> None:
    resp = await _post(api, checked_in, jpeg(), headers={"Content-Type": "image/jpeg"})
    assert resp.status == 415
    f = aiohttp.FormData()
    f.add_field("other", "x")
    f.add_field("other2", b"x", filename="x")
    resp = await _post(api, checked_in, f)
    assert resp.status == 422 and (await resp.json())["code"] == "file_missing"


async def test_thumbnail_has_no_exif(api: Any, checked_in: World) -> None:
    import io

    from PIL import Image

    img = Image.new("RGB", (800, 600), "white")
    exif = Image.Exif()
    exif[0x8825] = {2: (29.0, 42.0, 0.0), 4: (107.0, 23.0, 0.0)}  # GPS
    out = io.BytesIO()
    img.save(out, "JPEG", exif=exif)
    resp = await _post(api, checked_in, form(out.getvalue(), "gps.jpg"))
    assert resp.status == 201
    ev_id = (await resp.json())["id"]
    headers = await session_for(api, checked_in.staff["member"])
    thumb = await api.get(f"/api/v1/evidence/{ev_id}/thumbnail", headers=headers)
    with Image.open(io.BytesIO(await thumb.read())) as small:
        assert max(small.size) <= 320 and not small.getexif()


async def test_wrong_photo_removed_before_submission_only(api: Any, checked_in: World) -> None:
    headers = await session_for(api, checked_in.staff["member"])
    first = await (await _post(api, checked_in, form(jpeg(), "a.jpg"))).json()
    second = await (await _post(api, checked_in, form(jpeg(color="blue"), "b.jpg"))).json()
    resp = await api.delete(f"/api/v1/evidence/{first['id']}", headers=headers)
    assert resp.status == 204
    assert (await api.get(f"/api/v1/evidence/{first['id']}/content", headers=headers)).status == 404
    checked_in.inspection.state = InspectionState.SUBMITTED
    await checked_in.inspection.save()
    resp = await api.delete(f"/api/v1/evidence/{second['id']}", headers=headers)
    assert resp.status == 409
    assert await Evidence.filter(id=second["id"]).exists()
