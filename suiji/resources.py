"""The app's resources: one cleanup context each, which opens it, sets its own key
(`notifications.appkeys`) and closes it. Nothing else writes those keys.

`suiji serve` (`suiji.app.create_app`) and `suiji worker` start the same list, in the order of
their dependencies: a context reads only keys set by those before it, and aiohttp closes them in
reverse.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import AsyncIterator, Callable, Sequence

import aiohttp
from aiohttp import web

from bot import inbound as bot_inbound
from bot.parse import Inbound
from inspection import outbox, worktime
from inspection.fieldwork import evidence
from inspection.notices import issuing, particulars
from inspection.worktime import OfficeHours
from models.kv import KeyValue, MemoryKV, RedisKV, connect_redis
from notifications.appkeys import (
    HTTP,
    INBOUND,
    INBOUND_KEEPER,
    KV,
    OUTBOX_WAKE,
    OUTBOX_WORKERS,
    REDIS,
    STORAGE,
    WECOM,
    AppConfig,
)
from notifications.client_ip import TrustedProxies
from notifications.grouping import Grouped
from notifications.s3 import S3Storage
from notifications.taskqueue import TaskQueue
from notifications.wakeup import OutboxWake
from notifications.wecom.client import WeComClient
from notifications.wecom.config import CallbackConfig, WeComConfig
from suiji import db
from suiji.settings import Settings, number_prefixes

log = logging.getLogger(__name__)

Context = Callable[[web.Application], AsyncIterator[None]]


def issuer_of(settings: Settings) -> particulars.Issuer:
    """The bureau as its papers name it: one set of settings for every notice and report."""
    return particulars.Issuer(
        name=settings.bureau_name, address=settings.bureau_address, phone=settings.bureau_phone,
        review_body=settings.review_body, litigation_court=settings.litigation_court,
        number_prefixes=number_prefixes(settings))


def app_config(settings: Settings, *, playground: str | None = None) -> AppConfig:
    wecom = callback = None
    if settings.wecom_enabled:
        assert settings.wecom_corp_id and settings.wecom_agent_id and settings.wecom_secret
        wecom = WeComConfig(settings.wecom_corp_id, settings.wecom_agent_id,
                            settings.wecom_secret, settings.wecom_api_base)
    if settings.wecom_callback_enabled:
        assert settings.wecom_token and settings.wecom_aes_key and settings.wecom_corp_id
        callback = CallbackConfig(settings.wecom_token, settings.wecom_aes_key,
                                  settings.wecom_corp_id)
    assert settings.secret_key
    return AppConfig(env=settings.env, public_base_url=settings.public_base_url,
                     secret_key=settings.secret_key, data_dir=settings.data_dir,
                     trusted_proxies=TrustedProxies.parse(settings.trusted_proxies),
                     issuer=issuer_of(settings), complaint=settings.bureau_complaint,
                     seal_image=settings.seal_image,
                     wecom=wecom, callback=callback,
                     credit_export_token=settings.credit_export_token,
                     draw_min_reveal_delay=dt.timedelta(
                         minutes=settings.draw_min_reveal_delay_minutes),
                     upload_quota=issuing.UploadQuota(
                         files=settings.notice_upload_max_files,
                         bytes=settings.notice_upload_max_mb * 1024 * 1024),
                     playground=playground)


def database(settings: Settings) -> Context:
    async def ctx(app: web.Application) -> AsyncIterator[None]:
        worktime.configure(OfficeHours.parse(settings.office_hours))
        if not db.is_postgres(settings.database_url):
            # The embedded default migrates itself; PostgreSQL waits for `suiji migrate`.
            await db.migrate(settings.database_url)
        await db.init_db(settings.database_url)
        yield
        await db.close_db()

    return ctx


def redis(settings: Settings) -> Context:
    """The process's one Redis connection pool: the key-value store and the outbox wake-ups
    both run on it."""
    async def ctx(app: web.Application) -> AsyncIterator[None]:
        if not settings.redis_url:
            yield
            return
        client = app[REDIS] = connect_redis(settings.redis_url)
        yield
        await client.aclose()

    return ctx


def key_value(settings: Settings) -> Context:
    async def ctx(app: web.Application) -> AsyncIterator[None]:
        client = app.get(REDIS)
        kv: KeyValue = (RedisKV(client, settings.redis_prefix) if client is not None
                        else MemoryKV(settings.redis_prefix))
        app[KV] = kv
        yield

    return ctx


async def http(app: web.Application) -> AsyncIterator[None]:
    # One pool per process for WeCom and the object store; per-call timeouts are the callers'.
    session = app[HTTP] = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=50),
                                                headers={"User-Agent": "suiji"})
    yield
    await session.close()


def storage(settings: Settings) -> Context:
    async def ctx(app: web.Application) -> AsyncIterator[None]:
        store: evidence.Storage = evidence.LocalStorage(settings.data_dir / "uploads")
        if settings.s3_enabled:
            assert settings.s3_endpoint and settings.s3_bucket
            assert settings.s3_access_key and settings.s3_secret_key
            store = S3Storage(endpoint=settings.s3_endpoint, bucket=settings.s3_bucket,
                              region=settings.s3_region, access_key=settings.s3_access_key,
                              secret_key=settings.s3_secret_key, http=app[HTTP])
        app[STORAGE] = store
        yield

    return ctx


def wecom(config: AppConfig) -> Context:
    async def ctx(app: web.Application) -> AsyncIterator[None]:
        if config.wecom is not None:
            app[WECOM] = WeComClient(app[HTTP], config.wecom, app[KV])
        yield

    return ctx


def outbox_wake(settings: Settings, *, listen: bool) -> Context:
    """`listen`: this process runs workers that other processes' commits should wake."""
    async def ctx(app: web.Application) -> AsyncIterator[None]:
        wake = app[OUTBOX_WAKE] = OutboxWake(app.get(REDIS), f"{settings.redis_prefix}outbox:wake")
        await wake.start(listen=listen)
        yield
        await wake.close()

    return ctx


