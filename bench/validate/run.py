"""Validating one new entry in the context of the curated graph: how long it takes, and why it is
done the way it is (apwps/curation.py, apwps/focus.py). Writes bench/validate/results.md.

    .venv/bin/python bench/validate/run.py [--runs 30] [--synthetic 6000]

Measured on a copy of the project (its real ontology, shapes and data):
1. the validation itself, in the prepared context (median of --runs), for a new entry with two
   mistakes and for a real entry's file;
2. the same through HTTP: POST /validate to `apwps serve` (gunicorn) on a loopback port;
3. the alternatives it was chosen over, on the same entry: pySHACL finding the targets itself over
   an rdflib data graph, and over its Oxigraph data graph;
4. the build-time validation of all of data/;
5. (1) again with --synthetic extra organisation entries, to see how it grows with the graph.
Only 127.0.0.1 is contacted; every loop is bounded.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox
import rdflib

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from apwps import formats  # noqa: E402
from apwps.build import validate_store  # noqa: E402
from apwps.config import Settings, load_settings  # noqa: E402
from apwps.curation import CurationContext, Submission  # noqa: E402
from apwps.validate import validate_graph  # noqa: E402

ENTRY = b"""@prefix apwps:   <https://w3id.org/apwps/ontology#> .
@prefix country: <https://w3id.org/apwps/id/countries/> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix orgs:    <https://w3id.org/apwps/id/organisations/> .
@prefix rdfs:    <http://www.w3.org/2000/01/rdf-schema#> .
@prefix schema:  <https://schema.org/> .
@prefix org:     <http://www.w3.org/ns/org#> .
@prefix vs:      <https://w3id.org/apwps/id/verification-status/> .

orgs:bench-institute
    a apwps:CivilSocietyOrganisation ;
    rdfs:label "Bench Institute"@en ;
    dcterms:description "An organisation made up for the benchmark."@en ;
    schema:url "https://example.org/" ;
    apwps:country country:gbp ;
    org:memberOf orgs:un-women ;
    dcterms:source <https://example.org/about> ;
    apwps:verificationStatus vs:recalled .
