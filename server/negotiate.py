"""Choosing a response format from `Accept` (with q-values) or a `format` parameter, through the one
formats table in `apwps.formats`. Werkzeug parses the Accept header."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from flask import request
from werkzeug.datastructures import MIMEAccept
from werkzeug.exceptions import BadRequest, NotAcceptable
from werkzeug.http import parse_accept_header

from apwps import formats
from apwps.formats import Format

HTML = "text/html"
# Other names clients send in `format` (SPARQLWrapper sends `rdf+xml`, `json-ld`, and `xml` or `json`
# whatever the query form), looked up after the formats table's own names and media types.
ALIASES = {
    "rdf+xml": ("rdfxml",),
    "rdf": ("rdfxml",),
    "json-ld": ("jsonld",),
    "nt": ("ntriples",),
    "n-triples": ("ntriples",),
    "ttl": ("turtle",),
    "xml": ("xml", "rdfxml"),
    "json": ("json", "jsonld"),
    "srj": ("json",),
    "srx": ("xml",),
}


def format_parameter() -> str | None:
    """The `format` parameter, from the URL or a form body."""
    name = request.args.get("format")
    if (
        not name
        and request.method == "POST"
        and request.mimetype == "application/x-www-form-urlencoded"
    ):
        name = request.form.get("format")
    return name or None


def _named(name: str, offered: Sequence[Format], page: bool) -> Format | None:
    if page and name.lower() in ("html", HTML):
        return None
    candidates = [formats.BY_NAME.get(n) for n in ALIASES.get(name.lower(), ())]
    candidates += [formats.BY_NAME.get(name.lower()), formats.by_media_type(name)]
    fmt = next((c for c in candidates if c is not None and c in offered), None)
    if fmt is None:
        choices = [f.name for f in offered] + (["html"] if page else [])
        raise BadRequest(
            f"parameter 'format': {name!r} is not offered here; use one of {', '.join(choices)}"
        )
    return fmt


@lru_cache(maxsize=1024)
def _best(accept: str, offered: tuple[str, ...]) -> str | None:
    """The best of `offered` media types for an Accept header (clients send few distinct ones, and
    werkzeug's matching is the costliest step of a small query, so decisions are cached)."""
    if accept in offered:
        return accept
    best: str | None = parse_accept_header(accept, MIMEAccept).best_match(offered)
    return best


def choose_or_page(offered: Sequence[Format], *, default: Format | None = None) -> Format | None:
    """The best of `offered` for this request, or None when an HTML page suits it best.

    `format` wins over `Accept`; no `Accept` header gives `default` (or the first offered); 406 when
    nothing offered is acceptable, 400 for a `format` that is not offered.
    """
    name = format_parameter()
    if name:
        return _named(name, offered, page=True)
    accept = request.headers.get("Accept")
    if not accept:
        return default or offered[0]
    best = _best(accept, (*(m for f in offered for m in f.media_types), HTML))
    if best is None:
        raise NotAcceptable(
            "none of the formats this answer comes in is acceptable; offered: "
            + ", ".join([f.media_type for f in offered] + [HTML])
        )
    return None if best == HTML else formats.by_media_type(best)


def choose(offered: Sequence[Format], *, default: Format | None = None) -> Format:
    """The best of `offered` for this request (no HTML page); 406 or 400 as `choose_or_page`."""
    name = format_parameter()
    if name:
        fmt = _named(name, offered, page=False)
        assert fmt is not None
        return fmt
    accept = request.headers.get("Accept")
    if not accept:
        return default or offered[0]
    best = _best(accept, tuple(m for f in offered for m in f.media_types))
    if best is None:
        raise NotAcceptable(
            "none of the formats this answer comes in is acceptable; offered: "
            + ", ".join(f.media_type for f in offered)
        )
    chosen = formats.by_media_type(best)
    assert chosen is not None
    return chosen
