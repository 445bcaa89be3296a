"""The SPARQL 1.1 Protocol endpoint (read-only): queries by GET, POST form and POST direct; the
query page for browsers; the Service Description for RDF clients that send no query.

Every query passes the guard (`apwps.guard`), then runs in the store within the time limit and the
row limit; its answer is streamed in the negotiated format. All RDF work happens in the core.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Mapping, Sequence
from itertools import chain
from typing import Any

from flask import Blueprint, Response, render_template, request
from rdflib.term import Node
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import BadRequest, Forbidden, UnsupportedMediaType
from werkzeug.wrappers import Response as BaseResponse

from apwps import formats, guard
from apwps.formats import Format
from apwps.service import describe_service
from apwps.stores.base import Answer
from server.context import AppContext, ctx
from server.negotiate import choose_or_page

bp = Blueprint("sparql", __name__)

FORM = "application/x-www-form-urlencoded"
DIRECT = "application/sparql-query"
CORS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
    "Access-Control-Allow-Headers": "Accept, Content-Type, If-None-Match",
    "Access-Control-Expose-Headers": "APWPS-Truncated, APWPS-Result-Rows, APWPS-Row-Limit, ETag",
    "Access-Control-Max-Age": "86400",
}
_descriptions: dict[tuple[int, str, str], bytes] = {}  # per app, endpoint URL and format


def _parameters() -> MultiDict[str, str]:
    """The protocol's parameters for this request; 415 for a body the protocol does not define."""
    if request.method == "GET":
        return request.args
    if request.mimetype == FORM:
        merged: MultiDict[str, str] = MultiDict(request.args)
        for key, value in request.form.items(multi=True):
            merged.add(key, value)
        return merged
    if request.mimetype == DIRECT:
        merged = MultiDict(request.args)
        merged.add("query", request.get_data(as_text=True))
        return merged
    raise UnsupportedMediaType(
        f"a POST to /sparql carries {FORM} (with a 'query' parameter) or {DIRECT} (the query as "
        f"the body); this one carries {request.mimetype or 'no Content-Type'}"
    )


def cors(response: BaseResponse) -> Response:
    for name, value in CORS.items():
        response.headers.setdefault(name, value)
    return response  # type: ignore[return-value]  # a Flask response in every caller


def etag_for(context: AppContext, *parts: object) -> str:
    seed = "\x00".join([context.build_id, str(context.settings.max_result_rows), *map(str, parts)])
    return hashlib.sha256(seed.encode("utf-8")).hexdigest()[:32]


def _body(answer: Answer) -> Iterator[bytes]:
    try:
        yield from answer.chunks
    finally:
        answer.close()


def run_query(
    checked: guard.CheckedQuery,
    fmt: Format,
    *,
    bindings: Mapping[str, Node] | None = None,
    default_graphs: Sequence[str] | None = None,
    named_graphs: Sequence[str] | None = None,
    etag: str | None = None,
) -> Response:
    """Run a guarded query within the limits and stream its answer (shared with named queries)."""
    context = ctx()
    settings = context.settings
    answer = context.store.stream(
        checked,
        fmt,
        bindings=bindings,
        default_graphs=default_graphs,
        named_graphs=named_graphs,
        max_rows=settings.max_result_rows,
        time_limit_ms=settings.query_time_limit_ms,
    )
    try:
        first = next(answer.chunks, b"")
        second = next(answer.chunks, None)
    except BaseException:
        answer.close()
        raise
    body: Any = first if second is None else _body(_chained(answer, first, second))
    headers = [
        *CORS.items(),
        ("Vary", "Accept"),
        ("APWPS-Result-Rows", str(answer.head.rows)),
        ("APWPS-Row-Limit", str(settings.max_result_rows)),
    ]
    if answer.head.truncated:
        headers.append(("APWPS-Truncated", "true"))
    if etag is not None:
        headers += [("ETag", f'"{etag}"'), ("Cache-Control", "public, max-age=300")]
    return Response(body, content_type=fmt.content_type, headers=headers)


def _chained(answer: Answer, first: bytes, second: bytes) -> Answer:
    return Answer(answer.head, answer.format, chain([first, second], answer.chunks), answer.close)


def not_modified(etag: str) -> Response | None:
    """A 304 when the client holds this answer already (checked before running anything)."""
    if request.method == "GET" and etag in request.if_none_match:
        response = Response(status=304)
        response.set_etag(etag)
        response.headers["Vary"] = "Accept"
        response.headers["Cache-Control"] = "public, max-age=300"
        return cors(response)
    return None


def _page(query: str = "") -> Response:
    context = ctx()
    body = render_template(
        "sparql/query.html",
        query=query,
        queries=list(context.catalogue),
        named_json=json.dumps({q.name: q.text for q in context.catalogue}).replace("</", "<\\/"),
        settings=context.settings,
        base_iri=context.settings.base_iri,
        result_formats=formats.RESULT_FORMATS,
        graph_formats=formats.GRAPH_ANSWER_FORMATS,
    )
    response = Response(body, mimetype="text/html")
    response.headers["Vary"] = "Accept"
    return cors(response)


def _description() -> Response:
    fmt = choose_or_page(formats.GRAPH_ANSWER_FORMATS)
    if fmt is None:
        return _page()
    context = ctx()
    endpoint = (context.settings.public_url.rstrip("/") or request.url_root.rstrip("/")) + "/sparql"
    key = (id(context), endpoint, fmt.name)
    if key not in _descriptions:
        counts = context.store.counts()
        graph = describe_service(context.settings, endpoint, counts.per_graph, counts.union)
        _descriptions[key] = graph.serialize(format=fmt.rdflib_name, encoding="utf-8")
    response = Response(_descriptions[key], content_type=fmt.content_type)
    response.headers["Vary"] = "Accept"
    response.set_etag(etag_for(context, "service-description", endpoint, fmt.name))
    return cors(response.make_conditional(request))


@bp.route("/sparql", methods=["GET", "POST", "OPTIONS"], provide_automatic_options=False)
def endpoint() -> Response:
    if request.method == "OPTIONS":
        return cors(Response(status=204, headers={"Allow": "GET, POST, OPTIONS"}))
    params = _parameters()
    if "update" in params:
        raise Forbidden(
            "SPARQL Update is refused: this endpoint is read-only and answers queries only"
        )
    queries = params.getlist("query")
    if not queries:
        if request.method == "GET" and set(request.args) <= {"format"}:
            return _description()
        raise BadRequest("missing the 'query' parameter: give exactly one SPARQL query")
    if len(queries) > 1:
        raise BadRequest(f"{len(queries)} 'query' parameters: give exactly one SPARQL query")
    context = ctx()
    checked = guard.check(queries[0], max_query_bytes=context.settings.max_query_bytes)
    offered = formats.GRAPH_ANSWER_FORMATS if checked.kind == "graph" else formats.RESULT_FORMATS
    fmt = choose_or_page(offered)
    if fmt is None:
        if request.method == "GET":
            return _page(checked.text)
        fmt = offered[0]
    default_graphs = params.getlist("default-graph-uri")
    named_graphs = params.getlist("named-graph-uri")
    given = bool(default_graphs or named_graphs)
    etag = etag_for(context, checked.text, fmt.name, default_graphs, named_graphs)
    cached = not_modified(etag)
    if cached is not None:
        return cached
    return run_query(
        checked,
        fmt,
        default_graphs=default_graphs if given else None,
        named_graphs=named_graphs if given else None,
        etag=etag if request.method == "GET" else None,
    )
