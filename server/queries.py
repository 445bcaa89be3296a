"""The named-query catalogue: `/queries` lists them, `/queries/<name>` runs one."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request

from apwps import formats
from apwps.results import serialize
from apwps.stores.base import GraphResult
from server.context import ctx
from server.negotiate import choose

bp = Blueprint("queries", __name__)


@bp.get("/queries")
def catalogue() -> Response:
    items = [
        {
            "name": q.name,
            "title": q.title,
            "description": q.description,
            "parameters": [
                {"name": p.name, "type": p.type, "description": p.description, "default": p.default,
                 "required": p.required}
                for p in q.parameters
            ],
            "url": f"/queries/{q.name}",
        }
        for q in ctx().catalogue
    ]
    response = jsonify({"queries": items})
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


@bp.get("/queries/<name>")
def run(name: str) -> Response:
    context = ctx()
    named = context.catalogue.get(name)
    values = {k: v for k, v in request.args.items() if k != "format"}
    result = context.store.query(
        named.text, bindings=named.bindings(values), max_rows=context.settings.max_result_rows
    )
    offered = formats.GRAPH_ANSWER_FORMATS if isinstance(result, GraphResult) else formats.RESULT_FORMATS
    fmt = choose(offered)
    response = Response(serialize(result, fmt), content_type=fmt.content_type)
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Vary"] = "Accept"
    response.headers["Cache-Control"] = "public, max-age=300"
    response.set_etag(f"{context.build_id}-{name}-{fmt.name}-{hash(frozenset(values.items()))}")
    return response.make_conditional(request)
