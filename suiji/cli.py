"""The `suiji` command."""

from __future__ import annotations

import argparse
import importlib
import sys

from suiji.settings import SettingsError, load_settings

# Command modules under suiji.commands, each with register(subparsers).
COMMANDS = ["server", "audit", "rosters", "items", "demo", "credit", "callup", "publication", "draw", "campaign", "worker", "outbox", "calendar"]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="suiji", description="双随机、一公开 抽查系统")
    sub = parser.add_subparsers(dest="command", required=True)
    for name in COMMANDS:
        importlib.import_module(f"suiji.commands.{name}").register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = load_settings()
    except SettingsError as exc:
        print(f"配置错误 / settings error: {exc}", file=sys.stderr)
        return 2
    return int(args.handler(settings, args) or 0)


if __name__ == "__main__":
    sys.exit(main())
