"""Collections of entries (`apwps.collection`, `/id/<collection>`): the same members in the same order
as a scan of every label in the graph, pages with their links, and near misses for a missing IRI
read from what each server process keeps, so that a burst of 404s costs one reading of the store;
on the embedded store and on a real Oxigraph server."""

from __future__ import annotations

import difflib
import re
import threading
from collections import defaultdict
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pyoxigraph as ox
import pytest
import requests
from flask.testing import FlaskClient
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDFS, SKOS
from rdflib.term import Node
from werkzeug.serving import make_server

import apwps.collection as collection
from apwps.build import DUMP_NQUADS, DUMP_TURTLE
from apwps.collection import Member, Members, directory, members_of
from apwps.config import Settings
from apwps.describe import Labels
from apwps.errors import StoreError
from apwps.guard import CheckedQuery
from apwps.memo import per_store_key
from apwps.stores.base import Answer, Dataset, Limits, QueryResult, SelectResult, Store
from apwps.stores.memory import MemoryStore
from apwps.stores.sparql import SparqlStore
from tests.conftest import Process

BASE = "https://w3id.org/apwps/"
ID = BASE + "id/"
HTML = {"Accept": "text/html"}

# How collections were listed before: every label, notation and type in the graph, kept when the
# subject's IRI starts with the collection's prefix. The reference the new listing must match.
LABEL_SCAN = """PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?prefix ?s ?p ?o WHERE {
  VALUES ?p { rdfs:label skos:prefLabel skos:notation rdf:type }
  ?s ?p ?o .
  FILTER(isIRI(?s) && STRSTARTS(STR(?s), STR(?prefix)))
}"""

Listed = list[tuple[str, dict[str, str], str]]
# The openings of the two queries that read collections (what follows them varies).
DIRECTORY = collection.DIRECTORY.split("%")[0]
MEMBERS = collection.MEMBERS.split("%")[0]


def scanned(store: Store) -> dict[str, Listed]:
    """Every collection's members as the label scan found them: IRI, labels, notation, in order."""
    result = store.query(LABEL_SCAN, bindings={"prefix": Literal(ID)})
    assert isinstance(result, SelectResult)
    rows: dict[str, list[dict[str, Node]]] = defaultdict(list)
    for row in result.rows:
        name, _, slug = str(row["s"])[len(ID) :].partition("/")
        if slug and "/" not in slug:
            rows[name].append(row)
    found: dict[str, Listed] = {}
    for name, named in rows.items():
        members: dict[str, tuple[dict[str, str], list[str]]] = {}
        for row in named:
            labels, notation = members.setdefault(str(row["s"]), ({}, [""]))
            p, o = row["p"], row["o"]
            if p == SKOS.notation:
                notation[0] = str(o)
            elif (
                p in (RDFS.label, SKOS.prefLabel)
                and isinstance(o, Literal)
                and (p == SKOS.prefLabel or (o.language or "") not in labels)
            ):
                labels[o.language or ""] = str(o)

        def key(item: tuple[str, tuple[dict[str, str], list[str]]]) -> Any:
            iri, (labels, notation) = item
            parts = [
                (int(x), "") if x.isdigit() else (0, x)
                for x in re.split(r"[.\s]", notation[0])
                if x
            ]
            return parts, (Labels(labels).pick() or iri).lower()

        found[name] = [(iri, labels, n[0]) for iri, (labels, n) in sorted(members.items(), key=key)]
    return found


def listed(found: Members | None) -> Listed:
    assert found is not None
    return [(str(m.iri), dict(m.labels.by_lang), m.notation) for m in found.members]


@pytest.fixture(scope="module")
def reference(store: MemoryStore) -> dict[str, Listed]:
    return scanned(store)


@pytest.fixture(scope="module")
def remote(oxigraph_server: Process, built: Any, settings: Settings) -> SparqlStore:
    store = SparqlStore(
        f"{oxigraph_server.url}/query", graph_store_url=f"{oxigraph_server.url}/store", timeout_s=60
    )
    store.load_nquads((settings.dist_path / DUMP_NQUADS).read_bytes())
    return store


# --- the listing ----------------------------------------------------------------------------------


def test_the_directory_knows_every_collection_the_label_scan_finds(
    store: MemoryStore, reference: dict[str, Listed]
) -> None:
    known = directory(store, BASE)
    assert set(known) == set(reference)
    assert {"frameworks", "organisations", "countries", "publications", "guide"} <= set(known)
    # a collection is read through the classes its members are stated to have, not their
    # inferred super-classes (which other collections share)
    assert URIRef(BASE + "ontology#AnalyticalFramework") in known["frameworks"].kinds
    assert all(URIRef(BASE + "ontology#Entry") not in c.kinds for c in known.values())
    assert known["countries"].kinds == (URIRef(BASE + "ontology#Country"),)


