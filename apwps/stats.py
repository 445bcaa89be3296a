"""Counts that say what the graph holds: triples asserted and inferred, entities per class, entries
per collection."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from apwps.config import Settings
from apwps.load import INFERRED_GRAPH, discover
from apwps.stores.base import SelectResult, Store

ENTITIES_PER_CLASS = """
SELECT ?class (COUNT(DISTINCT ?s) AS ?n) WHERE {
  ?s a ?class .
  FILTER(isIRI(?s) && STRSTARTS(STR(?class), "https://w3id.org/apwps/ontology#"))
} GROUP BY ?class ORDER BY DESC(?n) ?class
"""


@dataclass
class Stats:
    asserted: int
    inferred: int
    graphs: int
    entities_per_class: dict[str, int]
    entries_per_collection: dict[str, int]

    def as_dict(self) -> dict[str, object]:
        return {
            "triples_asserted": self.asserted,
            "triples_inferred": self.inferred,
            "named_graphs": self.graphs,
            "entities_per_class": self.entities_per_class,
            "entries_per_collection": self.entries_per_collection,
        }


def collect(settings: Settings, store: Store) -> Stats:
    counts = store.counts()
    inferred_iri = settings.base_iri + INFERRED_GRAPH
    inferred = counts.per_graph.get(inferred_iri, 0)
    asserted = sum(n for g, n in counts.per_graph.items() if g != inferred_iri)
    result = store.query(ENTITIES_PER_CLASS)
    assert isinstance(result, SelectResult)
    per_class = {
        str(row["class"]).rsplit("#", 1)[-1]: int(row["n"])  # type: ignore[call-overload]
        for row in result.rows
    }
    collections = Counter(
        s.collection for s in discover(settings.root_path, settings.base_iri, ("data",))
    )
    return Stats(
        asserted, inferred, len(counts.per_graph), per_class, dict(sorted(collections.items()))
    )
