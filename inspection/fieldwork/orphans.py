"""The daily sweep of the evidence store: files no row references, and writes cut off midway.

An upload stores its bytes first and creates its `Evidence` row after, in the request's
transaction; a process killed in between (`kill -9`, a crash, a refused transaction) leaves a
file nothing points at, and a process killed during the write leaves a `.part-…` temporary file
(local folder only: an S3 PUT is atomic). Nothing else ever removes them, so the daily
housekeeping run does (inspection/housekeeping.py).

Decisions:
- A file counts as referenced while any `Evidence` row names it as its `storage_key` or
  `thumbnail_key` — staff evidence and employers' uploads alike; one content address may be
  shared by several rows.
- Only the folders Suiji writes (`evidence/`, `thumbnails/`) are swept: anything else an operator
  keeps in the folder or the bucket is left alone.
- Only files older than `ORPHAN_GRACE` (by their modification time) go: an upload in progress
  has written its file and not yet committed its row. A temporary file goes after
  `PARTIAL_GRACE`: a write takes seconds, never an hour.
- A photo taken back before submission (`evidence.remove_evidence`) leaves its row's audit
  event (with its SHA-256) but no row: its file goes with the next sweep after the grace.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from inspection.fieldwork.evidence import Storage, StoredFile
from models.fieldwork import Evidence

SWEPT = ("evidence/", "thumbnails/")  # key prefixes of evidence.add_evidence and the notice page
ORPHAN_GRACE = dt.timedelta(hours=24)
PARTIAL_GRACE = dt.timedelta(hours=1)
_BATCH = 500  # keys looked up in one query


@dataclass(frozen=True)
class Swept:
    orphans_removed: int
    partials_removed: int
    files_kept: int


async def _referenced(keys: list[str]) -> set[str]:
    found: set[str] = set()
    for i in range(0, len(keys), _BATCH):
        batch = keys[i:i + _BATCH]
        found.update(await Evidence.filter(storage_key__in=batch).values_list(
            "storage_key", flat=True))  # type: ignore[arg-type]
        found.update(await Evidence.filter(thumbnail_key__in=batch).values_list(
            "thumbnail_key", flat=True))  # type: ignore[arg-type]
    return found


async def sweep(*, storage: Storage, now: dt.datetime,
                grace: dt.timedelta = ORPHAN_GRACE,
                partial_grace: dt.timedelta = PARTIAL_GRACE) -> Swept:
    """Remove old unreferenced files and old temporary files; return the counts."""
    partials: list[StoredFile] = []
    candidates: list[StoredFile] = []
    kept = 0
    async for f in storage.files():
        if not f.key.startswith(SWEPT):
            continue
        if f.partial and f.modified < now - partial_grace:
            partials.append(f)
        elif not f.partial and f.modified < now - grace:
            candidates.append(f)
        else:
            kept += 1
    referenced = await _referenced([f.key for f in candidates])
    orphans = [f for f in candidates if f.key not in referenced]
    for f in partials + orphans:
        await storage.delete(f.key)
    return Swept(orphans_removed=len(orphans), partials_removed=len(partials),
                 files_kept=kept + len(candidates) - len(orphans))