def test_every_collection_has_the_members_and_order_of_the_label_scan(
    store: MemoryStore, reference: dict[str, Listed]
) -> None:
    for name, members in reference.items():
        assert listed(members_of(store, BASE, name)) == members, name
    countries = listed(members_of(store, BASE, "countries"))
    assert len(countries) > 150
    indicators = [n for _, _, n in listed(members_of(store, BASE, "risk-indicators"))]
    assert indicators.index("7.2") < indicators.index("7.10")  # natural order of notations


def test_unknown_names_are_no_collection(store: MemoryStore) -> None:
    assert members_of(store, BASE, "no-such-collection") is None
    assert members_of(store, BASE, "observations") is None  # its IRIs have one more segment
    assert members_of(store, BASE, "frameworks/x") is None
    assert collection.near_collections(store, BASE, "framework") == ["frameworks"]


def test_an_external_engine_lists_the_same_collections(
    remote: SparqlStore, reference: dict[str, Listed]
) -> None:
    known = directory(remote, BASE)
    assert set(known) == set(reference)
    for name in ("frameworks", "countries", "risk-indicators", "organisations", "guide"):
        assert listed(members_of(remote, BASE, name)) == reference[name], name


def test_an_engine_without_named_graphs_lists_the_same_collections(
    settings: Settings, reference: dict[str, Listed]
) -> None:
    union = ox.Store()
    union.bulk_load(path=str(settings.dist_path / DUMP_TURTLE), format=ox.RdfFormat.TURTLE)
    store = MemoryStore(union, copy=False)  # the union in the default graph, no named graph
    assert set(directory(store, BASE)) == set(reference)
    for name in ("frameworks", "countries", "publications"):
        assert listed(members_of(store, BASE, name)) == reference[name], name


def test_pages_split_the_members_in_order() -> None:
    members = Members(ID + "x/", [Member(URIRef(f"{ID}x/m{i:03}")) for i in range(45)])
    assert members.pages(20) == 3 and members.pages(45) == 1
    first, last = members.page(1, 20), members.page(3, 20)
    assert first is not None and last is not None
    assert (first.previous, first.next, last.previous, last.next) == (None, 2, 2, None)
    assert [m.slug for m in last.members] == ["m040", "m041", "m042", "m043", "m044"]
    assert last.first == 40 and last.total == 45
    assert members.page(4, 20) is None and members.page(0, 20) is None
    assert Members(ID + "y/", []).page(1, 20) is not None  # an empty collection has one page


def test_near_misses_compare_a_bounded_number_of_slugs(monkeypatch: pytest.MonkeyPatch) -> None:
    many = Members(
        ID + "big/", [Member(URIRef(f"{ID}big/entry-{i:05}-report")) for i in range(20_000)]
    )
    compared: list[int] = []
    close_matches = difflib.get_close_matches

    def counting(word: str, possibilities: list[str], *args: Any) -> list[str]:
        compared.append(len(possibilities))
        found: list[str] = close_matches(word, possibilities, *args)
        return found

    monkeypatch.setattr(difflib, "get_close_matches", counting)
    near = many.near("entry-12345-reprot")
    assert near[0].slug == "entry-12345-report"
    assert compared == [collection.NEAR_MISS_CANDIDATES]
    assert many.near("zzzz-unlike-anything") == []
    small = Members(ID + "s/", [Member(URIRef(f"{ID}s/{w}")) for w in ("alpha", "beta", "gamma")])
    assert [m.slug for m in small.near("gamma-ray")] == ["gamma"]


def test_a_failure_is_remembered_instead_of_asked_again(store: MemoryStore) -> None:
    calls: list[str] = []

    def failing(_store: Store, key: str) -> int:
        calls.append(key)
        raise StoreError("the engine did not answer")

    remembered = per_store_key(failing, retry_s=3600)
    for _ in range(3):
        with pytest.raises(StoreError):
            remembered(store, "a")
    assert calls == ["a"]
    retried = per_store_key(failing, retry_s=-1)  # stale at once: asked again
    for _ in range(2):
        with pytest.raises(StoreError):
            retried(store, "b")
    assert calls == ["a", "b", "b"]


