"""`/search?q=`: labels and alternative labels, as a page for people and as JSON for scripts (the
autocomplete on every page's search box uses the JSON). The matching is done by `apwps.search`."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify, render_template, request
from werkzeug.exceptions import BadRequest

from apwps.search import Hit, SearchIndex, index_for, with_descriptions
from server.context import ctx
from server.pages import LANGUAGES, absolute, href, langs, page_lang

bp = Blueprint("search", __name__)

MAX_QUERY_CHARS = 200
DESCRIPTION_CHARS = 200


def page_url(iri: str) -> str:
    """An absolute URL of the page for `iri` (its own IRI when it is not served here)."""
    target = href(iri)
    return absolute(target) if target.startswith("/") else target


def _index() -> SearchIndex:
    """The index, built by the first search of this process (not at start: over a large external
    engine that takes a while, and a process that never searches never pays for it)."""
    context = ctx()
    settings = context.settings
    return index_for(context.store, settings.base_iri, settings.search_index_max_names)


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
    index = _index() if query or not as_json else None
    hits = index.search(query, reader, limit) if index is not None and query else []
    hits = with_descriptions(ctx().store, hits)
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
            size=len(index) if index is not None else 0,
            complete=index is None or index.complete,
        )
        response = Response(body, mimetype="text/html")
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Vary"] = "Accept, Accept-Language"
    response.headers["Cache-Control"] = "public, max-age=300"
    return response
