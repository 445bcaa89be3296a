"""A synthetic graph shaped like the curated one, of about N triples, as N-Quads (one named graph
per entry, like one file per entry): countries, organisations, frameworks, risk factors with their
indicators, and publications that cite frameworks, with labels in English and Norwegian."""

from __future__ import annotations

import argparse
import random
from pathlib import Path

BASE = "https://w3id.org/apwps/"
ID = BASE + "id/"
GRAPH = BASE + "graph/data/"
A = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
PREF = "<http://www.w3.org/2004/02/skos/core#prefLabel>"
NOTATION = "<http://www.w3.org/2004/02/skos/core#notation>"
LABEL = "<http://www.w3.org/2000/01/rdf-schema#label>"
TITLE = "<http://purl.org/dc/terms/title>"
ISSUED = "<http://purl.org/dc/terms/issued>"
CREATOR = "<http://purl.org/dc/terms/creator>"
SUBJECT = "<http://purl.org/dc/terms/subject>"
CITES = "<http://purl.org/spar/cito/cites>"


def o(name: str) -> str:
    return f"<{BASE}ontology#{name}>"


def lit(text: str, lang: str | None = None, datatype: str | None = None) -> str:
    value = '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if lang:
        return f"{value}@{lang}"
    if datatype:
        return f"{value}^^<http://www.w3.org/2001/XMLSchema#{datatype}>"
    return value


def generate(triples: int, out: Path, seed: int = 7) -> int:
    rng = random.Random(seed)
    scale = triples / 1_000_000
    n_countries, n_orgs = 250, int(20_000 * scale)
    n_frameworks, n_factors, per_factor = int(5_000 * scale), max(14, int(200 * scale)), 50
    n_pubs = int(90_000 * scale)
    crimes = [
        f"<{ID}crimes/{c}>"
        for c in ("genocide", "war-crimes", "crimes-against-humanity", "ethnic-cleansing")
    ]
    relevance = [f"<{ID}gender-relevance/{r}>" for r in ("explicit", "lens", "none")]
    bases = [f"<{ID}judgement-bases/{b}>" for b in ("source-wording", "analyst-reading")]
    status = [f"<{ID}verification-status/{s}>" for s in ("verified", "recalled", "uncertain")]
    written = 0
    with out.open("w", encoding="utf-8") as file:

        def entry(collection: str, slug: str, statements: list[tuple[str, str]]) -> str:
            nonlocal written
            subject = f"<{ID}{collection}/{slug}>"
            graph = f"<{GRAPH}{collection}/{slug}>"
            for predicate, obj in statements:
                file.write(f"{subject} {predicate} {obj} {graph} .\n")
            written += len(statements)
            return subject

        countries = [
            entry(
                "countries",
                f"c{i:03d}",
                [
                    (A, o("Country")),
                    (PREF, lit(f"Country {i}", "en")),
                    (PREF, lit(f"Land {i}", "nb")),
                ],
            )
            for i in range(n_countries)
        ]
        orgs = [
            entry(
                "organisations",
                f"org-{i}",
                [
                    (A, o("Organisation")),
                    (PREF, lit(f"Organisation {i}", "en")),
                    (o("country"), rng.choice(countries)),
                    (LABEL, lit(f"Org {i}")),
                ],
            )
            for i in range(n_orgs)
        ]
        frameworks = [
            entry(
                "frameworks",
                f"framework-{i}",
                [
                    (A, o("Framework")),
                    (PREF, lit(f"Framework {i}", "en")),
                    (PREF, lit(f"Rammeverk {i}", "nb")),
                    (ISSUED, lit(str(1990 + i % 35), datatype="gYear")),
                    (o("addressesCrime"), rng.choice(crimes)),
                    (o("addressesCrime"), rng.choice(crimes)),
                    (CREATOR, rng.choice(orgs)),
                    (o("scope"), rng.choice(countries)),
                ],
            )
            for i in range(n_frameworks)
        ]
        for f in range(n_factors):
            factor = entry(
                "risk-factors",
                f"rf{f:03d}",
                [
                    (A, o("RiskFactor")),
                    (PREF, lit(f"Risk factor {f}", "en")),
                    (PREF, lit(f"Risikofaktor {f}", "nb")),
                    (NOTATION, lit(str(f))),
                ],
            )
            for i in range(per_factor):
                entry(
                    "risk-indicators",
                    f"rf{f:03d}-{i:02d}",
                    [
                        (A, o("RiskIndicator")),
                        (o("riskFactor"), factor),
                        (NOTATION, lit(f"{f}.{i}")),
                        (PREF, lit(f"Indicator {f}.{i}", "en")),
                        (PREF, lit(f"Indikator {f}.{i}", "nb")),
                        (o("genderRelevance"), rng.choice(relevance)),
                        (o("genderRelevanceBasis"), rng.choice(bases)),
                        (o("verificationStatus"), rng.choice(status)),
                    ],
                )
        i = 0
        while written < triples:
            entry(
                "publications",
                f"pub-{i}",
                [
                    (A, "<http://purl.org/ontology/bibo/Report>"),
                    (A, o("Resource")),
                    (TITLE, lit(f"Report {i} on prevention", "en")),
                    (ISSUED, lit(str(1990 + i % 35), datatype="gYear")),
                    (CREATOR, rng.choice(orgs)),
                    (CITES, rng.choice(frameworks)),
                    (SUBJECT, rng.choice(countries)),
                    (o("addressesCrime"), rng.choice(crimes)),
                ],
            )
            i += 1
            if i > n_pubs * 3:
                break
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("output", type=Path)
    parser.add_argument("--triples", type=int, default=1_000_000)
    args = parser.parse_args()
    print(f"wrote {generate(args.triples, args.output)} triples to {args.output}")


if __name__ == "__main__":
    main()
