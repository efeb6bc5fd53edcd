"""Every `web.AppKey` of the app, and the types they hold that are not defined elsewhere.

One module, so that what an app carries can be read in one place. It lives here rather than in
`suiji` (the wiring, which sets the keys) because the adapters read them and may import
`notifications`, `inspection` and `models` but never `suiji` or each other (DESIGN.md, Layout).

Each resource has one cleanup context in `suiji.resources` that opens it, sets its key and
closes it; nothing else writes these keys. `CONFIG` is set once by `suiji.app.create_app` before
any context runs and never changes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web
from redis.asyncio import Redis

from inspection.fieldwork import evidence
from inspection.notices import issuing, particulars
from models.kv import KeyValue
from notifications.client_ip import TrustedProxies
from notifications.grouping import Grouped
from notifications.taskqueue import TaskQueue
from notifications.wakeup import OutboxWake
from notifications.wecom.client import WeComClient
from notifications.wecom.config import CallbackConfig, WeComConfig
from notifications.worker_pool import WorkerPool


@dataclass(frozen=True)
class AppConfig:
    """The settings the adapters read, built once from `suiji.settings.Settings`."""

    env: str
    public_base_url: str
    secret_key: str
    data_dir: Path
    trusted_proxies: TrustedProxies
    # The bureau as printed on notices, reports and the public pages (SUIJI_BUREAU_* and the
    # review body and court); its seal image, when it has one.
    issuer: particulars.Issuer
    # Where the public reports a problem with the inspections (社会监督, SUIJI_BUREAU_COMPLAINT):
    # the foot of every public page names it beside the bureau's contact.
    complaint: str = ""
    seal_image: Path | None = None
    wecom: WeComConfig | None = None
    callback: CallbackConfig | None = None
    credit_export_token: str | None = None
    # SUIJI_DRAW_MIN_REVEAL_DELAY_MINUTES, the least time between a draw's commitment and its
    # reveal (R10).
    draw_min_reveal_delay: dt.timedelta = dt.timedelta(minutes=60)
    # What one notice's addressee may upload on /n/{token} in all (SUIJI_NOTICE_UPLOAD_MAX_FILES,
    # SUIJI_NOTICE_UPLOAD_MAX_MB).
    upload_quota: issuing.UploadQuota = field(default_factory=issuing.UploadQuota)
    # The playground's address (`/dev/`) when `suiji serve` runs it (development without WeCom):
    # the landing page links it.
    playground: str | None = None


TokenProvider = Callable[[], Awaitable[str]]


@dataclass(frozen=True)
class LoginExchange:
    """Where a mini-program login code is exchanged (`cgi-bin/miniprogram/jscode2session`):
    by default with the WeCom client's own token and API base; set to send it elsewhere (a test
    double, a proxy in front of WeCom)."""

    token: TokenProvider
    api_base: str


CONFIG = web.AppKey("config", AppConfig)
# Whether this app runs one outbox worker in-process (`suiji serve`; tests opt in).
RUN_WORKER = web.AppKey("run_worker", bool)

# Resources, one cleanup context each (suiji.resources):
# the Redis client, with the process's one connection pool; only with SUIJI_REDIS_URL.
REDIS = web.AppKey("redis", Redis)
# Short-lived state: on REDIS when configured, else in-process.
KV: web.AppKey[KeyValue] = web.AppKey("kv")
# Outbound HTTP (WeCom, the object store): one connection pool per process.
HTTP = web.AppKey("http", aiohttp.ClientSession)
# Where evidence files go: the S3-compatible store when SUIJI_S3_* is set, else the data folder.
STORAGE: web.AppKey[evidence.Storage] = web.AppKey("evidence_storage")
# The WeCom API client; only when the WeCom app is configured.
WECOM = web.AppKey("wecom_client", WeComClient)
# Wakes the outbox workers after a commit (this process's and, with Redis, everyone's).
OUTBOX_WAKE = web.AppKey("outbox_wake", OutboxWake)
# The outbox loops of this process; only where workers run.
OUTBOX_WORKERS = web.AppKey("outbox_workers", WorkerPool)
# Overrides the login code exchange; unset: the WeCom client's.
LOGIN_EXCHANGE = web.AppKey("login_exchange", LoginExchange)
# WeCom deliveries kept by the callback, applied right after in this process; only where the
# callback is configured.
INBOUND = web.AppKey("inbound_queue", TaskQueue)
# The callback's inserts, grouped: items are (bot.parse.Inbound, received at), results the new
# receipt's id or None for a duplicate (typed loosely: notifications does not import bot).
INBOUND_KEEPER = web.AppKey("inbound_keeper", Grouped[Any, "int | None"])