def inbound_queue(config: AppConfig, *, sweep_interval: float = 10.0) -> Context:
    """Where the callback is configured: apply the deliveries it kept, right after it answered,
    and those other processes left pending (docs/callup.md, "The callback")."""
    async def ctx(app: web.Application) -> AsyncIterator[None]:
        if config.callback is None:
            yield
            return
        wake = app[OUTBOX_WAKE]

        async def apply(receipt_id: int) -> None:
            with outbox.noting() as written:
                if not await bot_inbound.apply(receipt_id):
                    return
            # The answer's cards and texts are committed: this lane sends them itself, so they
            # neither wait for a loop's turn nor queue behind the other lanes' rows. What it
            # leaves (timers due later, a delivery postponed) the loops find by their due time;
            # they are woken only when this process sends nothing itself.
            pool = app.get(OUTBOX_WORKERS)
            if pool is None:  # a process without a worker of its own
                wake.wake()
                return
            try:
                await pool.deliver_now(written)
            except Exception:
                log.exception("inbound: sending right after the commit failed; the outbox "
                              "worker sends it")
                wake.wake()

        queue = app[INBOUND] = TaskQueue(apply=apply, left_pending=bot_inbound.left_pending,
                                         failed=bot_inbound.failed,
                                         sweep_interval=sweep_interval)

        async def keep(deliveries: Sequence[tuple[Inbound, dt.datetime]]) -> list[int | None]:
            ids = await bot_inbound.keep_group(deliveries)
            # Handed to the lanes here, as soon as stored, not by the request: a caller that
            # went away still has its delivery applied now rather than by the next sweep.
            for (msg, _), receipt in zip(deliveries, ids, strict=True):
                if receipt is not None:
                    queue.submit(receipt, msg.from_user)
            return ids

        keeper = app[INBOUND_KEEPER] = Grouped(keep)
        queue.start()
        yield
        await keeper.close()
        await queue.close()

    return ctx


def contexts(settings: Settings, config: AppConfig, *, manage_db: bool,
             listen: bool) -> list[Context]:
    """`manage_db=False` when the caller (a test) already opened the database."""
    return [*([database(settings)] if manage_db else []), redis(settings), key_value(settings),
            http, storage(settings), wecom(config), outbox_wake(settings, listen=listen),
            inbound_queue(config)]
