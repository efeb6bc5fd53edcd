"""The one app factory: `create_app(settings)`."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable

import aiohttp
from aiohttp import web

from bot import routes as bot_routes
from miniprogram_api import app as miniprogram_app
from models.kv import open_kv
from notifications.runtime import RUNTIME, CallbackConfig, Runtime, WeComConfig
from notifications.s3 import S3Storage
from portal import draws as portal_draws
from portal import notices as portal_notices
from portal import window as portal_window
from suiji import db, health, outbox, webapp
from suiji.settings import Settings

SETTINGS = web.AppKey("settings", Settings)
# Largest request body accepted at all; routes enforce tighter limits of their own.
MAX_BODY = 20 * 1024 * 1024

# Each adapter contributes routes and background contexts through one `setup(app)`.
ROUTE_SETUPS: list[Callable[[web.Application], None]] = [
    health.setup, bot_routes.setup, portal_notices.setup, portal_window.setup,
    portal_draws.setup, miniprogram_app.setup, outbox.setup,
]


def build_runtime(settings: Settings) -> Runtime:
    wecom = None
    if settings.wecom_enabled:
        assert settings.wecom_corp_id and settings.wecom_agent_id and settings.wecom_secret
        wecom = WeComConfig(settings.wecom_corp_id, settings.wecom_agent_id,
                            settings.wecom_secret, settings.wecom_api_base)
    callback = None
    if settings.wecom_callback_enabled:
        assert settings.wecom_token and settings.wecom_aes_key and settings.wecom_corp_id
        callback = CallbackConfig(settings.wecom_token, settings.wecom_aes_key,
                                  settings.wecom_corp_id)
    assert settings.secret_key
    return Runtime(
        env=settings.env, public_base_url=settings.public_base_url,
        secret_key=settings.secret_key, data_dir=settings.data_dir,
        database_url=settings.database_url,
        kv=open_kv(settings.redis_url, settings.redis_prefix), wecom=wecom, callback=callback,
        credit_export_token=settings.credit_export_token,
    )


def open_storage(settings: Settings, runtime: Runtime) -> aiohttp.ClientSession | None:
    """With SUIJI_S3_* set, evidence goes to the object store; the caller closes the session."""
    if not settings.s3_enabled:
        return None
    assert settings.s3_endpoint and settings.s3_bucket
    assert settings.s3_access_key and settings.s3_secret_key
    session = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=20))
    runtime.storage = S3Storage(endpoint=settings.s3_endpoint, bucket=settings.s3_bucket,
                                region=settings.s3_region, access_key=settings.s3_access_key,
                                secret_key=settings.s3_secret_key, http=session)
    return session


def create_app(settings: Settings, *, manage_db: bool = True,
               run_worker: bool | None = None) -> web.Application:
    """Build the app. `manage_db=False` when the caller (a test) already opened the database.

    `run_worker`: run one outbox worker in-process (default: when the app manages the database,
    i.e. `suiji serve`; tests opt in).
    """
    app = web.Application(client_max_size=MAX_BODY)
    app[SETTINGS] = settings
    app[outbox.RUN_WORKER] = manage_db if run_worker is None else run_worker

    async def runtime_ctx(app: web.Application) -> AsyncIterator[None]:
        if manage_db:
            if not db.is_postgres(settings.database_url):
                # The embedded default migrates itself; PostgreSQL waits for `suiji migrate`.
                await db.migrate(settings.database_url)
            await db.init_db(settings.database_url)
        runtime = build_runtime(settings)
        app[RUNTIME] = runtime
        storage_session = open_storage(settings, runtime)
        yield
        if storage_session is not None:
            runtime.storage = None
            await storage_session.close()
        await runtime.kv.close()
        if manage_db:
            await db.close_db()

    app.cleanup_ctx.append(runtime_ctx)
    for setup in ROUTE_SETUPS:
        setup(app)
    webapp.setup(app, settings)
    return app
