"""`setup(app)`: the staff API under /api/v1 and its OpenAPI document."""

from __future__ import annotations

import json
from typing import Any

from aiohttp import web

from miniprogram_api import (
    answers,
    audit,
    calendar,
    callup,
    campaign_wizard,
    campaigns,
    credit,
    credit_export,
    fieldwork,
    items,
    lifecycle,
    login,
    major,
    notices,
    oversight,
    plans,
    publication,
    rectification,
    reviews,
    rosters,
    webauth,
)
from miniprogram_api.framework import PREFIX, Route, register
from miniprogram_api.openapi import document


def all_routes() -> list[Route]:
    """Every API route; the router, the document and the authorisation matrix read this."""
    return (login.routes() + webauth.routes() + fieldwork.routes() + rectification.routes() + rosters.routes()
            + items.routes() + plans.routes() + campaign_wizard.routes() + campaigns.routes()
            + lifecycle.routes()
            + callup.routes() + answers.routes() + notices.routes() + credit.routes()
            + publication.routes() + major.routes() + calendar.routes() + oversight.routes()
            + audit.routes() + reviews.routes())


def openapi_document() -> dict[str, Any]:
    """The document served at /api/v1/openapi.json (the staff app's types are generated from it)."""
    doc = document(all_routes())
    doc["paths"][credit_export.PATH] = credit_export.openapi_path()
    doc["components"]["securitySchemes"]["creditToken"] = {
        "type": "http", "scheme": "bearer", "description": "SUIJI_CREDIT_EXPORT_TOKEN"}
    return doc


def setup(app: web.Application) -> None:
    register(app, all_routes())
    credit_export.setup(app)
    body = json.dumps(openapi_document())  # built once: the routes do not change while the app runs

    async def openapi_json(request: web.Request) -> web.Response:
        return web.Response(text=body, content_type="application/json")

    app.router.add_get(PREFIX + "/openapi.json", openapi_json, name="openapi")
