"""The database is lent only to the tests that ask for it (tests/conftest.py, `clean_db`): one
that uses the ORM without asking fails at once instead of running on a database nobody cleans."""

from __future__ import annotations

import pytest

from models.org import Section
from tests.conftest import SessionDatabase


async def test_a_test_that_asks_gets_an_empty_database(clean_db: SessionDatabase) -> None:
    assert await Section.all().count() == 0
    await Section.create(code="zcfg", name="政策法规科")  # emptied again after this test


async def test_a_test_that_does_not_ask_cannot_query() -> None:
    with pytest.raises(RuntimeError, match="did not ask for the database"):
        await Section.all().count()
    with pytest.raises(RuntimeError, match="did not ask for the database"):
        await Section.create(code="zf1", name="执法一队")


async def test_the_next_one_that_asks_starts_empty_again(clean_db: SessionDatabase) -> None:
    assert await Section.all().count() == 0
