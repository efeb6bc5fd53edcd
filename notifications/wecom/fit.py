"""Making WeCom texts fit WeCom's limits without cutting a list in the middle of an entry.

A list that does not fit keeps its first whole entries and says how many there are in all
("张三、李四等 30 人"); the message then ends with a link to the staff app, where the whole list
is (`notifications/wecom/links.py`). Dates are written without leading zeros.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

# When a message's list had to be shortened: where the rest is.
MORE_IN_APP = "（完整名单请在应用中查看）"


def names(items: Sequence[str], cap: int | None = None, *, unit: str = "项",
          sep: str = "、") -> str:
    """The items joined; with `cap`, only the first `cap` and how many there are in all."""
    if cap is None or len(items) <= cap:
        return sep.join(items)
    return f"{sep.join(items[:cap])}等 {len(items)} {unit}" if cap else f"共 {len(items)} {unit}"


def fit_names(items: Sequence[str], limit: int, *, unit: str = "项", sep: str = "、"
              ) -> tuple[str, bool]:
    """As many whole items as fit in `limit` characters, and whether some were left out."""
    whole = names(items, sep=sep)
    if len(whole) <= limit:
        return whole, False
    for cap in range(len(items) - 1, -1, -1):
        text = names(items, cap, unit=unit, sep=sep)
        if len(text) <= limit:
            return text, True
    return f"共 {len(items)} {unit}"[:limit], True


def fit_lines(lines: Sequence[str], fits: Callable[[str], bool], *, unit: str = "项"
              ) -> tuple[str, bool]:
    """The first whole lines that fit (by `fits`), then one line saying how many are left."""
    whole = "\n".join(lines)
    if fits(whole):
        return whole, False
    for keep in range(len(lines) - 1, -1, -1):
        text = "\n".join([*lines[:keep], f"……另有 {len(lines) - keep} {unit}"])
        if fits(text):
            return text, True
    return f"共 {len(lines)} {unit}", True


def day(value: dt.date | str, *, year: bool = True) -> str:
    """2026年3月2日, or 3月2日 without the year."""
    d = dt.date.fromisoformat(value) if isinstance(value, str) else value
    return f"{d.year}年{d.month}月{d.day}日" if year else f"{d.month}月{d.day}日"


def span(start: dt.date | str, end: dt.date | str, *, near: dt.date) -> str:
    """3月16日至3月27日 within the year of `near` (a date of the same message, such as its reply
    deadline), else with the years: 2026年12月28日至2027年1月8日."""
    s = dt.date.fromisoformat(start) if isinstance(start, str) else start
    e = dt.date.fromisoformat(end) if isinstance(end, str) else end
    same = s.year == e.year == near.year
    return f"{day(s, year=not same)}至{day(e, year=not same)}"