def test_only_the_last_used_keys_are_kept(store: MemoryStore) -> None:
    calls: list[int] = []

    def square(_store: Store, key: int) -> int:
        calls.append(key)
        return key * key

    kept = per_store_key(square, max_keys=2)
    assert [kept(store, k) for k in (1, 2, 1, 3, 1, 2)] == [1, 4, 1, 9, 1, 4]
    assert calls == [1, 2, 3, 2]  # 2 was forgotten when 3 came, 1 stayed in use


def test_values_are_kept_up_to_a_total_weight(store: MemoryStore) -> None:
    calls: list[int] = []

    def entries(_store: Store, key: int) -> list[int]:
        calls.append(key)
        return list(range(key))

    kept = per_store_key(entries, weight=len, max_weight=10)
    for key in (4, 5, 4, 8, 5, 4, 12, 12):
        assert len(kept(store, key)) == key
    # 4 and 5 fit together; 8 drops both (used least recently), so they are read again; 12 alone
    # weighs more than 10 and is kept while it is the one in use
    assert calls == [4, 5, 8, 5, 4, 12]


# --- pages over HTTP -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def paged(settings: Settings, store: MemoryStore) -> FlaskClient:
    from server import create_app

    app = create_app(settings.replace(collection_page_entries=25), store=store)
    app.config["TESTING"] = True
    return app.test_client()


def test_a_curated_collection_fits_on_one_page(
    client: FlaskClient, reference: dict[str, Listed]
) -> None:
    page = client.get("/id/frameworks", headers=HTML)
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    hrefs = re.findall(r'<li>(?:<span class="notation">[^<]*</span>)?<a href="([^"]+)"', text)
    assert hrefs == ["/" + iri[len(BASE) :] for iri, _, _ in reference["frameworks"]]
    assert f"{len(hrefs)} entries in this collection." in text
    assert 'class="pager"' not in text and 'rel="next"' not in page.headers["Link"]


