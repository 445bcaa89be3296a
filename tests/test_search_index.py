"""The search index (apwps.search) over the project's real graph: ranking, folding, languages, and the
same answers from a remote SPARQL engine."""

from __future__ import annotations

import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest

from apwps.config import Settings
from apwps.search import SearchIndex, fold, index_for, with_descriptions, words
from apwps.stores.memory import MemoryStore
from apwps.stores.sparql import SparqlStore
from tests.conftest import free_port, stop, wait_until_up

ID = "https://w3id.org/apwps/id/"


@pytest.fixture(scope="module")
def index(store: MemoryStore, settings: Settings) -> SearchIndex:
    return index_for(store, settings.base_iri)


def iris(index: SearchIndex, query: str, langs: tuple[str, ...] = (), limit: int = 20) -> list[str]:
    return [hit.iri for hit in index.search(query, langs, limit)]


def test_fold_removes_case_and_accents() -> None:
    assert fold("Sårbar STAT") == "sarbar stat"
    assert fold("Ørsted Æbleskiver Côte") == "orsted aebleskiver cote"
    assert words("Crimes-against humanity (1994)") == ["crimes", "against", "humanity", "1994"]


def test_index_is_built_once_per_store(store: MemoryStore, settings: Settings) -> None:
    assert index_for(store, settings.base_iri) is index_for(store, settings.base_iri)


def test_exact_label_comes_first_then_prefix_then_word(index: SearchIndex) -> None:
    hits = index.search("genocide", ("en",), 20)
    assert hits[0].iri == ID + "crimes/genocide"
    assert hits[0].match == "exact"
    order = [h.match for h in hits]
    assert order == sorted(order, key=("exact", "prefix", "word").index)
    assert "prefix" in order and "word" in order
    assert ID + "frameworks/ten-stages-of-genocide" in [h.iri for h in hits if h.match == "word"]


def test_word_prefixes_match_while_typing(index: SearchIndex) -> None:
    assert iris(index, "geno")[0] == ID + "crimes/genocide"
    found = iris(index, "crim again hum")
    assert ID + "crimes/crimes-against-humanity" in found[:3]


def test_alternative_labels_are_searched(index: SearchIndex) -> None:
    hit = index.search("FoA", (), 5)[0]
    assert hit.iri == ID + "frameworks/un-framework-of-analysis"
    assert hit.matched == "FoA"
    assert hit.label != "FoA"  # the shown label is the resource's name


def test_accents_and_case_are_ignored(index: SearchIndex) -> None:
    assert iris(index, "SARBAR STAT") == iris(index, "sårbar stat")
    assert iris(index, "sarbar")


def test_the_readers_language_labels_are_shown_and_preferred(index: SearchIndex) -> None:
    english = index.search("security", ("en",), 5)[0]
    norwegian = index.search("security", ("nb", "en"), 5)[0]
    assert english.iri == norwegian.iri == ID + "wps-index-dimensions/security"
    assert english.label == "Security"
    assert norwegian.label == "Sikkerhet"
    nb = index.search("sikkerhet", ("nb",), 5)[0]
    assert nb.iri == ID + "wps-index-dimensions/security"
    assert nb.matched_lang == "nb"


def test_guide_records_come_after_what_they_describe(index: SearchIndex) -> None:
    found = iris(index, "ACLED")
    assert found.index(ID + "organisations/acled") < found.index(ID + "guide/acled")


def test_limit_and_no_match(index: SearchIndex) -> None:
    assert len(index.search("the", (), 3)) == 3
    assert index.search("zzqqxx", (), 10) == []
    assert index.search("   ", (), 10) == []
    assert index.search("...", (), 10) == []


def test_one_hit_per_resource(index: SearchIndex) -> None:
    found = iris(index, "women", limit=50)
    assert len(found) == len(set(found))


@pytest.fixture(scope="module")
def remote_store(
    tmp_path_factory: pytest.TempPathFactory, settings: Settings, built: object
) -> Iterator[SparqlStore]:
    """A real Oxigraph server of this module's own (the shared one stays as other tests expect it),
    holding the session's build."""
    binary = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")
    port = free_port()
    log_path = tmp_path_factory.mktemp("search-oxigraph") / "oxigraph.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [binary, "serve", "--bind", f"127.0.0.1:{port}"], stdout=log, stderr=subprocess.STDOUT
        )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(url + "/query?query=ASK%7B%7D", process, log_path)
        remote = SparqlStore(url + "/query", graph_store_url=url + "/store")
        remote.load_nquads((settings.dist_path / "apwps.nq").read_bytes())
        yield remote
    finally:
        stop(process)


def test_remote_store_gives_the_same_answers(
    remote_store: SparqlStore, settings: Settings, index: SearchIndex
) -> None:
    remote_index = SearchIndex.build(remote_store, settings.base_iri)
    assert len(remote_index) == len(index)
    for query in ("genocide", "FoA", "sikkerhet", "un wom"):
        assert iris(remote_index, query, ("en",)) == iris(index, query, ("en",))


def test_the_index_holds_names_only_up_to_its_bound(store: MemoryStore, settings: Settings) -> None:
    whole = SearchIndex.build(store, settings.base_iri)
    assert whole.complete and whole.names > 1000
    bounded = SearchIndex.build(store, settings.base_iri, max_names=200)
    assert not bounded.complete and 0 < bounded.names <= 200
    assert bounded.iris == whole.iris[: len(bounded)]  # the first resources by IRI
    hit = bounded.search(bounded.entry(0).label()[0])[0]
    assert hit.entry.descriptions == {}  # read for the results shown, not held


def test_descriptions_are_read_for_the_results_shown(
    store: MemoryStore, index: SearchIndex
) -> None:
    hits = with_descriptions(store, index.search("genocide", ("en",), 5))
    assert hits[0].iri == ID + "crimes/genocide"
    assert "intent to destroy" in hits[0].entry.description(("en",))


def test_concurrent_first_uses_build_once() -> None:
    """Views are built on first use: requests arriving together wait for one build."""
    from apwps.memo import per_store

    calls: list[int] = []
    gate = threading.Event()

    @per_store
    def slow(store: Any) -> int:
        calls.append(1)
        gate.wait(5)
        return len(calls)

    target = MemoryStore(ox.Store())
    with ThreadPoolExecutor(8) as pool:
        futures = [pool.submit(slow, target) for _ in range(8)]
        gate.set()
        assert {f.result() for f in futures} == {1}
    assert calls == [1]
