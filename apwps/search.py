"""Finding resources by name: an in-memory index of the names in the graph, built on the first search,
once per store and process, and bounded by `search_index_max_names`.

The names (rdfs:label, skos:prefLabel, skos:altLabel, dcterms:title, foaf:name, with their languages)
are read with one SELECT through the `Store` interface, row by row as they arrive, so the embedded and
the remote store are searched alike. The index holds names only, in flat lists (about 300 bytes a
name); the descriptions shown with the results are read for those results when they are shown. Matching is on accent- and case-folded words: an exact label beats a label that starts
with the query, which beats a label whose words start with the query's words. Within a rank, labels in
the reader's languages come first. Lookups are bisections in sorted word lists, fast enough for
autocomplete on every keystroke.
"""

from __future__ import annotations

import functools
import re
import sys
import unicodedata
from array import array
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace

from rdflib.namespace import DCTERMS, FOAF, RDFS, SKOS
from rdflib.term import Literal, URIRef

from apwps.binding import values_list
from apwps.memo import per_store
from apwps.stores.base import Store

# Label properties, best first: a name beats a published title, which beats an alternative label.
LABEL_PROPERTIES: dict[URIRef, int] = {
    SKOS.prefLabel: 0,
    RDFS.label: 0,
    FOAF.name: 0,
    DCTERMS.title: 1,
    SKOS.altLabel: 2,
}
DESCRIPTION_PROPERTIES: tuple[URIRef, ...] = (SKOS.definition, DCTERMS.description)

NAMES_QUERY = """PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX foaf: <http://xmlns.com/foaf/0.1/>
SELECT ?s ?p ?o WHERE {
  { VALUES ?p { rdfs:label skos:prefLabel skos:altLabel dcterms:title foaf:name }
    ?s ?p ?o .
    FILTER(isIRI(?s) && isLiteral(?o)) }
  UNION
  { ?s foaf:primaryTopic ?o . BIND(foaf:primaryTopic AS ?p) FILTER(isIRI(?s)) }
}"""

# The descriptions of the resources shown (their IRIs are listed in VALUES).
DESCRIPTIONS_QUERY = """PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dcterms: <http://purl.org/dc/terms/>
SELECT ?s ?p ?o WHERE {
  VALUES ?s { %s }
  VALUES ?p { skos:definition dcterms:description }
  ?s ?p ?o FILTER(isLiteral(?o))
}"""

# Letters that Unicode does not decompose into a base letter and an accent.
_UNDECOMPOSED = str.maketrans(
    {"ø": "o", "æ": "ae", "œ": "oe", "đ": "d", "ð": "d", "ł": "l", "þ": "th", "ı": "i"}
)
_WORD = re.compile(r"\w+")


