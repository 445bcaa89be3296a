"""The requests timed at every size: lookups of one resource, a join, a two-hop citation count,
full scans (a label search, a count per class), the named queries, and (on this project's server)
linked-data pages. Each request differs from the one before (another IRI, or a trailing comment),
so that no cache of parsed queries or answers serves it."""

from __future__ import annotations

import random
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import requests

ROOT = Path(__file__).resolve().parents[2]
sys.path.append(str(ROOT / "bench" / "endpoint"))

import synth  # noqa: E402

ID = synth.ID
JSON = "application/sparql-results+json"
PREFIXES = (
    "PREFIX apwps: <https://w3id.org/apwps/ontology#>\n"
    "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"
    "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
    "PREFIX cito: <http://purl.org/spar/cito/>\n"
)

SPARQL: dict[str, tuple[str, str]] = {
    # name: (query with {pub}, {framework}, {country}, {n} slots, Accept)
    "lookup": ("SELECT ?p ?o WHERE {{ <{pub}> ?p ?o }}", JSON),
    "construct": ("CONSTRUCT {{ <{pub}> ?p ?o }} WHERE {{ <{pub}> ?p ?o }}", "text/turtle"),
    "join": (
        "SELECT ?indicator ?label ?value WHERE {{ ?obs apwps:refCountry <{country}> ; "
        "apwps:refIndicator ?indicator ; apwps:value ?value . "
        '?indicator skos:prefLabel ?label FILTER(LANG(?label) = "en") }} ORDER BY ?indicator',
        JSON,
    ),
    "cited-2-hops": (
        "SELECT (COUNT(DISTINCT ?a) AS ?n) WHERE {{ ?a cito:cites ?b . ?b cito:cites <{framework}> }}",
        JSON,
    ),
    "label-scan": (
        "SELECT ?s ?label WHERE {{ ?s rdfs:label ?label "
        'FILTER(CONTAINS(LCASE(STR(?label)), "report {n} on")) }} LIMIT 20',
        JSON,
    ),
    "count-per-class": (
        "SELECT ?class (COUNT(?s) AS ?n) WHERE {{ ?s a ?class }} GROUP BY ?class "
        "ORDER BY DESC(?n) LIMIT 10",
        JSON,
    ),
}


def samples(triples: int, seed: int = 5) -> dict[str, list[str]]:
    """IRIs of entries that exist in the synthetic graph of this size (from its plan)."""
    plan = synth.Plan.for_size(triples)
    rng = random.Random(seed)
    pubs = [rng.randrange(plan.publications) for _ in range(200)]
    frameworks = [rng.randrange(plan.frameworks) for _ in range(200)]
    return {
        "pub": [f"{ID}publications/report-{i:07d}" for i in pubs],
        "framework": [f"{ID}frameworks/framework-{i:06d}" for i in frameworks],
        "n": [str(i) for i in pubs],
    }


def countries(post: Callable[[str], requests.Response]) -> list[str]:
    answer = post(PREFIXES + "SELECT ?c WHERE { ?c a apwps:Country } ORDER BY ?c LIMIT 50").json()
    return [row["c"]["value"] for row in answer["results"]["bindings"]]


def named_queries() -> list[tuple[str, str]]:
    sys.path.insert(0, str(ROOT))
    from apwps.catalogue import Catalogue

    return [(q.name, q.text) for q in Catalogue(ROOT / "queries")]


def suite(kind: str, base: str, triples: int, runs: int) -> dict[str, Any]:
    """Time every request `runs` times against this project's server (`apwps`: /sparql, /queries,
    /id pages) or an Oxigraph server (`oxigraph`: /query)."""
    from measure import latency

    endpoint = base + ("/sparql" if kind == "apwps" else "/query")
    session = requests.Session()

    def post(text: str, accept: str = JSON) -> requests.Response:
        return session.post(endpoint, data={"query": text}, headers={"Accept": accept}, timeout=600)

    picks = samples(triples)
    picks["country"] = countries(post)
    Send = Callable[[int], requests.Response]

    def sparql(template: str, accept: str) -> Send:
        def send(i: int) -> requests.Response:
            values = {key: options[i % len(options)] for key, options in picks.items()}
            return post(PREFIXES + template.format(**values) + f"\n# run {i}", accept)

        return send

    def named(name: str, text: str) -> Send:
        def send(i: int) -> requests.Response:
            if kind == "apwps":  # no If-None-Match is sent: the server evaluates it every time
                return session.get(f"{base}/queries/{name}", headers={"Accept": JSON}, timeout=600)
            return post(text + f"\n# run {i}")

        return send

    def page(accept: str) -> Send:
        def send(i: int) -> requests.Response:
            path = picks["pub"][i % len(picks["pub"])][len("https://w3id.org/apwps") :]
            return session.get(base + path, headers={"Accept": accept}, timeout=600)

        return send

    results: dict[str, Any] = {}
    for name, (template, accept) in SPARQL.items():
        results[name] = latency(sparql(template, accept), runs)
    for name, text in named_queries():
        results[f"named:{name}"] = latency(named(name, text), runs)
    if kind == "apwps":
        results["page-html"] = latency(page("text/html"), runs)
        results["page-turtle"] = latency(page("text/turtle"), runs)
    return results
