"""Views of the graph that are read once per store and kept while the store lives.

The served graph does not change under a running server (it is rebuilt and the server restarted), so
views that scan much of it (the search index, the crosswalk, the WPS Index tables) are computed on
first use, once per store, and shared by every request and thread.
"""

from __future__ import annotations

import functools
import threading
import time
import weakref
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

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


K = TypeVar("K", bound=Hashable)


class _Entry(Generic[T]):
    """One computed value (or the failure to compute it), with the lock its callers wait on."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.done = False
        self.value: T | None = None
        self.error: Exception | None = None
        self.failed_at = 0.0

    def stale(self, retry_s: float) -> bool:
        return self.error is not None and time.monotonic() - self.failed_at > retry_s

    def get(self, compute: Callable[[], T]) -> T:
        with self.lock:
            if self.error is not None:
                raise self.error.with_traceback(None)
            if not self.done:
                try:
                    self.value = compute()
                except Exception as exc:
                    self.error, self.failed_at = exc, time.monotonic()
                    raise
                self.done = True
            return self.value  # type: ignore[return-value]


def per_store_key(
    function: Callable[[Store, K], T],
    *,
    max_keys: int = 16,
    retry_s: float = 60.0,
    weight: Callable[[T], int] | None = None,
    max_weight: int = 0,
) -> Callable[[Store, K], T]:
    """`function(store, key)` computed once per store and key (callers that arrive together wait
    for one computation), keeping the `max_keys` keys of each store used last and, with `weight`,
    at most `max_weight` in all (the value just computed is kept even if it weighs more alone).
    A failure is remembered and raised again for `retry_s` seconds, so a struggling engine is not
    asked again by every request."""
    tables: weakref.WeakKeyDictionary[Store, OrderedDict[K, _Entry[T]]] = (
        weakref.WeakKeyDictionary()
    )
    lock = threading.Lock()

    def weighed(entry: _Entry[T]) -> int:
        return weight(entry.value) if weight and entry.done and entry.value is not None else 0

    @functools.wraps(function)
    def cached(store: Store, key: K) -> T:
        with lock:
            table = tables.get(store)
            if table is None:
                table = tables[store] = OrderedDict()
            entry = table.get(key)
            if entry is None or entry.stale(retry_s):
                entry = table[key] = _Entry()
            table.move_to_end(key)
            while len(table) > max_keys:
                table.popitem(last=False)
        value = entry.get(lambda: function(store, key))
        if weight is not None:
            with lock:
                total = sum(weighed(e) for e in table.values())
                for older in [k for k in table if k != key]:
                    if total <= max_weight:
                        break
                    total -= weighed(table.pop(older))
        return value

    return cached