def fold(text: str) -> str:
    """Text without case or accents (`Sårbar Stat` → `sarbar stat`, `Ø` → `o`)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return bare.translate(_UNDECOMPOSED)


def words(text: str) -> list[str]:
    """The folded words of a text, in order."""
    return _WORD.findall(fold(text))


def _primary(lang: str) -> str:
    return lang.split("-")[0].lower()


def pick(texts: Mapping[str, str], langs: Sequence[str]) -> tuple[str, str]:
    """The text (and its language) in the first of `langs` that has one, else English, untagged,
    then the first language in alphabetical order."""
    for lang in (*langs, "en", ""):
        for tag, text in texts.items():
            if tag == lang or (lang and tag and _primary(tag) == _primary(lang)):
                return text, tag
    tag = sorted(texts)[0]
    return texts[tag], tag


@dataclass(frozen=True)
class Entry:
    """One searchable resource: its labels and descriptions by language."""

    iri: str
    kind: str
    labels: Mapping[str, str]
    descriptions: Mapping[str, str]
    record: bool = False  # a record about another resource (a guide entry): ranked after it

    def label(self, langs: Sequence[str] = ()) -> tuple[str, str]:
        return pick(self.labels, langs)

    def description(self, langs: Sequence[str] = ()) -> str:
        return pick(self.descriptions, langs)[0] if self.descriptions else ""


@dataclass(frozen=True)
class Hit:
    """One match: the resource, the label shown for it, and the label that matched."""

    entry: Entry
    label: str
    lang: str
    matched: str
    matched_lang: str
    match: str  # "exact", "prefix" or "word"

    @property
    def iri(self) -> str:
        return self.entry.iri


MATCH_NAMES = ("exact", "prefix", "word")


def kind_of(iri: str, base_iri: str) -> str:
    """What sort of thing an IRI names, from its place in the IRI scheme (`…/id/crimes/x` → crimes)."""
    if iri.startswith(base_iri + "ontology"):
        return "ontology term"
    if iri.startswith(base_iri + "id/"):
        parts = iri[len(base_iri) + 3 :].split("/")
        return parts[0].replace("-", " ") if len(parts) > 1 else "collection"
    return "external"


class SearchIndex:
    """Names folded into flat, sorted lists; answer queries by bisection.

    Each name is a position in parallel lists (its text, language, folded text, rank, resource);
    each distinct folded word maps to the positions of the names that hold it. Resources are held
    by IRI only: a result's labels are its names, its descriptions are read when it is shown."""

    def __init__(self, base_iri: str, max_names: int | None = None) -> None:
        self.base_iri = base_iri
        self.max_names = max_names
        self.complete = True  # False when the graph held more names than `max_names`
        self.iris: list[str] = []
        self.records = bytearray()  # 1 for a record about another resource (a guide entry)
        self._first = array("I")  # each resource's first name; its names follow it
        self._texts: list[str] = []
        self._langs: list[str] = []
        self._normals: list[str] = []  # the folded words joined by single spaces
        self._priorities = bytearray()  # from LABEL_PROPERTIES
        self._owner = array("I")  # each name's resource
        self._postings: dict[str, array[int]] = {}
        self._keys: list[str] = []

    def __len__(self) -> int:
        return len(self.iris)

    @property
    def names(self) -> int:
        return len(self._texts)

    @classmethod
    def build(cls, store: Store, base_iri: str, max_names: int | None = None) -> SearchIndex:
        """Read every name from `store` (one SELECT, read as it arrives) and index them, by IRI,
        up to `max_names` (the engine is not asked to sort: at scale that costs it several times
        the query)."""
        found: dict[str, dict[tuple[str, str, int], None]] = defaultdict(dict)
        records: set[str] = set()
        for row in store.rows(NAMES_QUERY):
            subject, prop, value = str(row.get("s")), row.get("p"), row.get("o")
            if prop == FOAF.primaryTopic:
                records.add(subject)
            elif isinstance(value, Literal) and prop in LABEL_PROPERTIES:
                text = " ".join(str(value).split())
                if text:
                    key = (text, sys.intern(value.language or ""), LABEL_PROPERTIES[prop])  # type: ignore[index]
                    found[sys.intern(subject)][key] = None
        index = cls(base_iri, max_names)
        for iri in sorted(found):
            if not index._add(iri, found.pop(iri), iri in records):
                break
        index._keys = sorted(index._postings)
        index._first.append(len(index._texts))
        return index

    def _add(self, iri: str, names: dict[tuple[str, str, int], None], record: bool) -> bool:
        """Index one resource's names; False when the index is full."""
        if not names:
            return True
        if self.max_names is not None and len(self._texts) + len(names) > self.max_names:
            self.complete = False
            return False
        entry = len(self.iris)
        self.iris.append(iri)
        self.records.append(record)
        self._first.append(len(self._texts))
        seen: set[tuple[str, str]] = set()
        for text, lang, priority in sorted(names, key=lambda t: (t[2], t[1], t[0])):
            folded = words(text)
            key = (" ".join(folded), sys.intern(lang))
            if not folded or key in seen:
                continue
            seen.add(key)
            position = len(self._texts)
            self._texts.append(text)
            self._langs.append(key[1])
            self._normals.append(key[0])
            self._priorities.append(priority)
            self._owner.append(entry)
            for word in set(folded):
                posting = self._postings.get(word)
                if posting is None:
                    posting = self._postings[sys.intern(word)] = array("I")
                posting.append(position)
        if len(self._texts) == self._first[-1]:  # no name had a word: forget the resource
            self.iris.pop()
            self.records.pop()
            self._first.pop()
        return True

    def entry(self, index: int) -> Entry:
        """The resource at `index` with the labels it is shown by (descriptions are not held)."""
        first, end = self._first[index], self._first[index + 1]
        shown: dict[str, str] = {}
        for position in range(first, end):
            lang = self._langs[position]
            if self._priorities[position] < 2 and lang not in shown:
                shown[lang] = self._texts[position]
        if not shown:  # only alternative labels: show the first of them
            shown = {self._langs[first]: self._texts[first]}
        iri = self.iris[index]
        return Entry(iri, kind_of(iri, self.base_iri), shown, {}, bool(self.records[index]))

    @property
    def entries(self) -> list[Entry]:
        return [self.entry(i) for i in range(len(self.iris))]

    def _with_prefix(self, token: str) -> set[int]:
        """Names having a word that starts with `token`."""
        found: set[int] = set()
        for position in range(bisect_left(self._keys, token), len(self._keys)):
            key = self._keys[position]
            if not key.startswith(token):
                break
            found.update(self._postings[key])
        return found

    def search(self, query: str, langs: Sequence[str] = (), limit: int = 20) -> list[Hit]:
        """The best `limit` matches for `query`, one per resource, best first."""
        tokens = words(query)
        if not tokens or limit <= 0:
            return []
        candidates: set[int] | None = None
        for token in sorted(set(tokens), key=len, reverse=True):
            matching = self._with_prefix(token)
            candidates = matching if candidates is None else candidates & matching
            if not candidates:
                return []
        assert candidates is not None
        phrase = " ".join(tokens)
        wanted = [_primary(lang) for lang in langs]
        best: dict[int, tuple[tuple[object, ...], int, int]] = {}
        for position in candidates:
            normal, lang, owner = (
                self._normals[position],
                self._langs[position],
                self._owner[position],
            )
            match = 0 if normal == phrase else 1 if normal.startswith(phrase) else 2
            padded = f" {normal} "
            whole = sum(1 for token in tokens if f" {token} " in padded)
            if not lang:
                lang_rank = 0
            elif _primary(lang) in wanted:
                lang_rank = wanted.index(_primary(lang))
            else:
                lang_rank = len(wanted) + (0 if _primary(lang) == "en" else 1)
            key = (
                match,
                bool(self.records[owner]),
                -whole,
                lang_rank,
                self._priorities[position],
                len(normal),
                normal,
                self.iris[owner],
            )
            if owner not in best or key < best[owner][0]:
                best[owner] = (key, position, match)
        hits: list[Hit] = []
        for _key, position, match in sorted(best.values(), key=lambda item: item[0])[:limit]:
            entry = self.entry(self._owner[position])
            label, lang = entry.label(langs)
            hits.append(
                Hit(
                    entry,
                    label,
                    lang,
                    self._texts[position],
                    self._langs[position],
                    MATCH_NAMES[match],
                )
            )
        return hits


