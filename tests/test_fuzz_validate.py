"""Property-based tests of the validator's input parsing (`POST /validate`, the API and the page):
entries in every format it reads, well formed, broken, cut short or hostile (remote JSON-LD
contexts, XML entities, YAML aliases). The answer is a report or a 4xx that says what is wrong;
never a 5xx, a traceback or an internal path."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import yaml
from flask import Flask
from hypothesis import given
from hypothesis import strategies as st

from tests.conftest import ROOT
from tests.test_fuzz_support import FUZZ, assert_clean

ID = "https://w3id.org/apwps/id/"
ONTOLOGY = "https://w3id.org/apwps/ontology#"
REAL = sorted((ROOT / "data" / "organisations").glob("*.ttl"))[:5]
REAL_TEXT = [p.read_text(encoding="utf-8") for p in REAL]
MEDIA = {
    "turtle": "text/turtle",
    "jsonld": "application/ld+json",
    "rdfxml": "application/rdf+xml",
    "ntriples": "application/n-triples",
    "csv": "text/csv",
    "yaml": "application/yaml",
}
KINDS = ["organisation", "framework", "report", "person", "apwps:Organisation", "nothing"]
FIELDS = ["Label", "Description", "Web page", "Date issued", "Source", "skos:altLabel", "x:y"]
TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=60)
SLUGS = st.text("abcdefghijklmnopqrstuvwxyz0123456789-", min_size=1, max_size=16)
SCALARS = st.one_of(
    TEXT,
    st.sampled_from(["2019", "2019-13", "https://example.org/", "country:nor", "genocide", ""]),
    st.integers(),
    st.none(),
    st.booleans(),
)


def _turtle(slug: str, label: str, extra: str) -> str:
    return (
        f"@prefix apwps: <{ONTOLOGY}> .\n@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        f"<{ID}organisations/{slug}> a apwps:CivilSocietyOrganisation ;\n"
        f"  rdfs:label {json.dumps(label)}@en {extra} .\n"
    )


def _mutated(text: str, cut: int, insert: str) -> str:
    at = cut % (len(text) + 1)
    return text[:at] + insert + text[at:]


TURTLE = st.one_of(
    st.builds(_turtle, SLUGS, TEXT, st.sampled_from(["", "; rdfs:comment 1", "; <x> <y>", ";;"])),
    st.builds(_mutated, st.sampled_from(REAL_TEXT), st.integers(0, 5000), TEXT),
    st.builds(
        lambda text, cut: text[: cut % (len(text) + 1)], st.sampled_from(REAL_TEXT), st.integers()
    ),
    st.just("@prefix : <http://a/> .\n" + ":a :b " + "(" * 2000 + ")" * 2000 + " ."),
)
NTRIPLES = st.builds(
    lambda s, p, o: f"<{ID}organisations/{s}> <{p}> {json.dumps(o)} .\n",
    SLUGS,
    st.sampled_from(["http://www.w3.org/2000/01/rdf-schema#label", "x", ONTOLOGY + "country"]),
    TEXT,
)
JSON_VALUES = st.recursive(
    SCALARS, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=3)
)
JSONLD = st.one_of(
    st.builds(
        lambda context, slug, label: json.dumps(
            {
                "@context": context,
                "@id": f"{ID}organisations/{slug}",
                "@type": ONTOLOGY + "CivilSocietyOrganisation",
                "http://www.w3.org/2000/01/rdf-schema#label": label,
            }
        ),
        st.one_of(
            st.just({"@vocab": ONTOLOGY}),
            # remote contexts must never be fetched: a closed loopback port, a file, a URN
            st.sampled_from(
                ["http://127.0.0.1:9/context.jsonld", "file:///etc/passwd", "urn:x", "/x.jsonld"]
            ),
            JSON_VALUES,
        ),
        SLUGS,
        JSON_VALUES,
    ),
    JSON_VALUES.map(json.dumps),
)
RDFXML = st.one_of(
    st.builds(
        lambda slug, label: (
            '<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"'
            ' xmlns:rdfs="http://www.w3.org/2000/01/rdf-schema#">'
            f'<rdf:Description rdf:about="{ID}organisations/{slug}"><rdfs:label>{label}</rdfs:label>'
            "</rdf:Description></rdf:RDF>"
        ),
        SLUGS,
        TEXT,
    ),
    st.sampled_from(
        [
            '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">&x;</rdf:RDF>',
            '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;'
            '&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>'
            '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">&c;</rdf:RDF>',
        ]
    ),
)


def _csv(rows: list[dict[str, object]]) -> str:
    out = io.StringIO()
    names = sorted({k for row in rows for k in row}) or ["kind"]
    writer = csv.DictWriter(out, fieldnames=names)
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


ROWS = st.lists(
    st.fixed_dictionaries(
        {"kind": st.sampled_from(KINDS), "id": st.one_of(SLUGS, TEXT)},
        optional={name: SCALARS for name in FIELDS},
    ),
    max_size=3,
)
TABULAR_YAML = st.one_of(
    ROWS.map(lambda rows: yaml.safe_dump({"entries": rows}, allow_unicode=True)),
    ROWS.map(lambda rows: yaml.safe_dump(rows, allow_unicode=True)),
    JSON_VALUES.map(lambda v: yaml.safe_dump(v, allow_unicode=True)),
    st.just(
        "a: &a [x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a]\n"
        "c: &c [*b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c]\n"
    ),
    st.just("!!python/object/apply:os.system ['true']"),
)
BODIES = {
    "turtle": TURTLE,
    "jsonld": JSONLD,
    "rdfxml": RDFXML,
    "ntriples": NTRIPLES,
    "csv": st.one_of(ROWS.map(_csv), TEXT),
    "yaml": TABULAR_YAML,
}


@st.composite
def submissions(draw: st.DrawFn) -> tuple[str, str, bytes]:
    """(format name, Content-Type sent, body): mostly the right type, sometimes another."""
    name = draw(st.sampled_from(sorted(BODIES)))
    text = draw(st.one_of(BODIES[name], BODIES[name], TEXT))
    choice = draw(st.sampled_from(["right"] * 4 + ["another", "any"]))
    if choice == "right":
        content_type = draw(st.sampled_from([MEDIA[name], MEDIA[name] + "; charset=utf-8"]))
    elif choice == "another":
        content_type = draw(st.sampled_from(sorted(MEDIA.values())))
    else:
        content_type = draw(TEXT.filter(lambda t: "\n" not in t and "\r" not in t))
    raw = draw(st.one_of(*[st.just(text.encode("utf-8"))] * 4, st.binary(max_size=200)))
    return name, content_type, raw


@FUZZ
@given(submission=submissions())
def test_the_validation_api_parses_anything(app: Flask, submission: tuple[str, str, bytes]) -> None:
    _name, content_type, body = submission
    response = app.test_client().post(
        "/validate", data=body, headers={"Content-Type": content_type, "Accept": "application/json"}
    )
    assert response.status_code in (200, 400, 413, 415), (response.status_code, content_type)
    assert_clean(
        response.status_code,
        response.headers,
        response.data,
        path="/validate",
        sent=content_type + body.decode("utf-8", "replace"),
    )
    report = response.get_json()
    if response.status_code == 200:
        assert set(report) >= {"ok", "conforms", "counts", "findings"}
        assert report["ok"] is report["conforms"]


@FUZZ
@given(
    mode=st.sampled_from(["paste", "upload", "form"]),
    fmt=st.one_of(*[st.sampled_from(sorted(BODIES))] * 3, TEXT),
    text=st.one_of(TURTLE, TABULAR_YAML, TEXT),
    filename=st.one_of(st.sampled_from(["x.ttl", "x.csv", "x.yaml", "x.jsonld", "x"]), TEXT),
    kind=st.sampled_from(KINDS),
    values=st.dictionaries(st.sampled_from(FIELDS), TEXT, max_size=3),
)
def test_the_validation_page_parses_anything(
    app: Flask,
    mode: str,
    fmt: str,
    text: str,
    filename: str,
    kind: str,
    values: dict[str, str],
) -> None:
    form: dict[str, object] = {"format": fmt, "entry": text}
    if mode == "upload":
        form = {"file": (io.BytesIO(text.encode("utf-8")), filename or "x")}
    elif mode == "form":
        form = {
            "mode": "form",
            "kind": kind,
            "id": "fuzz",
            **{f"f:{k}": v for k, v in values.items()},
        }
    response = app.test_client().post(
        "/validate", data=form, content_type="multipart/form-data", headers={"Accept": "text/html"}
    )
    assert response.status_code in (200, 400, 413, 415, 422), response.status_code
    assert response.mimetype == "text/html"
    assert_clean(
        response.status_code,
        response.headers,
        response.data,
        path="/validate",
        sent=f"{fmt} {text} {filename} {values}",
    )


def test_the_real_entries_are_among_the_inputs() -> None:
    """The mutations start from real entries, so the fuzzers reach the deep parsing paths."""
    assert len(REAL_TEXT) == 5 and all("@prefix" in t for t in REAL_TEXT)
    assert all(isinstance(p, Path) for p in REAL)
