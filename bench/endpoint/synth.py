"""A synthetic graph shaped like the curated one, of about N triples, deterministic for a given seed.

Entities are shaped like the curated entries and conform to the real shapes: countries, organisations
in countries, people affiliated with them, frameworks (with labels in English and Norwegian), resources
citing frameworks and each other, risk-factor schemes whose factors carry their indicators, WPS-Index-
like data sets with their observations, and resource-guide entries cataloguing the rest. The mix
follows the curated graph, where observations are the largest part.

Two outputs of the same graph:
- `generate(triples, out)` writes N-Quads, one named graph per file, named as the build names them
  (for loading into a SPARQL engine, e.g. `oxigraph load`);
- `write_project(triples, root)` writes a project directory (one Turtle file per entry under data/,
  with the real ontology/, shapes/ and queries/ copied in), so that `apwps --root DIR build` runs
  the real pipeline on it.

    python bench/endpoint/synth.py /tmp/synthetic.nq --triples 1000000
    python bench/endpoint/synth.py /tmp/synthetic-project --triples 100000 --format project
"""

from __future__ import annotations

import argparse
import random
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox

ROOT = Path(__file__).resolve().parents[2]
BASE = "https://w3id.org/apwps/"
ID = BASE + "id/"
GRAPH = BASE + "graph/data/"

PREFIXES = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "org": "http://www.w3.org/ns/org#",
    "schema": "https://schema.org/",
    "bibo": "http://purl.org/ontology/bibo/",
    "cito": "http://purl.org/spar/cito/",
    "dcat": "http://www.w3.org/ns/dcat#",
    "prov": "http://www.w3.org/ns/prov#",
    "qb": "http://purl.org/linked-data/cube#",
    "wd": "http://www.wikidata.org/entity/",
    "apwps": BASE + "ontology#",
    "id": ID,
}

Term = str  # a term in N-Triples syntax
Triple = tuple[Term, Term, Term]


def term(curie: str) -> Term:
    """`<IRI>` from a prefixed name such as `dcterms:title` or `id:crimes/genocide`."""
    prefix, local = curie.split(":", 1)
    return f"<{PREFIXES[prefix]}{local}>"


def lit(text: str, lang: str | None = None, datatype: str | None = None) -> Term:
    value = '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if lang:
        return f"{value}@{lang}"
    if datatype:
        return f"{value}^^<{PREFIXES['xsd']}{datatype}>"
    return value


A = term("rdf:type")
LABEL, PREF = term("rdfs:label"), term("skos:prefLabel")
DESCRIPTION, DEFINITION = term("dcterms:description"), term("skos:definition")
SOURCE, STATUS = term("dcterms:source"), term("apwps:verificationStatus")

# concepts of the real vocabularies (ontology/vocabularies/)
CRIMES = ["genocide", "war-crimes", "crimes-against-humanity", "ethnic-cleansing"]
STAGES = ["structural-prevention", "direct-prevention", "late-stage-prevention"]
WPS_PILLARS = ["participation", "protection", "prevention", "relief-and-recovery"]
R2P_PILLARS = ["pillar-one", "pillar-two", "pillar-three"]
GENDER_FACTORS = ["monitoring-frameworks", "crimes-and-targets", "actor-identities", "fact-finding"]
VIOLENCE = ["sgbv", "crsv", "hate-speech", "displacement", "domestic-violence"]
REGIONS = ["global", "africa", "asia-pacific", "europe", "middle-east-and-north-africa", "americas"]
RELEVANCE = ["explicit", "lens", "none"]
ORGANISATION_KINDS = [
    "CivilSocietyOrganisation",
    "ResearchInstitution",
    "GovernmentAgency",
    "InternationalOrganisation",
    "RegionalOrganisation",
]
FRAMEWORK_KINDS = ["AnalyticalFramework", "NormativeFramework", "EarlyWarningSystem", "Strategy"]
WPS_DIMENSIONS = {
    "inclusion": ["education", "employment", "cellphone-use", "financial-inclusion", "parliament"],
    "justice": ["legal-discrimination", "son-bias", "norms", "access-to-justice"],
    "security": ["partner-violence", "community-safety", "political-violence", "conflict"],
}
WORDS = [
    *("prevention", "early", "warning", "gender", "atrocity", "protection", "women", "peace"),
    *("security", "accountability", "monitoring", "justice", "mediation", "participation"),
    *("risk", "resilience", "civilians", "response", "analysis"),
]
WORDS_NB = [
    *("forebygging", "tidlig", "varsling", "kjønn", "grusomhet", "beskyttelse", "kvinner"),
    *("fred", "sikkerhet", "ansvar", "overvåking", "rettferd", "mekling", "deltakelse"),
    *("risiko", "motstandskraft", "sivile", "respons", "analyse"),
]


