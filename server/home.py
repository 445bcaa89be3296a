"""The home page: what the graph holds at a glance, and the way to everything else."""

from __future__ import annotations

import threading

from flask import Blueprint, current_app, render_template

from apwps.overview import Overview, overview
from server.context import ctx

bp = Blueprint("home", __name__)
_lock = threading.Lock()


def summary() -> Overview:
    """The overview of the graph, read once per process (the graph does not change while served)."""
    extensions = current_app.extensions
    if "apwps-overview" not in extensions:
        with _lock:
            if "apwps-overview" not in extensions:
                context = ctx()
                extensions["apwps-overview"] = overview(context.store, context.settings.base_iri)
    found: Overview = extensions["apwps-overview"]
    return found


@bp.get("/")
def index() -> str:
    return render_template("home.html", queries=list(ctx().catalogue), summary=summary())
