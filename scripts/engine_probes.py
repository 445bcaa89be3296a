"""Requests that show how a remote engine behaves next to the embedded store, beyond the named
queries: each is sent to both servers, and each states whether the answers must agree (`same`) or
are known to differ (`differs`, with the reason, as docs/engines.md records it)."""

from __future__ import annotations

from dataclasses import dataclass, field

JSON = "application/sparql-results+json"
NTRIPLES = "application/n-triples"
APWPS = "https://w3id.org/apwps/ontology#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
XSD = "http://www.w3.org/2001/XMLSchema#"
COUNTRY = "https://w3id.org/apwps/id/countries/deu"
COUNTRY_GRAPH = "https://w3id.org/apwps/graph/data/countries/deu"


@dataclass(frozen=True)
class Probe:
    name: str
    topic: str
    query: str = ""  # sent to /sparql; when empty, `path` is fetched instead
    params: dict[str, str] = field(default_factory=dict)
    path: str = "/sparql"
    accept: str = JSON
    ordered: bool = False
    expect: str = "same"  # or "differs"
    why: str = ""  # for `differs`: what the remote engine does instead


PROBES: tuple[Probe, ...] = (
    # --- the default graph and dataset selection ---------------------------------------------
    Probe(
        "union-count",
        "default graph",
        "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
    ),
    Probe(
        "union-is-a-set",
        "default graph",
        f"SELECT ?label WHERE {{ <{COUNTRY}> <{RDFS}label> ?label }}",
    ),
    Probe(
        "graph-names",
        "default graph",
        "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g",
        expect="differs",
        why="GRAPH ?g also matches the graph that holds the union (the host's default graph)",
    ),
    Probe(
        "from-one-graph",
        "FROM",
        f"SELECT (COUNT(*) AS ?n) FROM <{COUNTRY_GRAPH}> WHERE {{ ?s ?p ?o }}",
        expect="differs",
        why="FROM is added to the host's default graph instead of replacing it",
    ),
    Probe(
        "from-then-graph",
        "FROM",
        f"SELECT (COUNT(DISTINCT ?g) AS ?n) FROM <{COUNTRY_GRAPH}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
        expect="differs",
        why="FROM without FROM NAMED leaves every graph visible to GRAPH (the standard: none)",
    ),
    Probe(
        "from-named-only",
        "FROM",
        f"SELECT (COUNT(*) AS ?n) FROM NAMED <{COUNTRY_GRAPH}> WHERE {{ ?s ?p ?o }}",
        expect="differs",
        why="FROM NAMED without FROM keeps the host's default graph (the standard: an empty one)",
    ),
    Probe(
        "from-named-graph",
        "FROM",
        f"SELECT ?g (COUNT(*) AS ?n) FROM NAMED <{COUNTRY_GRAPH}> "
        "WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g",
    ),
    Probe(
        "protocol-default-graph",
        "FROM",
        "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
        params={"default-graph-uri": COUNTRY_GRAPH},
    ),
    Probe(
        "protocol-named-graph",
        "FROM",
        "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g",
        params={"named-graph-uri": COUNTRY_GRAPH},
    ),
    # --- literal typing ------------------------------------------------------------------------
    Probe(
        "datatypes-in-data",
        "literal typing",
        "SELECT ?datatype (COUNT(*) AS ?n) WHERE { ?s ?p ?o FILTER(isLiteral(?o)) "
        "BIND(DATATYPE(?o) AS ?datatype) } GROUP BY ?datatype",
    ),
    Probe(
        "computed-numbers",
        "literal typing",
        "SELECT (1 + 1 AS ?integer) (1.5 * 2 AS ?decimal) (STRLEN('abc') AS ?length) "
        "(SUM(?x) AS ?sum) (COUNT(?x) AS ?count) WHERE { VALUES ?x { 1 2 4 } }",
    ),
    Probe(
        "computed-average",
        "literal typing",
        "SELECT (AVG(?x) AS ?average) WHERE { VALUES ?x { 1 2 4 } }",
        expect="differs",
        why="AVG of integers is an xsd:decimal cut at 15 digits (the embedded store keeps 18)",
    ),
    Probe(
        "computed-double",
        "literal typing",
        "SELECT (2.0e0 / 3 AS ?double) WHERE {}",
        expect="differs",
        why="xsd:double values are written with 6 significant digits (0.666667)",
    ),
    Probe(
        "computed-booleans",
        "literal typing",
        f"SELECT (LANGMATCHES('en-GB', 'en') AS ?match) (1 < 2 AS ?less) "
        f"(<{COUNTRY}> = <{COUNTRY}> AS ?equal) WHERE {{}}",
        expect="differs",
        why="a computed boolean comes back as xsd:integer 1 or 0, not xsd:boolean",
    ),
    Probe(
        "dates-and-years",
        "literal typing",
        f"SELECT ('2020'^^<{XSD}gYear> AS ?year) ('2020-01-02'^^<{XSD}date> AS ?date) "
        f"(YEAR('2020-01-02T10:00:00Z'^^<{XSD}dateTime>) AS ?y) WHERE {{}}",
    ),
    # --- language tags ------------------------------------------------------------------------
    Probe(
        "language-tags",
        "language tags",
        "SELECT (STRLANG('x', 'en-GB') AS ?tagged) (LANG(STRLANG('x', 'en-GB')) AS ?tag) "
        f"(COUNT(?l) AS ?nb) WHERE {{ OPTIONAL {{ ?s <{RDFS}label> ?l FILTER(LANG(?l) = 'nb') }} }}",
    ),
    # --- ORDER BY --------------------------------------------------------------------------------
    Probe(
        "order-by-labels",
        "ORDER BY",
        f"SELECT ?c ?label WHERE {{ ?c a <{APWPS}Country> ; <{RDFS}label> ?label "
        "FILTER(LANG(?label) = 'en') } ORDER BY ?label ?c",
        ordered=True,
    ),
    Probe(
        "order-by-mixed-types",
        "ORDER BY",
        "SELECT ?x WHERE { VALUES ?x { 2 'b' <http://example.org/a> 'a'@en 1.5 "
        f"'2020-01-01'^^<{XSD}date> UNDEF }} }} ORDER BY ?x",
        ordered=True,
        expect="differs",
        why="IRIs, numbers and strings are ordered differently among themselves "
        "(SPARQL leaves that order partly to the engine)",
    ),
    # --- blank nodes, CONSTRUCT, DESCRIBE ----------------------------------------------------------
    Probe(
        "blank-nodes",
        "blank nodes",
        "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o FILTER(isBlank(?s)) }",
        accept=NTRIPLES,
    ),
    Probe(
        "construct-new-blank-nodes",
        "blank nodes",
        f"CONSTRUCT {{ _:x <{RDFS}label> ?label ; <{RDFS}seeAlso> ?c }} "
        f"WHERE {{ ?c a <{APWPS}Country> ; <{RDFS}label> ?label FILTER(LANG(?label) = 'en') }}",
        accept=NTRIPLES,
    ),
    Probe(
        "describe",
        "DESCRIBE",
        f"DESCRIBE <{COUNTRY}>",
        accept=NTRIPLES,
        expect="differs",
        why="DESCRIBE also returns the triples where the resource is the object",
    ),
    # --- lax or missing SPARQL ---------------------------------------------------------------------
    Probe(
        "ungrouped-variable",
        "errors",
        "SELECT ?s WHERE { ?s ?p ?o } GROUP BY ?p",
        expect="differs",
        why="a SELECT of a variable that is not grouped is answered (with empty rows), "
        "not refused as malformed",
    ),
    Probe(
        "path-both-ends-open",
        "errors",
        f"SELECT (COUNT(*) AS ?n) WHERE {{ ?a <{RDFS}subClassOf>* ?b }}",
        expect="differs",
        why="a * path with neither end bound is refused ('transitive start not given')",
    ),
    Probe("syntax-error", "errors", "SELECT * WHERE { ?s ?p }"),
    Probe("update-refused", "errors", "INSERT DATA { <http://a> <http://b> <http://c> }"),
    # --- limits ---------------------------------------------------------------------------------------
    Probe("cut-at-max-rows", "limits", "SELECT ?s WHERE { ?s ?p ?o }"),
    Probe(
        "time-limit",
        "timeouts",
        "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }",
    ),
    # --- pages built on the store's non-streamed queries ------------------------------------------
    Probe("resource-page", "pages", path="/id/countries/deu", accept="text/turtle"),
    Probe(
        "service-description",
        "pages",
        path="/sparql",
        accept="text/turtle",
        expect="differs",
        why="the service description lists the union's graph among the named graphs",
    ),
)
