"""The WeCom app's settings as the client and the callback need them (built by `suiji` from
SUIJI_WECOM_*). A leaf module: the client, the callback crypto and the app keys import it."""

from __future__ import annotations

from dataclasses import dataclass


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
