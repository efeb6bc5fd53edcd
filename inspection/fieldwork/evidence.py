"""Evidence photos and documents: the type is sniffed from the bytes (never the file name or the
client's content type), images are verified and re-encoded for a thumbnail, files are stored under
their SHA-256 in a `Storage` (local disk by default).

Decision: EXIF is kept in the stored original (its time and place are part of the evidence), but
thumbnails are re-encoded without any metadata, so a shared preview never carries GPS.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import io
import os
import tempfile
import warnings
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from PIL import Image, UnidentifiedImageError

from inspection import audit
from inspection.access import Need, inspection_for
from inspection.errors import (
    DomainError,
    NotFound,
    Problem,
    StorageUnavailable,
    ValidationFailed,
)
from models.enums import InspectionState
from models.fieldwork import Evidence, Finding, FollowUp
from models.org import Staff

MiB = 1024 * 1024
IMAGE_LIMIT = 10 * MiB
PDF_LIMIT = 20 * MiB
MAX_UPLOAD = PDF_LIMIT  # the stream is cut off here, whatever it claims to be
MAX_PIXELS = 50_000_000  # refuses decompression bombs
THUMB_SIZE = (320, 320)
ALLOWED = {"image/jpeg": IMAGE_LIMIT, "image/png": IMAGE_LIMIT, "image/webp": IMAGE_LIMIT,
           "application/pdf": PDF_LIMIT}


# The prefix of a write in progress (LocalStorage); one left behind was cut off (kill -9).
PARTIAL_PREFIX = ".part-"


@dataclass(frozen=True)
class StoredFile:
    """One file in the store, as the daily sweep sees it (inspection/fieldwork/orphans.py)."""

    key: str
    modified: dt.datetime  # aware
    partial: bool = False  # a temporary file of a write that never finished


class Storage(Protocol):
    """Where evidence bytes live. Implementations raise `StorageUnavailable` when the store
    refuses or cannot be reached; `get` returns None only for a key that is not there."""

    async def put(self, key: str, data: bytes, content_type: str) -> None: ...
    async def get(self, key: str) -> bytes | None: ...
    async def check(self) -> None: ...
    def files(self) -> AsyncIterator[StoredFile]: ...
    async def delete(self, key: str) -> None: ...


class LocalStorage:
    """Files under `root`, in two-level fan-out folders by key."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, key: str) -> Path:
        if not key or ".." in key or key.startswith("/"):
            raise ValueError("bad storage key")
        return self.root / key

    async def put(self, key: str, data: bytes, content_type: str) -> None:
        path = self._path(key)

        def write() -> None:
            path.parent.mkdir(parents=True, exist_ok=True)
            # A name of its own: two uploads of the same file at once (one content address)
            # must not write into one temporary file.
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=PARTIAL_PREFIX)
            try:
                with os.fdopen(fd, "wb") as f:
                    f.write(data)
                os.replace(tmp, path)  # atomic: a reader never sees half a file
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise

        await asyncio.to_thread(write)

    async def get(self, key: str) -> bytes | None:
        path = self._path(key)
        return await asyncio.to_thread(lambda: path.read_bytes() if path.exists() else None)

    def _walk(self) -> list[StoredFile]:
        found: list[StoredFile] = []
        if not self.root.exists():
            return found
        for path in self.root.rglob("*"):
            try:
                if not path.is_file() or path.is_symlink():
                    continue
                mtime = path.stat().st_mtime
            except OSError:  # removed meanwhile
                continue
            found.append(StoredFile(
                key=path.relative_to(self.root).as_posix(),
                modified=dt.datetime.fromtimestamp(mtime, dt.UTC),
                partial=path.name.startswith(PARTIAL_PREFIX)))
        return found

    async def files(self) -> AsyncIterator[StoredFile]:
        for found in await asyncio.to_thread(self._walk):
            yield found

    async def delete(self, key: str) -> None:
        path = self._path(key)
        await asyncio.to_thread(lambda: path.unlink(missing_ok=True))

    async def check(self) -> None:
        def writable() -> bool:
            self.root.mkdir(parents=True, exist_ok=True)
            return os.access(self.root, os.W_OK)

        try:
            ok = await asyncio.to_thread(writable)
        except OSError as exc:
            raise StorageUnavailable(f"{self.root}: {exc}") from exc
        if not ok:
            raise StorageUnavailable(f"{self.root}: not writable")


def sniff(data: bytes) -> str | None:
    """The content type by magic bytes, or None if it is not one we accept."""
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    if data.startswith(b"%PDF-"):
        return "application/pdf"
    return None


def _refuse(code: str, message: str, status: int = 415) -> DomainError:
    return DomainError(code, message, [Problem(message, field="file", code=code)], status)


