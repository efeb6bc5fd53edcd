"""`suiji audit verify [--against URL-or-file]`: walk the chain and name the first broken event,
and check the heads this database recorded as published (`audit_head`); with `--against`, also check that the chain still holds every head published there (the public
window's `/public/audit-heads.json` or a credit export's JSON), which shows the newest events
deleted (inspection/audit_heads.py)."""

from __future__ import annotations

import argparse
import json
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from inspection import audit, audit_heads
from suiji.commands import run_with_db
from suiji.settings import Settings

MAX_DOCUMENT = 5 * 1024 * 1024
FETCH_TIMEOUT = 30


def _load(source: str) -> Any:
    """The published document at a web address or in a file; ValueError with the reason."""
    try:
        if source.startswith(("https://", "http://")):
            req = urllib.request.Request(source, headers={"User-Agent": "suiji-audit-verify"})  # noqa: S310 (http(s) only)
            with urllib.request.urlopen(req, timeout=FETCH_TIMEOUT) as resp:  # noqa: S310
                raw = resp.read(MAX_DOCUMENT + 1)
        else:
            raw = Path(source).read_bytes()[:MAX_DOCUMENT + 1]
        if len(raw) > MAX_DOCUMENT:
            raise ValueError("文件超过 5 MB，不是公布的链头")
    except (OSError, urllib.error.URLError) as exc:
        raise ValueError(f"读取失败（{exc}）") from exc
    try:
        return json.loads(raw)
    except ValueError as exc:
        raise ValueError("内容不是有效的 JSON 数据") from exc


def _verify(settings: Settings, args: argparse.Namespace) -> int:
    heads: list[audit_heads.Head] = []
    if args.against:
        try:
            heads = audit_heads.parse(_load(args.against))
        except ValueError as exc:
            print(f"无法读取已公布的链头：{args.against}：{exc}")
            return 2

    async def work() -> tuple[int, audit.ChainBreak | None, list[audit_heads.Mismatch],
                              list[audit_heads.Mismatch]]:
        count, brk = await audit.verify_chain()
        own = await audit_heads.check(await audit_heads.kept())
        return count, brk, own, await audit_heads.check(heads)

    count, brk, own, mismatches = run_with_db(settings, work)
    status = 0
    if brk is None:
        print(f"审计链完整：共 {count} 条事件")
    else:
        print(f"审计链断裂：第 {brk.seq} 号事件（编号 {brk.event_id}）{brk.reason}；此前 {count} 条完好")
        status = 1
    for m in own:
        print(f"与本库记录的已公布链头不符：{m.reason}")
        status = 1
    if heads and not mismatches:
        newest = max(heads, key=lambda h: h.seq)
        print(f"与已公布的链头相符：核对 {len(heads)} 个，最新为 {newest.day} 公布的第 {newest.seq} 号事件")
    for m in mismatches:
        print(f"与已公布的链头不符：{m.reason}")
        status = 1
    return status


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("audit", help="audit trail")
    asub = p.add_subparsers(dest="audit_command", required=True)
    v = asub.add_parser("verify", help="verify the SHA-256 chain of audit events")
    v.add_argument("--against", metavar="URL_OR_FILE",
                   help="published heads to check the chain against: the public window's "
                        "/public/audit-heads.json (a web address or a saved copy) or a credit "
                        "export's JSON")
    v.set_defaults(handler=_verify)
