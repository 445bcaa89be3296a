"""Collections of entries (`…/id/frameworks/` → every `…/id/frameworks/<slug>`): which collections
the graph holds, their members in a stable order, one page of them at a time, and near misses for an
IRI that is not there.

An engine cannot list the subjects whose IRI starts with a prefix without reading every subject (an
IRI is stored as a hash, not in order), so the collections are found once per store: one query
reads the stated types and gives each collection the classes its members are stated to have
(`directory`). A collection's members are then read through those classes (its kinds): the engine
reads their instances, not every label in the graph. The sorted members of a collection are kept
per store (`members_of`, for a bounded number of collections), so its pages and the near misses of
a missing IRI cost no query once read.

Every entry under `…/id/` has a stated type (the graph shapes require one), so the members found
through the stated types are all the resources whose IRI is the collection's prefix plus a slug.
"""

from __future__ import annotations

import difflib
import functools
import re
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

import rdflib
from rdflib.namespace import RDFS, SKOS
from rdflib.term import Literal, Node, URIRef

from apwps.binding import term_text, values_list
from apwps.describe import APWPS, LABELS_PER_QUERY, NO_LABELS, PREFIXES, Labels
from apwps.load import INFERRED_GRAPH
from apwps.memo import per_store_key
from apwps.stores.base import SelectResult, Store

# Each collection (?c) with the classes its members are stated to have (?t): the types in the named
# graphs of the source files, not the inferred super-classes, so that the engine reads fewer type
# statements, and each member has one of the classes listed. %(pattern)s is the pattern of a member's
# IRI, whose first group is the collection; %(inferred)s the graph of the inferred statements.
DIRECTORY = (
    PREFIXES
    + """SELECT DISTINCT ?c ?t WHERE {
  GRAPH ?g { ?s rdf:type ?t }
  FILTER(?g != %(inferred)s)
  BIND(REPLACE(STR(?s), %(pattern)s, "$1") AS ?c)
  FILTER(?c != STR(?s))
}"""
)
# The same over the default graph, for an engine that holds no named graphs.
DIRECTORY_UNION = (
    PREFIXES
    + """SELECT DISTINCT ?c ?t WHERE {
  ?s rdf:type ?t
  BIND(REPLACE(STR(?s), %(pattern)s, "$1") AS ?c)
  FILTER(?c != STR(?s))
}"""
)

# The members of one collection with their labels and notations, read through its kinds (listed in
# VALUES); ?prefix is bound to the collection's IRI prefix (and projected: the embedded engine binds
# only what a SELECT projects).
MEMBERS = (
    PREFIXES
    + """SELECT ?prefix ?s ?p ?o WHERE {
  VALUES ?kind { %s }
  ?s rdf:type ?kind . FILTER(isIRI(?s) && STRSTARTS(STR(?s), STR(?prefix)))
  OPTIONAL { VALUES ?p { rdfs:label skos:prefLabel skos:notation } ?s ?p ?o }
}"""
)

# What the RDF forms of a page say of its members (their IRIs listed in VALUES; the properties are
# a filter, not a second VALUES list, which Oxigraph would first join with every statement).
PAGE_TRIPLES = (
    PREFIXES
    + """SELECT ?s ?p ?o WHERE {
  VALUES ?s { %s }
  ?s ?p ?o FILTER(?p IN (rdfs:label, skos:prefLabel, skos:notation, rdf:type))
}"""
)

# How many collections' members a store keeps (the ones asked for last), and how many members in
# all unless the caller says otherwise (about 750 bytes each).
CACHED_COLLECTIONS = 16
CACHED_ENTRIES = 200_000
# How many members, nearest to a missing IRI's slug in alphabetical order, are compared with it.
NEAR_MISS_CANDIDATES = 2000


@dataclass(frozen=True)
class Collection:
    """A collection as the directory knows it: its name and its kinds (the classes its members are
    stated to have, through which they are read)."""

    name: str
    kinds: tuple[URIRef, ...]


@dataclass
class Member:
    """An entry of a collection (`…/id/frameworks/x` in `…/id/frameworks`)."""

    iri: URIRef
    labels: Labels = NO_LABELS
    notation: str = ""

    @property
    def slug(self) -> str:
        return str(self.iri).rsplit("/", 1)[-1]


@dataclass(frozen=True)
class Page:
    """One page of a collection: its members, its number (from 1) and how many pages there are."""

    members: list[Member]
    number: int
    count: int
    first: int  # position of the first member in the collection (from 0)
    total: int

    @property
    def previous(self) -> int | None:
        return self.number - 1 if self.number > 1 else None

    @property
    def next(self) -> int | None:
        return self.number + 1 if self.number < self.count else None


