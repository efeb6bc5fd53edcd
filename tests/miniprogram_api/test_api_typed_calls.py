"""Every handler declares the body and query it gets (`Call[Body, Query]`), and the declaration is
the route's: the type checker then checks each handler's use of `call.body` and `call.query`."""

from __future__ import annotations

import typing

from miniprogram_api.app import all_routes
from miniprogram_api.framework import Call


def test_each_handler_declares_its_routes_models() -> None:
    wrong = []
    for route in all_routes():
        hints = typing.get_type_hints(route.handler)
        declared = hints.get("call")
        if typing.get_origin(declared) is not Call:
            wrong.append(f"{route.operation_id}: {declared!r} is not Call[Body, Query]")
            continue
        body, query = typing.get_args(declared)
        expected_query: object = type(None) if route.query is None else route.query
        # A handler shared by routes with and without a query declares `Query | None`.
        if query != expected_query and expected_query not in typing.get_args(query):
            wrong.append(f"{route.operation_id}: query {query!r}, route has {route.query!r}")
        if body != (type(None) if route.body is None else route.body):
            wrong.append(f"{route.operation_id}: body {body!r}, route has {route.body!r}")
    assert wrong == []
