"""What the adapters share at run time, set up by the app factory (`suiji.app`).

Adapters read it from `app[RUNTIME]`; nothing lives in module globals.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from aiohttp import web

from models.kv import KeyValue


@dataclass(frozen=True)
class WeComConfig:
    corp_id: str
    agent_id: int
    secret: str
    api_base: str


@dataclass(frozen=True)
class CallbackConfig:
    token: str
    aes_key: str
    corp_id: str


@dataclass
class Runtime:
    env: str
    public_base_url: str
    secret_key: str
    data_dir: Path
    database_url: str
    kv: KeyValue
    wecom: WeComConfig | None = None
    callback: CallbackConfig | None = None
    credit_export_token: str | None = None


RUNTIME = web.AppKey("runtime", Runtime)
