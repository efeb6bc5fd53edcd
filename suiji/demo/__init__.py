"""`suiji demo`: a realistic data set for an empty database, loaded in parts.

Each module named in PARTS has `async def load(settings) -> None` (the command's settings: the
bureau's name, the data folder, the draw's reveal delay), runs inside the demo's transaction, in
this order, and must be idempotent (running the demo twice duplicates nothing). The parts that
stage a past move the domain's clock for their steps only (`inspection.clock.travel`).
"""

PARTS: list[str] = ["rosters", "lifecycle", "credit", "draws", "callup", "window"]
