"""`apwps publish` into a real OpenLink Virtuoso (Debian's virtuoso-opensource, private, on free
loopback ports: tests/engines/virtuoso.py): Virtuoso takes the requests publish sends, through its
Digest-protected update endpoint, in place and staged, and ends up holding the build, blank nodes
shared between graphs included, with the engine's own inferences equal to the build's."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pyoxigraph as ox
import pytest
import requests

from apwps.build import DUMP_NQUADS, Built
from apwps.config import Settings
from apwps.load import GRAPH_PATH, INFERRED_GRAPH
from apwps.publish import STAGING, PublishFailed, publish
from apwps.stores.sparql import SparqlStore
from tests.engines.virtuoso import DBA, Virtuoso, start_virtuoso

DECIMAL = "http://www.w3.org/2001/XMLSchema#decimal"


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Virtuoso]:
    engine = start_virtuoso(
        tmp_path_factory.mktemp("virtuoso"), max_rows=1_000_000, time_limit_s=120
    )
    try:
        engine.wait()
        engine.prepare_host()  # the default graph the union goes into (docs/engines.md)
        yield engine
    finally:
        engine.stop()


@pytest.fixture(scope="module")
def target(virtuoso: Virtuoso, settings: Settings) -> Settings:
    return settings.replace(
        sparql_query_url=virtuoso.query_url,
        sparql_update_url=f"{virtuoso.base}/sparql-auth",
        sparql_user=DBA[0],
        sparql_password=DBA[1],
    )


def remote(settings: Settings) -> SparqlStore:
    return SparqlStore(
        settings.sparql_query_url,
        timeout_s=120,
        user=settings.sparql_user,
        password=settings.sparql_password,
    )


def rows(settings: Settings, query: str) -> list[ox.QuerySolution]:
    answer = requests.post(
        settings.sparql_query_url,
        data={"query": query},
        headers={"Accept": "application/sparql-results+json"},
        timeout=120,
    )
    answer.raise_for_status()
    solutions = ox.parse_query_results(answer.content, format=ox.QueryResultsFormat.JSON)
    assert isinstance(solutions, ox.QuerySolutions)
    return list(solutions)


def per_graph(settings: Settings) -> dict[str, int]:
    """Triples per published graph (Virtuoso's own graphs and the union's left out)."""
    found = rows(
        settings,
        "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } "
        f"FILTER(STRSTARTS(STR(?g), '{settings.base_iri}{GRAPH_PATH}')) }} GROUP BY ?g",
    )
    return {str(row["g"].value): int(row["n"].value) for row in found}


def shared_blank_nodes(settings: Settings) -> int:
    graphs = f"'{settings.base_iri}{GRAPH_PATH}'"
    found = rows(
        settings,
        "SELECT (COUNT(DISTINCT ?b) AS ?n) WHERE { GRAPH ?g1 { ?b ?p1 ?o1 } "
        "GRAPH ?g2 { ?b ?p2 ?o2 } "
        f"FILTER(isBlank(?b) && ?g1 != ?g2 && STRSTARTS(STR(?g1), {graphs}) "
        f"&& STRSTARTS(STR(?g2), {graphs})) }}",
    )
    return int(found[0]["n"].value)


def comparable(triples: Any) -> set[str]:
    """Triples without blank nodes, and without decimals (Virtuoso keeps 15 digits of them)."""
    return {
        str(t)
        for t in triples
        if not isinstance(t.subject, ox.BlankNode)
        and not isinstance(t.object, ox.BlankNode)
        and not (isinstance(t.object, ox.Literal) and t.object.datatype.value == DECIMAL)
    }


@pytest.mark.parametrize("staged", [False, True])
def test_virtuoso_takes_the_publish_with_digest_credentials(
    target: Settings, built: Built, staged: bool
) -> None:
    """Into the empty engine (in place), then over that publish (staged and swapped in)."""
    done = publish(target, remote(target), target.dist_path / DUMP_NQUADS)
    assert done.staged is staged
    expected = {
        graph.value: count
        for graph, count in _counts(built.store).items()
        if isinstance(graph, ox.NamedNode)
    }
    assert per_graph(target) == expected == done.triples_per_graph
    union = {quad.triple for quad in built.store}
    assert int(rows(target, "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }")[0]["n"].value) == len(union)
    ours = built.store.query(
        "SELECT (COUNT(DISTINCT ?b) AS ?n) WHERE { GRAPH ?g1 { ?b ?p1 ?o1 } "
        "GRAPH ?g2 { ?b ?p2 ?o2 } FILTER(isBlank(?b) && ?g1 != ?g2) }"
    )
    assert isinstance(ours, ox.QuerySolutions)
    assert shared_blank_nodes(target) == int(next(iter(ours))["n"].value) > 0
    left = rows(target, "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
    assert not [row for row in left if str(row["g"].value).startswith(STAGING)]


def test_virtuoso_computes_the_builds_inferences(target: Settings, built: Built) -> None:
    """Virtuoso's GRAPH does not read graphs its host configuration does not list, so the
    inferences are computed on the live graphs after the swap."""
    inferred_graph = target.base_iri + INFERRED_GRAPH
    done = publish(target, remote(target), target.dist_path / DUMP_NQUADS, infer=True)
    assert done.inference is not None and done.inference.inferred == built.inferred
    assert per_graph(target)[inferred_graph] == built.inferred
    answer = requests.post(
        target.sparql_query_url,
        data={
            "query": "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } "
            f"FILTER(?g = <{inferred_graph}>) }}"
        },
        headers={"Accept": "application/n-triples"},
        timeout=120,
    )
    answer.raise_for_status()
    theirs = comparable(ox.parse(answer.content, format=ox.RdfFormat.N_TRIPLES))
    ours = comparable(
        q.triple
        for q in built.store.quads_for_pattern(None, None, None, ox.NamedNode(inferred_graph))
    )
    assert theirs == ours and len(ours) > 1000


def test_a_wrong_password_is_refused_and_never_shown(target: Settings) -> None:
    wrong = target.replace(sparql_password="not-the-password-42")
    with pytest.raises(PublishFailed) as refused:
        publish(wrong, remote(wrong), target.dist_path / DUMP_NQUADS)
    assert "401" in str(refused.value) and "Nothing was written" in str(refused.value)
    assert "not-the-password-42" not in str(refused.value)


def _counts(store: ox.Store) -> dict[Any, int]:
    counts: dict[Any, int] = {}
    for quad in store:
        counts[quad.graph_name] = counts.get(quad.graph_name, 0) + 1
    return counts