def with_descriptions(store: Store, hits: list[Hit]) -> list[Hit]:
    """The hits with their resources' descriptions (a definition wins), read for them alone."""
    if not hits:
        return hits
    listed = values_list(URIRef(hit.iri) for hit in hits)
    descriptions: dict[str, dict[str, str]] = defaultdict(dict)
    for row in store.rows(DESCRIPTIONS_QUERY % listed):
        subject, prop, value = str(row["s"]), row["p"], row["o"]
        text = " ".join(str(value).split())
        lang = value.language if isinstance(value, Literal) and value.language else ""
        known = descriptions[subject]
        if text and (prop == SKOS.definition or lang not in known):
            known[lang] = text
    return [
        replace(hit, entry=replace(hit.entry, descriptions=descriptions.get(hit.iri, {})))
        for hit in hits
    ]


def index_for(store: Store, base_iri: str, max_names: int | None = None) -> SearchIndex:
    """The search index of `store`, built on first use (once, however many ask at the same time)
    and kept as long as the store lives."""
    return _builder(base_iri, max_names)(store)


@functools.lru_cache(maxsize=8)
def _builder(base_iri: str, max_names: int | None) -> Callable[[Store], SearchIndex]:
    return per_store(lambda store: SearchIndex.build(store, base_iri, max_names))
