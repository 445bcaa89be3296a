"""`/search?q=`: labels and alternative labels, as a page for people and as JSON for scripts (the
autocomplete on every page's search box uses the JSON). The matching is done by `apwps.search`."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify, render_template, request
from flask.blueprints import BlueprintSetupState
from werkzeug.exceptions import BadRequest

from apwps.errors import ApwpsError
from apwps.search import Hit, SearchIndex, index_for
from server.context import AppContext, ctx
from server.pages import LANGUAGES, absolute, href, langs, page_lang

bp = Blueprint("search", __name__)

MAX_QUERY_CHARS = 200
DESCRIPTION_CHARS = 200


@bp.record_once
def _warm(state: BlueprintSetupState) -> None:
    """Build the index while the app is created, before server processes fork and share it."""
    context: AppContext = state.app.extensions["apwps"]
    try:
        index_for(context.store, context.settings.base_iri)
    except ApwpsError as exc:  # a remote store not up yet: build on first search instead
        state.app.logger.warning("search index not built at start: %s", exc)


def page_url(iri: str) -> str:
    """An absolute URL of the page for `iri` (its own IRI when it is not served here)."""
    target = href(iri)
    return absolute(target) if target.startswith("/") else target


def _index() -> SearchIndex:
    context = ctx()
    return index_for(context.store, context.settings.base_iri)


def _limit() -> int:
    most = ctx().settings.search_max_results
    text = request.args.get("limit", "")
    if not text:
        return most
    if not text.isdigit() or int(text) < 1:
        raise BadRequest(f"parameter 'limit': expected a whole number from 1, found {text!r}")
    return min(int(text), most)


def _wants_json() -> bool:
    chosen = request.args.get("format", "")
    if chosen:
        if chosen not in ("json", "html"):
            raise BadRequest(
                f"parameter 'format': {chosen!r} is not offered here; use json or html"
            )
        return chosen == "json"
    if request.path.endswith(".json"):
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json"


def hit_json(hit: Hit, reader: list[str]) -> dict[str, Any]:
    description = hit.entry.description(reader)
    if len(description) > DESCRIPTION_CHARS:
        description = description[: DESCRIPTION_CHARS - 1].rsplit(" ", 1)[0] + "…"
    return {
        "iri": hit.iri,
        "label": hit.label,
        "lang": hit.lang,
        "matched": hit.matched,
        "matched_lang": hit.matched_lang,
        "match": hit.match,
        "kind": hit.entry.kind,
        "description": description,
        "url": page_url(hit.iri),
    }


@bp.get("/search")
@bp.get("/search.json")
def search() -> Response | str:
    query = request.args.get("q", "").strip()
    if len(query) > MAX_QUERY_CHARS:
        raise BadRequest(f"parameter 'q': at most {MAX_QUERY_CHARS} characters, found {len(query)}")
    reader = langs()
    limit = _limit()
    as_json = _wants_json()
    hits = _index().search(query, reader, limit) if query else []
    if as_json:
        response = jsonify(
            {
                "query": query,
                "languages": reader,
                "count": len(hits),
                "results": [hit_json(h, reader) for h in hits],
            }
        )
    else:
        body = render_template(
            "search/page.html",
            query=query,
            hits=hits,
            limit=limit,
            reader=reader,
            lang=page_lang(list(LANGUAGES)),
            languages=LANGUAGES,
            size=len(_index()),
        )
        response = Response(body, mimetype="text/html")
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Vary"] = "Accept, Accept-Language"
    response.headers["Cache-Control"] = "public, max-age=300"
    return response
