"""The web layer: a Flask app factory and one blueprint per area. It does no RDF work of its own:
it asks the core (`apwps`) and negotiates formats through `apwps.formats`."""

from __future__ import annotations

from flask import Flask

from apwps.catalogue import Catalogue
from apwps.config import Settings, load_settings
from apwps.stores.base import Store
from server.context import AppContext


def create_app(settings: Settings | None = None, *, store: Store | None = None) -> Flask:
    """Build the app for `settings` over `store` (opened from the settings when not given)."""
    settings = settings or load_settings()
    if store is None:
        from apwps.stores.open import open_store

        store = open_store(settings)
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = settings.max_request_bytes
    app.config["JSON_SORT_KEYS"] = False
    app.extensions["apwps"] = AppContext.create(
        settings, store, Catalogue(settings.root_path / "queries")
    )

    from server import (
        bodies,
        errors,
        home,
        openapi,
        queries,
        resources,
        security,
        sparql,
        validate,
        void,
    )
    from server import logging as request_logging

    request_logging.register(app)
    bodies.register(app, settings.upload_slots, settings.threads, settings.max_request_bytes)
    errors.register(app)
    security.register(app)
    app.register_blueprint(openapi.bp)
    for blueprint in (home.bp, sparql.bp, queries.bp, resources.bp, validate.bp, void.bp):
        app.register_blueprint(blueprint)
    from server import crosswalk, embed, lists, search, wps_index

    for blueprint in (search.bp, embed.bp, lists.bp, crosswalk.bp, wps_index.bp):
        app.register_blueprint(blueprint)
    return app
