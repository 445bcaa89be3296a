"""Requests that show how a remote engine behaves next to the embedded store, beyond the named
queries: each is sent to both stores, and each states whether the answers must agree (`same`,
possibly after a named normalisation) or are known to differ (`differs`, with the reason, as
docs/engines.md records it). A documented difference that no longer shows fails the check too, so
that the page stays true."""

from __future__ import annotations

from dataclasses import dataclass, field

JSON = "application/sparql-results+json"
NTRIPLES = "application/n-triples"
APWPS = "https://w3id.org/apwps/ontology#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
XSD = "http://www.w3.org/2001/XMLSchema#"
COUNTRY = "https://w3id.org/apwps/id/countries/deu"
COUNTRY_GRAPH = "https://w3id.org/apwps/graph/data/countries/deu"
COUNTRIES = "https://w3id.org/apwps/id/countries/"
GROUP = "https://w3id.org/apwps/id/affected-groups/children"
FRAMEWORK = "https://w3id.org/apwps/id/frameworks/appap-warn"  # an early-warning system
NO_NOTATION = "https://w3id.org/apwps/id/wps-index-indicators/employment"
NOTATION = "https://w3id.org/apwps/id/risk-indicators/rf01-09"  # "1.9"


@dataclass(frozen=True)
class Probe:
    name: str
    topic: str
    query: str = ""  # sent to /sparql; when empty, `path` is fetched instead
    params: dict[str, str] = field(default_factory=dict)
    path: str = "/sparql"
    accept: str = JSON
    ordered: bool = False
    keys: tuple[str, ...] = ()  # the ORDER BY variables, when every key is one (ties may swap)
    heads_only: bool = False  # compare only the row count and the cut (the rows may differ)
    expect: str = "same"  # or "differs"
    why: str = ""  # for `differs`: what the remote engine does instead
    project_defect: str = ""  # a known defect of this project that makes them differ (to fix)
    short_time_limit: bool = False  # sent to servers with a short query_time_limit_ms


