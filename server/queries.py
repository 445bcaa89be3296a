"""The named-query catalogue: `/queries` lists them (from their `#+` headers), `/queries/<name>`
runs one, with its parameters bound as typed RDF terms (never pasted into the text)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify, render_template, request

from apwps import formats, guard
from apwps.catalogue import NamedQuery
from server.context import ctx
from server.negotiate import choose_or_page
from server.sparql import cors, etag_for, not_modified, run_query

bp = Blueprint("queries", __name__)


def _item(query: NamedQuery) -> dict[str, Any]:
    return {
        "name": query.name,
        "title": query.title,
        "description": query.description,
        "parameters": [
            {
                "name": p.name,
                "type": p.type,
                "description": p.description,
                "default": p.default,
                "required": p.required,
            }
            for p in query.parameters
        ],
        "tags": list(query.tags),
        "url": f"/queries/{query.name}",
        "text": query.text,
    }


def _wants_page() -> bool:
    accept = request.accept_mimetypes
    return (
        bool(request.headers.get("Accept"))
        and accept.best_match(["application/json", "text/html"]) == "text/html"
        and request.args.get("format") in (None, "html")
    )


@bp.get("/queries")
def catalogue() -> Response:
    context = ctx()
    if _wants_page():
        response = Response(
            render_template("queries/catalogue.html", queries=list(context.catalogue)),
            mimetype="text/html",
        )
    else:
        response = jsonify({"queries": [_item(q) for q in context.catalogue]})
    response.headers["Vary"] = "Accept"
    response.set_etag(etag_for(context, "catalogue", response.mimetype))
    response.headers["Cache-Control"] = "public, max-age=300"
    return cors(response.make_conditional(request))


@bp.get("/queries/<name>")
def run(name: str) -> Response:
    context = ctx()
    named = context.catalogue.get(name)
    values = {k: v for k, v in request.args.items() if k != "format"}
    bindings = named.bindings(values)
    checked = guard.check(named.text, max_query_bytes=0)
    offered = formats.GRAPH_ANSWER_FORMATS if checked.kind == "graph" else formats.RESULT_FORMATS
    fmt = choose_or_page(offered)
    if fmt is None:
        page = render_template(
            "queries/query.html",
            query=named,
            item=_item(named),
            values=values,
            base_iri=context.settings.base_iri,
            result_formats=formats.RESULT_FORMATS,
            graph_formats=formats.GRAPH_ANSWER_FORMATS,
            kind=checked.kind,
        )
        response = Response(page, mimetype="text/html")
        response.headers["Vary"] = "Accept"
        return cors(response)
    etag = etag_for(context, "named", name, sorted(values.items()), fmt.name)
    cached = not_modified(etag)
    if cached is not None:
        return cached
    return run_query(checked, fmt, bindings=bindings, etag=etag)
