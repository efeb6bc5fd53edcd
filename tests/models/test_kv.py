import asyncio


async def test_set_get_delete(kv):
    assert await kv.get("a") is None
    await kv.set("a", "1")
    assert await kv.get("a") == "1"
    await kv.delete("a")
    assert await kv.get("a") is None


async def test_ttl_expires(kv):
    await kv.set("t", "x", ttl=0.05)
    assert await kv.get("t") == "x"
    await asyncio.sleep(0.1)
    assert await kv.get("t") is None


async def test_set_if_absent_is_exclusive(kv):
    results = await asyncio.gather(*(kv.set_if_absent("lock", str(i), ttl=5) for i in range(10)))
    assert results.count(True) == 1


async def test_delete_if_equals_only_for_the_owner(kv):
    assert await kv.set_if_absent("lock", "me", ttl=5)
    assert not await kv.delete_if_equals("lock", "someone-else")
    assert await kv.delete_if_equals("lock", "me")
    assert await kv.get("lock") is None


async def test_incr_counts_within_a_window(kv):
    values = [await kv.incr("rate", ttl=0.2) for _ in range(3)]
    assert values == [1, 2, 3]
    await asyncio.sleep(0.3)
    assert await kv.incr("rate", ttl=0.2) == 1


async def test_ping(kv):
    assert await kv.ping()


async def test_get_many_in_order_with_gaps(kv):
    await kv.set("a", "1")
    await kv.set("c", "3", ttl=0.05)
    assert await kv.get_many(["a", "b", "c"]) == ["1", None, "3"]
    await asyncio.sleep(0.1)
    assert await kv.get_many(["c", "a"]) == [None, "1"]
