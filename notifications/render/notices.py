"""A notice's printable files, from the database to cached files under the data folder: the PDF,
its PNG, and the 送达回证 (proof of service) the inspectors have the party sign.

A notice's content never changes after issue (a correction is a new notice), so the files are
rendered once, on first request, and kept as `<data_dir>/notices/<token>-<look>.<ext>`: `look`
is a short hash of what else shapes the paper (the layout's version, whether the fonts are
embedded, the seal image), so installing the fonts or configuring a seal renders afresh. The
token is our own URL-safe string, so it is safe as a file name.

Two papers per notice: the staff's printout (the one handed over) carries the notice's
verification code beside the QR code; the copy the public page offers (`/n/{token}/pdf`) does
not, so holding the QR code (or a photo of the page) is no proof of being the addressee. The
staff's files are kept apart (`-code` in the name), under the data folder only.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import tempfile
from dataclasses import replace
from pathlib import Path

from inspection import typeset
from models.notices import Notice
from notifications.render import receipt
from notifications.render.layout import pdf_to_png, read_seal, render_pdf
from notifications.render.wording import NoticeView, cn_date, compose

__all__ = ["cn_date", "notice_file", "notice_url", "view_of"]

# Bump when the printed form changes, so cached files are rendered again.
LAYOUT_VERSION = "3"
FORMATS = ("pdf", "png", "receipt")


def notice_url(base_url: str, token: str) -> str:
    return f"{base_url.rstrip('/')}/n/{token}"


def view_of(notice: Notice, base_url: str, code: str = "") -> NoticeView:
    return replace(compose(notice, notice_url(base_url, notice.token)), code=code)


def _look(seal: bytes | None) -> str:
    h = hashlib.sha256(f"{LAYOUT_VERSION}:{typeset.fonts().embedded}:".encode())
    h.update(seal or b"")
    return h.hexdigest()[:10]


def _write_atomic(path: Path, data: bytes) -> None:
    # Write beside the target and rename: a reader never sees half a file, even across processes.
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _render(notice: Notice, base_url: str, seal_image: Path | None, fmt: str,
            folder: Path, code: str) -> Path:
    seal = read_seal(seal_image)
    stem = folder / f"{notice.token}-{_look(seal)}{'-code' if code and fmt != 'receipt' else ''}"
    path = stem.with_name(stem.name + ("-receipt.pdf" if fmt == "receipt" else f".{fmt}"))
    if path.exists():
        return path
    if fmt == "receipt":
        _write_atomic(path, receipt.render_receipt(notice))
        return path
    pdf = render_pdf(view_of(notice, base_url, code), seal=seal)
    _write_atomic(stem.with_suffix(".pdf"), pdf)
    if fmt == "png":
        _write_atomic(path, pdf_to_png(pdf))
    return path


async def notice_file(notice_id: int, *, base_url: str, data_dir: Path,
                      seal_image: Path | None, fmt: str = "pdf", code: str = "") -> Path:
    """The notice's PDF or PNG, or its 送达回证 (`fmt="receipt"`, a PDF), rendered on first
    request and cached. `code`: the verification code, for the staff's printout only (never
    for the public page's copy).

    Rendered in a worker thread: embedding subsets of the TrueType faces takes tens of
    milliseconds a paper (and the first paper of a process loads the faces), which would
    otherwise stall every other request.
    """
    if fmt not in FORMATS:
        raise ValueError(f"fmt must be one of {FORMATS}")
    notice = await Notice.get(id=notice_id)
    return await asyncio.to_thread(_render, notice, base_url, seal_image, fmt,
                                   data_dir / "notices", code)
