"""Reasoning: materialised entailments, and HermiT's consistency check kept off the network."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
import rdflib

from apwps.build import _graph_of
from apwps.reason import InconsistentOntology, check_consistency, materialise

EX = "http://example.org/"
SKOS = "http://www.w3.org/2004/02/skos/core#"


def _q(s: str, p: str, o: str) -> ox.Quad:
    return ox.Quad(ox.NamedNode(s), ox.NamedNode(p), ox.NamedNode(o), ox.NamedNode(EX + "g"))


def test_transitive_symmetric_and_inverse_entailments() -> None:
    store = ox.Store()
    owl = "http://www.w3.org/2002/07/owl#"
    rdf_type = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
    store.extend(
        [
            _q(
                SKOS + "broader",
                "http://www.w3.org/2000/01/rdf-schema#subPropertyOf",
                SKOS + "broaderTransitive",
            ),
            _q(SKOS + "broaderTransitive", rdf_type, owl + "TransitiveProperty"),
            _q(SKOS + "broader", owl + "inverseOf", SKOS + "narrower"),
            _q(EX + "parallels", rdf_type, owl + "SymmetricProperty"),
            _q(EX + "c", SKOS + "broader", EX + "b"),
            _q(EX + "b", SKOS + "broader", EX + "a"),
            _q(EX + "x", EX + "parallels", EX + "y"),
        ]
    )
    report = materialise(store, EX + "inferred")
    inferred = {
        (q.subject.value, q.predicate.value, q.object.value)
        for q in store.quads_for_pattern(None, None, None, ox.NamedNode(EX + "inferred"))
    }
    assert (EX + "c", SKOS + "broaderTransitive", EX + "a") in inferred
    assert (EX + "a", SKOS + "narrower", EX + "b") in inferred
    assert (EX + "y", EX + "parallels", EX + "x") in inferred
    assert (EX + "c", SKOS + "broader", EX + "b") not in inferred  # asserted ones are not repeated
    assert report.inferred == len(inferred)
    # a second run yields the same closure
    assert materialise(store, EX + "inferred").inferred == report.inferred


def test_inconsistency_is_reported() -> None:
    graph = rdflib.Graph().parse(
        data="""
        @prefix owl: <http://www.w3.org/2002/07/owl#> .
        @prefix ex: <http://example.org/> .
        ex:A a owl:Class . ex:B a owl:Class . ex:A owl:disjointWith ex:B .
        ex:thing a ex:A, ex:B .
    """,
        format="turtle",
    )
    with pytest.raises(InconsistentOntology, match="inconsistent"):
        check_consistency(graph)


def test_project_ontology_and_data_are_consistent_offline(built) -> None:  # type: ignore[no-untyped-def]
    """The real ontology and data under HermiT; owl:imports are dropped, so nothing is fetched."""
    graphs = [s.graph_iri for s in built.sources if not s.relative.startswith("shapes/")]
    union = _graph_of(built.store, graphs)
    assert len(union) > 1000
    check_consistency(union)
