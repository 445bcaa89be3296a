"""Validating new or changed entries in the context of the whole graph, fast enough to do per request.

The context is prepared once: the assembled store (every content file and its inferences), an rdflib
dataset over the same graphs for pySHACL, the shapes, the ontology and the kinds they define. A
submission is then checked with its own nodes as the focus, against a data graph that is the curated
graph with the entry in place of any earlier version of the same file: the entry's triples are added
to the shared dataset (under a lock, and taken out again afterwards), so nothing is copied. A link to
an organisation or concept that exists elsewhere is seen as valid; a link to nothing is caught, and
the report suggests the closest existing labels of the class the shape expects.

The entry's own inferences (superclasses, inverse and symmetric properties) are computed against the
ontology alone, which is small; the curated graph's inferences were computed at preparation.
"""

from __future__ import annotations

import contextlib
import difflib
import re
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import rdflib
from rdflib.namespace import OWL, RDF, RDFS, SH, SKOS
from rdflib.plugins.sparql import prepareQuery
from rdflib.term import Node

from apwps import formats, tabular
from apwps.build import assemble
from apwps.churn import Churn, PruningMemory
from apwps.config import Settings
from apwps.errors import InputError
from apwps.focus import read_plan, select, shapes_for, targeting
from apwps.kinds import Kind, find_kind, kebab, local_name, read_kinds, superclasses
from apwps.load import INFERRED_GRAPH, SourceFile, graph_iri_for, parse_bytes
from apwps.locate import line_of
from apwps.reason import materialise
from apwps.terms import from_rdflib, to_rdflib, to_rdflib_graph
from apwps.validate import Report, validate_graph

InputFormat = formats.Format | tabular.TabularFormat
Log = Callable[[str], None]

_ENTRY_INFERRED = "urn:apwps:curation:entry-inferred"
_SCHEMA_INFERRED = "urn:apwps:curation:schema-inferred"
_ENTRY_SCHEMA_GRAPH = "urn:apwps:curation:entry"
_PREFIX = re.compile(r"^\s*@prefix\s+([A-Za-z][\w.-]*)?:\s*<([^>]*)>\s*\.", re.MULTILINE)
MAX_SUGGESTIONS = 3
_LABELS = f"<{RDFS.label}> <{SKOS.prefLabel}>"
_ENTITIES_QUERY = (
    "SELECT ?class ?x ?label WHERE { ?x a ?class . OPTIONAL { ?x ?p ?label . "
    f"VALUES ?p {{ {_LABELS} <{SKOS.altLabel}> }} FILTER(isLiteral(?label) && "
    '(lang(?label) = "en" || lang(?label) = "")) } FILTER(isIRI(?x)) }'
)
_LABEL_QUERY = (
    f"SELECT ?x ?l WHERE {{ ?x ?p ?l . VALUES ?p {{ {_LABELS} }} "
    'FILTER(lang(?l) = "en" || lang(?l) = "") } LIMIT 1'
)


@dataclass(frozen=True)
class Submission:
    """One document to check: its name (for reports), its bytes, its format and its named graph."""

    name: str
    data: bytes
    format: InputFormat
    graph_iri: str


@dataclass
class ParsedEntry:
    """A submission's triples, the entries (named subjects) it describes and where each is written."""

    submission: Submission
    triples: list[tuple[Node, Node, Node]]
    subjects: list[rdflib.URIRef]
    lines: dict[str, int] = field(default_factory=dict)


def input_format(name_or_path: str | Path) -> InputFormat | None:
    """The format a file suffix names: an RDF syntax or the tabular form (CSV, YAML)."""
    return formats.by_suffix(name_or_path) or tabular.by_suffix(name_or_path)


def input_format_for_media_type(media_type: str) -> InputFormat | None:
    """The input format for a Content-Type: an RDF syntax or the tabular form."""
    return formats.by_media_type(media_type, "graph") or tabular.by_media_type(media_type)


