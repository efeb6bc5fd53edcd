"""`setup(app)`: the staff API under /api/v1 and its OpenAPI document."""

from __future__ import annotations

from aiohttp import web

from miniprogram_api import (
    answers,
    callup,
    campaigns,
    credit,
    credit_export,
    fieldwork,
    items,
    login,
    notices,
    plans,
    rectification,
    rosters,
    webauth,
)
from miniprogram_api.framework import PREFIX, Route, register
from miniprogram_api.openapi import document

OPENAPI = web.AppKey("miniprogram_openapi", dict)


def all_routes() -> list[Route]:
    """Every API route; the router, the document and the authorisation matrix read this."""
    return (login.routes() + webauth.routes() + fieldwork.routes() + rectification.routes() + rosters.routes()
            + items.routes() + plans.routes() + campaigns.routes() + callup.routes() + answers.routes()
            + notices.routes() + credit.routes())


async def openapi_json(request: web.Request) -> web.Response:
    return web.json_response(request.app[OPENAPI])


def setup(app: web.Application) -> None:
    routes = all_routes()
    login.setup(app)
    register(app, routes)
    credit_export.setup(app)
    doc = document(routes)
    doc["paths"][credit_export.PATH] = credit_export.openapi_path()
    doc["components"]["securitySchemes"]["creditToken"] = {
        "type": "http", "scheme": "bearer", "description": "SUIJI_CREDIT_EXPORT_TOKEN"}
    app[OPENAPI] = doc
    app.router.add_get(PREFIX + "/openapi.json", openapi_json, name="openapi")
