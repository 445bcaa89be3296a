"""Describing a resource in the core (`apwps.describe`): what a page and a document are built from,
the same on the embedded store and on a real Oxigraph server."""

from __future__ import annotations

from typing import Any

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import RDF, RDFS

from apwps.build import DUMP_NQUADS
from apwps.collection import members_of
from apwps.config import Settings
from apwps.describe import Description, Labels, describe, local_name
from apwps.stores.base import Store
from apwps.stores.memory import MemoryStore
from apwps.stores.sparql import SparqlStore
from tests.conftest import Process

BASE = "https://w3id.org/apwps/"
APWPS = "https://w3id.org/apwps/ontology#"
UNFOA = BASE + "id/frameworks/un-framework-of-analysis"
RF07 = BASE + "id/risk-factors/rf07"


@pytest.fixture(scope="module")
def remote(oxigraph_server: Process, built: Any, settings: Settings) -> SparqlStore:
    store = SparqlStore(
        f"{oxigraph_server.url}/query", graph_store_url=f"{oxigraph_server.url}/store", timeout_s=60
    )
    store.load_nquads((settings.dist_path / DUMP_NQUADS).read_bytes())
    return store


def test_labels_pick_the_readers_language_then_fall_back() -> None:
    labels = Labels({"en": "Resolution", "nb": "Resolusjon", "": "untagged"})
    assert labels.pick(["nb"]) == "Resolusjon"
    assert labels.pick(["nb-NO"]) == "Resolusjon"
    assert labels.pick(["fr", "de"]) == "Resolution"
    assert Labels({"": "untagged", "de": "Beschluss"}).pick(["fr"]) == "untagged"
    assert Labels({"de": "Beschluss"}).pick(["fr"]) == "Beschluss"
    assert local_name(APWPS + "addressesCrime") == "addresses crime"
    assert local_name(APWPS + "WPSIndex") == "WPSIndex"


def test_a_framework_is_described_with_labels_links_and_provenance(store: MemoryStore) -> None:
    d = describe(store, UNFOA, BASE)
    assert d.exists and d.described
    assert d.label(d.iri) == "Framework of Analysis for Atrocity Crimes"
    assert d.types == [URIRef(APWPS + "AnalyticalFramework")]
    # inferred super-classes are kept apart from the stated types
    assert URIRef(APWPS + "Framework") in d.all_types
    assert any(s.property == RDF.type for s in d.inferred)
    properties = [s.property for s in d.outgoing]
    assert properties[0] == RDF.type and properties.index(RDFS.label) < properties.index(
        URIRef("http://purl.org/dc/terms/source")
    )
    assert properties[-1] == URIRef(APWPS + "verificationStatus")
    publisher = URIRef(BASE + "id/organisations/un-osapg")
    assert d.label(publisher) != local_name(str(publisher))  # the label, not the IRI
    cited_by = [s for s in d.incoming if s.property == URIRef("http://purl.org/spar/cito/cites")]
    assert cited_by and URIRef(BASE + "id/publications/policy-brief-1-2024") in {
        v.term for v in cited_by[0].values
    }
    assert "cited by" in d.incoming_name(cited_by[0])


def test_scheme_position_and_members(store: MemoryStore) -> None:
    rf07 = describe(store, RF07, BASE)
    assert URIRef(BASE + "id/risk-factors") in rf07.schemes
    narrower = rf07.narrower
    assert narrower[0] == URIRef(BASE + "id/risk-indicators/rf07-01")
    assert [rf07.notations[n] for n in narrower[:3]] == ["7.1", "7.2", "7.3"]
    indicator = describe(store, BASE + "id/risk-indicators/rf07-01", BASE)
    assert indicator.broader_chain == [URIRef(RF07)]
    scheme = describe(store, BASE + "id/risk-factors", BASE)
    assert scheme.is_scheme
    tops = [c for c, parent in scheme.members if parent is None]
    assert URIRef(RF07) in tops
    assert (URIRef(BASE + "id/risk-indicators/rf07-01"), URIRef(RF07)) in scheme.members


def test_unknown_iri_is_empty(store: MemoryStore) -> None:
    d = describe(store, BASE + "id/frameworks/no-such-thing", BASE)
    assert not d.exists
    assert len(d.graph) == 0


