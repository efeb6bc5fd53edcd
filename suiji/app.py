"""The one app factory: `create_app(settings)`."""

from __future__ import annotations

from collections.abc import Callable

from aiohttp import web

from bot import routes as bot_routes
from inspection import typeset
from miniprogram_api import app as miniprogram_app
from notifications.appkeys import CONFIG, RUN_WORKER
from notifications.problems import unavailable_middleware
from portal import draws as portal_draws
from portal import guide as portal_guide
from portal import html as portal_html
from portal import landing as portal_landing
from portal import notices as portal_notices
from portal import window as portal_window
from suiji import health, outbox, playground, resources, webapp
from suiji.playground import routes as playground_routes
from suiji.playground import wiring as playground_wiring
from suiji.settings import Settings

# Largest request body accepted at all; routes enforce tighter limits of their own.
MAX_BODY = 20 * 1024 * 1024

# Each adapter contributes its routes through one `setup(app)`, which may read `app[CONFIG]`.
ROUTE_SETUPS: list[Callable[[web.Application], None]] = [
    health.setup, bot_routes.setup, portal_notices.setup, portal_window.setup,
    portal_draws.setup, portal_guide.setup, portal_landing.setup, miniprogram_app.setup,
]


def create_app(settings: Settings, *, manage_db: bool = True,
               run_worker: bool | None = None) -> web.Application:
    """Build the app. `manage_db=False` when the caller (a test) already opened the database.

    `run_worker`: run one outbox worker in-process (default: when the app manages the database,
    i.e. `suiji serve`; tests opt in).
    """
    # The playground (development without WeCom): WeCom is the stand-in, started first.
    pg = None
    if playground.enabled(settings):
        settings, pg = playground_wiring.prepare(settings)
    # Outermost: an unreachable Redis is a 503; then the site's error pages (outside the API,
    # which answers problem+json by its own middleware).
    app = web.Application(client_max_size=MAX_BODY,
                          middlewares=[unavailable_middleware, portal_html.error_pages])
    config = app[CONFIG] = resources.app_config(
        settings, playground=playground.PATH if pg is not None else None)
    typeset.warn_if_missing()
    run_worker = app[RUN_WORKER] = manage_db if run_worker is None else run_worker
    if pg is not None:
        app.cleanup_ctx.append(playground_wiring.context(pg))
    # A process with a worker listens for other processes' wake-ups.
    app.cleanup_ctx.extend(resources.contexts(settings, config, manage_db=manage_db,
                                              listen=run_worker))
    if run_worker:
        app.cleanup_ctx.append(outbox.workers())
    for setup in ROUTE_SETUPS:
        setup(app)
    if pg is not None:
        playground_routes.setup(app, pg)
    webapp.setup(app, settings)
    return app