"""
GRAPH = "https://w3id.org/apwps/graph/data/organisations/bench-institute"


def copy_project(dest: Path, synthetic: int = 0) -> Settings:
    for name in ("ontology", "shapes", "data", "queries"):
        shutil.copytree(ROOT / name, dest / name)
    if synthetic:
        lines = [
            "@prefix apwps: <https://w3id.org/apwps/ontology#> .",
            "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .",
            "@prefix dcterms: <http://purl.org/dc/terms/> .",
            "@prefix org: <http://www.w3.org/ns/org#> .",
        ]
        for i in range(synthetic):
            iri = f"<https://w3id.org/apwps/id/organisations/synthetic-{i}>"
            lines.append(
                f'{iri} a apwps:CivilSocietyOrganisation ; rdfs:label "Synthetic {i}"@en ; '
                f'dcterms:description "Synthetic organisation {i}."@en ; '
                f"org:memberOf <https://w3id.org/apwps/id/organisations/un-women> ; "
                f"dcterms:source <https://example.org/{i}> ; "
                "apwps:verificationStatus <https://w3id.org/apwps/id/verification-status/recalled> ."
            )
        (dest / "data" / "organisations" / "synthetic.ttl").write_text("\n".join(lines) + "\n")
    return load_settings(
        {"root": str(dest), "dist_dir": str(dest / "dist"), "check_consistency": False},
        read_environment=False,
    )


def timed(fn: Callable[[], object], runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return times


def summary(times: list[float]) -> dict[str, float]:
    ordered = sorted(times)
    return {
        "median_ms": round(statistics.median(ordered), 1),
        "p90_ms": round(ordered[int(0.9 * (len(ordered) - 1))], 1),
        "min_ms": round(ordered[0], 1),
        "runs": len(ordered),
    }


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def over_http(settings: Settings, runs: int) -> dict[str, float]:
    from apwps.build import build

    build(settings, validate=False)
    port = free_port()
    log = open(Path(settings.root) / "serve.log", "wb")  # noqa: SIM115
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "apwps.cli",
            "--root",
            settings.root,
            "--set",
            f"dist_dir={settings.dist_dir}",
            "serve",
            "--port",
            str(port),
            "--workers",
            "1",
            "--threads",
            "2",
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}/validate"

    def post() -> dict[str, object]:
        request = urllib.request.Request(url, data=ENTRY, headers={"Content-Type": "text/turtle"})
        with urllib.request.urlopen(request, timeout=60) as response:
            result: dict[str, object] = json.loads(response.read())
            return result

    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                post()  # the first request prepares the context
                break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise
                time.sleep(0.5)
        return summary(timed(post, runs))
    finally:
        process.terminate()
        process.wait(10)
        log.close()


def alternatives(context: CurationContext) -> dict[str, dict[str, float]]:
    """pySHACL finding targets itself, on the same entry, over the two data graphs it can take."""
    entry = context.parse(Submission("entry.ttl", ENTRY, formats.BY_NAME["turtle"], GRAPH))
    results = {}
    with context._lock, context._entries_in_place([entry]):
        results["pyshacl_oxigraph_own_targets"] = summary(
            timed(
                lambda: validate_graph(
                    context.store,
                    context.shapes,  # type: ignore[arg-type]
                    focus_nodes=entry.subjects,
                    inplace=True,
                ),
                3,
            )
        )
        results["pyshacl_rdflib_own_targets"] = summary(
            timed(
                lambda: validate_graph(
                    context.data, context.shapes, focus_nodes=entry.subjects, inplace=True
                ),
                1,
            )
        )
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--synthetic", type=int, default=6000)
    parser.add_argument(
        "--skip-slow", action="store_true", help="skip pySHACL over rdflib (~1 min)"
    )
    args = parser.parse_args()
    results: dict[str, object] = {
        "machine": f"{os.cpu_count()} cores",
        "python": sys.version.split()[0],
    }
    with tempfile.TemporaryDirectory() as tmp:
        settings = copy_project(Path(tmp) / "project")
        started = time.perf_counter()
        context = CurationContext.prepare(settings)
        results["prepare_s"] = round(time.perf_counter() - started, 2)
        results["triples"] = len(context.store)
        sub = Submission("entry.ttl", ENTRY, formats.BY_NAME["turtle"], GRAPH)
        report = context.validate([sub])
        results["findings"] = [f"{f.severity} {f.field} ({f.constraint})" for f in report.findings]
        results["new_entry"] = summary(timed(lambda: context.validate([sub]), args.runs))
        acled = Path(settings.root) / "data" / "organisations" / "acled.ttl"
        real = Submission(
            str(acled),
            acled.read_bytes(),
            formats.BY_NAME["turtle"],
            "https://w3id.org/apwps/graph/data/organisations/acled",
        )
        results["real_entry_acled"] = summary(timed(lambda: context.validate([real]), args.runs))
        risk = Path(settings.root) / "data" / "risk-factors" / "rf07.ttl"
        if risk.exists():
            many = Submission(
                str(risk),
                risk.read_bytes(),
                formats.BY_NAME["turtle"],
                "https://w3id.org/apwps/graph/data/risk-factors/rf07",
            )
            results["real_file_rf07_nodes"] = len(context.parse(many).subjects)
            results["real_file_rf07"] = summary(timed(lambda: context.validate([many]), args.runs))
        alt = alternatives(context) if not args.skip_slow else {}
        if args.skip_slow:
            entry = context.parse(sub)
            with context._lock, context._entries_in_place([entry]):
                alt["pyshacl_oxigraph_own_targets"] = summary(
                    timed(
                        lambda: validate_graph(
                            context.store,
                            context.shapes,  # type: ignore[arg-type]
                            focus_nodes=entry.subjects,
                            inplace=True,
                        ),
                        3,
                    )
                )
        results.update(alt)
        started = time.perf_counter()
        whole = validate_store(settings, context.store, context.sources)
        results["build_validation_all_data_s"] = round(time.perf_counter() - started, 2)
        results["build_validation_counts"] = whole.counts()
        results["http_new_entry"] = over_http(settings, args.runs)
    if args.synthetic:
        with tempfile.TemporaryDirectory() as tmp:
            settings = copy_project(Path(tmp) / "project", args.synthetic)
            context = CurationContext.prepare(settings)
            results["synthetic_triples"] = len(context.store)
            sub = Submission("entry.ttl", ENTRY, formats.BY_NAME["turtle"], GRAPH)
            context.validate([sub])
            results["synthetic_new_entry"] = summary(
                timed(lambda: context.validate([sub]), args.runs)
            )
    out = Path(__file__).parent / "results.json"
    out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    _ = (ox, rdflib)
    main()
