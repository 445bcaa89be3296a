"""The SPARQL 1.1 Protocol endpoint (read-only)."""

from __future__ import annotations

from flask import Blueprint, Response, request
from werkzeug.exceptions import BadRequest

from apwps import formats
from apwps.results import serialize
from apwps.stores.base import GraphResult
from server.context import ctx
from server.negotiate import choose

bp = Blueprint("sparql", __name__)


def _query_text() -> str:
    if request.method == "GET":
        queries = request.args.getlist("query")
    elif request.mimetype == "application/sparql-query":
        queries = [request.get_data(as_text=True)]
    else:
        queries = request.form.getlist("query")
    if len(queries) != 1:
        raise BadRequest("give exactly one 'query' parameter" if queries else "missing 'query' parameter")
    return queries[0]


@bp.route("/sparql", methods=["GET", "POST"])
def endpoint() -> Response:
    context = ctx()
    text = _query_text()
    result = context.store.query(text, max_rows=context.settings.max_result_rows)
    if isinstance(result, GraphResult):
        fmt = choose(formats.GRAPH_ANSWER_FORMATS)
    else:
        fmt = choose(formats.RESULT_FORMATS)
    response = Response(serialize(result, fmt), content_type=fmt.content_type)
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Vary"] = "Accept"
    if result.truncated:
        response.headers["APWPS-Truncated"] = str(context.settings.max_result_rows)
    return response
