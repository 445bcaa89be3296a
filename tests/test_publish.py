"""`apwps publish` into a real Oxigraph server: the engine ends up holding exactly the build (each
named graph, their union in the default graph, blank nodes shared between graphs as one node),
whether it is written in place (an engine without an earlier publish) or staged and swapped in;
the inferences computed on the engine equal the build's; and a failure midway leaves a state that
a re-run repairs."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
import requests

from apwps.build import DUMP_NQUADS, Built
from apwps.config import Settings
from apwps.errors import StoreError
from apwps.load import GRAPH_PATH, INFERRED_GRAPH
from apwps.publish import STAGED_UNION, STAGING, Publisher, PublishFailed, publish
from apwps.stores.sparql import SparqlStore
from apwps.updates import blank_components, packed, sized
from tests.conftest import ROOT, Process

ALL_QUADS = "SELECT ?g ?s ?p ?o WHERE { { GRAPH ?g { ?s ?p ?o } } UNION { ?s ?p ?o } }"
SHARED_BLANKS = (
    "SELECT (COUNT(DISTINCT ?b) AS ?n) WHERE { GRAPH ?g1 { ?b ?p1 ?o1 } GRAPH ?g2 { ?b ?p2 ?o2 } "
    "FILTER(isBlank(?b) && ?g1 != ?g2) }"
)


def select(url: str, query: str) -> list[ox.QuerySolution]:
    answer = requests.post(
        f"{url}/query",
        data={"query": query},
        headers={"Accept": "application/sparql-results+json"},
        timeout=60,
    )
    answer.raise_for_status()
    solutions = ox.parse_query_results(answer.content, format=ox.QueryResultsFormat.JSON)
    assert isinstance(solutions, ox.QuerySolutions)
    return list(solutions)


def update(url: str, text: str) -> None:
    answer = requests.post(
        f"{url}/update",
        data=text.encode(),
        headers={"Content-Type": "application/sparql-update"},
        timeout=60,
    )
    answer.raise_for_status()


def canonical(quads: Any) -> set[str]:
    """A dataset's quads with blank nodes named canonically (RDFC-1.0), so that two datasets
    equal up to blank-node names give equal sets."""
    dataset = ox.Dataset(quads)
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    return {str(quad) for quad in dataset}


def on_engine(url: str) -> set[str]:
    """Everything the engine holds: its named graphs and its default graph."""
    return canonical(
        ox.Quad(row["s"], row["p"], row["o"], row["g"] or ox.DefaultGraph())
        for row in select(url, ALL_QUADS)
    )


def expected(store: ox.Store, without: str | None = None) -> set[str]:
    """The build as the embedded store has it: its named graphs (but graph `without`) and their
    union as the default graph."""
    quads = [q for q in store if without is None or q.graph_name != ox.NamedNode(without)]
    union = {q.triple for q in quads}
    return canonical([*quads, *(ox.Quad(t.subject, t.predicate, t.object) for t in union)])


@pytest.fixture(scope="module")
def engine(oxigraph_server: Process) -> Iterator[Process]:
    """The session's Oxigraph server, emptied after this module (others load it themselves)."""
    update(oxigraph_server.url, "CLEAR ALL")
    yield oxigraph_server
    update(oxigraph_server.url, "CLEAR ALL")


@pytest.fixture(scope="module")
def target(engine: Process, settings: Settings) -> Settings:
    return settings.replace(
        sparql_query_url=f"{engine.url}/query",
        sparql_update_url=f"{engine.url}/update",
        publish_batch_triples=5_000,
    )


def remote(settings: Settings) -> SparqlStore:
    return SparqlStore(settings.sparql_query_url, timeout_s=60)


@pytest.fixture(scope="module")
def dump(target: Settings, built: Built) -> Path:
    return target.dist_path / DUMP_NQUADS


@pytest.fixture(scope="module")
def whole_build(built: Built) -> set[str]:
    return expected(built.store)


def test_the_engine_holds_exactly_the_build_written_in_place_then_staged(
    target: Settings, dump: Path, engine: Process, built: Built, whole_build: set[str]
) -> None:
    update(engine.url, "CLEAR ALL")
    first = publish(target, remote(target), dump)
    assert not first.staged  # nothing to protect on an empty engine
    assert first.triples == sum(1 for _ in built.store)
    assert len(first.triples_per_graph) == len(built.sources) + 1  # and the inferred graph
    assert on_engine(engine.url) == whole_build
    again = publish(target, remote(target), dump)
    assert again.staged and again.triples == first.triples
    assert again.requests > first.requests > 10  # batches of 5,000 triples
    assert on_engine(engine.url) == whole_build
    graphs = select(engine.url, "SELECT DISTINCT ?g { GRAPH ?g {} }")
    assert not [row["g"] for row in graphs if str(row["g"].value).startswith(STAGING)]


