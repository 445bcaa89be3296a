"""Issue #7: the serving processes' memory grew without end under load.

Oxigraph's in-memory store keeps every quad removed from it, and a longer version list for a quad
each time it is added again. Validation puts each entry into the curated graph and takes it out,
so every validation left memory behind. `apwps.churn` copies such a store once more quads were
taken out of it than it holds; these tests check that the copy comes, and that it holds the same
graph (blank nodes included) and gives the same reports.
"""

from __future__ import annotations

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.plugins.stores.memory import Memory

from apwps.churn import Churn, PruningMemory
from apwps.config import Settings
from apwps.curation import CurationContext, Submission, submission_from_file
from tests.conftest import ROOT

ENTRY = ox.NamedNode("urn:test:entry")


def _store(count: int) -> ox.Store:
    store = ox.Store()
    store.extend(
        ox.Quad(ox.NamedNode(f"http://e/{i}"), ox.NamedNode("http://p"), ox.Literal(str(i)), ENTRY)
        for i in range(count)
    )
    store.add(ox.Quad(ox.BlankNode("kept"), ox.NamedNode("http://p"), ox.Literal("b")))
    return store


def _entry(n: int) -> list[ox.Quad]:
    graph = ox.NamedNode("urn:test:submitted")
    return [
        ox.Quad(ox.NamedNode(f"http://s/{i}"), ox.NamedNode("http://p"), ox.Literal("x"), graph)
        for i in range(n)
    ]


def test_a_store_is_copied_once_more_was_taken_out_than_it_holds() -> None:
    store = _store(100)
    churn = Churn(store, floor=0)
    live = set(store)
    copies = []
    for _ in range(30):  # 30 × 10 quads in and out of a store of 101
        quads = _entry(10)
        store.extend(quads)
        for quad in quads:
            store.remove(quad)
        churn.count(len(quads))
        compacted = churn.compacted(store)
        if compacted is not store:
            copies.append(compacted)
            store = compacted
    # copied after 110 and after 220 quads taken out: the bound is the store's own size
    assert len(copies) == 2
    assert set(store) == live  # the same quads, the blank node with its identifier
    assert churn.removed == 80


def test_a_small_store_waits_for_the_floor() -> None:
    store = _store(5)
    churn = Churn(store, floor=1000)
    churn.count(999)
    assert churn.compacted(store) is store
    churn.count(2)
    assert churn.compacted(store) is not store
    assert churn.copies == 1


def _index_entries(store: Memory) -> int:
    return sum(len(getattr(store, f"_Memory__{name}")) for name in ("spo", "pos", "osp"))


@pytest.mark.parametrize("pruning", [True, False])
def test_removed_entries_leave_nothing_in_the_rdflib_store(pruning: bool) -> None:
    """Each entry brings new blank nodes; once taken out, nothing of them stays (rdflib's own
    store keeps an emptied index entry for each: the reason for PruningMemory)."""
    store = PruningMemory() if pruning else Memory()
    dataset = rdflib.Dataset(store=store, default_union=True)
    kept = dataset.graph(rdflib.URIRef("urn:test:kept"))
    kept.add((rdflib.URIRef("http://e/1"), rdflib.RDFS.label, rdflib.Literal("kept")))
    sizes = []
    for _ in range(50):
        graph = dataset.graph(rdflib.URIRef("urn:test:entry"))
        node = rdflib.BNode()
        graph.add((rdflib.URIRef("http://e/2"), rdflib.URIRef("http://p/address"), node))
        graph.add((node, rdflib.URIRef("http://p/city"), rdflib.Literal("Oslo")))
        dataset.remove_graph(graph)
        sizes.append(_index_entries(store))
    assert len(dataset) == 1
    if pruning:
        assert sizes == [sizes[0]] * 50  # flat from the first entry on
    else:
        assert sizes[-1] > sizes[0] + 40  # the unpruned store grows with every entry


@pytest.fixture(scope="module")
def context(settings: Settings) -> CurationContext:
    return CurationContext.prepare(settings)


def test_validations_copy_the_curated_store_and_keep_the_graph(
    context: CurationContext,
) -> None:
    """The context's stores are copied after enough validations; nothing else changes."""
    entry: Submission = submission_from_file(
        context.settings, ROOT / "data" / "organisations" / "acled.ttl"
    )
    before = context.validate([entry])
    original, live = context.store, set(context.store)
    context._store_churn = Churn(context.store, floor=200)  # the curated graph is far larger
    context._store_churn.live = 0
    for _ in range(20):
        report = context.validate([entry])
        assert report.as_dict() == before.as_dict()
    assert context._store_churn.copies >= 1
    assert context._schema_churn.removed > 0  # the reasoner's store is counted too
    assert context.store is not original
    assert set(context.store) == live
