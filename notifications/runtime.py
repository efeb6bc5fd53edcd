"""What the adapters share at run time, set up by the app factory (`suiji.app`).

Adapters read it from `app[RUNTIME]`; nothing lives in module globals.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from aiohttp import web

from inspection.fieldwork import evidence as fieldwork_evidence
from models.kv import KeyValue

if TYPE_CHECKING:
    from notifications.wecom.client import WeComClient


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
    # The S3-compatible evidence store when SUIJI_S3_* is set (suiji.app opens it); unset,
    # evidence goes to the local disk (`evidence_storage`).
    storage: fieldwork_evidence.Storage | None = None
    # Set by the app's outbox setup when WeCom is configured (one per process).
    wecom_client: WeComClient | None = None
    # Set after committing outbox rows so this process's worker sends them at once; other
    # processes' workers see them within their poll interval (docs/outbox.md).
    outbox_wakeup: asyncio.Event = field(default_factory=asyncio.Event)
    # Tells other processes' workers too (notifications.wakeup, when Redis is configured).
    outbox_publish: Callable[[], None] | None = None

    def evidence_storage(self) -> fieldwork_evidence.Storage:
        """Where every evidence file goes, whoever uploads it (inspectors or employers)."""
        return self.storage or fieldwork_evidence.LocalStorage(self.data_dir / "uploads")

    def wake_outbox(self) -> None:
        """Call after committing outbox rows: workers send them at once."""
        self.outbox_wakeup.set()
        if self.outbox_publish is not None:
            self.outbox_publish()


RUNTIME = web.AppKey("runtime", Runtime)