def test_collections(store: MemoryStore) -> None:
    found = members_of(store, BASE, "frameworks")
    assert found is not None
    members = found.members
    iris = {m.iri for m in members}
    assert URIRef(UNFOA) in iris
    assert all("/" not in str(m.iri)[len(BASE + "id/frameworks/") :] for m in members)
    foa = next(m for m in members if m.iri == URIRef(UNFOA))
    assert foa.labels.pick(["en"]) == "Framework of Analysis for Atrocity Crimes"


def _summary(d: Description) -> tuple[Any, ...]:
    return (
        sorted(
            (str(s.property), sorted(str(v.term) for v in s.values))
            for s in d.outgoing
            if s.property != URIRef(APWPS + "datedCount")
        ),
        sorted((str(s.property), sorted(str(v.term) for v in s.values)) for s in d.incoming),
        [str(b) for b in d.broader_chain],
        sorted(str(n) for n in d.narrower),
        {str(k): v.by_lang for k, v in d.labels.items()},
    )


@pytest.mark.parametrize(
    "iri", [UNFOA, RF07, BASE + "id/risk-indicators/rf07-01", BASE + "id/resolutions/unscr-1325"]
)
def test_same_description_on_both_stores(store: Store, remote: SparqlStore, iri: str) -> None:
    embedded, over_http = describe(store, iri, BASE), describe(remote, iri, BASE)
    assert over_http.exists
    assert _summary(embedded) == _summary(over_http)


def test_pages_and_documents_over_the_remote_store(settings: Settings, remote: SparqlStore) -> None:
    from server import create_app

    app = create_app(settings.replace(store="sparql"), store=remote)
    client = app.test_client()
    page = client.get("/id/risk-factors/rf07", headers={"Accept": "text/html"})
    assert page.status_code == 200
    assert "Enabling circumstances or preparatory action" in page.get_data(as_text=True)
    turtle = client.get("/id/frameworks/un-framework-of-analysis.ttl")
    assert turtle.status_code == 200
    graph = Graph().parse(data=turtle.get_data(), format="turtle")
    assert (URIRef(UNFOA), RDF.type, URIRef(APWPS + "AnalyticalFramework")) in graph
    assert client.get("/id/frameworks", headers={"Accept": "text/html"}).status_code == 200
    assert client.get("/ontology.ttl").status_code == 200


VERIFIED = BASE + "id/verification-status/verified"
STATUS = URIRef(APWPS + "verificationStatus")


def test_a_cut_list_of_incoming_links_is_counted_alike_on_both_stores(
    store: Store, remote: SparqlStore
) -> None:
    whole = describe(store, VERIFIED, BASE)
    assert not whole.incoming_cut
    (listed,) = [s for s in whole.incoming if s.property == STATUS]
    assert len(listed.values) > 100
    for over in (store, remote):
        cut = describe(over, VERIFIED, BASE, max_incoming=50)
        assert cut.incoming_cut
        (statement,) = [s for s in cut.incoming if s.property == STATUS]
        assert 0 < len(statement.values) <= 50
        assert statement.size() == listed.size() == len(listed.values)
        # the document holds what was read, with the labels of what it holds
        linking = set(cut.graph.subjects(STATUS, URIRef(VERIFIED))) - {URIRef(VERIFIED)}
        assert 0 < len(linking) <= 50
        assert linking <= {x for x, _, _ in cut.label_triples}


def test_a_page_with_a_cut_list_counts_the_rest(settings: Settings, remote: SparqlStore) -> None:
    from server import create_app

    whole = describe(remote, VERIFIED, BASE)
    (listed,) = [s for s in whole.incoming if s.property == STATUS]
    app = create_app(settings.replace(store="sparql", resource_max_incoming_links=50), store=remote)
    page = app.test_client().get(
        "/id/verification-status/verified", headers={"Accept": "text/html"}
    )
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert f"and {listed.size() - 60} more" in text and "list them all" in text
    turtle = app.test_client().get("/id/verification-status/verified.ttl")
    graph = Graph().parse(data=turtle.get_data(), format="turtle")
    assert 0 < len(set(graph.subjects(STATUS, URIRef(VERIFIED))) - {URIRef(VERIFIED)}) <= 50
