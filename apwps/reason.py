"""Reasoning: materialise the entailments queries rely on, and check consistency with HermiT.

The entailments (class and property hierarchies, inverses, symmetric and transitive properties, SKOS's
own axioms) are computed once at build by running CONSTRUCT rules on the engine until nothing new
appears, so queries need no reasoning at request time. (bench/reasoning.md compares this with owlrl's
full OWL-RL closure on the same graph.) A graph too large to build here gets the same closure
from an external engine: the same rules run there as SPARQL Update (`materialise_remote`, used
by `apwps publish --infer`). Consistency is checked by HermiT through owlready2, on a copy that
never reaches the network.
"""

from __future__ import annotations

import contextlib
import io
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import pyoxigraph as ox
import rdflib
from rdflib.namespace import OWL, RDF, RDFS, XSD

from apwps.errors import ApwpsError
from apwps.stores.base import QueryResult, SelectResult

PREFIXES = """
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
"""


@dataclass(frozen=True)
class Rule:
    """One entailment: the triple `template` holds wherever `where` matches the union of all graphs.

    The embedded build runs it as a CONSTRUCT; an external engine as an INSERT (`insert`).
    """

    name: str
    template: str
    where: str

    def construct(self) -> str:
        return f"{PREFIXES}CONSTRUCT {{ {self.template} }} WHERE {{ {self.where} }}"

    def insert(self, inferred_graph: str, union_graph: str | None) -> str:
        """Add what no graph holds yet to `inferred_graph` and to the union the rule reads
        (`union_graph`, or the engine's default graph when None), so later rules see it."""
        union = (
            self.template if union_graph is None else f"GRAPH <{union_graph}> {{ {self.template} }}"
        )
        body = f"{self.where} FILTER NOT EXISTS {{ {self.template} }}"
        where = body if union_graph is None else f"GRAPH <{union_graph}> {{ {body} }}"
        return (
            f"{PREFIXES}INSERT {{ GRAPH <{inferred_graph}> {{ {self.template} }} {union} }} "
            f"WHERE {{ {where} }}"
        )


RULES: tuple[Rule, ...] = (
    Rule("subclass", "?x a ?super", "?x a ?c . ?c rdfs:subClassOf+ ?super . FILTER(isIRI(?super))"),
    Rule(
        "subproperty",
        "?s ?q ?o",
        "?p rdfs:subPropertyOf+ ?q . ?s ?p ?o . FILTER(isIRI(?q) && ?p != ?q)",
    ),
    Rule(
        "inverse",
        "?o ?q ?s",
        "{ ?p owl:inverseOf ?q } UNION { ?q owl:inverseOf ?p } ?s ?p ?o . FILTER(!isLiteral(?o))",
    ),
    Rule(
        "symmetric",
        "?o ?p ?s",
        "?p a owl:SymmetricProperty . ?s ?p ?o . FILTER(!isLiteral(?o))",
    ),
)
TRANSITIVE_PROPERTIES = "?p a owl:TransitiveProperty . FILTER(isIRI(?p))"
MAX_ROUNDS = 10


def transitive(prop: str) -> Rule:
    """The rule for one transitive property, written as an IRI in angle brackets."""
    return Rule(f"transitive {prop}", f"?s {prop} ?o", f"?s {prop} ?m . ?m {prop}+ ?o")


@dataclass(frozen=True)
class InferenceReport:
    inferred: int
    rounds: int


def _asserted(store: ox.Store, triple: ox.Triple) -> bool:
    return any(
        True for _ in store.quads_for_pattern(triple.subject, triple.predicate, triple.object)
    )


def materialise(store: ox.Store, inferred_graph: str) -> InferenceReport:
    """Add the entailed triples that no graph holds yet to `inferred_graph`, until a fixpoint."""
    graph = ox.NamedNode(inferred_graph)
    if store.contains_named_graph(graph):
        store.remove_graph(graph)
    total = 0
    for round_number in range(1, MAX_ROUNDS + 1):
        new: set[ox.Triple] = set()
        properties = store.query(
            f"{PREFIXES}SELECT DISTINCT ?p WHERE {{ {TRANSITIVE_PROPERTIES} }}",
            use_default_graph_as_union=True,
        )
        assert isinstance(properties, ox.QuerySolutions)
        rules = [*RULES, *(transitive(str(row["p"])) for row in properties)]
        for rule in rules:
            triples = store.query(rule.construct(), use_default_graph_as_union=True)
            assert isinstance(triples, ox.QueryTriples)
            for triple in triples:
                if isinstance(triple.subject, ox.Literal) or triple in new:
                    continue
                if not _asserted(store, triple):
                    new.add(triple)
        if not new:
            return InferenceReport(total, round_number)
        store.extend(ox.Quad(t.subject, t.predicate, t.object, graph) for t in sorted(new, key=str))
        total += len(new)
    return InferenceReport(total, MAX_ROUNDS)


class Engine(Protocol):
    """What the remote path needs of an external engine: read-only queries and updates."""

    def query(self, text: str) -> QueryResult: ...

    def update(self, text: str) -> None: ...


