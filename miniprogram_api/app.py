"""`setup(app)`: the staff API under /api/v1 and its OpenAPI document."""

from __future__ import annotations

import json

from aiohttp import web

from miniprogram_api import (
    answers,
    callup,
    campaigns,
    credit,
    credit_export,
    fieldwork,
    items,
    lifecycle,
    login,
    major,
    notices,
    plans,
    publication,
    rectification,
    rosters,
)
from miniprogram_api.framework import PREFIX, Route, register
from miniprogram_api.openapi import document


def all_routes() -> list[Route]:
    """Every API route; the router, the document and the authorisation matrix read this."""
    return (login.routes() + fieldwork.routes() + rectification.routes() + rosters.routes()
            + items.routes() + plans.routes() + campaigns.routes() + lifecycle.routes()
            + callup.routes() + answers.routes() + notices.routes() + credit.routes()
            + publication.routes() + major.routes())


def setup(app: web.Application) -> None:
    routes = all_routes()
    register(app, routes)
    credit_export.setup(app)
    doc = document(routes)
    doc["paths"][credit_export.PATH] = credit_export.openapi_path()
    doc["components"]["securitySchemes"]["creditToken"] = {
        "type": "http", "scheme": "bearer", "description": "SUIJI_CREDIT_EXPORT_TOKEN"}
    body = json.dumps(doc)  # built once: the routes do not change while the app runs

    async def openapi_json(request: web.Request) -> web.Response:
        return web.Response(text=body, content_type="application/json")

    app.router.add_get(PREFIX + "/openapi.json", openapi_json, name="openapi")
