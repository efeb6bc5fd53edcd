"""A notice's printable files, from the database to a cached PDF and PNG under the data folder.

A notice's content never changes after issue (a correction is a new notice), so the files are
rendered once, on first request, and kept as `<data_dir>/notices/<token>.pdf|png`; the token is
our own URL-safe string, so it is safe as a file name.
"""

from __future__ import annotations

import asyncio
import os
import tempfile
from pathlib import Path

from inspection.notices import issuing
from models.employers import Employer
from models.enums import NoticeKind
from models.notices import Notice
from notifications.render.layout import NoticeView, pdf_to_png, render_pdf

ITEMS_HEADING: dict[NoticeKind, str] = {
    NoticeKind.INSPECTION: "请你单位准备以下材料：",
    NoticeKind.RECTIFICATION: "请你单位：",
    NoticeKind.REVIEW: "复查情况：",
    NoticeKind.RESULT: "检查结果：",
}


def cn_date(day: object) -> str:
    y, m, d = (getattr(day, "year", 0), getattr(day, "month", 0), getattr(day, "day", 0))
    return f"{y}年{m}月{d}日"


def notice_url(base_url: str, token: str) -> str:
    return f"{base_url.rstrip('/')}/n/{token}"


def deadline_line(kind: NoticeKind, deadline: object | None) -> str:
    if deadline is None:
        return ""
    when = cn_date(deadline)
    return {
        NoticeKind.INSPECTION: f"请于{when}前按要求接受检查并提供上述材料。",
        NoticeKind.RECTIFICATION: f"请于{when}前改正，并将改正情况书面报送本局。",
        NoticeKind.REVIEW: f"请于{when}前完成剩余整改。",
        NoticeKind.RESULT: f"如有异议，请于{when}前向本局提出。",
    }[kind]


def view_of(notice: Notice, employer: Employer, base_url: str) -> NoticeView:
    content = notice.content or {}
    return NoticeView(
        authority=notice.issuer, title=issuing.TITLES[notice.kind], number=notice.number,
        addressee=employer.name, uscc=employer.uscc, body=str(content.get("body", "")),
        items=[str(i) for i in content.get("items", [])],
        items_heading=ITEMS_HEADING[notice.kind], basis=str(content.get("basis", "")),
        deadline_line=deadline_line(notice.kind, notice.deadline),
        issued_on=cn_date(notice.issued_on), url=notice_url(base_url, notice.token),
    )


async def load_view(notice_id: int, base_url: str) -> tuple[Notice, NoticeView]:
    notice = await Notice.get(id=notice_id).select_related("employer")
    return notice, view_of(notice, notice.employer, base_url)


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


def _render_to(path: Path, view: NoticeView, png: bool) -> None:
    pdf = render_pdf(view)
    _write_atomic(path.with_suffix(".pdf"), pdf)
    if png:
        _write_atomic(path.with_suffix(".png"), pdf_to_png(pdf))


async def notice_file(notice_id: int, *, base_url: str, data_dir: Path,
                      fmt: str = "pdf") -> Path:
    """The notice's PDF or PNG, rendered on first request and cached.

    Rendered on the event loop: a PDF is about 8 ms of CPU, once per notice, and handing it to a
    worker thread measured about 3 ms more per notice (benchmarks/README.md). The PNG (pdfium,
    ~190 ms at 144 dpi) does go to a thread.
    """
    if fmt not in ("pdf", "png"):
        raise ValueError("fmt must be pdf or png")
    notice, view = await load_view(notice_id, base_url)
    path = data_dir / "notices" / f"{notice.token}.{fmt}"
    if path.exists():
        return path
    if fmt == "png":
        await asyncio.to_thread(_render_to, path, view, True)
    else:
        _render_to(path, view, False)
    return path