def submission_from_file(
    settings: Settings, path: Path, fmt: InputFormat | None = None
) -> Submission:
    """Read a file; a file inside the project keeps the graph it would have in the build."""
    chosen = fmt or input_format(path)
    if chosen is None:
        known = ", ".join(sorted(formats.RDF_SUFFIXES | tabular.SUFFIXES))
        raise InputError(f"unknown file type {path.suffix!r} (known: {known})", source=path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}", source=path) from exc
    resolved = path.resolve()
    try:
        relative = resolved.relative_to(settings.root_path).as_posix()
        graph_iri = graph_iri_for(settings.base_iri, relative)
    except ValueError:
        graph_iri = f"{settings.base_iri}graph/submitted/{resolved.stem}"
    return Submission(str(path), data, chosen, graph_iri)


_AXIOM_PREDICATES = {str(RDFS.subClassOf), str(RDFS.subPropertyOf), str(OWL.inverseOf)}
_AXIOM_TYPES = {str(OWL.SymmetricProperty), str(OWL.TransitiveProperty)}


def _is_axiom(quad: ox.Quad) -> bool:
    """A triple the reasoner's rules use as a premise about the vocabulary (apwps.reason)."""
    predicate = quad.predicate.value
    return predicate in _AXIOM_PREDICATES or (
        predicate == str(RDF.type) and getattr(quad.object, "value", None) in _AXIOM_TYPES
    )


def _ranked(wanted: str, keys: dict[str, str]) -> list[str]:
    """Keys close to `wanted`, best first: difflib's similarity, with a common beginning counting
    for more (`gbp` is nearer `gbr` than `sgp`) and ties in a stable order."""
    scored = []
    matcher = difflib.SequenceMatcher()
    matcher.set_seq2(wanted)
    for key in keys:
        matcher.set_seq1(key)
        if matcher.real_quick_ratio() < 0.6 or matcher.quick_ratio() < 0.6:
            continue
        ratio = matcher.ratio()
        if ratio >= 0.6:
            prefix = next(
                (i for i, (a, b) in enumerate(zip(wanted, key, strict=False)) if a != b),
                min(len(wanted), len(key)),
            )
            scored.append((-(ratio + 0.05 * prefix), key))
    return [key for _score, key in sorted(scored)[:10]]


def _quads(triples: Iterable[tuple[Node, Node, Node]], graph_iri: str) -> list[ox.Quad]:
    graph = ox.NamedNode(graph_iri)
    return [ox.Quad(from_rdflib(s), from_rdflib(p), from_rdflib(o), graph) for s, p, o in triples]


def _named_subjects(triples: Iterable[tuple[Node, Node, Node]]) -> list[rdflib.URIRef]:
    seen: dict[rdflib.URIRef, None] = {}
    for s, _p, _o in triples:
        if isinstance(s, rdflib.URIRef):
            seen.setdefault(s)
    return list(seen)


def read_prefixes(sources: Iterable[SourceFile]) -> dict[str, str]:
    """The prefixes the content files declare (the first declaration of each name wins)."""
    prefixes: dict[str, str] = {}
    # the entries' own spelling first: they are what a curator copies from
    for source in sorted(sources, key=lambda s: not s.relative.startswith("data/")):
        if source.format.name != "turtle":
            continue
        try:
            text = source.path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        for name, namespace in _PREFIX.findall(text):
            if name and namespace and name not in prefixes and namespace not in prefixes.values():
                prefixes[name] = namespace
    return prefixes


class PreparedQueryDataset(rdflib.Dataset):
    """A dataset that parses each SPARQL text once. pySHACL sends the same SPARQL-based constraints
    as text on every validation, and rdflib's parser takes tens of milliseconds per query; the
    prepared form (rdflib's `prepareQuery`) is reused with new bindings, as rdflib intends."""

    _prepared: dict[tuple[str, str | None, tuple[tuple[str, str], ...]], Any]

    def query(
        self,
        query_object: Any,
        processor: Any = "sparql",
        result: Any = "sparql",
        initNs: Mapping[str, Any] | None = None,
        initBindings: Mapping[str, Any] | None = None,
        use_store_provided: bool = True,
        **kwargs: Any,
    ) -> Any:
        if isinstance(query_object, str) and processor == "sparql":
            namespaces = dict(initNs) if initNs else dict(self.namespaces())
            key = (
                query_object,
                kwargs.get("base"),
                tuple(sorted((k, str(v)) for k, v in namespaces.items())),
            )
            cache = self.__dict__.setdefault("_prepared", {})
            if key not in cache:
                cache[key] = prepareQuery(query_object, initNs=namespaces, base=kwargs.get("base"))
            query_object = cache[key]
        return super().query(
            query_object, processor, result, initNs, initBindings, use_store_provided, **kwargs
        )