def test_blank_nodes_shared_between_graphs_stay_one_node(
    target: Settings, dump: Path, engine: Process, built: Built
) -> None:
    publish(target, remote(target), dump)
    ours = built.store.query(SHARED_BLANKS)
    assert isinstance(ours, ox.QuerySolutions)
    shared = int(next(iter(ours))["n"].value)
    assert shared > 0  # inferences about blank nodes of the entries' graphs
    assert int(select(engine.url, SHARED_BLANKS)[0]["n"].value) == shared
    # and the union holds each such triple once
    union = {quad.triple for quad in built.store}
    count = select(engine.url, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    assert int(count[0]["n"].value) == len(union) < sum(1 for _ in built.store)


def test_a_republish_drops_what_the_build_no_longer_has_and_keeps_other_graphs(
    target: Settings, dump: Path, engine: Process, whole_build: set[str]
) -> None:
    publish(target, remote(target), dump)
    stale = target.base_iri + GRAPH_PATH + "data/frameworks/removed-entry"
    foreign = "http://example.org/someone-elses-graph"
    leftover = STAGING + target.base_iri + GRAPH_PATH + "data/frameworks/from-a-failed-run"
    update(
        engine.url,
        f"INSERT DATA {{ GRAPH <{stale}> {{ <http://example.org/a> <http://example.org/b> 1 }} "
        f"GRAPH <{foreign}> {{ <http://example.org/a> <http://example.org/b> 2 }} "
        f"GRAPH <{leftover}> {{ <http://example.org/a> <http://example.org/b> 3 }} "
        f"GRAPH <{STAGED_UNION}> {{ <http://example.org/a> <http://example.org/b> 4 }} }}",
    )
    done = publish(target, remote(target), dump)
    assert done.dropped == [stale]
    graphs = {str(row["g"].value) for row in select(engine.url, "SELECT ?g { GRAPH ?g {} }")}
    assert foreign in graphs
    assert stale not in graphs and leftover not in graphs and STAGED_UNION not in graphs
    update(engine.url, f"DROP GRAPH <{foreign}>")
    assert on_engine(engine.url) == whole_build


def broken_copy(dump: Path, directory: Path, after_lines: int) -> Path:
    """The dump with a line that is not N-Quads after `after_lines` lines."""
    lines = dump.read_text(encoding="utf-8").splitlines(keepends=True)
    broken = directory / "broken.nq"
    broken.write_text("".join([*lines[:after_lines], "<oops\n", *lines[after_lines:]]))
    return broken


def test_a_failure_while_staging_leaves_the_previous_publish_and_a_rerun_repairs_it(
    target: Settings, dump: Path, engine: Process, whole_build: set[str], tmp_path: Path
) -> None:
    publish(target, remote(target), dump)
    broken = broken_copy(dump, tmp_path, after_lines=20_000)
    head = dump.read_text(encoding="utf-8").splitlines()[:20_000]
    sent = sum(1 for line in head if "_:" not in line) // 5_000 * 5_000  # whole batches
    assert sent >= 10_000
    with pytest.raises(PublishFailed) as failed:
        publish(target, remote(target), broken)
    message = str(failed.value)
    assert "while staging" in message and "unchanged" in message and "again" in message
    assert f"{sent:,} triples" in message
    staged = select(
        engine.url,
        "SELECT (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } "
        f"FILTER(STRSTARTS(STR(?g), '{STAGING}')) }}",
    )
    assert int(staged[0]["n"].value) == sent
    # what readers see is the previous publish, whole: the live graphs and the default graph
    live = {q for q in on_engine(engine.url) if "urn:x-apwps:staging:" not in q}
    assert live == whole_build
    publish(target, remote(target), dump)
    assert on_engine(engine.url) == whole_build


def test_a_failure_while_swapping_says_what_is_new_and_a_rerun_repairs_it(
    target: Settings,
    dump: Path,
    engine: Process,
    whole_build: set[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    publish(target, remote(target), dump)
    moves = 0
    send = Publisher.update

    def failing(self: Publisher, text: str) -> None:
        nonlocal moves
        if text.startswith("MOVE"):
            moves += 1
            if moves == 3:
                raise StoreError("the SPARQL engine at … cannot be reached: connection reset")
        send(self, text)

    monkeypatch.setattr(Publisher, "update", failing)
    with pytest.raises(PublishFailed) as failed:
        publish(target, remote(target), dump)
    message = str(failed.value)
    assert "while swapping" in message and "hold the new build" in message
    assert "connection reset" in message
    monkeypatch.setattr(Publisher, "update", send)
    publish(target, remote(target), dump)
    assert on_engine(engine.url) == whole_build


def test_inferences_computed_on_the_engine_equal_the_build(
    target: Settings, dump: Path, engine: Process, built: Built, whole_build: set[str]
) -> None:
    inferred_graph = target.base_iri + INFERRED_GRAPH
    assert expected(built.store, without=inferred_graph) != whole_build
    update(engine.url, "CLEAR ALL")
    for staged in (False, True):  # into an empty engine, then over that publish
        done = publish(target, remote(target), dump, infer=True)
        assert done.staged is staged
        assert done.inference is not None
        assert done.inference.inferred == built.inferred > 1000
        assert done.triples_per_graph[inferred_graph] == built.inferred
        # the whole dataset, with the inferred graph, is the build's (blank nodes included)
        assert on_engine(engine.url) == whole_build


def test_inferring_after_the_swap_gives_the_same_graph(
    target: Settings,
    dump: Path,
    engine: Process,
    built: Built,
    whole_build: set[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Engines whose GRAPH does not read the staging graphs (Virtuoso with a host default graph)
    infer on the live graphs after the swap; the result is the same."""
    publish(target, remote(target), dump)
    monkeypatch.setattr(Publisher, "_sees", lambda self, graph: False)
    done = publish(target, remote(target), dump, infer=True)
    assert done.staged
    assert done.inference is not None and done.inference.inferred == built.inferred
    assert done.dropped == []  # the old inferred graph is replaced, not reported as stale
    assert on_engine(engine.url) == whole_build


def test_a_failure_writing_in_place_is_repaired_by_a_rerun(
    target: Settings, dump: Path, engine: Process, whole_build: set[str], tmp_path: Path
) -> None:
    update(engine.url, "CLEAR ALL")
    with pytest.raises(PublishFailed) as failed:
        publish(target, remote(target), broken_copy(dump, tmp_path, after_lines=20_000))
    assert "wrote in place" in str(failed.value) and "again" in str(failed.value)
    assert publish(target, remote(target), dump).staged
    assert on_engine(engine.url) == whole_build


def test_the_command_publishes_and_refuses_without_an_endpoint(
    target: Settings, dump: Path, engine: Process, built: Built, whole_build: set[str]
) -> None:
    update(engine.url, "CLEAR ALL")
    base = [
        sys.executable,
        "-m",
        "apwps.cli",
        "--root",
        str(ROOT),
        "--set",
        f"dist_dir={target.dist_dir}",
    ]
    env = {**os.environ, "APWPS_PUBLISH_BATCH_TRIPLES": "20000"}
    done = subprocess.run(
        [
            *base,
            "publish",
            "--endpoint",
            target.sparql_query_url,
            "--update-url",
            target.sparql_update_url,
            "--dump",
            str(dump),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert on_engine(engine.url) == whole_build
    refused = subprocess.run(
        [*base, "publish", "--endpoint", target.sparql_query_url, "--infer", "--dump", str(dump)],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        check=False,
    )
    assert refused.returncode == 2
    assert "sparql_update_url" in refused.stderr and "Traceback" not in refused.stderr


def test_blank_node_groups_and_batches() -> None:
    b = [ox.BlankNode(f"b{i}") for i in range(4)]
    iri = ox.NamedNode("http://example.org/x")
    p = ox.NamedNode("http://example.org/p")
    g1, g2 = ox.NamedNode("http://example.org/g1"), ox.NamedNode("http://example.org/g2")
    quads = [
        ox.Quad(b[0], p, b[1], g1),
        ox.Quad(b[2], p, iri, g1),
        ox.Quad(b[1], p, iri, g2),  # b1 links this to the first, across graphs
        ox.Quad(iri, p, b[3], g2),
    ]
    groups = blank_components(quads)
    assert [len(group) for group in groups] == [2, 1, 1]
    assert set(groups[0]) == {quads[0], quads[2]}
    assert [[len(g) for g in batch] for batch in packed(groups, 2)] == [[2], [1, 1]]
    assert list(sized({"a": 3, "b": 1, "c": 5, "d": 1}, 4)) == [["a", "b"], ["c"], ["d"]]
