"""Rows written in bulk carry timestamps the ORM can filter on, on both databases."""

from __future__ import annotations

import datetime as dt

import pytest

from inspection import bulk, clock
from models.enums import SectionKind
from models.org import Section

pytestmark = pytest.mark.usefixtures("clean_db")


async def test_bulk_timestamps_compare_like_the_orms() -> None:
    before = clock.now() - dt.timedelta(seconds=1)
    await bulk.insert("section", ["code", "name", "kind"], [("A", "甲科", SectionKind.BUSINESS)])
    created = await Section.create(code="B", name="乙科")
    # On SQLite a UTC timestamp is text eight hours "earlier" than Beijing time: it would fail
    # the first filter and pass the second.
    recent = await Section.filter(created_at__gte=before).order_by("code").values_list(
        "code", flat=True)
    assert recent == ["A", "B"]
    assert not await Section.filter(created_at__lt=before).exists()
    row = await Section.get(code="A")
    assert abs(row.created_at - created.created_at) < dt.timedelta(seconds=5)
