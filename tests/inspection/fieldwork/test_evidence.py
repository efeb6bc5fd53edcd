"""Evidence: content sniffing, verification, thumbnails, storage."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from inspection.errors import DomainError
from inspection.fieldwork import evidence as ev
from models.enums import InspectionState
from tests.fieldworld import World, build_world, jpeg, pdf


@pytest.mark.parametrize("data,kind", [
    (jpeg(), "image/jpeg"), (b"\x89PNG\r\n\x1a\n....", "image/png"),
    (b"RIFF\0\0\0\0WEBPVP8 ", "image/webp"), (pdf(), "application/pdf"),
    (b"GIF89a", None), (b"", None), (b"PK\x03\x04", None)])
def test_sniff(data: bytes, kind: str | None) -> None:
    assert ev.sniff(data) == kind


def test_check_content_refuses_truncated_pdf_and_bad_image() -> None:
    with pytest.raises(DomainError) as exc:
        ev.check_content(b"%PDF-1.4 no end")
    assert exc.value.code == "corrupt_pdf"
    with pytest.raises(DomainError) as exc:
        ev.check_content(b"\x89PNG\r\n\x1a\ngarbage")
    assert exc.value.code == "corrupt_image"


async def test_add_evidence_stores_by_hash(clean_db: object, tmp_path: Path) -> None:
    world: World = await build_world(InspectionState.CHECKED_IN)
    storage = ev.LocalStorage(tmp_path)
    data = jpeg()
    e = await ev.add_evidence(staff=world.staff["member"], inspection_id=world.inspection.id,
                              data=data, original_name="现场.jpg", storage=storage)
    assert e.sha256 == hashlib.sha256(data).hexdigest() and e.content_type == "image/jpeg"
    assert await storage.get(e.storage_key) == data
    assert e.thumbnail_key and (await storage.get(e.thumbnail_key) or b"").startswith(b"\xff\xd8")
    with pytest.raises(ValueError):
        await storage.get("../etc/passwd")


async def test_no_uploads_to_a_closed_inspection(clean_db: object, tmp_path: Path) -> None:
    world = await build_world(InspectionState.CLOSED)
    with pytest.raises(DomainError) as exc:
        await ev.add_evidence(staff=world.staff["member"], inspection_id=world.inspection.id,
                              data=jpeg(), original_name="a.jpg",
                              storage=ev.LocalStorage(tmp_path))
    assert exc.value.status == 409


async def test_same_file_stored_twice_at_once_both_succeed(tmp_path):
    """Content-addressed keys: two uploads of one photo at the same moment write one key; each
    writes through a temporary file of its own, so neither fails and no temporary is left."""
    import asyncio

    store = ev.LocalStorage(tmp_path)
    data = b"\xff\xd8\xff" + bytes(range(256)) * 4096
    await asyncio.gather(*(store.put("evidence/ab/abc.jpg", data, "image/jpeg")
                           for _ in range(8)))
    assert await store.get("evidence/ab/abc.jpg") == data
    assert [p.name for p in (tmp_path / "evidence" / "ab").iterdir()] == ["abc.jpg"]
