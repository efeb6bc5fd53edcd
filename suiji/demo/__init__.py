"""`suiji demo`: a realistic data set for an empty database, loaded in parts.

Each module named in PARTS has `async def load() -> None`, runs inside the demo's transaction,
and must be idempotent (running the demo twice duplicates nothing).
"""

PARTS: list[str] = ["rosters", "credit", "draws", "callup"]
