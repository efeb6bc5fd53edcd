"""Chinese type for the papers the bureau signs, notices (notifications/render) and campaign
reports (inspection/credit/render), and the ways they write dates and ordinal numbers.

Faces are TrueType files from Debian packages, embedded as subsets so a paper looks the same in
every viewer and on every printer: AR PL UMing (fonts-arphic-uming), a Song/Ming face, for text;
WenQuanYi Zen Hei (fonts-wqy-zenhei), a 黑体, for titles. When a face is missing, reportlab's
built-in CID font STSong-Light takes its place (named in the PDF, not embedded: each reader
supplies its own glyphs) and a warning names the package to install.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import threading
from collections import deque
from dataclasses import dataclass
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont

log = logging.getLogger("suiji.typeset")

FALLBACK = "STSong-Light"
BODY_NAME, TITLE_NAME = "SuijiSong", "SuijiHei"
# (file, index of the face in a .ttc collection, Debian package)
BODY_FILES: tuple[tuple[str, int, str], ...] = (
    ("/usr/share/fonts/truetype/arphic/uming.ttc", 0, "fonts-arphic-uming"),
)
TITLE_FILES: tuple[tuple[str, int, str], ...] = (
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0, "fonts-wqy-zenhei"),
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0, "fonts-wqy-microhei"),
)
# Closing punctuation never starts a line, opening punctuation never ends one (避头尾).
NO_LINE_START = frozenset("，。、；：？！）》」』〕】”’…%．,.;:?!)]")
NO_LINE_END = frozenset("（《「『〔【“‘([")
_RUN = re.compile(r"[A-Za-z0-9][A-Za-z0-9.,:/_%+-]*[A-Za-z0-9%]|.", re.S)


@dataclass(frozen=True)
class Fonts:
    body: str  # registered reportlab font names
    title: str
    embedded: bool  # both are TrueType faces, embedded as subsets


_lock = threading.Lock()
_loaded: dict[tuple[object, ...], Fonts] = {}


def _first(files: tuple[tuple[str, int, str], ...]) -> tuple[str, int] | None:
    for path, index, _package in files:
        if Path(path).is_file():
            return path, index
    return None


def missing(body_files: tuple[tuple[str, int, str], ...] = BODY_FILES,
            title_files: tuple[tuple[str, int, str], ...] = TITLE_FILES) -> list[str]:
    """The Debian packages to install for the embedded faces; empty when both are present."""
    return [files[0][2] for files in (body_files, title_files) if _first(files) is None]


def _register(name: str, found: tuple[str, int] | None) -> str:
    if found is None:
        if FALLBACK not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(UnicodeCIDFont(FALLBACK))
        return FALLBACK
    if name not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(name, found[0], subfontIndex=found[1]))
    return name


def fonts(body_files: tuple[tuple[str, int, str], ...] = BODY_FILES,
          title_files: tuple[tuple[str, int, str], ...] = TITLE_FILES) -> Fonts:
    """The faces for text and titles, registered with reportlab once per process (parsing a
    collection takes about half a second)."""
    key = (body_files, title_files)
    with _lock:
        if key in _loaded:
            return _loaded[key]
        body_file, title_file = _first(body_files), _first(title_files)
        # Other candidate lists (the tests' fallback case) must not reuse the default names.
        suffix = "" if key == (BODY_FILES, TITLE_FILES) else f"-{len(_loaded)}"
        body = _register(BODY_NAME + suffix, body_file)
        title = _register(TITLE_NAME + suffix, title_file or body_file)
        result = Fonts(body=body, title=title, embedded=body != FALLBACK and title != FALLBACK)
        if not result.embedded:
            warn_if_missing(body_files, title_files)
        _loaded[key] = result
        return result


def warn_if_missing(body_files: tuple[tuple[str, int, str], ...] = BODY_FILES,
                    title_files: tuple[tuple[str, int, str], ...] = TITLE_FILES) -> bool:
    """Log what to install when a face is missing (at start-up, and when a paper falls back)."""
    packages = missing(body_files, title_files)
    if packages:
        log.warning("Chinese TrueType fonts missing (install the Debian packages: %s); notices "
                    "and reports use the built-in CID font %s instead, which is not embedded, "
                    "so they may look different in each viewer", " ".join(packages), FALLBACK)
    return bool(packages)


_DIGITS = "零一二三四五六七八九"


def cn_date(day: dt.date | str | None) -> str:
    """2026年10月9日 (Arabic figures, no leading zeros, as GB/T 9704 writes dates)."""
    if not day:
        return ""
    if isinstance(day, str):
        day = dt.date.fromisoformat(day)
    return f"{day.year}年{day.month}月{day.day}日"


def cn_number(n: int) -> str:
    """一 … 九十九, for the 一、 and （一） of numbered paragraphs."""
    if n < 10:
        return _DIGITS[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else _DIGITS[tens]) + "十" + (_DIGITS[ones] if ones else "")


def width(text: str, font: str, size: float) -> float:
    return float(pdfmetrics.stringWidth(text, font, size))


def _units(para: str) -> deque[str]:
    """Characters, except that a run of Latin letters and digits (a number, a code, a URL) stays
    one unit: it is never split across lines unless it is longer than a line."""
    return deque(_RUN.findall(para))


def wrap(text: str, width_pt: float, size: float, font: str, *, first_indent: float = 0
         ) -> list[str]:
    """Break text by width (Chinese has no spaces to break at), keeping explicit newlines;
    closing punctuation hangs at the end of a line rather than starting the next, and opening
    punctuation moves down with what it opens. `first_indent` narrows each paragraph's first
    line."""
    lines: list[str] = []
    for para in text.splitlines() or [""]:
        line, room = "", width_pt - first_indent
        units = _units(para)
        while units:
            unit = units.popleft()
            if len(unit) > 1 and pdfmetrics.stringWidth(unit, font, size) > width_pt:
                units.extendleft(reversed(unit))  # longer than a line: break it anywhere
                continue
            fits = pdfmetrics.stringWidth(line + unit, font, size) <= room
            if fits or not line or unit in NO_LINE_START:
                line += unit
                continue
            carry = ""
            while line and line[-1] in NO_LINE_END:
                carry, line = line[-1] + carry, line[:-1]
            lines.append(line)
            line, room = carry + unit, width_pt
        lines.append(line)
    return lines
