"""How long an employer import takes: N new rows, then the same file again (all unchanged), then
one changed grade. Usage:

    python benchmarks/bench_import.py [N] [DATABASE_URL]

DATABASE_URL defaults to a fresh SQLite file; for PostgreSQL pass an empty database's URL.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
import time
from pathlib import Path

from tortoise.transactions import in_transaction

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from inspection.rosters import employers as rosters
from suiji import db
from tests.inspection.test_rosters import HEADERS, employer_rows, to_csv


async def main(n: int, url: str) -> None:
    await db.migrate(url)
    await db.init_db(url)
    rows = employer_rows(n)
    data = to_csv(HEADERS, rows)
    try:
        for label in ("create", "unchanged"):
            t = time.perf_counter()
            async with in_transaction():
                s = await rosters.import_employers(data=data, filename="b.csv", actor="cli")
            print(f"{label:10} {n} rows: {time.perf_counter() - t:6.2f} s "
                  f"(created {s.created}, updated {s.updated}, unchanged {s.unchanged})")
        rows[0][6] = "C" if rows[0][6] != "C" else "A"
        t = time.perf_counter()
        async with in_transaction():
            s = await rosters.import_employers(data=to_csv(HEADERS, rows), filename="b.csv",
                                               actor="cli")
        print(f"{'one grade':10} {n} rows: {time.perf_counter() - t:6.2f} s (updated {s.updated})")
    finally:
        await db.close_db()


if __name__ == "__main__":
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    target = sys.argv[2] if len(sys.argv) > 2 else f"sqlite://{tempfile.mkdtemp()}/bench.sqlite3"
    asyncio.run(main(count, target))
