"""Loading staff for every API request, and the roles it carries."""

from __future__ import annotations

import datetime as dt

import pytest

from inspection import access
from models.enums import StaffStatus
from models.org import Staff
from tests import factories

pytestmark = pytest.mark.usefixtures("clean_db")


async def test_staff_by_id_loads_what_the_orm_loads() -> None:
    sec = await factories.section()
    created = await factories.staff("张检查", sec=sec)
    created.cert_valid_until = dt.date(2027, 3, 31)
    created.is_leader, created.status = True, StaffStatus.SUSPENDED
    await created.save()
    fast = await access.staff_by_id(staff_id=created.id)
    orm = await Staff.get(id=created.id)
    assert fast is not None
    for name in orm._meta.db_fields:
        assert getattr(fast, name) == getattr(orm, name), name
    assert fast.section_id == sec.id
    assert fast.status is StaffStatus.SUSPENDED and fast.is_leader is True
    assert isinstance(fast.created_at, dt.datetime) and fast.created_at.tzinfo is not None
    # It is a saved model like any other: it can be changed and saved.
    fast.mobile = "13800000000"
    await fast.save(update_fields=["mobile"])
    assert (await Staff.get(id=created.id)).mobile == "13800000000"


async def test_staff_by_id_of_nobody() -> None:
    assert await access.staff_by_id(staff_id=2**31 - 1) is None
