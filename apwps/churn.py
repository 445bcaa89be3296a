"""Keeping in-memory stores that triples are added to and removed from at a bounded size.

Validation adds each submitted entry to the curated graph and removes it afterwards; both stores
it uses kept something of every entry, so a serving process grew with every validation, without
end (issue #7: 6–8 MiB a minute under load).

- Oxigraph's in-memory store has no garbage collection yet: a removed quad stays in memory, and
  each time the same quad is added and removed again its version list grows (and reading it gets
  slower). `Churn` counts the quads removed and, once they outnumber the live ones (or `floor`,
  for small stores), copies the live quads into a fresh store: the dead ones then never take more
  room than the live.
- rdflib's `Memory` store removes a triple from its three indexes but keeps the emptied entries of
  its subject, predicate and object. A blank node is new in every parsed entry, so a few hundred
  bytes per blank node stayed for ever. `PruningMemory` drops the emptied entries.
"""

from __future__ import annotations

import os
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pyoxigraph as ox
from rdflib.plugins.stores.memory import Memory

FLOOR_QUADS = 10_000  # a store this small is copied only after this many removals

_copier: tuple[int, ThreadPoolExecutor] | None = None  # (process, its copying thread)
_copier_lock = threading.Lock()


class Churn:
    """The removals from one store since it was last copied (not thread-safe: use under a lock)."""

    def __init__(self, store: ox.Store, floor: int = FLOOR_QUADS) -> None:
        self.floor = floor
        self.live = len(store)
        self.removed = 0
        self.copies = 0

    def count(self, removed: int) -> None:
        """`removed` quads were taken out of the store (or added back after being taken out)."""
        self.removed += removed

    def compacted(self, store: ox.Store) -> ox.Store:
        """`store` itself, or a fresh store with only its live quads once more were removed from it
        than it holds (blank nodes keep their identifiers)."""
        if self.removed <= max(self.live, self.floor):
            return store
        fresh = _copied(store)
        self.live = len(fresh)
        self.removed = 0
        self.copies += 1
        return fresh


def _copied(store: ox.Store) -> ox.Store:
    """A copy of `store`'s live quads, made on this process's one copying thread.

    glibc's malloc gives each thread an arena of its own: copies made on whichever thread happened
    to validate were each allocated in another arena, while the copy they replaced went back to
    its own, so the resident memory grew by about a store at each copy for many copies (with 4
    threads: faster than the dead quads it freed). Copies made on one thread reuse the memory of
    the one before."""
    global _copier
    with _copier_lock:
        if _copier is None or _copier[0] != os.getpid():  # a thread does not survive a fork
            _copier = (os.getpid(), ThreadPoolExecutor(1, thread_name_prefix="apwps-copier"))
        copier = _copier[1]
    return copier.submit(_copy, store).result()


def _copy(store: ox.Store) -> ox.Store:
    fresh = ox.Store()
    fresh.bulk_extend(store)
    return fresh


class PruningMemory(Memory):
    """rdflib's in-memory store, without the leftovers of removed triples."""

    def remove(self, triple_pattern: Any, context: Any = None) -> None:
        removed = [triple for triple, _contexts in self.triples(triple_pattern, context=context)]
        super().remove(triple_pattern, context)
        indexes = [getattr(self, f"_Memory__{name}", None) for name in ("spo", "pos", "osp")]
        if not all(isinstance(index, dict) for index in indexes):
            return  # an rdflib whose store is laid out otherwise: nothing known to prune
        spo, pos, osp = indexes
        for s, p, o in removed:
            _prune(spo, s, p)  # type: ignore[arg-type]
            _prune(pos, p, o)  # type: ignore[arg-type]
            _prune(osp, o, s)  # type: ignore[arg-type]


def _prune(index: dict[Any, dict[Any, dict[Any, int]]], first: Any, second: Any) -> None:
    """Drop `index[first][second]` if empty, then `index[first]` if empty."""
    inner = index.get(first)
    if inner is None:
        return
    if second in inner and not inner[second]:
        del inner[second]
    if not inner:
        del index[first]
