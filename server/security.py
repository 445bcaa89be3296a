"""Security headers on every answer, set in one place (an `after_request` hook).

Pages get a Content-Security-Policy that allows only this site's own scripts (no inline script, no
`eval`), styles from this site plus inline ones (the charts' SVG and the search box's suggestions
carry their own `<style>`), no plugins, and no framing. Other answers (JSON, RDF, SVG, text) get a
policy that lets them load nothing and be framed by no one. Every answer says `nosniff`, so a
browser never runs a data file as a script or a page.

A view marked `@frameable` (the embed card) may be framed by any site: it gets no `X-Frame-Options`,
and the policy it sets itself is kept (without one, it gets the policy for its media type with
`frame-ancestors *`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from flask import Flask, Response, current_app, request

PAGE_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
SVG_POLICY = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'"
DATA_POLICY = "default-src 'none'; frame-ancestors 'none'"
REFERRER_POLICY = "strict-origin-when-cross-origin"

View = TypeVar("View", bound=Callable[..., object])


def frameable(view: View) -> View:
    """Mark a view whose pages other sites may frame; it sets its own Content-Security-Policy."""
    view.apwps_frameable = True  # type: ignore[attr-defined]
    return view


def _is_frameable() -> bool:
    view = current_app.view_functions.get(request.endpoint or "")
    return bool(getattr(view, "apwps_frameable", False))


def policy_for(mimetype: str) -> str:
    """The Content-Security-Policy for an answer of this media type."""
    if mimetype in ("text/html", "application/xhtml+xml"):
        return PAGE_POLICY
    if mimetype == "image/svg+xml":
        return SVG_POLICY
    return DATA_POLICY


def secure(response: Response) -> Response:
    """Add the security headers to `response` (those a view set itself are kept)."""
    headers = response.headers
    headers["X-Content-Type-Options"] = "nosniff"
    headers.setdefault("Referrer-Policy", REFERRER_POLICY)
    if _is_frameable():
        if "Content-Security-Policy" not in headers:
            headers["Content-Security-Policy"] = policy_for(response.mimetype or "").replace(
                "frame-ancestors 'none'", "frame-ancestors *"
            )
        return response
    headers["X-Frame-Options"] = "DENY"
    policy = headers.get("Content-Security-Policy")
    if policy is None:
        headers["Content-Security-Policy"] = policy_for(response.mimetype or "")
    elif "frame-ancestors" not in policy:
        headers["Content-Security-Policy"] = policy.rstrip("; ") + "; frame-ancestors 'none'"
    return response


def register(app: Flask) -> None:
    app.after_request(secure)
