"""Opening the store the settings ask for."""

from __future__ import annotations

from collections.abc import Callable

from apwps.config import Settings
from apwps.errors import ConfigError
from apwps.stores.base import Store


def open_store(settings: Settings, log: Callable[[str], None] | None = None) -> Store:
    """The embedded store loaded from the (fresh or rebuilt) build, or the external engine."""
    if settings.store == "memory":
        from apwps.build import open_built
        from apwps.stores.memory import MemoryStore

        return MemoryStore(
            open_built(settings, log=log), processes=max(1, settings.threads), copy=False
        )
    if settings.store == "sparql":
        from apwps.stores.sparql import SparqlStore

        return SparqlStore(
            settings.sparql_query_url,
            graph_store_url=settings.sparql_graph_store_url,
            update_url=settings.sparql_update_url,
            timeout_s=settings.remote_timeout_s,
        )
    raise ConfigError(f"setting 'store' must be 'memory' or 'sparql', found {settings.store!r}")
