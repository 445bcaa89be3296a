"""A tiny project (ontology, shapes, data, a query) for tests that change or break content."""

from __future__ import annotations

from pathlib import Path

ONTOLOGY = """@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix ex: <https://w3id.org/apwps/ontology#> .
<https://w3id.org/apwps/ontology> a owl:Ontology .
ex:Framework a owl:Class ; rdfs:label "Framework"@en .
ex:AnalyticalFramework a owl:Class ; rdfs:subClassOf ex:Framework ; rdfs:label "Analytical framework"@en .
ex:hasPart a owl:ObjectProperty ; owl:inverseOf ex:partOf .
ex:partOf a owl:ObjectProperty .
"""

SHAPES = """@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix ex: <https://w3id.org/apwps/ontology#> .
<https://w3id.org/apwps/shapes#Framework> a sh:NodeShape ;
  sh:targetClass ex:Framework ;
  sh:property [ sh:path rdfs:label ; sh:name "Label" ; sh:minCount 1 ;
                sh:message "A framework needs a label: add rdfs:label" ] .
"""

ENTRY = """@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix ex: <https://w3id.org/apwps/ontology#> .
<https://w3id.org/apwps/id/frameworks/{slug}> a ex:AnalyticalFramework ; rdfs:label "{label}"@en ;
  ex:hasPart <https://w3id.org/apwps/id/frameworks/{slug}-part> .
"""

QUERY = """#+ title: Frameworks
#+ description: Every framework with its label.
#+ parameters:
#+   framework: {type: iri, description: Only this framework}
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?framework ?label WHERE {
  ?framework a <https://w3id.org/apwps/ontology#Framework> ; rdfs:label ?label .
} ORDER BY ?label
"""


def make_project(root: Path, entries: dict[str, str] | None = None) -> Path:
    """Write a tiny project; `entries` maps slug to label (default: two frameworks)."""
    for directory in ("ontology", "shapes", "data/frameworks", "queries"):
        (root / directory).mkdir(parents=True, exist_ok=True)
    (root / "ontology" / "core.ttl").write_text(ONTOLOGY, encoding="utf-8")
    (root / "shapes" / "framework.shapes.ttl").write_text(SHAPES, encoding="utf-8")
    for slug, label in (entries or {"alpha": "Alpha", "beta": "Beta"}).items():
        (root / "data" / "frameworks" / f"{slug}.ttl").write_text(
            ENTRY.format(slug=slug, label=label), encoding="utf-8"
        )
    (root / "queries" / "frameworks.rq").write_text(QUERY, encoding="utf-8")
    return root