def concept(scheme: str, slug: str) -> Term:
    return f"<{ID}{scheme}/{slug}>"


@dataclass
class File:
    """One generated file: `data/<collection>/<slug>.ttl`, its triples, and a comment line."""

    collection: str
    slug: str
    comment: str
    triples: list[Triple] = field(default_factory=list)

    @property
    def graph(self) -> str:
        return f"{GRAPH}{self.collection}/{self.slug}"

    def add(self, subject: Term, *pairs: tuple[Term, Term]) -> None:
        self.triples.extend((subject, p, o) for p, o in pairs)


@dataclass(frozen=True)
class Plan:
    """How many entities of each kind make up a graph of about `triples` triples."""

    countries: int
    organisations: int
    people: int
    frameworks: int
    publications: int
    guide_entries: int
    risk_schemes: int
    risk_factors: int  # per scheme
    indicators: int  # per risk factor
    observations: int

    @classmethod
    def for_size(cls, triples: int) -> Plan:
        """Shares of the triples by kind (8 to 20 triples per entry, as in the curated graph):
        observations, the curated graph's largest part, 45 %; resources 20 %; guide entries 13 %;
        organisations 6 %; frameworks and risk factors with their indicators 5 % each; people 4 %."""
        t = max(triples, 500)
        factors = max(1, min(14, t // 300))
        indicators = max(1, min(10, t // 2000))
        per_scheme = 12 + factors * (16 + indicators * 14)
        return cls(
            countries=max(4, min(676, t // 4000)),
            organisations=max(3, t * 6 // 100 // 9),
            people=max(2, t * 4 // 100 // 8),
            frameworks=max(2, t * 5 // 100 // 20),
            publications=max(3, t * 20 // 100 // 17),
            guide_entries=max(2, t * 13 // 100 // 17),
            risk_schemes=max(1, t * 5 // 100 // per_scheme),
            risk_factors=factors,
            indicators=indicators,
            observations=max(13, t * 45 // 100 // 9),
        )


# --- anchors: entries the ontology itself points at -----------------------------------------------

_UNTYPED_LINKS = f"""
SELECT DISTINCT ?o WHERE {{
  GRAPH ?g {{ ?s ?p ?o }}
  FILTER(isIRI(?o) && STRSTARTS(STR(?o), "{ID}"))
  FILTER NOT EXISTS {{ GRAPH ?h {{ ?o a ?type }} }}
}} ORDER BY ?o
"""


def anchor_iris(source: Path = ROOT) -> list[str]:
    """IRIs of entries that ontology/ and shapes/ link to (their sources, examples) without
    describing them: in the curated graph they live in data/, so a synthetic graph needs them too."""
    store = ox.Store()
    for path in sorted([*(source / "ontology").rglob("*.ttl"), *(source / "shapes").glob("*.ttl")]):
        store.load(path=str(path), format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(path.as_uri()))
    found: Any = store.query(_UNTYPED_LINKS)
    iris = [row["o"].value for row in found]
    # an organ named by a resolution or a UN body's parent is needed even if nothing names it
    for needed in ("organisations/united-nations", "organisations/un-security-council"):
        if ID + needed not in iris:
            iris.append(ID + needed)
    return sorted(iris)


def anchors(iris: list[str]) -> Iterator[File]:
    """A minimal entry, conforming to the shapes, for each anchor IRI (by its collection)."""
    verified = concept("verification-status", "verified")
    un, council = (
        concept("organisations", "united-nations"),
        concept("organisations", "un-security-council"),
    )
    for iri in iris:
        collection, slug = iri[len(ID) :].split("/", 1)
        node = f"<{iri}>"
        name = slug.replace("-", " ").capitalize()
        entry = File(collection, slug, f"{name}: an entry the ontology points at (synthetic).")
        common = [
            (LABEL, lit(name, "en")),
            (DESCRIPTION, lit(f"{name}, as the ontology names it.", "en")),
            (SOURCE, f"<https://anchors.example.org/{collection}/{slug}>"),
            (STATUS, verified),
        ]
        if collection == "countries":
            entry.add(
                node, (A, term("apwps:Country")), (term("apwps:iso3166Alpha3"), lit(slug.upper()))
            )
        elif collection == "organisations" and slug.startswith("un-"):
            entry.add(node, (A, term("apwps:UNBody")), (term("org:subOrganizationOf"), un))
        elif collection == "organisations":
            entry.add(node, (A, term("apwps:InternationalOrganisation")))
        elif collection == "frameworks":
            entry.add(node, (A, term("apwps:NormativeFramework")), (term("dcterms:publisher"), un))
        elif collection == "publications":
            entry.add(
                node,
                (A, term("bibo:Report")),
                (term("dcterms:title"), lit(name)),
                (term("dcterms:type"), concept("resource-types", "report")),
                (term("dcterms:publisher"), un),
            )
        elif collection == "resolutions" and slug.startswith("unscr-"):
            number = slug.removeprefix("unscr-")
            entry.add(
                node,
                (A, term("apwps:SecurityCouncilResolution")),
                (term("skos:notation"), lit(number)),
                (term("apwps:unSymbol"), lit(f"S/RES/{number} (2000)")),
                (term("dcterms:issued"), lit("2000", datatype="gYear")),
                (term("dcterms:type"), concept("resource-types", "resolution")),
                (term("dcterms:publisher"), council),
            )
        else:
            raise ValueError(f"no anchor template for {iri}: add one to bench/endpoint/synth.py")
        entry.add(node, *common)
        yield entry


def country_codes(count: int, rng: random.Random, taken: set[str]) -> list[str]:
    letters = "abcdefghijklmnopqrstuvwxyz"
    codes = [a + b + c for a in letters for b in letters for c in letters]
    rng.shuffle(codes)
    return sorted([code for code in codes if code not in taken][:count])


def files(triples: int, seed: int = 7, *, source: Path = ROOT) -> Iterator[File]:
    """The files of a synthetic graph of about `triples` triples, always the same for one seed:
    first the anchors the ontology in `source` points at, then the synthetic entries."""
    rng = random.Random(seed)
    plan = Plan.for_size(triples)
    verified = concept("verification-status", "verified")
    anchored = anchor_iris(source)
    yield from anchors(anchored)

    def words(count: int, vocabulary: list[str] = WORDS) -> str:
        return " ".join(rng.choice(vocabulary) for _ in range(count))

    def sources(*extra: Term) -> list[tuple[Term, Term]]:
        return [(SOURCE, o) for o in extra] + [(STATUS, verified)]

    def year(low: int = 1990, high: int = 2025) -> Term:
        return lit(str(rng.randint(low, high)), datatype="gYear")

    # countries
    taken = {iri.rsplit("/", 1)[1] for iri in anchored if iri.startswith(ID + "countries/")}
    codes = country_codes(min(plan.countries, 17576 - len(taken)), rng, taken)
    countries: list[Term] = []
    for code in codes:
        entry = File("countries", code, f"Country {code.upper()} (synthetic).")
        iri = concept("countries", code)
        entry.add(
            iri,
            (A, term("apwps:Country")),
            (LABEL, lit(f"Country {code.upper()}", "en")),
            (LABEL, lit(f"Land {code.upper()}", "nb")),
            (term("apwps:iso3166Alpha3"), lit(code.upper())),
            (term("schema:sameAs"), term(f"wd:Q{1000 + len(countries)}")),
            (DESCRIPTION, lit(f"A country of the synthetic graph; {words(6)}.", "en")),
            *sources(f"<https://example.org/countries/{code}>"),
        )
        countries.append(iri)
        yield entry

    # organisations, each in a country; some part of an earlier one
    organisations: list[Term] = []
    for i in range(plan.organisations):
        kind = ORGANISATION_KINDS[i % len(ORGANISATION_KINDS)]
        slug = f"org-{i:06d}"
        iri = concept("organisations", slug)
        entry = File("organisations", slug, f"Organisation {i} (synthetic).")
        entry.add(
            iri,
            (A, term(f"apwps:{kind}")),
            (LABEL, lit(f"Organisation {i} for {words(2)}", "en")),
            (LABEL, lit(f"Organisasjon {i} for {words(2, WORDS_NB)}", "nb")),
            (term("skos:altLabel"), lit(f"ORG{i}", "en")),
            (term("schema:url"), f"<https://org-{i}.example.org/>"),
            (term("apwps:country"), rng.choice(countries)),
            (DESCRIPTION, lit(f"An organisation working on {words(8)}.", "en")),
            *sources(f"<https://org-{i}.example.org/about>"),
        )
        if organisations and rng.random() < 0.3:
            entry.add(iri, (term("org:subOrganizationOf"), rng.choice(organisations)))
        organisations.append(iri)
        yield entry

    people: list[Term] = []
    for i in range(plan.people):
        slug = f"person-{i:06d}"
        iri = concept("people", slug)
        given, family = f"Given{i}", f"Family{i}"
        entry = File("people", slug, f"Person {i} (synthetic).")
        entry.add(
            iri,
            (A, term("foaf:Person")),
            (LABEL, lit(f"{given} {family}")),
            (term("foaf:givenName"), lit(given)),
            (term("foaf:familyName"), lit(family)),
            (term("schema:affiliation"), rng.choice(organisations)),
            (DESCRIPTION, lit(f"A researcher of {words(5)}.", "en")),
            *sources(f"<https://people.example.org/{i}>"),
        )
        people.append(iri)
        yield entry

    frameworks: list[Term] = []
    for i in range(plan.frameworks):
        slug = f"framework-{i:06d}"
        iri = concept("frameworks", slug)
        kind = FRAMEWORK_KINDS[i % len(FRAMEWORK_KINDS)]
        publisher = rng.choice(organisations)
        entry = File("frameworks", slug, f"Framework {i} (synthetic).")
        entry.add(
            iri,
            (A, term(f"apwps:{kind}")),
            (LABEL, lit(f"Framework {i} on {words(3)}", "en")),
            (LABEL, lit(f"Rammeverk {i} om {words(3, WORDS_NB)}", "nb")),
            (term("skos:altLabel"), lit(f"FW{i}", "en")),
            (term("dcterms:title"), lit(f"Framework {i} on {words(5)}")),
            (term("dcterms:type"), concept("resource-types", "guidance")),
            (term("dcterms:publisher"), publisher),
            (term("dcterms:creator"), publisher),
            (term("dcterms:issued"), year()),
            (term("schema:url"), f"<https://frameworks.example.org/{i}>"),
            (term("schema:sameAs"), term(f"wd:Q{500000 + i}")),
            (DESCRIPTION, lit(f"A framework for {words(12)}.", "en")),
            (term("apwps:addressesCrime"), concept("crimes", rng.choice(CRIMES))),
            (term("apwps:preventionStage"), concept("prevention-stages", rng.choice(STAGES))),
            (term("apwps:wpsPillar"), concept("wps-pillars", rng.choice(WPS_PILLARS))),
            (term("apwps:r2pPillar"), concept("r2p-pillars", rng.choice(R2P_PILLARS))),
            (term("apwps:genderFactor"), concept("gender-factors", rng.choice(GENDER_FACTORS))),
            (term("dcterms:spatial"), concept("regions", rng.choice(REGIONS))),
            *sources(f"<https://frameworks.example.org/{i}/about>"),
        )
        frameworks.append(iri)
        yield entry

    # risk-factor schemes, each with its factors and their indicators (one file per factor)
    for s in range(plan.risk_schemes):
        scheme = concept("risk-factors", f"s{s:04d}")
        factors = [
            concept("risk-factors", f"s{s:04d}-rf{f:02d}") for f in range(1, plan.risk_factors + 1)
        ]
        entry = File("risk-factors", f"s{s:04d}", f"Risk-factor scheme {s} (synthetic).")
        entry.add(
            scheme,
            (A, term("skos:ConceptScheme")),
            (PREF, lit(f"Risk factors of framework {s}", "en")),
            (LABEL, lit(f"Risk factors of framework {s}", "en")),
            (DEFINITION, lit(f"The risk factors and indicators of framework {s}.", "en")),
            (term("apwps:partOfFramework"), frameworks[s % len(frameworks)]),
            *[(term("skos:hasTopConcept"), factor) for factor in factors],
            *sources(f"<https://frameworks.example.org/{s}/risk>"),
        )
        yield entry
        for f, factor in enumerate(factors, start=1):
            entry = File("risk-factors", f"s{s:04d}-rf{f:02d}", f"Risk factor {f} of scheme {s}.")
            entry.add(
                factor,
                (A, term("apwps:RiskFactor")),
                (A, term("skos:Concept")),
                (term("skos:inScheme"), scheme),
                (term("skos:topConceptOf"), scheme),
                (term("skos:notation"), lit(str(f))),
                (PREF, lit(f"Risk factor {f}: {words(3)}", "en")),
                (PREF, lit(f"Risikofaktor {f}: {words(3, WORDS_NB)}", "nb")),
                (LABEL, lit(f"Risk factor {f}: {words(3)}", "en")),
                (DEFINITION, lit(f"Conditions of {words(8)}.", "en")),
                (term("apwps:riskFactorScope"), concept("risk-factor-scopes", "common")),
                (term("apwps:addressesCrime"), concept("crimes", rng.choice(CRIMES))),
                *sources(f"<https://frameworks.example.org/{s}/risk/{f}>"),
            )
            for n in range(1, plan.indicators + 1):
                indicator = concept("risk-indicators", f"s{s:04d}-rf{f:02d}-{n:02d}")
                relevance = rng.choice(RELEVANCE)
                entry.add(
                    indicator,
                    (A, term("apwps:RiskIndicator")),
                    (A, term("skos:Concept")),
                    (term("skos:inScheme"), scheme),
                    (term("skos:notation"), lit(f"{f}.{n}")),
                    (PREF, lit(f"Indicator {f}.{n}: {words(3)}", "en")),
                    (PREF, lit(f"Indikator {f}.{n}: {words(3, WORDS_NB)}", "nb")),
                    (LABEL, lit(f"Indicator {f}.{n}: {words(3)}", "en")),
                    (DEFINITION, lit(f"Signs of {words(8)}.", "en")),
                    (term("skos:broader"), factor),
                    (term("apwps:riskFactor"), factor),
                    (term("apwps:genderRelevance"), concept("gender-relevance", relevance)),
                    (
                        term("apwps:genderRelevanceBasis"),
                        concept("judgement-bases", "source-wording"),
                    ),
                    *sources(f"<https://frameworks.example.org/{s}/risk/{f}/{n}>"),
                )
            yield entry

    # resources citing frameworks and each other
    publications: list[Term] = []
    for i in range(plan.publications):
        slug = f"report-{i:07d}"
        iri = concept("publications", slug)
        title = f"Report {i} on {words(4)}"
        entry = File("publications", slug, f"Report {i} (synthetic).")
        entry.add(
            iri,
            (A, term("bibo:Report")),
            (LABEL, lit(title, "en")),
            (term("dcterms:title"), lit(title)),
            (term("dcterms:type"), concept("resource-types", "report")),
            (term("dcterms:creator"), rng.choice(people)),
            (term("dcterms:publisher"), rng.choice(organisations)),
            (term("dcterms:issued"), year()),
            (term("schema:url"), f"<https://reports.example.org/{i}>"),
            (DESCRIPTION, lit(f"A report on {words(14)}.", "en")),
            (term("dcterms:subject"), concept("violence-types", rng.choice(VIOLENCE))),
            (term("dcterms:subject"), concept("gender-factors", rng.choice(GENDER_FACTORS))),
            (term("dcterms:spatial"), rng.choice(countries)),
            (term("apwps:addressesCrime"), concept("crimes", rng.choice(CRIMES))),
            (term("cito:cites"), rng.choice(frameworks)),
            *sources(f"<https://reports.example.org/{i}/page>"),
        )
        if publications:
            cited = [rng.choice(publications) for _ in range(rng.randint(0, 3))]
            entry.add(iri, *[(term("cito:cites"), c) for c in dict.fromkeys(cited)])
        publications.append(iri)
        yield entry

    # WPS-Index-like dimensions and indicators, data sets and their observations
    scheme = f"<{ID}wps-index-indicators>"
    entry = File("wps-index", "wps-index-indicators", "The synthetic WPS Index scheme.")
    dimensions = [concept("wps-index-dimensions", d) for d in WPS_DIMENSIONS]
    entry.add(
        scheme,
        (A, term("skos:ConceptScheme")),
        (PREF, lit("Dimensions and indicators of the index", "en")),
        (LABEL, lit("Dimensions and indicators of the index", "en")),
        (DEFINITION, lit("The dimensions of the index and the indicators under them.", "en")),
        *[(term("skos:hasTopConcept"), d) for d in dimensions],
        *sources("<https://index.example.org/>"),
    )
    yield entry
    indicators: list[Term] = []
    for dimension, names in WPS_DIMENSIONS.items():
        entry = File("wps-index", dimension, f"Index dimension {dimension} and its indicators.")
        dim = concept("wps-index-dimensions", dimension)
        entry.add(
            dim,
            (A, term("apwps:WpsIndexDimension")),
            (A, term("skos:Concept")),
            (term("skos:inScheme"), scheme),
            (term("skos:topConceptOf"), scheme),
            (PREF, lit(dimension.capitalize(), "en")),
            (LABEL, lit(dimension.capitalize(), "en")),
            (DEFINITION, lit(f"The {dimension} dimension of the index.", "en")),
            *sources("<https://index.example.org/dimensions>"),
        )
        for name in names:
            indicator = concept("wps-index-indicators", name)
            entry.add(
                indicator,
                (A, term("apwps:WpsIndexIndicator")),
                (A, term("skos:Concept")),
                (term("skos:inScheme"), scheme),
                (term("skos:broader"), dim),
                (term("apwps:indexDimension"), dim),
                (PREF, lit(name.replace("-", " ").capitalize(), "en")),
                (LABEL, lit(name.replace("-", " ").capitalize(), "en")),
                (DEFINITION, lit(f"The indicator {name} of the index.", "en")),
                (term("apwps:unitLabel"), lit("percent")),
                (term("apwps:polarity"), concept("polarities", "higher-is-better")),
                *sources("<https://index.example.org/indicators>"),
            )
            indicators.append(indicator)
        yield entry
    per_edition = len(countries) * len(indicators)
    editions = -(-plan.observations // per_edition)
    left = plan.observations
    for e in range(editions):
        first = 2024 - e
        edition = f"{first}/{(first + 1) % 100:02d}"
        slug = f"wps-index-{first}-{(first + 1) % 100:02d}"
        dataset = concept("datasets", slug)
        entry = File("wps-index", slug, f"Index data set {edition} (synthetic).")
        entry.add(
            dataset,
            (A, term("qb:DataSet")),
            (A, term("dcat:Dataset")),
            (A, term("apwps:Resource")),
            (LABEL, lit(f"Index {edition} country data", "en")),
            (term("dcterms:title"), lit(f"Index {edition} table")),
            (DESCRIPTION, lit(f"The country table of the {edition} edition.", "en")),
            (term("qb:structure"), concept("wps-index", "structure")),
            (term("dcterms:type"), concept("resource-types", "dataset")),
            (term("dcterms:publisher"), organisations[e % len(organisations)]),
            (term("dcterms:issued"), lit(str(first), datatype="gYear")),
            *sources(f"<https://index.example.org/{first}>"),
        )
        yield entry
        entry = File("observations", slug, f"Observations of the {edition} edition (synthetic).")
        for country in countries:
            code = country[-4:-1]
            for indicator in indicators:
                if left == 0:
                    break
                left -= 1
                name = indicator.rsplit("/", 1)[1][:-1]
                entry.add(
                    concept(f"observations/{slug}", f"{code}-{name}"),
                    (A, term("qb:Observation")),
                    (term("qb:dataSet"), dataset),
                    (term("prov:wasDerivedFrom"), dataset),
                    (term("apwps:refCountry"), country),
                    (term("apwps:refEdition"), lit(edition)),
                    (term("apwps:refIndicator"), indicator),
                    (term("apwps:referencePeriod"), lit(str(first - 1))),
                    (term("apwps:unitLabel"), lit("percent")),
                    (term("apwps:value"), lit(f"{rng.uniform(0, 100):.3f}", datatype="decimal")),
                )
        yield entry

    # the resource guide: its catalogue, and entries cataloguing publications and frameworks
    catalogue = f"<{ID}guide>"
    entry = File("guide", "catalogue", "The synthetic resource guide.")
    entry.add(
        catalogue,
        (A, term("dcat:Catalog")),
        (LABEL, lit("Resource guide", "en")),
        (LABEL, lit("Ressursguide", "nb")),
        (term("dcterms:title"), lit("Resource guide", "en")),
        (DESCRIPTION, lit("A guide to the synthetic graph's resources.", "en")),
        (term("dcterms:publisher"), organisations[0]),
        (term("dcterms:license"), "<https://creativecommons.org/licenses/by/4.0/>"),
        (term("dcterms:type"), concept("resource-types", "dataset")),
        *sources("<https://guide.example.org/>"),
    )
    yield entry
    topics = publications + frameworks
    for i in range(plan.guide_entries):
        topic = topics[i % len(topics)]
        slug = f"entry-{i:07d}"
        is_publication = i % len(topics) < len(publications)
        entry = File("guide", slug, f"Guide entry {i} (synthetic).")
        entry.add(
            concept("guide", slug),
            (A, term("apwps:GuideEntry")),
            (LABEL, lit(f"Guide entry {i}: {words(3)}", "en")),
            (term("apwps:inCatalog"), catalogue),
            (term("foaf:primaryTopic"), topic),
            (term("dcterms:title"), lit(f"Guide entry {i} on {words(4)}")),
            (
                term("apwps:resourceType"),
                concept("resource-types", "report" if is_publication else "guidance"),
            ),
            (term("dcterms:publisher"), rng.choice(organisations)),
            (term("apwps:year"), year()),
            (DESCRIPTION, lit(f"Why it matters: {words(14)}.", "en")),
            (term("dcterms:subject"), concept("crimes", rng.choice(CRIMES))),
            (term("dcterms:subject"), concept("wps-pillars", rng.choice(WPS_PILLARS))),
            (term("dcterms:spatial"), concept("regions", rng.choice(REGIONS))),
            (term("apwps:genderRelevance"), concept("gender-relevance", "explicit")),
            (term("apwps:genderRelevanceBasis"), concept("judgement-bases", "source-wording")),
            (term("dcterms:issued"), lit(f"2025-{rng.randint(1, 12):02d}-15", datatype="date")),
            *sources(f"<https://guide.example.org/{i}>"),
        )
        yield entry


# --- writers ---------------------------------------------------------------------------------------


def generate(
    triples: int, out: Path, seed: int = 7, *, union: Path | None = None, source: Path = ROOT
) -> int:
    """Write the graph as N-Quads (one named graph per file); with `union`, also the union of the
    graphs as N-Triples (for an engine's default graph). Returns the number of triples."""
    written = 0
    union_file = union.open("w", encoding="utf-8") if union is not None else None
    try:
        with out.open("w", encoding="utf-8") as file:
            for entry in files(triples, seed, source=source):
                graph = f"<{entry.graph}>"
                file.writelines(f"{s} {p} {o} {graph} .\n" for s, p, o in entry.triples)
                if union_file is not None:
                    union_file.writelines(f"{s} {p} {o} .\n" for s, p, o in entry.triples)
                written += len(entry.triples)
    finally:
        if union_file is not None:
            union_file.close()
    return written


_COMPACT = sorted(((iri, name) for name, iri in PREFIXES.items() if name != "id"), reverse=True)
_SAFE_LOCAL = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_")


def _compact(node: Term) -> Term:
    if node.startswith('"'):
        value, marker, datatype = node.rpartition("^^")
        return f"{value}^^{_compact(datatype)}" if marker else node
    iri = node[1:-1]
    for namespace, name in _COMPACT:
        local = iri[len(namespace) :]
        if iri.startswith(namespace) and local and set(local) <= _SAFE_LOCAL:
            return f"{name}:{local}"
    return node


def turtle(entry: File) -> str:
    """The file as Turtle: a comment, the prefixes it uses, then one block per subject."""
    lines = [f"# {entry.comment}", ""]
    lines += [f"@prefix {n}: <{iri}> ." for n, iri in PREFIXES.items() if n != "id"]
    subject = None
    for s, p, o in entry.triples:
        predicate = "a" if p == A else _compact(p)
        if s != subject:
            if subject is not None:
                lines[-1] += " ."
            lines += ["", s, f"    {predicate} {_compact(o)}"]
            subject = s
        else:
            lines[-1] += " ;"
            lines.append(f"    {predicate} {_compact(o)}")
    lines[-1] += " ."
    return "\n".join(lines) + "\n"


SETTINGS_FILE = """# A generated project (bench/endpoint/synth.py): synthetic data, not content.
"""


def write_project(triples: int, root: Path, seed: int = 7, *, source: Path = ROOT) -> int:
    """Write a project directory: the real ontology/, shapes/ and queries/, and the synthetic data
    as one Turtle file per entry under data/. Returns the number of data triples."""
    if (root / "data").exists():
        shutil.rmtree(root / "data")
    for directory in ("ontology", "shapes", "queries"):
        if (root / directory).exists():
            shutil.rmtree(root / directory)
        shutil.copytree(source / directory, root / directory)
    (root / "apwps.toml").write_text(SETTINGS_FILE, encoding="utf-8")
    written = 0
    made: set[str] = set()
    for entry in files(triples, seed, source=source):
        folder = root / "data" / entry.collection
        if entry.collection not in made:
            folder.mkdir(parents=True, exist_ok=True)
            made.add(entry.collection)
        (folder / f"{entry.slug}.ttl").write_text(turtle(entry), encoding="utf-8")
        written += len(entry.triples)
    return written


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("output", type=Path, help="N-Quads file, or project directory")
    parser.add_argument("--triples", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--format", choices=["nquads", "project"], default="nquads")
    parser.add_argument("--union", type=Path, help="also write the union as N-Triples here")
    args = parser.parse_args()
    if args.format == "project":
        count = write_project(args.triples, args.output, args.seed)
    else:
        count = generate(args.triples, args.output, args.seed, union=args.union)
    print(f"wrote {count} triples to {args.output}")


if __name__ == "__main__":
    main()
