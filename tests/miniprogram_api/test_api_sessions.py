"""Session lifetime: idle expiry slides, the absolute maximum does not."""

from __future__ import annotations

import json
import time

from miniprogram_api import sessions


async def test_absolute_maximum(kv) -> None:
    token = await sessions.create(kv, secret_key="k" * 40, staff_id=7, userid="u", session_key="s")
    session = await sessions.authenticate(kv, token)
    assert session is not None and session.staff_id == 7
    record = json.loads(await kv.get(session.key) or "{}")
    record["created"] = time.time() - sessions.MAX_AGE - 1
    await kv.set(session.key, json.dumps(record), ttl=60)
    assert await sessions.authenticate(kv, token) is None
    assert await kv.get(session.key) is None


async def test_refresh_is_written_only_after_a_while(kv) -> None:
    token = await sessions.create(kv, secret_key="k" * 40, staff_id=7, userid="u", session_key="s")
    session = await sessions.authenticate(kv, token)
    assert session is not None
    before = await kv.get(session.key)
    await sessions.authenticate(kv, token)
    assert await kv.get(session.key) == before  # fresh: not rewritten
    record = json.loads(before or "{}")
    record["seen"] = time.time() - 3600
    await kv.set(session.key, json.dumps(record), ttl=60)
    await sessions.authenticate(kv, token)
    assert json.loads(await kv.get(session.key) or "{}")["seen"] > time.time() - 5


async def test_tokens_are_unique_and_unguessable(kv) -> None:
    tokens = {await sessions.create(kv, secret_key="k" * 40, staff_id=1, userid="u",
                                    session_key="s") for _ in range(20)}
    assert len(tokens) == 20
    assert await sessions.authenticate(kv, "x" * 43) is None


async def test_a_token_claiming_another_staff_id_is_refused(kv) -> None:
    token = await sessions.create(kv, secret_key="k" * 40, staff_id=7, userid="u", session_key="s")
    staff_id, _, secret = token.partition(".")
    assert staff_id == "7"
    for forged in (f"8.{secret}", secret, f".{secret}", f"x7.{secret}", f"-7.{secret}"):
        assert await sessions.authenticate(kv, forged) is None
    assert await sessions.authenticate(kv, token) is not None


async def test_revoking_all_ends_sessions_read_in_one_round_trip(kv) -> None:
    token = await sessions.create(kv, secret_key="k" * 40, staff_id=7, userid="u", session_key="s")
    other = await sessions.create(kv, secret_key="k" * 40, staff_id=8, userid="v", session_key="s")
    await sessions.revoke_all(kv, 7)
    assert await sessions.authenticate(kv, token) is None
    assert await sessions.authenticate(kv, other) is not None
