"""For other websites: a card per resource to embed (`/embed/card`, a small page for an iframe, and
`/embed/card.json` for the `/embed.js` script that turns `<div data-apwps="IRI">` into cards), and
oEmbed (`/oembed`). Every answer here may be read cross-origin; only the card page may be framed
(`server.security.frameable`), every other page of the site refuses to be."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlencode, urlsplit

from flask import Blueprint, Response, jsonify, render_template, request
from werkzeug.exceptions import BadRequest, NotFound
from werkzeug.exceptions import NotImplemented as NotOffered

from apwps.cards import Card, read_card
from server.context import ctx
from server.pages import absolute, iri_for_path, langs, page_lang
from server.search import page_url
from server.security import frameable

bp = Blueprint("embed", __name__)

CARD_WIDTH = 480
CARD_HEIGHT = 280
SCRIPT = Path(__file__).parent / "static" / "embed" / "embed.js"
MAX_IRI_CHARS = 2000


def _cors(response: Response, max_age_s: int = 300) -> Response:
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Cache-Control"] = f"public, max-age={max_age_s}"
    response.headers["Vary"] = "Accept-Language"
    return response


def iri_from(value: str, name: str) -> str:
    """The IRI a parameter names: an IRI of the graph, or the URL of its page on this server."""
    if not value:
        raise BadRequest(f"missing parameter '{name}' (the IRI or page URL of a resource)")
    if len(value) > MAX_IRI_CHARS:
        raise BadRequest(f"parameter '{name}': at most {MAX_IRI_CHARS} characters")
    base = ctx().settings.base_iri
    if value.startswith(base):
        return value.split("#", 1)[0] if "/ontology#" not in value else value
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise BadRequest(f"parameter '{name}': {value!r} is not an http(s) IRI or URL")
    own = {urlsplit(absolute("/")).netloc, urlsplit(ctx().settings.public_url or "/").netloc}
    if parts.netloc in own and parts.path.startswith(("/id/", "/ontology")):
        path = parts.path
        last = path.rsplit("/", 1)[-1]
        if "." in last:  # a format-specific URL (`x.ttl`) stands for the resource itself
            path = path[: len(path) - len(last) + last.index(".")]
        return iri_for_path(path) + (f"#{parts.fragment}" if parts.fragment else "")
    return value


def _card(iri: str) -> Card:
    context = ctx()
    card = read_card(context.store, iri, context.settings.base_iri)
    if card is None:
        raise NotFound(f"the graph has nothing about {iri}")
    return card


def card_url(iri: str, endpoint: str = "/embed/card") -> str:
    reader = request.args.get("lang")
    query = {"iri": iri, **({"lang": reader} if reader else {})}
    return absolute(endpoint + "?" + urlencode(query))


@bp.get("/embed/card")
@frameable
def card_page() -> Response:
    iri = iri_from(request.args.get("iri", ""), "iri")
    card = _card(iri)
    reader = langs()
    body = render_template(
        "embed/card.html",
        card=card,
        reader=reader,
        page=page_url(iri),
        lang=page_lang([card.language(reader)]),
    )
    response = _cors(Response(body, mimetype="text/html"))
    response.headers["Content-Security-Policy"] = (
        "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; "
        "frame-ancestors *"
    )
    return response


@bp.get("/embed/card.json")
def card_json() -> Response:
    iri = iri_from(request.args.get("iri", ""), "iri")
    card = _card(iri)
    data = card.as_json(langs())
    data["page"] = page_url(iri)
    data["embed"] = card_url(iri)
    return _cors(jsonify(data))


@bp.get("/embed.js")
def script() -> Response:
    response = Response(SCRIPT.read_bytes(), content_type="text/javascript; charset=utf-8")
    return _cors(response, max_age_s=3600)


@bp.get("/oembed")
def oembed() -> Response:
    """oEmbed 1.0, type "rich": an iframe of the card (JSON only)."""
    fmt = request.args.get("format", "json")
    if fmt != "json":
        raise NotOffered(f"format {fmt!r} is not offered; this oEmbed endpoint answers json")
    iri = iri_from(request.args.get("url", ""), "url")
    card = _card(iri)
    width, height = CARD_WIDTH, CARD_HEIGHT
    for name in ("maxwidth", "maxheight"):
        text = request.args.get(name, "")
        if text and (not text.isdigit() or int(text) < 1):
            raise BadRequest(
                f"parameter '{name}': expected a whole number of pixels, found {text!r}"
            )
    if request.args.get("maxwidth"):
        width = min(width, int(request.args["maxwidth"]))
    if request.args.get("maxheight"):
        height = min(height, int(request.args["maxheight"]))
    src = card_url(iri)
    title = card.label(langs())
    html = render_template("embed/iframe.html", src=src, width=width, height=height, title=title)
    return _cors(
        jsonify(
            {
                "version": "1.0",
                "type": "rich",
                "title": title,
                "provider_name": "AP-WPS Knowledge Graph",
                "provider_url": absolute("/"),
                "cache_age": 3600,
                "html": html.strip(),
                "width": width,
                "height": height,
            }
        )
    )
