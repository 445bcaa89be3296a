"""Views of the graph that are read once per store and kept while the store lives.

The served graph does not change under a running server (it is rebuilt and the server restarted), so
views that scan much of it (the search index, the crosswalk, the WPS Index tables) are computed on
first use, once per store, and shared by every request and thread.
"""

from __future__ import annotations

import functools
import threading
import weakref
from collections.abc import Callable
from typing import TypeVar

from apwps.stores.base import Store

T = TypeVar("T")


def per_store(function: Callable[[Store], T]) -> Callable[[Store], T]:
    """`function(store)` computed once per store (thread-safe), forgotten with the store."""
    results: weakref.WeakKeyDictionary[Store, T] = weakref.WeakKeyDictionary()
    lock = threading.Lock()

    @functools.wraps(function)
    def cached(store: Store) -> T:
        with lock:
            if store not in results:
                results[store] = function(store)
            return results[store]

    return cached
