"""What every page needs: where an IRI is served (its local path), which languages the reader asked for,
and the helpers templates call (`href`, `label`). Registered on the app by the resources blueprint."""

from __future__ import annotations

from collections.abc import Sequence

from flask import request
from rdflib.term import Node

from server.context import ctx

# Languages the graph's labels come in, offered by the language switch, in fallback order.
LANGUAGES: dict[str, str] = {"en": "English", "nb": "Norsk bokmål"}


def base_iri() -> str:
    return ctx().settings.base_iri


def href(iri: str | Node) -> str:
    """Where a reader follows an IRI: IRIs under `base_iri` map to this server's own paths (or to
    `public_url`), any other IRI stays as it is."""
    text = str(iri)
    base = base_iri()
    if not text.startswith(base):
        return text
    rest = text[len(base):]
    public = ctx().settings.public_url
    return f"{public.rstrip('/')}/{rest}" if public else f"/{rest}"


def iri_for_path(path: str) -> str:
    """The IRI a local path (`id/crimes/genocide`, without the leading slash) stands for."""
    return base_iri() + path.lstrip("/")


def absolute(path: str) -> str:
    """An absolute URL for a local path: under `public_url` when set, else this request's host."""
    public = ctx().settings.public_url
    root = public.rstrip("/") if public else request.host_url.rstrip("/")
    return root + "/" + path.lstrip("/")


def langs() -> list[str]:
    """The reader's languages, best first: `?lang=` wins, then `Accept-Language`, then English."""
    chosen = request.args.get("lang", "")
    found: list[str] = [chosen] if chosen in LANGUAGES else []
    for tag, quality in request.accept_languages:
        primary = tag.split("-")[0].lower()
        if primary in ("no", "nn"):  # Norwegian readers are served bokmål
            primary = "nb"
        if quality > 0 and primary not in found and primary != "*":
            found.append(primary)
    return [*found, "en"] if "en" not in found else found


def page_lang(available: Sequence[str] = ()) -> str:
    """The language a page is written in: the reader's first language that the labels have."""
    for lang in langs():
        if lang in available or lang == "en":
            return lang
    return "en"