class CurationContext:
    """The curated graph, prepared once for many fast validations (thread-safe)."""

    def __init__(self, settings: Settings, store: ox.Store, sources: list[SourceFile]) -> None:
        self.settings = settings
        self.store = store
        self.sources = sources
        shapes_graphs = {s.graph_iri for s in sources if s.relative.startswith("shapes/")}
        ontology_graphs = {s.graph_iri for s in sources if s.relative.startswith("ontology/")}
        self.shapes = rdflib.Graph()
        self.schema = rdflib.Graph()
        self.data = PreparedQueryDataset(store=PruningMemory(), default_union=True)
        self._schema_store = ox.Store()
        self._graphs: set[str] = set()
        for graph_name in store.named_graphs():
            if not isinstance(graph_name, ox.NamedNode):
                continue
            quads = list(store.quads_for_pattern(None, None, None, graph_name))
            if graph_name.value in shapes_graphs:
                to_rdflib_graph(quads, self.shapes)
                continue
            to_rdflib_graph(quads, self.data.graph(rdflib.URIRef(graph_name.value)))
            self._graphs.add(graph_name.value)
            if graph_name.value in ontology_graphs:
                to_rdflib_graph(quads, self.schema)
                # the reasoner's rules read only the axioms: keep the entries' inference small
                self._schema_store.extend(q for q in quads if _is_axiom(q))
        materialise(self._schema_store, _SCHEMA_INFERRED)
        self.prefixes = read_prefixes(sources)
        for name, namespace in self.prefixes.items():
            self.shapes.bind(name, namespace, override=False)
        self.kinds: list[Kind] = read_kinds(self.shapes, self.schema)
        self._plan = read_plan(self.shapes)
        self._lock = threading.RLock()
        self._entities: dict[str, dict[str, list[str]]] = {}
        # validations add entries to both stores and take them out again: see apwps.churn
        self._store_churn = Churn(self.store)
        self._schema_churn = Churn(self._schema_store)

    @classmethod
    def prepare(cls, settings: Settings, log: Log | None = None) -> CurationContext:
        """Load every content file of the project and prepare it for validations."""
        store, sources, _counts, _inferred = assemble(settings, log)
        return cls(settings, store, sources)

    # --- reading submissions ------------------------------------------------------------------

    def parse(self, submission: Submission) -> ParsedEntry:
        """The submission's triples, in any RDF syntax or the tabular form. Raises InputError."""
        if isinstance(submission.format, tabular.TabularFormat):
            converted = tabular.to_rdf(
                self, submission.data, submission.format, source=submission.name
            )
            return ParsedEntry(
                submission, converted.triples, _named_subjects(converted.triples), converted.lines
            )
        quads = parse_bytes(
            submission.data,
            submission.format,
            source=submission.name,
            base_iri=submission.graph_iri,
        )
        triples = [
            (to_rdflib(q.subject), to_rdflib(q.predicate), to_rdflib(q.object)) for q in quads
        ]
        subjects = _named_subjects(triples)
        text_lines = submission.data.decode("utf-8", "replace").splitlines()
        lines: dict[str, int] = {}
        for subject in subjects:
            line = line_of(text_lines, str(subject))
            if line is not None:
                lines[str(subject)] = line
        return ParsedEntry(submission, triples, subjects, lines)

    # --- validating ---------------------------------------------------------------------------

    def validate(self, submissions: Sequence[Submission]) -> Report:
        """Validate the submissions' entries against the shapes, within the whole graph."""
        return self.validate_parsed([self.in_its_file(self.parse(s)) for s in submissions])

    def in_its_file(self, entry: ParsedEntry) -> ParsedEntry:
        """A pasted or posted entry that is a new version of a file of the project takes that
        file's place (its graph), so the earlier version does not linger in the check."""
        if not entry.submission.graph_iri.startswith(f"{self.settings.base_iri}graph/submitted/"):
            return entry
        for subject in entry.subjects:
            location = self.location_of(str(subject)) if self.types_of(entry, subject) else None
            if location is not None:
                graph = graph_iri_for(
                    self.settings.base_iri, f"data/{location[0]}/{location[1]}.ttl"
                )
                if graph in self._graphs:
                    entry.submission = replace(entry.submission, graph_iri=graph)
                return entry
        return entry

    def validate_parsed(self, entries: Sequence[ParsedEntry]) -> Report:
        names: dict[str, tuple[str, int | None]] = {}
        focus: list[Node] = []
        for entry in entries:
            for subject in entry.subjects:
                focus.append(subject)
                names.setdefault(
                    str(subject), (entry.submission.name, entry.lines.get(str(subject)))
                )

        def locate(iri: str) -> tuple[str | None, int | None]:
            return names.get(iri, (None, None))

        with self._lock, self._entries_in_place(entries):
            if self._plan is None:
                # a target this planner does not know: pySHACL finds the targets itself, on the
                # engine (its Oxigraph data graph answers SPARQL targets far faster than rdflib)
                return validate_graph(
                    self.store,  # type: ignore[arg-type]  # pySHACL reads Oxigraph stores
                    self.shapes,
                    focus_nodes=focus,
                    locate=locate,
                    schema=self.schema,
                    suggest=self.suggest,
                    inplace=True,
                )
            targets = shapes_for(
                self._plan, self.store, [f for f in focus if isinstance(f, rdflib.URIRef)]
            )
            with targeting(self._plan, targets) as shapes:
                report = validate_graph(
                    self.data,
                    shapes,
                    locate=locate,
                    schema=self.schema,
                    suggest=self.suggest,
                    inplace=True,
                    words=self.shapes,
                )
        return report

    def _compact(self) -> None:
        """Copy a store once the quads taken out of it outnumber its own (apwps.churn)."""
        with self._lock:
            self.store = self._store_churn.compacted(self.store)
            self._schema_store = self._schema_churn.compacted(self._schema_store)

    @contextlib.contextmanager
    def _entries_in_place(self, entries: Sequence[ParsedEntry]) -> Iterator[None]:
        """The entries (and what the ontology entails from them) in the data graph and the store,
        in place of any earlier version of the same files; everything restored afterwards."""
        saved: dict[str, list[tuple[Node, Node, Node]]] = {}
        saved_quads: dict[str, list[ox.Quad]] = {}
        added: list[ox.Quad] = []
        try:
            for entry in entries:
                iri = entry.submission.graph_iri
                graph = self.data.graph(rdflib.URIRef(iri))
                if iri in self._graphs and iri not in saved:
                    saved[iri] = list(graph.triples((None, None, None)))
                    self.data.remove_graph(graph)
                    graph = self.data.graph(rdflib.URIRef(iri))
                    name = ox.NamedNode(iri)
                    saved_quads[iri] = list(self.store.quads_for_pattern(None, None, None, name))
                    self.store.remove_graph(name)
                for triple in entry.triples:
                    graph.add(triple)
                added += _quads(entry.triples, iri)
            inferred_triples = self._infer([t for e in entries for t in e.triples])
            inferred = self.data.graph(rdflib.URIRef(_ENTRY_INFERRED))
            for triple in inferred_triples:
                inferred.add(triple)
            added += _quads(inferred_triples, _ENTRY_INFERRED)
            self.store.extend(added)
            yield
        finally:
            for quad in added:
                self.store.remove(quad)
            self.data.remove_graph(self.data.graph(rdflib.URIRef(_ENTRY_INFERRED)))
            for entry in entries:
                iri = entry.submission.graph_iri
                self.data.remove_graph(self.data.graph(rdflib.URIRef(iri)))
                if iri in saved:
                    restored = self.data.graph(rdflib.URIRef(iri))
                    for triple in saved[iri]:
                        restored.add(triple)
                    self.store.extend(saved_quads[iri])
            self._store_churn.count(len(added) + sum(map(len, saved_quads.values())))
            self._compact()

    def _infer(self, triples: Sequence[tuple[Node, Node, Node]]) -> list[tuple[Node, Node, Node]]:
        """What the ontology entails from these triples (the curated graph's are already there)."""
        graph = ox.NamedNode(_ENTRY_SCHEMA_GRAPH)
        with self._lock:
            inferred: list[tuple[Node, Node, Node]] = []
            try:
                self._schema_store.extend(
                    ox.Quad(from_rdflib(s), from_rdflib(p), from_rdflib(o), graph)
                    for s, p, o in triples
                )
                materialise(self._schema_store, _ENTRY_INFERRED)
                inferred = [
                    (to_rdflib(q.subject), to_rdflib(q.predicate), to_rdflib(q.object))
                    for q in self._schema_store.quads_for_pattern(
                        None, None, None, ox.NamedNode(_ENTRY_INFERRED)
                    )
                ]
                return inferred
            finally:
                for name in (graph, ox.NamedNode(_ENTRY_INFERRED)):
                    if self._schema_store.contains_named_graph(name):
                        self._schema_store.remove_graph(name)
                self._schema_churn.count(len(triples) + len(inferred))

    # --- accepted entries ---------------------------------------------------------------------

    def add_entry(self, graph_iri: str, triples: Sequence[tuple[Node, Node, Node]]) -> None:
        """Make an accepted entry part of the context, so later submissions may link to it."""
        with self._lock:
            inferred = self._infer(triples)
            name = ox.NamedNode(graph_iri)
            if self.store.contains_named_graph(name):
                replaced = sum(1 for _ in self.store.quads_for_pattern(None, None, None, name))
                self.store.remove_graph(name)
                self._store_churn.count(replaced)
            self.store.extend(
                ox.Quad(from_rdflib(s), from_rdflib(p), from_rdflib(o), name) for s, p, o in triples
            )
            inferred_name = ox.NamedNode(self.settings.base_iri + INFERRED_GRAPH)
            self.store.extend(
                ox.Quad(from_rdflib(s), from_rdflib(p), from_rdflib(o), inferred_name)
                for s, p, o in inferred
            )
            graph = self.data.graph(rdflib.URIRef(graph_iri))
            if graph_iri in self._graphs:
                self.data.remove_graph(graph)
                graph = self.data.graph(rdflib.URIRef(graph_iri))
            for triple in triples:
                graph.add(triple)
            inferred_graph = self.data.graph(rdflib.URIRef(self.settings.base_iri + INFERRED_GRAPH))
            for triple in inferred:
                inferred_graph.add(triple)
            self._graphs.add(graph_iri)
            self._entities.clear()

    # --- entities, labels and suggestions -----------------------------------------------------

    def entities_of(self, cls: str) -> dict[str, list[str]]:
        """Every entity of a class (subclasses included) with its English labels and acronyms."""
        with self._lock:
            cached = self._entities.get(cls)
            if cached is not None:
                return cached
            found: dict[str, list[str]] = {}
            for row in select(self.store, _ENTITIES_QUERY, {"class": ox.NamedNode(cls)}):
                labels = found.setdefault(row["x"].value, [])
                label = row["label"]
                if label is not None and label.value not in labels:
                    labels.append(label.value)
            self._entities[cls] = found
            return found

    def values_in_use(self, cls: str, path: str, limit: int) -> list[Node]:
        """Values that entries of `cls` (else any entity) already give for `path`: real examples."""
        found: list[Node] = []
        for query in (
            f"SELECT DISTINCT ?o ?class ?p WHERE {{ ?s a ?class ; ?p ?o }} ORDER BY ?o LIMIT {limit}",
            f"SELECT DISTINCT ?o ?p WHERE {{ ?s ?p ?o }} ORDER BY ?o LIMIT {limit}",
        ):
            bindings = {"p": ox.NamedNode(path)}
            if "?class" in query:
                bindings["class"] = ox.NamedNode(cls)
            with self._lock:
                rows = list(select(self.store, query, bindings))
            found = [to_rdflib(row["o"]) for row in rows if not isinstance(row["o"], ox.BlankNode)]
            if found:
                return found
        return found

    def label_of(self, iri: str) -> str | None:
        """An entity's English label, if the graph has one."""
        for row in select(self.store, _LABEL_QUERY, {"x": ox.NamedNode(iri)}):
            return str(row["l"].value)
        return None

    def closest(self, candidates: dict[str, list[str]], wanted: str) -> tuple[str, ...]:
        """The candidates (IRI → labels) whose label or slug is closest to `wanted`, as
        `Label <IRI>` strings, best first."""
        keys: dict[str, str] = {}
        for iri, labels in candidates.items():
            for text in [*labels, local_name(iri), local_name(iri).replace("-", " ")]:
                keys.setdefault(text.lower(), iri)
        text = wanted.rsplit("/", 1)[-1].rsplit("#", 1)[-1] if "://" in wanted else wanted
        matches = _ranked(text.lower(), keys) + _ranked(text.lower().replace("-", " "), keys)
        seen: dict[str, None] = {}
        for match in matches:
            seen.setdefault(keys[match])
        result = []
        for iri in list(seen)[:MAX_SUGGESTIONS]:
            labels = candidates.get(iri) or []
            result.append(f"{labels[0]} <{iri}>" if labels else f"<{iri}>")
        return tuple(result)

    def suggest(self, component: Node, shape: Node | None, value: Node | None) -> tuple[str, ...]:
        """Existing entities close to a value that failed a class or `in` constraint."""
        if shape is None or value is None:
            return ()
        if component == SH.ClassConstraintComponent:
            candidates: dict[str, list[str]] = {}
            for cls in self.shapes.objects(shape, SH["class"]):
                candidates.update(self.entities_of(str(cls)))
            if isinstance(value, rdflib.URIRef) and str(value) in candidates:
                return ()
            return self.closest(candidates, str(value))
        if component == SH.InConstraintComponent:
            head = self.shapes.value(shape, SH["in"])
            if head is None:
                return ()
            allowed = {
                str(v): [self.label_of(str(v)) or local_name(str(v))]
                for v in rdflib.collection.Collection(self.shapes, head)
                if isinstance(v, rdflib.URIRef)
            }
            return self.closest(allowed, str(value))
        return ()

    # --- kinds and where entries live ---------------------------------------------------------

    def kind(self, name: str) -> Kind | None:
        return find_kind(self.kinds, name)

    def kind_of_entry(self, types: Iterable[Node]) -> Kind | None:
        """The most specific kind whose class the entry has (directly or by a superclass)."""
        by_class = {kind.target_class: kind for kind in self.kinds}
        for cls in types:
            if isinstance(cls, rdflib.URIRef):
                for ancestor in superclasses(self.schema, cls):
                    if str(ancestor) in by_class:
                        return by_class[str(ancestor)]
        return None

    def collection_of(self, kind: Kind) -> str:
        """The data/ collection where entries of this kind live: the one holding most of them, or
        the kind's name in the plural when there are none yet."""
        counts: dict[str, int] = {}
        prefix = f"{self.settings.base_iri}id/"
        for iri in self.entities_of(kind.target_class):
            if iri.startswith(prefix) and iri.count("/") == prefix.count("/") + 1:
                collection = iri[len(prefix) :].split("/", 1)[0]
                counts[collection] = counts.get(collection, 0) + 1
        if counts:
            return max(sorted(counts), key=lambda c: counts[c])
        name = kebab(local_name(kind.target_class))
        return name[:-1] + "ies" if name.endswith("y") else name + "s"

    def entry_iri(self, collection: str, slug: str) -> str:
        return f"{self.settings.base_iri}id/{collection}/{slug}"

    def location_of(self, iri: str) -> tuple[str, str] | None:
        """(collection, slug) of an entry IRI minted under the base, else None."""
        prefix = f"{self.settings.base_iri}id/"
        if not iri.startswith(prefix):
            return None
        parts = iri[len(prefix) :].split("/")
        if len(parts) != 2 or not all(re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", p) for p in parts):
            return None
        return parts[0], parts[1]

    def types_of(self, entry: ParsedEntry, subject: Node) -> list[Node]:
        return [o for s, p, o in entry.triples if s == subject and p == RDF.type]


def validate_submissions(
    settings: Settings,
    submissions: Sequence[Submission],
    *,
    context: CurationContext | None = None,
) -> Report:
    """Validate the submissions' nodes against the shapes, within the whole graph."""
    prepared = context or CurationContext.prepare(settings)
    return prepared.validate(submissions)


def with_graph(submission: Submission, graph_iri: str) -> Submission:
    return replace(submission, graph_iri=graph_iri)
