"""R8: 政策法规科 is told of law-enforcement certificates about to expire, once per certificate
and expiry date, and can list them."""

from __future__ import annotations

import datetime as dt

import pytest
from tortoise.transactions import in_transaction

from inspection.errors import Forbidden, ValidationFailed
from inspection.rosters import certificates
from models.enums import StaffStatus
from models.org import Staff
from models.outbox import OutboxMessage
from tests import credit_factories as f
from tests import wecom_rows

pytestmark = pytest.mark.usefixtures("clean_db")

TODAY = dt.date(2026, 11, 30)


async def holder(days: int | None, **kw: object) -> Staff:
    person = await f.staff(is_inspector=True, **kw)  # type: ignore[arg-type]
    person.cert_valid_until = None if days is None else TODAY + dt.timedelta(days=days)
    await person.save()
    return person


async def test_the_list_is_soonest_first_and_includes_the_expired() -> None:
    admin = await f.staff(is_admin=True)
    soon, later, expired = await holder(30), await holder(61), await holder(-3)
    await holder(None)  # no date: nothing to say
    gone = await holder(5)
    gone.status = StaffStatus.LEFT
    await gone.save()
    rows = await certificates.expiring_for(staff=admin, within_days=60, today=TODAY)
    assert [(r.staff.id, r.days_left, r.expired) for r in rows] == [
        (expired.id, -3, True), (soon.id, 30, False)]
    wider = await certificates.expiring(within_days=61, today=TODAY)
    assert [r.staff.id for r in wider] == [expired.id, soon.id, later.id]
    with pytest.raises(ValidationFailed):
        await certificates.expiring(within_days=-1, today=TODAY)
    with pytest.raises(Forbidden):
        await certificates.expiring_for(staff=soon, within_days=60, today=TODAY)


async def test_told_once_per_certificate_and_again_after_renewal() -> None:
    admin = await f.staff(is_admin=True)
    soon = await holder(60)
    await holder(70)
    async with in_transaction():
        assert await certificates.warn_expiring(today=TODAY) == 1
        assert await certificates.warn_expiring(today=TODAY + dt.timedelta(days=1)) == 0
    [row] = await OutboxMessage.all()
    assert wecom_rows.to(row) == {admin.wecom_userid}
    text = wecom_rows.content(row)  # as the worker renders it
    assert soon.name in text and soon.cert_no in text and "还剩 60 天" in text
    # Renewed, then the new certificate's turn comes: told again, about the new date.
    soon.cert_valid_until = TODAY + dt.timedelta(days=400)
    await soon.save()
    async with in_transaction():
        assert await certificates.warn_expiring(today=TODAY + dt.timedelta(days=345)) == 2
    assert await OutboxMessage.all().count() == 3


async def test_nobody_to_tell_queues_nothing() -> None:
    await holder(10)
    async with in_transaction():
        assert await certificates.warn_expiring(today=TODAY) == 0
    assert not await OutboxMessage.exists()
