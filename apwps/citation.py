"""Citing a resource: one CSL-JSON item built from the graph, written out as CSL-JSON, BibTeX
(bibtexparser) and RIS (rispy), so that reference managers import what the graph says.

Publications are cited as the works they are; every other entry (a framework, an organisation, a
concept) is cited as an entry of the knowledge graph, with its IRI as the URL.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import rispy  # type: ignore[import-untyped]
from bibtexparser import model
from bibtexparser.entrypoint import write_string
from bibtexparser.library import Library
from pylatexenc.latexencode import UnicodeToLatexEncoder  # type: ignore[import-untyped]
from rdflib.namespace import DCAT, DCTERMS, FOAF
from rdflib.term import Literal, Node, URIRef

from apwps.describe import APWPS, BIBO, SCHEMA, Description
from apwps.stores.base import SelectResult, Store

GRAPH_TITLE = "AP-WPS Knowledge Graph"

# rdf:type → (CSL type, BibTeX entry type, RIS type), most specific first.
TYPES: tuple[tuple[URIRef, str, str, str], ...] = (
    (BIBO.AcademicArticle, "article-journal", "article", "JOUR"),
    (BIBO.Article, "article", "article", "JOUR"),
    (BIBO.Chapter, "chapter", "incollection", "CHAP"),
    (BIBO.EditedBook, "book", "book", "EDBOOK"),
    (BIBO.Book, "book", "book", "BOOK"),
    (APWPS.PolicyBrief, "report", "techreport", "RPRT"),
    (BIBO.Report, "report", "techreport", "RPRT"),
    (BIBO.Webpage, "webpage", "misc", "ELEC"),
    (APWPS.SecurityCouncilResolution, "legislation", "misc", "LEGAL"),
    (BIBO.Legislation, "legislation", "misc", "LEGAL"),
    (BIBO.LegalDocument, "legal_case", "misc", "LEGAL"),
    (DCAT.Dataset, "dataset", "misc", "DATA"),
    (BIBO.Journal, "periodical", "misc", "JFULL"),
    (BIBO.Periodical, "periodical", "misc", "JFULL"),
)
DOCUMENT = ("document", "misc", "GEN")  # a dated or titled work of another kind (a framework)
ENTRY = ("entry", "misc", "GEN")  # anything else: cited as an entry of the graph

PEOPLE = """PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX bibo: <http://purl.org/ontology/bibo/>
PREFIX foaf: <http://xmlns.com/foaf/0.1/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
SELECT DISTINCT ?this ?role ?agent ?given ?family ?name ?label ?seq WHERE {
  VALUES ?role { dcterms:creator bibo:editor }
  ?this ?role ?agent .
  OPTIONAL { ?agent foaf:givenName ?given }
  OPTIONAL { ?agent foaf:familyName ?family }
  OPTIONAL { ?agent foaf:name ?name }
  OPTIONAL { ?agent rdfs:label ?label }
  OPTIONAL { ?this bibo:authorList|bibo:editorList ?list . ?list ?seq ?agent .
             FILTER(STRSTARTS(STR(?seq), STR(rdf:_))) }
}"""


@dataclass(frozen=True)
class CitationFormat:
    """One citation format: how HTTP and URLs name it, and how it is written."""

    name: str
    media_type: str
    suffix: str
    label: str
    write: Callable[[dict[str, Any]], str]

    @property
    def content_type(self) -> str:
        return f"{self.media_type}; charset=utf-8"


def _text(node: Node | None) -> str | None:
    return str(node) if node is not None else None


def _kind(description: Description) -> tuple[str, str, str]:
    types = description.all_types
    for rdf_type, csl, bibtex, ris in TYPES:
        if rdf_type in types:
            return csl, bibtex, ris
    if description.values(DCTERMS.issued) or description.values(DCTERMS.title):
        return DOCUMENT
    return ENTRY


def _names(store: Store, description: Description) -> dict[str, list[dict[str, str]]]:
    """Authors and editors in their stated order, as CSL name objects."""
    result = store.query(PEOPLE, bindings={"this": description.iri})
    assert isinstance(result, SelectResult)
    found: dict[tuple[str, str], tuple[int, dict[str, str]]] = {}
    for row in result.rows:
        role = "author" if row["role"] == DCTERMS.creator else "editor"
        agent = str(row["agent"])
        seq = str(row.get("seq", ""))
        position = int(seq.rsplit("_", 1)[-1]) if re.search(r"_\d+$", seq) else 10_000
        if row.get("family"):
            name = {"family": str(row["family"]), "given": str(row.get("given", ""))}
            if not name["given"]:
                del name["given"]
        else:
            literal = row.get("name") or row.get("label") or description.label(row["agent"])
            name = {"literal": str(literal)}
        key = (role, agent)
        if key not in found or position < found[key][0]:
            found[key] = (position, name)
    names: dict[str, list[dict[str, str]]] = {}
    for (role, _agent), (_position, name) in sorted(
        found.items(), key=lambda i: (i[1][0], i[0][1])
    ):
        if name not in names.setdefault(role, []):
            names[role].append(name)
    return names


def _issued(node: Node | None) -> dict[str, list[list[int]]] | None:
    if node is None:
        return None
    parts = [int(p) for p in re.findall(r"\d+", str(node))[:3]]
    return {"date-parts": [parts]} if parts else None


def citation_item(
    store: Store, description: Description, accessed: dt.date | None = None
) -> dict[str, Any]:
    """The resource as one CSL-JSON item (https://citeproc-js.readthedocs.io/en/latest/csl-json/)."""
    d = description
    csl_type, _, _ = _kind(d)
    english = ("en",)
    title = d.first(DCTERMS.title, english) or d.first(SCHEMA.name, english)
    item: dict[str, Any] = {
        "id": d.iri.rsplit("/", 1)[-1],
        "type": csl_type,
        "title": str(title) if title is not None else d.label(d.iri, english),
    }
    item.update(_names(store, d))
    issued = _issued(d.first(DCTERMS.issued))
    if issued:
        item["issued"] = issued
    publisher = d.first(DCTERMS.publisher)
    if publisher is not None:
        item["publisher"] = d.label(publisher, english)
    container = d.first(DCTERMS.isPartOf)
    if container is not None and csl_type in ("chapter", "article-journal", "article", "report"):
        item["container-title"] = d.label(container, english)
    if csl_type == "entry":
        item["container-title"] = GRAPH_TITLE
    for key, prop in (
        ("DOI", BIBO.doi),
        ("ISBN", BIBO.isbn13),
        ("volume", BIBO.volume),
        ("issue", BIBO.issue),
        ("number", BIBO.number),
        ("collection-title", APWPS.series),
    ):
        value = d.first(prop)
        if value is not None:
            item[key] = str(value)
    if "ISBN" not in item and d.first(BIBO.isbn) is not None:
        item["ISBN"] = str(d.first(BIBO.isbn))
    start, end = d.first(BIBO.pageStart), d.first(BIBO.pageEnd)
    if start is not None:
        item["page"] = f"{start}–{end}" if end is not None else str(start)
    symbol = d.first(APWPS.unSymbol)
    if symbol is not None:
        item["number"] = str(symbol)
    abstract = d.first(DCTERMS.description, english) or d.first(
        URIRef("http://www.w3.org/2004/02/skos/core#definition"), english
    )
    if abstract is not None:
        item["abstract"] = str(abstract)
    languages = [str(v) for v in d.values(DCTERMS.language) if isinstance(v, Literal)]
    if languages:
        item["language"] = languages[0]
    url = d.first(SCHEMA.url) or d.first(FOAF.homepage)
    item["URL"] = str(url) if url is not None and csl_type != "entry" else str(d.iri)
    item["note"] = f"{GRAPH_TITLE}: {d.iri}"
    when = accessed or dt.date.today()
    item["accessed"] = {"date-parts": [[when.year, when.month, when.day]]}
    return item


def _person(name: dict[str, str]) -> str:
    if "literal" in name:
        return name["literal"]
    return f"{name['family']}, {name['given']}" if name.get("given") else name["family"]


def to_csl_json(item: dict[str, Any]) -> str:
    return json.dumps([item], ensure_ascii=False, indent=2) + "\n"


def _year(item: dict[str, Any]) -> str | None:
    parts = item.get("issued", {}).get("date-parts", [[]])[0]
    return str(parts[0]) if parts else None


_LATEX = UnicodeToLatexEncoder(
    non_ascii_only=False,
    replacement_latex_protection="braces-after-macro",
    unknown_char_policy="keep",
)


def _latex(text: str) -> str:
    result: str = _LATEX.unicode_to_latex(text)
    return result


def to_bibtex(item: dict[str, Any]) -> str:
    """One BibTeX entry (bibtexparser writes it; pylatexenc escapes the text). Organisations as
    authors are braced so that BibTeX does not split them into given and family names."""
    csl_type = item["type"]
    entry_type = next((b for _, c, b, _ in TYPES if c == csl_type), "misc")
    fields: dict[str, str] = {"title": _latex(item["title"])}
    for role, key in (("author", "author"), ("editor", "editor")):
        if item.get(role):
            fields[key] = " and ".join(
                "{" + _latex(n["literal"]) + "}" if "literal" in n else _latex(_person(n))
                for n in item[role]
            )
    year = _year(item)
    if year:
        fields["year"] = year
    container = item.get("container-title")
    if container:
        key = {"article": "journal", "incollection": "booktitle"}.get(entry_type, "howpublished")
        fields[key] = _latex(container)
    if item.get("publisher"):
        key = "institution" if entry_type == "techreport" else "publisher"
        fields[key] = _latex(item["publisher"])
    for csl_key, bib_key in (
        ("DOI", "doi"),
        ("ISBN", "isbn"),
        ("volume", "volume"),
        ("issue", "number"),
        ("number", "number"),
        ("page", "pages"),
        ("collection-title", "series"),
        ("URL", "url"),
        ("language", "language"),
        ("note", "note"),
    ):
        if item.get(csl_key) and bib_key not in fields:
            value = str(item[csl_key])
            fields[bib_key] = value if bib_key == "url" else _latex(value.replace("–", "--"))
    accessed = item["accessed"]["date-parts"][0]
    fields["urldate"] = "-".join(f"{p:02d}" for p in accessed)
    entry = model.Entry(entry_type, item["id"], [model.Field(k, v) for k, v in fields.items()])
    library = Library([entry])
    text: str = write_string(library)
    return text


class _RisWriter(rispy.RisWriter):  # type: ignore[misc]
    """rispy's writer without its numbered header line, which reference managers do not expect."""

    def set_header(self, count: int) -> str:
        return ""


def to_ris(item: dict[str, Any]) -> str:
    csl_type = item["type"]
    ris_type = next((r for _, c, _, r in TYPES if c == csl_type), "GEN")
    record: dict[str, Any] = {
        "type_of_reference": ris_type,
        "title": item["title"],
        "id": item["id"],
    }
    if item.get("author"):
        record["authors"] = [_person(n) for n in item["author"]]
    if item.get("editor"):
        record["secondary_authors"] = [_person(n) for n in item["editor"]]
    year = _year(item)
    if year:
        record["year"] = year
    for csl_key, ris_key in (
        ("publisher", "publisher"),
        ("DOI", "doi"),
        ("ISBN", "issn"),
        ("volume", "volume"),
        ("issue", "number"),
        ("abstract", "abstract"),
        ("language", "language"),
        ("container-title", "secondary_title"),
        ("collection-title", "tertiary_title"),
    ):
        if item.get(csl_key):
            record[ris_key] = str(item[csl_key])
    if item.get("page"):
        start, _, end = str(item["page"]).partition("–")
        record["start_page"] = start
        if end:
            record["end_page"] = end
    record["urls"] = [item["URL"]]
    record["notes"] = [item["note"]]
    accessed = item["accessed"]["date-parts"][0]
    record["access_date"] = "/".join(f"{p:02d}" for p in accessed)
    text: str = rispy.dumps([record], implementation=_RisWriter)
    return text


CITATION_FORMATS: tuple[CitationFormat, ...] = (
    CitationFormat("bibtex", "application/x-bibtex", ".bib", "BibTeX", to_bibtex),
    CitationFormat("ris", "application/x-research-info-systems", ".ris", "RIS", to_ris),
    CitationFormat(
        "csl-json", "application/vnd.citationstyles.csl+json", ".csl.json", "CSL-JSON", to_csl_json
    ),
)
BY_NAME: dict[str, CitationFormat] = {f.name: f for f in CITATION_FORMATS}


def by_suffix(suffix: str) -> CitationFormat | None:
    return next((f for f in CITATION_FORMATS if f.suffix == suffix.lower()), None)


def by_media_type(media_type: str) -> CitationFormat | None:
    bare = media_type.split(";", 1)[0].strip().lower()
    return next((f for f in CITATION_FORMATS if f.media_type == bare), None)
