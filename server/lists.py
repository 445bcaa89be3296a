"""`/lists/<name>.jsonld`: stable JSON-LD lists for websites (every resource on a topic, every
framework, …), built by `apwps.lists`; `/lists` names them. Readable from any origin."""

from __future__ import annotations

import hashlib
import json
from urllib.parse import urlencode

from flask import Blueprint, Response, request
from werkzeug.exceptions import BadRequest, NotFound

from apwps.lists import LISTS, get_spec, item_list
from server.context import ctx
from server.pages import absolute, langs
from server.search import page_url

bp = Blueprint("lists", __name__)

MEDIA_TYPE = "application/ld+json"


def _answer(document: object, etag_seed: str) -> Response:
    response = Response(
        json.dumps(document, ensure_ascii=False, indent=1),
        content_type=f"{MEDIA_TYPE}; charset=utf-8",
    )
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Cache-Control"] = "public, max-age=300"
    response.headers["Vary"] = "Accept-Language"
    seed = f"{ctx().build_id}|{etag_seed}|{','.join(langs())}"
    response.set_etag(hashlib.sha256(seed.encode("utf-8")).hexdigest()[:24])
    response.make_conditional(request)
    return response


@bp.get("/lists")
@bp.get("/lists.jsonld")
def catalogue() -> Response:
    document = {
        "@context": {"@vocab": "https://schema.org/"},
        "@id": absolute("/lists"),
        "@type": "ItemList",
        "name": "Lists of the AP-WPS Knowledge Graph",
        "numberOfItems": len(LISTS),
        "itemListElement": [
            {
                "@type": "ListItem",
                "position": position,
                "item": {
                    "@id": absolute(f"/lists/{spec.name}.jsonld"),
                    "name": spec.title,
                    "description": spec.description,
                },
            }
            for position, spec in enumerate(LISTS.values(), start=1)
        ],
    }
    return _answer(document, "catalogue")


@bp.get("/lists/<name>")
@bp.get("/lists/<name>.jsonld")
def one(name: str) -> Response:
    if name not in LISTS:
        raise NotFound(f"no list {name!r}; lists: {', '.join(sorted(LISTS))}")
    spec = get_spec(name)
    subject = request.args.get("subject", "").strip() or None
    if subject is not None and not subject.startswith(("http://", "https://")):
        raise BadRequest(f"parameter 'subject': expected the IRI of a concept, found {subject!r}")
    query = {"subject": subject} if subject else {}
    list_url = absolute(f"/lists/{spec.name}.jsonld" + (f"?{urlencode(query)}" if query else ""))
    document = item_list(
        ctx().store, spec.name, list_url=list_url, page_url=page_url, subject=subject, langs=langs()
    )
    return _answer(document, f"{spec.name}|{subject or ''}")
