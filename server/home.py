"""The home page."""

from __future__ import annotations

from flask import Blueprint, render_template

from server.context import ctx

bp = Blueprint("home", __name__)


@bp.get("/")
def index() -> str:
    return render_template("home.html", queries=list(ctx().catalogue))
