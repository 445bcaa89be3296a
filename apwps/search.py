"""Finding resources by name: an in-memory index of every label in the graph, built once per store.

The labels (rdfs:label, skos:prefLabel, skos:altLabel, dcterms:title, foaf:name, with their languages)
are read with one SELECT through the `Store` interface, so the embedded and the remote store are
searched alike. Matching is on accent- and case-folded words: an exact label beats a label that starts
with the query, which beats a label whose words start with the query's words. Within a rank, labels in
the reader's languages come first. Lookups are bisections in sorted word lists, fast enough for
autocomplete on every keystroke.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from rdflib.namespace import DCTERMS, FOAF, RDFS, SKOS
from rdflib.term import Literal, URIRef

from apwps.memo import per_store
from apwps.stores.base import SelectResult, Store

# Label properties, best first: a name beats a published title, which beats an alternative label.
LABEL_PROPERTIES: dict[URIRef, int] = {
    SKOS.prefLabel: 0,
    RDFS.label: 0,
    FOAF.name: 0,
    DCTERMS.title: 1,
    SKOS.altLabel: 2,
}
DESCRIPTION_PROPERTIES: tuple[URIRef, ...] = (SKOS.definition, DCTERMS.description)

LABELS_QUERY = """PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX foaf: <http://xmlns.com/foaf/0.1/>
SELECT DISTINCT ?s ?p ?o WHERE {
  { VALUES ?p { rdfs:label skos:prefLabel skos:altLabel dcterms:title foaf:name
                skos:definition dcterms:description }
    ?s ?p ?o .
    FILTER(isIRI(?s) && isLiteral(?o)) }
  UNION
  { ?s foaf:primaryTopic ?o . BIND(foaf:primaryTopic AS ?p) FILTER(isIRI(?s)) }
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
class _Term:
    entry: int
    text: str
    lang: str
    normal: str  # the folded words joined by single spaces
    words: frozenset[str]
    priority: int  # from LABEL_PROPERTIES


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
    """Labels folded into sorted word and phrase lists; answer queries by bisection."""

    def __init__(self, entries: list[Entry], terms: list[_Term]) -> None:
        self.entries = entries
        self._terms = terms
        self._words = sorted((w, i) for i, term in enumerate(terms) for w in term.words)
        self._keys = [w for w, _ in self._words]

    def __len__(self) -> int:
        return len(self.entries)

    @classmethod
    def build(cls, store: Store, base_iri: str) -> SearchIndex:
        """Read every label and description from `store` (one SELECT) and index them."""
        result = store.query(LABELS_QUERY)
        assert isinstance(result, SelectResult)
        labels: dict[str, dict[tuple[str, str, int], None]] = defaultdict(dict)
        descriptions: dict[str, dict[str, str]] = defaultdict(dict)
        records: set[str] = set()
        for row in result.rows:
            subject, prop, value = row.get("s"), row.get("p"), row.get("o")
            if prop == FOAF.primaryTopic:
                records.add(str(subject))
                continue
            if not isinstance(subject, URIRef) or not isinstance(value, Literal):
                continue
            text = " ".join(str(value).split())
            lang = value.language or ""
            if prop in LABEL_PROPERTIES and text:
                labels[str(subject)][(text, lang, LABEL_PROPERTIES[prop])] = None  # type: ignore[index]
            elif prop in DESCRIPTION_PROPERTIES and text:
                known = descriptions[str(subject)]
                if prop == SKOS.definition or lang not in known:  # a definition wins
                    known[lang] = text
        entries: list[Entry] = []
        terms: list[_Term] = []
        for iri in sorted(labels):
            found = sorted(labels[iri], key=lambda t: (t[2], t[1], t[0]))
            shown: dict[str, str] = {}
            for text, lang, priority in found:
                if priority < 2 and lang not in shown:
                    shown[lang] = text
            if not shown:  # only alternative labels: show the first of them
                shown = {found[0][1]: found[0][0]}
            index = len(entries)
            entries.append(
                Entry(iri, kind_of(iri, base_iri), shown, descriptions.get(iri, {}), iri in records)
            )
            seen: set[tuple[str, str]] = set()
            for text, lang, priority in found:
                folded = words(text)
                key = (" ".join(folded), lang)
                if folded and key not in seen:
                    seen.add(key)
                    terms.append(_Term(index, text, lang, key[0], frozenset(folded), priority))
        return cls(entries, terms)

    def _with_prefix(self, token: str) -> set[int]:
        """Terms having a word that starts with `token`."""
        found: set[int] = set()
        start = bisect_left(self._keys, token)
        for position in range(start, len(self._keys)):
            if not self._keys[position].startswith(token):
                break
            found.add(self._words[position][1])
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
        best: dict[int, tuple[tuple[object, ...], _Term, int]] = {}
        for position in candidates:
            term = self._terms[position]
            match = 0 if term.normal == phrase else 1 if term.normal.startswith(phrase) else 2
            whole = sum(1 for token in tokens if token in term.words)
            if not term.lang:
                lang_rank = 0
            elif _primary(term.lang) in wanted:
                lang_rank = wanted.index(_primary(term.lang))
            else:
                lang_rank = len(wanted) + (0 if _primary(term.lang) == "en" else 1)
            key = (
                match,
                self.entries[term.entry].record,
                -whole,
                lang_rank,
                term.priority,
                len(term.normal),
                term.normal,
                self.entries[term.entry].iri,
            )
            if term.entry not in best or key < best[term.entry][0]:
                best[term.entry] = (key, term, match)
        hits: list[Hit] = []
        for _key, term, match in sorted(best.values(), key=lambda item: item[0])[:limit]:
            entry = self.entries[term.entry]
            label, lang = entry.label(langs)
            hits.append(Hit(entry, label, lang, term.text, term.lang, MATCH_NAMES[match]))
        return hits


def index_for(store: Store, base_iri: str) -> SearchIndex:
    """The search index of `store`, built on first use and kept as long as the store lives."""
    return _builder(base_iri)(store)


@functools.lru_cache(maxsize=8)
def _builder(base_iri: str) -> Callable[[Store], SearchIndex]:
    return per_store(lambda store: SearchIndex.build(store, base_iri))
