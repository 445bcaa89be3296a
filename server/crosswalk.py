"""`/crosswalk`: the WPS Index indicators against the atrocity risk factors and indicators they
parallel, as a matrix (HTML) or as JSON; read from the graph by `apwps.crosswalk`."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify, render_template, request
from werkzeug.exceptions import BadRequest

from apwps.crosswalk import Crosswalk, read_crosswalk
from server.context import ctx
from server.pages import langs, page_lang
from server.search import page_url

bp = Blueprint("crosswalk", __name__)


def as_json(crosswalk: Crosswalk, reader: list[str]) -> dict[str, Any]:
    def term(iri: str) -> dict[str, str]:
        found = crosswalk.terms.get(iri)
        label = found.label(reader) if found else iri
        return {
            "iri": iri,
            "label": label,
            "notation": found.notation if found else "",
            "url": page_url(iri),
        }

    return {
        "rows": [term(r.iri) for r in crosswalk.rows],
        "columns": [{**term(c.iri), "risk_factor": c.group or c.iri} for c in crosswalk.columns],
        "themes": [term(t.iri) for t in crosswalk.themes],
        "cells": [
            {
                "wps_indicator": row.iri,
                "risk_indicator": column.iri,
                "themes": [t.iri for t in crosswalk.cells.get((row.iri, column.iri), [])],
                "direct": (row.iri, column.iri) in crosswalk.direct,
            }
            for row in crosswalk.rows
            for column in crosswalk.columns
            if crosswalk.marked(row.iri, column.iri)
        ],
        "gaps": [
            {
                **term(g.iri),
                "risk_indicators": sorted(r for (p, r) in crosswalk.gap_cells if p == g.iri),
            }
            for g in crosswalk.gaps
        ],
    }


@bp.get("/crosswalk")
def page() -> Response:
    crosswalk = read_crosswalk(ctx().store)
    reader = langs()
    fmt = request.args.get("format", "")
    if fmt not in ("", "html", "json"):
        raise BadRequest(f"parameter 'format': {fmt!r} is not offered here; use json or html")
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    if fmt == "json" or (not fmt and best == "application/json"):
        response = jsonify(as_json(crosswalk, reader))
        response.headers["Access-Control-Allow-Origin"] = "*"
    else:
        theme_index = {t.iri: i + 1 for i, t in enumerate(crosswalk.themes)}
        body = render_template(
            "crosswalk/page.html",
            cw=crosswalk,
            reader=reader,
            theme_index=theme_index,
            lang=page_lang(["en"]),
        )
        response = Response(body, mimetype="text/html")
    response.headers["Vary"] = "Accept, Accept-Language"
    response.headers["Cache-Control"] = "public, max-age=300"
    return response