def _count(engine: Engine, union_graph: str | None) -> int:
    pattern = "?s ?p ?o" if union_graph is None else f"GRAPH <{union_graph}> {{ ?s ?p ?o }}"
    result = engine.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ {pattern} }}")
    rows = result.rows if isinstance(result, SelectResult) else []
    return int(rows[0]["n"]) if rows else 0  # type: ignore[call-overload]


def materialise_remote(
    engine: Engine, inferred_graph: str, union_graph: str | None = None
) -> InferenceReport:
    """The same closure as `materialise`, computed by the external engine itself (SPARQL 1.1
    Update), for graphs too large for the embedded build. `union_graph` holds the union of all
    graphs (None: the engine's default graph, as `apwps publish` leaves it); `inferred_graph`
    must not hold earlier inferences. Rounds end when the union stops growing."""
    before = start = _count(engine, union_graph)
    for round_number in range(1, MAX_ROUNDS + 1):
        found = f"{{ {TRANSITIVE_PROPERTIES} }}"
        where = found if union_graph is None else f"{{ GRAPH <{union_graph}> {found} }}"
        properties = engine.query(f"{PREFIXES}SELECT DISTINCT ?p WHERE {where}")
        names = properties.rows if isinstance(properties, SelectResult) else []
        props = sorted(row["p"].n3() for row in names if isinstance(row.get("p"), rdflib.URIRef))
        for rule in [*RULES, *(transitive(p) for p in props)]:
            engine.update(rule.insert(inferred_graph, union_graph))
        after = _count(engine, union_graph)
        if after == before:
            return InferenceReport(after - start, round_number)
        before = after
    return InferenceReport(before - start, MAX_ROUNDS)


# --- consistency -----------------------------------------------------------------------------------

# Datatypes in the OWL 2 datatype map that HermiT accepts; literals of others (xsd:date, xsd:gYear)
# are left out of the reasoner's copy.
_OWL2_DATATYPES = {
    XSD.string,
    XSD.boolean,
    XSD.decimal,
    XSD.integer,
    XSD.double,
    XSD.float,
    XSD.dateTime,
    XSD.anyURI,
    XSD.nonNegativeInteger,
    XSD.positiveInteger,
    XSD.int,
    XSD.long,
    RDF.langString,
    RDF.PlainLiteral,
    XSD.normalizedString,
    XSD.token,
    XSD.language,
    XSD.dateTimeStamp,
}


class InconsistentOntology(ApwpsError):
    code = "inconsistent"


class ReasonerUnavailable(ApwpsError):
    code = "reasoner_unavailable"


def reasoner_copy(graph: rdflib.Graph) -> rdflib.Graph:
    """The graph as HermiT can take it: no imports, individuals declared, OWL 2 datatypes only."""
    copy = rdflib.Graph()
    schema_types = {
        OWL.Class,
        RDFS.Class,
        OWL.ObjectProperty,
        OWL.DatatypeProperty,
        OWL.AnnotationProperty,
        RDF.Property,
        OWL.Ontology,
        OWL.Restriction,
        OWL.TransitiveProperty,
        OWL.SymmetricProperty,
        OWL.FunctionalProperty,
        OWL.InverseFunctionalProperty,
        OWL.AllDisjointClasses,
        RDFS.Datatype,
    }
    for s, p, o in graph:
        if p == OWL.imports:
            continue
        if (
            isinstance(o, rdflib.Literal)
            and o.datatype is not None
            and o.datatype not in _OWL2_DATATYPES
        ):
            continue
        copy.add((s, p, o))
    for subject, cls in graph.subject_objects(RDF.type):
        if isinstance(subject, rdflib.URIRef) and cls not in schema_types:
            copy.add((subject, RDF.type, OWL.NamedIndividual))
    return copy


def check_consistency(graph: rdflib.Graph) -> None:
    """Raise InconsistentOntology when HermiT finds the graph inconsistent. Needs Java."""
    if shutil.which("java") is None:
        raise ReasonerUnavailable(
            "the consistency check needs Java (HermiT runs on it); none found"
        )
    import owlready2  # imported late: it starts slowly and only this check needs it

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "apwps-reasoner-copy.owl"
        reasoner_copy(graph).serialize(destination=str(path), format="xml")
        world = owlready2.World()
        chatter = io.StringIO()  # owlready2 prints punning warnings to stderr; keep them quiet
        try:
            with contextlib.redirect_stderr(chatter), contextlib.redirect_stdout(chatter):
                ontology = world.get_ontology(path.as_uri()).load(only_local=True)
                with ontology:
                    owlready2.sync_reasoner_hermit(world, infer_property_values=False, debug=0)
        except owlready2.OwlReadyInconsistentOntologyError as exc:
            raise InconsistentOntology(
                f"the ontology and data are inconsistent (HermiT): {exc}"
            ) from exc
        except owlready2.OwlReadyJavaError as exc:
            raise ReasonerUnavailable(f"HermiT failed to run: {str(exc)[-400:]}") from exc
        finally:
            world.close()