@dataclass
class Members:
    """A collection's members, sorted by notation (7.2 before 7.10) then English label, with their
    slugs in alphabetical order for near misses."""

    prefix: str
    members: list[Member]
    slugs: list[str] = field(default_factory=list)
    by_slug: dict[str, Member] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.by_slug = {m.slug: m for m in self.members}
        self.slugs = sorted(self.by_slug)

    def __len__(self) -> int:
        return len(self.members)

    def pages(self, size: int) -> int:
        """How many pages of `size` members there are (one, when there are no members)."""
        return max(1, -(-len(self.members) // size))

    def page(self, number: int, size: int) -> Page | None:
        """Page `number` (from 1) of `size` members; None past the last page."""
        count = self.pages(size)
        if number < 1 or number > count:
            return None
        first = (number - 1) * size
        return Page(self.members[first : first + size], number, count, first, len(self.members))

    def near(self, slug: str, n: int = 5, cutoff: float = 0.4) -> list[Member]:
        """Members whose slug is close to `slug` (best first), compared with at most
        `NEAR_MISS_CANDIDATES` slugs around it in alphabetical order, so a missing IRI costs the
        same in a collection of any size."""
        slugs = self.slugs
        if len(slugs) > NEAR_MISS_CANDIDATES:
            half = NEAR_MISS_CANDIDATES // 2
            at = min(max(0, bisect_left(slugs, slug) - half), len(slugs) - NEAR_MISS_CANDIDATES)
            slugs = slugs[at : at + NEAR_MISS_CANDIDATES]
        return [self.by_slug[s] for s in difflib.get_close_matches(slug, slugs, n, cutoff)]


def _select(store: Store, text: str, bindings: dict[str, Node] | None = None) -> SelectResult:
    result = store.query(text, bindings=bindings)
    assert isinstance(result, SelectResult)
    return result


def _pattern(base_iri: str) -> str:
    """The regular expression (as a SPARQL string) of a member IRI: `<base>id/<collection>/<slug>`."""
    escaped = re.sub(r"([\\.*+?()\[\]{}|^$-])", r"\\\1", base_iri + "id/")
    return Literal(f"^{escaped}([^/]+)/[^/]+$").n3()


def _directory(store: Store, base_iri: str) -> dict[str, Collection]:
    fill = {"pattern": _pattern(base_iri), "inferred": term_text(URIRef(base_iri + INFERRED_GRAPH))}
    rows = _select(store, DIRECTORY % fill).rows or _select(store, DIRECTORY_UNION % fill).rows
    kinds: dict[str, set[URIRef]] = defaultdict(set)
    for row in rows:
        c, t = row.get("c"), row.get("t")
        if c is not None and isinstance(t, URIRef):
            kinds[str(c)].add(t)
    return {name: Collection(name, tuple(sorted(found))) for name, found in kinds.items()}


_directories = per_store_key(_directory, max_keys=4)


def directory(store: Store, base_iri: str) -> dict[str, Collection]:
    """The collections of the graph by name, read on first use, once per store (requests that
    arrive together wait for one reading)."""
    return _directories(store, base_iri)


def _sort_key(member: Member) -> tuple[list[tuple[int, str]], str]:
    """Natural order of notations (7.2 before 7.10), then the English label."""
    parts = [
        (int(x), "") if x.isdigit() else (0, x) for x in re.split(r"[.\s]", member.notation) if x
    ]
    return parts, (member.labels.pick() or str(member.iri)).lower()


def read_members(store: Store, prefix: str, kinds: Sequence[URIRef]) -> Members:
    """The members of the collection at `prefix` (IRIs `prefix` + a slug), read through `kinds`."""
    rows = _select(store, MEMBERS % values_list(kinds), {"prefix": Literal(prefix)}).rows
    found: dict[URIRef, Member] = {}
    labels: dict[URIRef, dict[str, str]] = defaultdict(dict)
    for row in rows:
        s, p, o = row["s"], row.get("p"), row.get("o")
        rest = str(s)[len(prefix) :]
        if not isinstance(s, URIRef) or not rest or "/" in rest:
            continue
        member = found.setdefault(s, Member(s))
        if p == SKOS.notation and o is not None:
            member.notation = str(o)
        elif (
            p in (RDFS.label, SKOS.prefLabel)
            and isinstance(o, Literal)
            and (p == SKOS.prefLabel or (o.language or "") not in labels[s])
        ):
            labels[s][o.language or ""] = str(o)
    for iri, member in found.items():
        member.labels = Labels(labels.get(iri, {}))
    return Members(prefix, sorted(found.values(), key=_sort_key))


def _members(store: Store, key: tuple[str, str]) -> Members | None:
    base_iri, name = key
    known = directory(store, base_iri).get(name)
    if known is None:
        return None
    return read_members(store, f"{base_iri}id/{name}/", known.kinds)


@functools.lru_cache(maxsize=8)
def _member_lists(max_entries: int) -> Callable[[Store, tuple[str, str]], Members | None]:
    return per_store_key(
        _members,
        max_keys=CACHED_COLLECTIONS,
        weight=lambda found: len(found) if found is not None else 0,
        max_weight=max_entries,
    )


def members_of(
    store: Store, base_iri: str, name: str, max_entries: int = CACHED_ENTRIES
) -> Members | None:
    """The members of collection `name` (None when the graph has no such collection), read once
    per store and kept, with the other collections asked for last, while they hold at most
    `max_entries` members in all (the one just read is kept whatever its size)."""
    if "/" in name or name not in directory(store, base_iri):
        return None  # unknown names are answered from the directory, and not kept
    return _member_lists(max_entries)(store, (base_iri, name))


def near_collections(store: Store, base_iri: str, name: str, n: int = 5) -> list[str]:
    """Collection names close to `name`, best first."""
    return difflib.get_close_matches(name, sorted(directory(store, base_iri)), n, 0.6)


def page_graph(store: Store, page: Iterable[Member]) -> rdflib.Graph:
    """The types, labels and notations of a page's members, as a graph (for the RDF forms)."""
    graph = rdflib.Graph()
    graph.bind("apwps", APWPS)
    iris = [m.iri for m in page]
    for start in range(0, len(iris), LABELS_PER_QUERY):
        listed = values_list(iris[start : start + LABELS_PER_QUERY])
        for row in _select(store, PAGE_TRIPLES % listed).rows:
            graph.add((row["s"], row["p"], row["o"]))
    return graph