PROBES: tuple[Probe, ...] = (
    # --- the default graph and dataset selection ---------------------------------------------
    Probe("union-count", "default graph", "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"),
    Probe(
        "union-is-a-set",
        "default graph",
        f"SELECT ?label WHERE {{ <{COUNTRY}> <{RDFS}label> ?label }}",
    ),
    Probe(
        "graph-names",
        "default graph",
        "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g",
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
        f"SELECT (COUNT(DISTINCT ?g) AS ?n) FROM <{COUNTRY_GRAPH}> "
        "WHERE { GRAPH ?g { ?s ?p ?o } }",
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
        expect="differs",
        why="FROM NAMED adds to the host's list of named graphs instead of replacing it",
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
        expect="differs",
        why="named-graph-uri adds to the host's list of named graphs instead of replacing it",
    ),
    # --- literal typing ------------------------------------------------------------------------
    Probe(
        "datatypes-in-data",
        "literal typing",
        "SELECT ?datatype (COUNT(*) AS ?n) WHERE { ?s ?p ?o FILTER(isLiteral(?o)) "
        "BIND(DATATYPE(?o) AS ?datatype) } GROUP BY ?datatype",
        expect="differs",
        why="DATATYPE of a language-tagged literal is unbound (SPARQL 1.1 as first published), "
        "not rdf:langString (RDF 1.1, and the embedded store)",
    ),
    Probe(
        "computed-numbers",
        "literal typing",
        "SELECT (1 + 1 AS ?integer) (1.5 * 2 AS ?decimal) (STRLEN('abc') AS ?length) "
        "(SUM(?x) AS ?sum) (COUNT(?x) AS ?count) WHERE { VALUES ?x { 1 2 4 } }",
    ),
    Probe(
        "computed-average", "literal typing", "SELECT (AVG(?x) AS ?a) WHERE { VALUES ?x { 1 2 4 } }"
    ),
    Probe("computed-double", "literal typing", "SELECT (2.0e0 / 3 AS ?double) WHERE {}"),
    Probe(
        "computed-booleans",
        "literal typing",
        f"SELECT (LANGMATCHES('en-GB', 'en') AS ?match) (1 < 2 AS ?less) "
        f"(<{COUNTRY}> = <{COUNTRY}> AS ?equal) WHERE {{}}",
    ),
    Probe(
        "dates-and-years",
        "literal typing",
        f"SELECT ('2020'^^<{XSD}gYear> AS ?year) ('2020-01-02'^^<{XSD}date> AS ?date) "
        f"(YEAR('2020-01-02T10:00:00Z'^^<{XSD}dateTime>) AS ?y) WHERE {{}}",
    ),
    Probe(
        "concatenation",
        "literal typing",
        f"SELECT ?c (SAMPLE(CONCAT(?label, ' (', STR(?c), ')')) AS ?both) "
        f"(GROUP_CONCAT(?label; separator=', ') AS ?all) WHERE {{ VALUES ?c {{ <{COUNTRY}> }} "
        f"?c <{RDFS}label> ?label FILTER(LANG(?label) = 'en') }} GROUP BY ?c",
    ),
    Probe(
        "concatenation-of-nothing",
        "literal typing",
        f"SELECT ?c (GROUP_CONCAT(?x; separator=', ') AS ?none) WHERE {{ VALUES ?c {{ <{COUNTRY}> }} "
        "OPTIONAL { ?c <http://example.org/none> ?x } } GROUP BY ?c",
    ),
    Probe(
        "concatenation-default-separator",
        "literal typing",
        f"SELECT (GROUP_CONCAT(?label) AS ?all) WHERE {{ <{COUNTRY}> <{RDFS}label> ?label }}",
        expect="differs",
        why="GROUP_CONCAT without `separator` is refused (SR183: required argument delim not "
        "supplied), a defect of Virtuoso 7.2.5",
    ),
    Probe(
        "cast-decimal-string",
        "literal typing",
        f"SELECT (COALESCE(<{XSD}integer>('7.10'), 'error') AS ?n) WHERE {{}}",
        expect="differs",
        why="xsd:integer('7.10') is 7 instead of an error: casts read what they can",
    ),
    Probe(
        "string-function-on-number",
        "literal typing",
        "SELECT ?x (STRAFTER(?x, '.') AS ?after) WHERE { VALUES ?x { 4 } }",
        expect="differs",
        why="a string function given a number fails the whole query (SL001) instead of leaving "
        "its result unbound",
    ),
    Probe(
        "cast-empty-string",
        "literal typing",
        f"SELECT (COALESCE(<{XSD}integer>(''), 'error') AS ?n) WHERE {{}}",
        expect="differs",
        why="xsd:integer('') is 0 instead of an error, so COALESCE takes it",
    ),
    # --- language tags ------------------------------------------------------------------------
    Probe(
        "language-tags",
        "language tags",
        "SELECT (STRLANG('x', 'en-GB') AS ?tagged) (LANG(STRLANG('x', 'en-GB')) AS ?tag) "
        f"(COUNT(?l) AS ?nb) WHERE {{ OPTIONAL {{ ?s <{RDFS}label> ?l FILTER(LANG(?l) = 'nb') }} }}",
    ),
    # --- property paths --------------------------------------------------------------------------
    Probe(
        "alternative-path",
        "property paths",
        f"SELECT ?label WHERE {{ <{GROUP}> <{RDFS}label>|<{SKOS}prefLabel> ?label }}",
    ),
    Probe(
        "optional-transitive-path",
        "property paths",
        f"SELECT (COUNT(*) AS ?n) WHERE {{ ?c <{SKOS}inScheme> "
        "<https://w3id.org/apwps/id/gender-factors> . "
        f"OPTIONAL {{ ?c <{SKOS}broader>+ ?ancestor }} }}",
        expect="differs",
        why="an OPTIONAL group whose * or + path starts at an outer variable drops solutions, a "
        "defect of Virtuoso 7.2.5",
    ),
    Probe(
        "exists-path-to-outer-variable",
        "property paths",
        f"SELECT ?kind WHERE {{ VALUES ?framework {{ <{FRAMEWORK}> }} "
        f"VALUES ?kind {{ <{APWPS}Framework> <{APWPS}EarlyWarningSystem> }} "
        f"FILTER EXISTS {{ ?framework a ?narrower . ?narrower <{RDFS}subClassOf>+ ?kind }} }}",
        expect="differs",
        why="inside EXISTS, a + path that ends at a variable bound outside it finds nothing, a "
        "defect of Virtuoso 7.2.5",
    ),
    Probe(
        "values-path-start",
        "property paths",
        f"SELECT (COUNT(*) AS ?n) WHERE {{ VALUES ?this {{ <{NOTATION}> }} "
        f"?this <{SKOS}broader>* ?a . ?a <{SKOS}broader> ?b }}",
        expect="differs",
        why="a * or + path whose start is bound only by VALUES starts from every node (the same "
        "path from a constant, or from a variable a triple binds, is right), a defect of "
        "Virtuoso 7.2.5",
    ),
    Probe(
        "path-both-ends-open",
        "property paths",
        f"SELECT (COUNT(*) AS ?n) WHERE {{ ?a <{RDFS}subClassOf>* ?b }}",
        expect="differs",
        why="a * path with neither end bound is refused ('transitive start not given')",
    ),
    # --- OPTIONAL, FILTER and BIND -------------------------------------------------------------
    Probe(
        "bind-after-optional",
        "OPTIONAL and BIND",
        f"SELECT ?x ?notation ?length WHERE {{ {{ BIND(<{NO_NOTATION}> AS ?x) }} UNION "
        f"{{ BIND(<{NOTATION}> AS ?x) }} OPTIONAL {{ ?x <{SKOS}notation> ?notation }} "
        "BIND(STRLEN(?notation) AS ?length) }",
        expect="differs",
        why="after a row whose OPTIONAL bound nothing, a BIND that uses the OPTIONAL's variable "
        "gives nothing on the rows that follow, a defect of Virtuoso 7.2.5",
    ),
    Probe(
        "filter-before-bind-and-optional",
        "OPTIONAL and BIND",
        f"SELECT (COUNT(*) AS ?n) WHERE {{ ?c a <{APWPS}Country> . "
        f"FILTER(STRSTARTS(STR(?c), '{COUNTRIES}d')) BIND(1 AS ?one) "
        "OPTIONAL { ?c <http://example.org/none> ?x } }",
        expect="differs",
        why="a FILTER written before a BIND that an OPTIONAL follows is ignored, a defect of "
        "Virtuoso 7.2.5",
    ),
    Probe(
        "optional-filter-outer-variable",
        "OPTIONAL and BIND",
        f"SELECT ?c ?label WHERE {{ VALUES (?c ?lang) {{ (<{COUNTRY}> 'nb') }} "
        f"OPTIONAL {{ ?c <{RDFS}label> ?label FILTER(LANG(?label) = ?lang) }} }}",
        expect="differs",
        why="a FILTER inside OPTIONAL does not see the variables bound outside it (SPARQL's "
        "LeftJoin condition does)",
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
        "order-by-long-strings",
        "ORDER BY",
        # every English label: some of them share their first 20 characters, whatever the data
        f"SELECT DISTINCT ?label WHERE {{ ?s <{RDFS}label> ?label FILTER(LANG(?label) = 'en') }} "
        "ORDER BY ?label",
        ordered=True,
        expect="differs",
        why="stored strings are ordered by their first 20 characters only ('Decreasing access to "
        "the economy' before '… healthcare'), a defect of Virtuoso 7.2.5",
    ),
    Probe(
        "order-by-str",
        "ORDER BY",
        f"SELECT DISTINCT ?label WHERE {{ ?s <{RDFS}label> ?label FILTER(LANG(?label) = 'en') }} "
        "ORDER BY STR(?label)",
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
        "select-blank-nodes",
        "blank nodes",
        "SELECT ?s ?p WHERE { ?s ?p ?o FILTER(isBlank(?s)) } ORDER BY ?p LIMIT 3",
    ),
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
    # --- errors -----------------------------------------------------------------------------------
    Probe(
        "ungrouped-variable",
        "errors",
        "SELECT ?class WHERE { ?s a ?class } GROUP BY ?s",
        expect="differs",
        why="a SELECT of a variable that is not grouped is answered, not refused as malformed",
    ),
    Probe("syntax-error", "errors", "SELECT * WHERE { ?s ?p }"),
    Probe("update-refused", "errors", "INSERT DATA { <http://a> <http://b> <http://c> }"),
    # --- limits -----------------------------------------------------------------------------------
    Probe(
        "cut-at-max-rows",
        "limits",
        # IRIs only: which rows come first is the engine's choice (select-blank-nodes)
        "SELECT ?s WHERE { ?s ?p ?o FILTER(isIRI(?s)) }",
        heads_only=True,
    ),
    # --- pages built on the store's non-streamed queries ------------------------------------------
    Probe("resource-page", "pages", path="/id/countries/deu", accept="text/turtle"),
    Probe("service-description", "pages", path="/sparql", accept="text/turtle"),
    # last: the engine may go on with this query after the server has given up
    Probe(
        "time-limit",
        "timeouts",
        "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }",
        short_time_limit=True,
    ),
)
