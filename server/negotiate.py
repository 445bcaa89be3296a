"""Choosing a response format from `Accept` (with q-values) or a `format` parameter, through the one
formats table in `apwps.formats`."""

from __future__ import annotations

from collections.abc import Sequence

from flask import request
from werkzeug.exceptions import BadRequest, NotAcceptable

from apwps import formats
from apwps.formats import Format


def choose(offered: Sequence[Format], *, default: Format | None = None) -> Format:
    """The best of `offered` for this request; 406 when none is acceptable, 400 for a bad `format`."""
    name = request.args.get("format")
    if not name and request.method == "POST" and request.mimetype == "application/x-www-form-urlencoded":
        name = request.form.get("format")
    if name:
        try:
            fmt = formats.by_name(name)
        except KeyError:
            fmt = formats.by_media_type(name)  # type: ignore[assignment]
        if fmt is None or fmt not in offered:
            raise BadRequest(
                f"parameter 'format': {name!r} is not offered here; "
                f"use one of {', '.join(f.name for f in offered)}"
            )
        return fmt
    accept = request.accept_mimetypes
    if not accept or not request.headers.get("Accept"):
        return default or offered[0]
    media_types = [m for f in offered for m in f.media_types]
    best = accept.best_match(media_types)
    if best is None:
        raise NotAcceptable(
            "none of the formats this answer comes in is acceptable; offered: "
            + ", ".join(f.media_type for f in offered)
        )
    chosen = formats.by_media_type(best)
    assert chosen is not None
    return chosen