def check_content(data: bytes) -> str:
    """Validate the upload; return its real content type."""
    kind = sniff(data)
    if kind is None:
        raise _refuse("unsupported_type", "只接受 JPEG、PNG、WebP 照片或 PDF 文件（按文件内容识别）")
    if len(data) > ALLOWED[kind]:
        raise _refuse("file_too_large", f"文件过大：照片不超过 {IMAGE_LIMIT // MiB} MB，"
                      f"PDF 不超过 {PDF_LIMIT // MiB} MB", 413)
    if kind.startswith("image/"):
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("error", Image.DecompressionBombWarning)
                with Image.open(io.BytesIO(data)) as img:
                    if img.width * img.height > MAX_PIXELS:
                        raise _refuse("image_too_large", "图片像素过多")
                    img.verify()
        except DomainError:
            raise
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError,
                Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise _refuse("corrupt_image", "图片已损坏或不是有效的图片文件", 422) from exc
    elif b"%%EOF" not in data[-2048:]:
        raise _refuse("corrupt_pdf", "PDF 文件不完整或已损坏", 422)
    return kind


def thumbnail(data: bytes) -> bytes:
    """A small JPEG without metadata (no EXIF, so no GPS)."""
    with Image.open(io.BytesIO(data)) as img:
        small = img.convert("RGB")
        small.thumbnail(THUMB_SIZE)
        out = io.BytesIO()
        small.save(out, "JPEG", quality=80)
    return out.getvalue()


def clean_filename(name: str) -> str:
    """The client's file name is only a label: control characters (U+0000 cannot even be stored
    in PostgreSQL) are dropped rather than refused, and it is cut to its 200-character column."""
    return "".join(c for c in name if c.isprintable())[:200]


@dataclass(frozen=True)
class Kept:
    sha256: str
    key: str
    thumbnail_key: str | None


async def store_file(storage: Storage, data: bytes, content_type: str) -> Kept:
    """Put checked content (and an image's thumbnail) into the store under its SHA-256: the
    names the staff's and the employer's uploads share, and the orphan sweep reads."""
    digest = hashlib.sha256(data).hexdigest()
    key = f"evidence/{digest[:2]}/{digest}"
    await storage.put(key, data, content_type)
    thumb_key = None
    if content_type.startswith("image/"):
        thumb = await asyncio.to_thread(thumbnail, data)
        thumb_key = f"thumbnails/{digest[:2]}/{digest}.jpg"
        await storage.put(thumb_key, thumb, "image/jpeg")
    return Kept(digest, key, thumb_key)


async def add_evidence(*, staff: Staff, inspection_id: int, data: bytes, original_name: str,
                       storage: Storage, finding_id: int | None = None,
                       follow_up_id: int | None = None) -> Evidence:
    inspection = await inspection_for(staff=staff, inspection_id=inspection_id, need=Need.WORK)
    if inspection.state in (InspectionState.PLANNED, InspectionState.CLOSED):
        raise DomainError("illegal_transition", "检查尚未开始或已办结，不能上传证据材料", [], 409)
    problems = []
    if finding_id is not None and not await Finding.exists(id=finding_id,
                                                           inspection_id=inspection.id):
        problems.append(Problem("该检查结果不属于本次检查", field="finding_id"))
    if follow_up_id is not None and not await FollowUp.exists(
            id=follow_up_id, order__inspection_id=inspection.id):
        problems.append(Problem("该回访记录不属于本次检查", field="follow_up_id"))
    if problems:
        raise ValidationFailed(problems)
    content_type = await asyncio.to_thread(check_content, data)
    stored = await store_file(storage, data, content_type)
    evidence = await Evidence.create(
        inspection_id=inspection.id, finding_id=finding_id, follow_up_id=follow_up_id,
        content_type=content_type, size=len(data), sha256=stored.sha256,
        storage_key=stored.key, thumbnail_key=stored.thumbnail_key,
        original_name=clean_filename(original_name), uploaded_by_id=staff.id)
    await audit.record(actor=audit.staff_actor(staff.id), action="evidence.add", obj=evidence,
                       after=audit.snapshot(evidence))
    return evidence


async def remove_evidence(*, staff: Staff, evidence_id: int) -> None:
    """Take back a wrong photo before the findings are submitted. The stored file stays (it may
    be shared by identical content, and the audit event keeps its hash)."""
    evidence = await Evidence.get_or_none(id=evidence_id)
    if evidence is None:
        raise NotFound("证据材料")
    inspection = await inspection_for(staff=staff, inspection_id=evidence.inspection_id,
                                      need=Need.WORK, lock=True)
    if inspection.state != InspectionState.CHECKED_IN and evidence.follow_up_id is None:
        raise DomainError("illegal_transition", "检查结果提交后，现场检查的证据材料不能删除", [], 409)
    before = audit.snapshot(evidence)
    await evidence.delete()
    await audit.record(actor=audit.staff_actor(staff.id), action="evidence.remove",
                       object_type="evidence", object_id=evidence_id, before=before)


async def evidence_for(*, staff: Staff, evidence_id: int, need: Need = Need.READ) -> Evidence:
    evidence = await Evidence.get_or_none(id=evidence_id)
    if evidence is None or evidence.inspection_id is None:
        raise NotFound("证据材料")
    await inspection_for(staff=staff, inspection_id=evidence.inspection_id, need=need)
    return evidence
