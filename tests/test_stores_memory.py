"""The embedded store's own guarantees: the union default graph is a set, the source store is left
alone, and streamed answers equal materialised ones."""

from __future__ import annotations

from typing import Any

import pyoxigraph as ox

from apwps.formats import BY_NAME
from apwps.guard import check
from apwps.stores.base import SelectResult
from apwps.stores.memory import MemoryStore


def _source() -> ox.Store:
    source = ox.Store()
    for graph in ("http://g/1", "http://g/2"):
        source.add(
            ox.Quad(
                ox.NamedNode("http://a"),
                ox.NamedNode("http://p"),
                ox.Literal("x"),
                ox.NamedNode(graph),
            )
        )
    source.add(
        ox.Quad(
            ox.NamedNode("http://b"),
            ox.NamedNode("http://p"),
            ox.Literal("y"),
            ox.NamedNode("http://g/2"),
        )
    )
    return source


def test_union_is_a_set_and_the_source_is_untouched() -> None:
    source = _source()
    store = MemoryStore(source)
    result = store.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    assert isinstance(result, SelectResult)
    assert int(result.rows[0]["n"]) == 2  # type: ignore[call-overload]
    assert len(source) == 3
    assert store.counts().per_graph == {"http://g/1": 1, "http://g/2": 2}


def test_streamed_answer_matches_the_materialised_one() -> None:
    store = MemoryStore(_source(), processes=1)
    text = "SELECT ?s ?o WHERE { ?s ?p ?o } ORDER BY ?s"
    answer = store.stream(
        check(text, max_query_bytes=0), BY_NAME["json"], max_rows=1, time_limit_ms=5000
    )
    parsed: Any = ox.parse_query_results(b"".join(answer.chunks), format=ox.QueryResultsFormat.JSON)
    assert [str(s["s"]) for s in parsed] == ["<http://a>"]
    assert answer.head.truncated and answer.head.rows == 1
    store.close()


def test_load_nquads_rebuilds_the_union() -> None:
    store = MemoryStore()
    store.load_nquads(
        b'<http://a> <http://p> "x" <http://g/1> .\n<http://a> <http://p> "x" <http://g/2> .\n'
    )
    assert store.counts().union == 1
    assert len(store.counts().per_graph) == 2
