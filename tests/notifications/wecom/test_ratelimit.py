"""Per-member limits (30/min, 1,000/h) and the app-wide pause after throttling answers."""

from __future__ import annotations

from notifications.wecom.ratelimit import RateLimiter


class FakeClock:
    def __init__(self, t: float) -> None:
        self.t = t

    def __call__(self) -> float:
        return self.t


async def test_thirty_a_minute_per_member_then_wait_for_the_next_minute(kv):
    clock = FakeClock(1_800_000_010.0)  # 10 s into a minute
    limiter = RateLimiter(kv, corp_id="c", agent_id=1, clock=clock)
    waits = [await limiter.reserve(["zhangsan"]) for _ in range(30)]
    assert waits == [0.0] * 30
    assert await limiter.reserve(["zhangsan"]) == 50.0  # to the start of the next minute
    assert await limiter.reserve(["lisi"]) == 0.0  # other members are not affected
    clock.t += 50
    assert await limiter.reserve(["zhangsan"]) == 0.0


async def test_a_thousand_an_hour(kv):
    clock = FakeClock(1_800_000_000.0)
    limiter = RateLimiter(kv, corp_id="c", agent_id=1, per_minute=10_000, clock=clock)
    for _ in range(1000):
        assert await limiter.reserve(["zhangsan"]) == 0.0
    hour_end = (int(clock.t // 3600) + 1) * 3600
    assert await limiter.reserve(["zhangsan"]) == hour_end - clock.t


async def test_every_addressed_member_counts():
    body = {"touser": "zhangsan|lisi|zhangsan", "msgtype": "text"}
    assert RateLimiter.members(body) == ["lisi", "zhangsan"]
    assert RateLimiter.members({"toparty": "2", "msgtype": "text"}) == []


async def test_app_pause_after_45009(kv):
    clock = FakeClock(1_800_000_000.0)
    limiter = RateLimiter(kv, corp_id="c", agent_id=1, clock=clock)
    assert await limiter.app_paused_for() == 0.0
    assert await limiter.pause_app(45009) == 60.0
    clock.t += 20
    assert await limiter.app_paused_for() == 40.0
    assert await limiter.pause_app(40003) == 0.0  # not a throttling answer


async def test_a_message_to_several_members_counts_each_and_waits_for_the_fullest(kv):
    clock = FakeClock(1_800_000_010.0)
    limiter = RateLimiter(kv, corp_id="c", agent_id=1, clock=clock)
    for _ in range(30):
        assert await limiter.reserve(["zhangsan"]) == 0.0
    assert await limiter.reserve(["lisi", "wangwu", "zhangsan"]) == 50.0
    for _ in range(29):  # lisi and wangwu were counted by the message held back
        assert await limiter.reserve(["lisi", "wangwu"]) == 0.0
    assert await limiter.reserve(["wangwu"]) == 50.0


class CountingKV:
    """The store, counting the calls made to it (one call is one round trip to Redis)."""

    def __init__(self, kv) -> None:
        self.kv, self.calls = kv, 0

    def __getattr__(self, name):
        self.calls += 1
        return getattr(self.kv, name)


async def test_one_round_trip_to_the_store_however_many_members(kv):
    counting = CountingKV(kv)
    limiter = RateLimiter(counting, corp_id="c", agent_id=1, clock=FakeClock(1_800_000_000.0))
    assert await limiter.reserve([f"member{i}" for i in range(5)]) == 0.0
    assert counting.calls == 1
    assert await kv.incr_many([("c:x", 60.0), ("c:x", 60.0), ("c:y", 60.0)]) == [1, 2, 1]