def test_pages_of_a_collection_link_to_each_other(
    paged: FlaskClient, reference: dict[str, Listed]
) -> None:
    countries = reference["countries"]
    pages = -(-len(countries) // 25)
    seen: list[str] = []
    url: str | None = "/id/countries"
    for number in range(1, pages + 1):
        assert url is not None
        response = paged.get(url, headers=HTML)
        assert response.status_code == 200, url
        text = response.get_data(as_text=True)
        seen += re.findall(r'<li>(?:<span class="notation">[^<]*</span>)?<a href="([^"]+)"', text)
        assert f"page {number} of {pages}" in text
        links = dict(
            (rel, target)
            for target, rel in re.findall(r'<([^>]+)>; rel="(\w+)"', response.headers["Link"])
        )
        assert links["first"] == "/id/countries" and links["last"] == f"/id/countries?page={pages}"
        url = links.get("next")
        assert (url is None) == (number == pages)
        assert ("prev" in links) == (number > 1)
    assert seen == ["/" + iri[len(BASE) :] for iri, _, _ in countries]
    assert len(seen) == len(countries)


def test_a_page_in_rdf_holds_that_pages_members(
    paged: FlaskClient, reference: dict[str, Listed]
) -> None:
    response = paged.get("/id/countries.ttl?page=2")
    assert response.status_code == 200
    graph = Graph().parse(data=response.get_data(as_text=True), format="turtle")
    expected = {URIRef(iri) for iri, _, _ in reference["countries"][25:50]}
    assert {s for s in graph.subjects(RDFS.label, None)} == expected
    assert 'rel="next"' in response.headers["Link"]
    assert "</id/countries.ttl?page=3>" in response.headers["Link"]
    negotiated = paged.get("/id/countries?page=2", headers={"Accept": "text/turtle"})
    assert negotiated.headers["Content-Location"] == "/id/countries.ttl?page=2"
    assert '</id/countries?page=3>; rel="next"' in negotiated.headers["Link"]


def test_the_readers_language_is_kept_from_page_to_page(paged: FlaskClient) -> None:
    response = paged.get("/id/countries?lang=nb&page=2", headers=HTML)
    assert "</id/countries?lang=nb&page=3>" in response.headers["Link"]
    assert 'href="/id/countries?lang=nb&amp;page=3"' in response.get_data(as_text=True)


@pytest.mark.parametrize("page", ["0", "x", "-1", "1.5", "²", "9999999999"])
def test_a_page_that_is_no_number_is_a_400(paged: FlaskClient, page: str) -> None:
    response = paged.get("/id/countries", query_string={"page": page})
    assert response.status_code == 400
    assert "'page'" in response.get_json()["message"]


def test_a_page_past_the_last_is_a_404(paged: FlaskClient) -> None:
    response = paged.get("/id/countries?page=99")
    assert response.status_code == 404
    assert "there is no page 99" in response.get_json()["message"]


# --- missing IRIs ------------------------------------------------------------------------------------


def test_a_missing_entry_suggests_entries_of_its_collection(client: FlaskClient) -> None:
    page = client.get("/id/frameworks/un-framework-of-analysys", headers=HTML)
    assert page.status_code == 404
    text = page.get_data(as_text=True)
    assert 'href="/id/frameworks/un-framework-of-analysis"' in text
    assert "Framework of Analysis for Atrocity Crimes" in text


def test_a_missing_collection_suggests_collections(client: FlaskClient) -> None:
    page = client.get("/id/framework", headers=HTML)
    assert page.status_code == 404
    assert '<a href="/id/frameworks">Frameworks</a>' in page.get_data(as_text=True)
    astray = client.get("/id/framework/un-framework-of-analysis", headers=HTML)
    assert astray.status_code == 404
    assert '<a href="/id/frameworks">Frameworks</a>' in astray.get_data(as_text=True)
    machine = client.get("/id/framework", headers={"Accept": "application/json"})
    assert machine.status_code == 404 and machine.get_json()["error"] == "not_found"


class Counting(Store):
    """A store that records the text of every query it is asked, then asks `inner`."""

    def __init__(self, inner: Store) -> None:
        self.inner = inner
        self.description = inner.description
        self.texts: list[str] = []
        self._lock = threading.Lock()

    def _record(self, text: str) -> None:
        with self._lock:
            self.texts.append(text)

    def _query(self, text: str, dataset: Dataset, max_rows: int | None) -> QueryResult:
        self._record(text)
        return self.inner._query(text, dataset, max_rows)

    def _solutions(self, text: str, dataset: Dataset) -> Any:
        self._record(text)
        return self.inner._solutions(text, dataset)

    def _stream(self, query: CheckedQuery, fmt: Any, dataset: Dataset, limits: Limits) -> Answer:
        return self.inner._stream(query, fmt, dataset, limits)

    def load_nquads(self, data: bytes) -> None:
        self.inner.load_nquads(data)

    def count(self, head: str) -> int:
        return sum(1 for text in self.texts if text.startswith(head))


@pytest.fixture()
def counted(settings: Settings, store: MemoryStore) -> Iterator[tuple[str, Counting]]:
    """The app over a fresh counting store (so nothing is kept yet), served by a threaded WSGI
    server on a free loopback port."""
    from server import create_app

    counting = Counting(store)
    app = create_app(settings, store=counting)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", counting
    server.shutdown()
    thread.join(timeout=10)


def _burst(urls: list[str]) -> list[requests.Response]:
    barrier = threading.Barrier(len(urls))

    def get(url: str) -> requests.Response:
        barrier.wait(timeout=30)
        return requests.get(url, headers=HTML, timeout=60)

    with ThreadPoolExecutor(max_workers=len(urls)) as pool:
        return list(pool.map(get, urls))


def test_a_burst_of_missing_entries_reads_the_collection_once(
    counted: tuple[str, Counting],
) -> None:
    url, counting = counted
    slugs = [f"un-framework-of-analysys-{i}" for i in range(24)]
    answers = _burst([f"{url}/id/frameworks/{slug}" for slug in slugs])
    assert [a.status_code for a in answers] == [404] * len(slugs)
    assert all('href="/id/frameworks/un-framework-of-analysis"' in a.text for a in answers)
    assert counting.count(DIRECTORY) == 1
    assert counting.count(MEMBERS) == 1
    # besides those two, each request asked only about its own IRI
    others = [t for t in counting.texts if "?this" not in t]
    assert len(others) == 2
    more = _burst([f"{url}/id/frameworks/{slug}-again" for slug in slugs[:8]])
    assert [a.status_code for a in more] == [404] * 8
    assert counting.count(DIRECTORY) == 1
    assert counting.count(MEMBERS) == 1


def test_a_burst_of_unknown_collections_reads_the_directory_once(
    counted: tuple[str, Counting],
) -> None:
    url, counting = counted
    answers = _burst([f"{url}/id/no-such-collection-{i}" for i in range(16)])
    assert [a.status_code for a in answers] == [404] * 16
    assert counting.count(DIRECTORY) == 1
    assert counting.count(MEMBERS) == 0
    listing = requests.get(f"{url}/id/frameworks", headers=HTML, timeout=60)
    assert listing.status_code == 200
    again = requests.get(f"{url}/id/frameworks?lang=nb", headers=HTML, timeout=60)
    assert again.status_code == 200
    assert counting.count(DIRECTORY) == 1
    assert counting.count(MEMBERS) == 1
