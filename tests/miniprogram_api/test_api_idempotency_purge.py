from __future__ import annotations

import datetime as dt

from miniprogram_api.idempotency import purge
from models.system import IdempotencyRecord
from tests.fieldworld import World


async def test_purge_keeps_the_retry_window(world: World) -> None:
    staff = world.staff["member"]
    for key in ("old", "new"):
        await IdempotencyRecord.create(staff=staff, key=key, method="POST", path="/x",
                                       request_hash="h", status=201, body={})
    old_time = dt.datetime.now(dt.UTC) - dt.timedelta(days=8)
    await IdempotencyRecord.filter(key="old").update(created_at=old_time)
    assert await purge(now=dt.datetime.now(dt.UTC)) == 1
    assert await IdempotencyRecord.all().values_list("key", flat=True) == ["new"]
