"""What every request needs: the settings, the store, the query catalogue, and the build's identity
(for ETags)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from flask import current_app

from apwps.catalogue import Catalogue
from apwps.config import Settings
from apwps.stores.base import Store


@dataclass
class AppContext:
    settings: Settings
    store: Store
    catalogue: Catalogue
    build_id: str

    @classmethod
    def create(cls, settings: Settings, store: Store, catalogue: Catalogue) -> AppContext:
        manifest = settings.dist_path / "manifest.json"
        try:
            inputs = json.loads(manifest.read_text(encoding="utf-8")).get("inputs", {})
            seed = json.dumps(inputs, sort_keys=True)
        except (OSError, ValueError):
            seed = store.description
        build_id = hashlib.sha256(seed.encode("utf-8")).hexdigest()[:16]
        return cls(settings, store, catalogue, build_id)


def ctx() -> AppContext:
    """The context of the app serving the current request."""
    context: AppContext = current_app.extensions["apwps"]
    return context
