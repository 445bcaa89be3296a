"""Issue #7: a named query stopped at the time limit (503) right after start-up.

Oxigraph locks each quad while reading it. A worker forked from the serving process while another
of its threads was inside a query inherited that lock taken, and hung on the first query that read
the quad. Most workers are forked at start-up, by the first queries, while pages and searches query
the store in the serving process. Workers now come from a template process forked with the pool,
before other threads use the store; these tests fork many workers while other threads read it.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pyoxigraph as ox
import pytest

from apwps.errors import QueryTimeout
from apwps.executor import Emit, Pool

SCAN = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
# Two subjects with 10 000 triples each, each with its own predicate: this pattern makes Oxigraph
# lock and check all 10 000 triples of one subject and answer none, so a reading thread holds one
# lock or another much of the time, as a scan over many pages does in the server.
MISS = "SELECT ?o WHERE { <http://e/s0> <http://p/1> ?o }"
QUADS = 20_000
ROUNDS = 10
SIZE = 8  # workers per pool: each round forks this many while the store is being read
LIMIT_MS = 10_000  # an answer takes milliseconds; a hung worker takes the whole limit


def _store() -> ox.Store:
    store = ox.Store()
    triples = "".join(f'<http://e/s{i % 2}> <http://p/{i % 2}> "{i}" .\n' for i in range(QUADS))
    store.bulk_load(triples.encode(), format=ox.RdfFormat.N_TRIPLES)
    return store


def _task(store: ox.Store) -> Any:
    def task(job: Any, emit: Emit) -> bool:
        if job == "spin":
            while True:
                pass
        solutions: Any = store.query(SCAN)
        count = next(iter(solutions))["n"].value
        emit("whole", ({"pid": os.getpid()}, count.encode()))
        return True

    return task


@contextmanager
def readers(store: ox.Store, count: int) -> Iterator[None]:
    """Threads of this process reading the store in a loop, as the server's pages do."""
    stop = threading.Event()
    reading = threading.Barrier(count + 1)

    def read() -> None:
        list(store.query(MISS))  # type: ignore[arg-type]  # a SELECT
        reading.wait()
        while not stop.is_set():
            list(store.query(MISS))  # type: ignore[arg-type]  # a SELECT

    threads = [threading.Thread(target=read, daemon=True) for _ in range(count)]
    for thread in threads:
        thread.start()
    reading.wait(timeout=30)  # every reader is reading
    try:
        yield
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=30)


def _at_once(pool: Pool, threads: int) -> list[bytes | BaseException]:
    """`threads` first queries fired at the same moment; each one's answer or error."""
    barrier = threading.Barrier(threads)
    answers: list[bytes | BaseException] = []

    def ask() -> None:
        barrier.wait()
        try:
            execution = pool.run("scan", limit_ms=LIMIT_MS)
            answers.append(b"".join(execution.chunks()))
        except BaseException as exc:  # kept for the assertion
            answers.append(exc)

    workers = [threading.Thread(target=ask) for _ in range(threads)]
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join(timeout=LIMIT_MS / 1000 + 30)
    return answers


def test_first_queries_at_once_while_the_store_is_read() -> None:
    """Issue #7: every first query of a fresh pool is answered, rounds after rounds."""
    for round_ in range(ROUNDS):
        store = _store()
        pool = Pool(_task(store), SIZE)  # made with the store, before threads share it
        try:
            with readers(store, 2):
                answers = _at_once(pool, SIZE * 2)
        finally:
            pool.close()
        assert answers == [str(QUADS).encode()] * (SIZE * 2), f"round {round_}: {answers}"


def test_workers_forked_later_while_the_store_is_read() -> None:
    """Workers killed at the time limit are replaced while the serving process reads the store;
    the replacements answer too."""
    store = _store()
    pool = Pool(_task(store), 2)
    try:
        with readers(store, 2):
            pids = set()
            for _ in range(12):
                with pytest.raises(QueryTimeout):
                    pool.run("spin", limit_ms=100)  # its worker is killed: the next is forked
                execution = pool.run("scan", limit_ms=LIMIT_MS)
                assert b"".join(execution.chunks()) == str(QUADS).encode()
                pids.add(execution.head["pid"])
        assert len(pids) >= 6  # fresh workers, forked while the store was being read
    finally:
        pool.close()
