"""A test clock: moves Beijing time for the domain, the adapters and the outbox worker.

`inspection.clock.now`/`today` are what every part reads; the few modules that imported `now` or
`today` by name are patched too. Sessions use `time.time()` and stay valid however far the clock
moves, so one login serves a whole scenario.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from inspection import clock

_BY_NAME = (("inspection.fieldwork.inspections", "now"),
            ("inspection.fieldwork.rectification", "today"))


class TestClock:
    __test__ = False  # not a test class, whatever its name

    def __init__(self, monkeypatch: pytest.MonkeyPatch, start: dt.datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("naive start")
        self.at = start.astimezone(clock.BEIJING)
        now, today = self.now, self.today
        monkeypatch.setattr(clock, "now", now)
        monkeypatch.setattr(clock, "today", today)
        for module, name in _BY_NAME:
            monkeypatch.setattr(f"{module}.{name}", now if name == "now" else today)

    def now(self) -> dt.datetime:
        return self.at

    def today(self) -> dt.date:
        return self.at.date()

    def set(self, at: dt.datetime) -> None:
        self.at = at.astimezone(clock.BEIJING)

    def advance(self, **delta: Any) -> dt.datetime:
        self.at += dt.timedelta(**delta)
        return self.at


def beijing(year: int, month: int, day: int, hour: int = 9, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=clock.BEIJING)


@pytest.fixture
def test_clock(monkeypatch: pytest.MonkeyPatch) -> TestClock:
    """The clock at 2026-11-02 09:00 Beijing (a Monday, a working day); move it with `advance`."""
    return TestClock(monkeypatch, beijing(2026, 11, 2))
