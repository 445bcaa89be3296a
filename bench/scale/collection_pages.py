"""Collection pages and 404s of `apwps serve --store sparql` over a bulk-loaded Oxigraph store (the
`oxigraph` step of run.py loads them), for the code in this checkout or for another copy of it
(`--code DIR`, e.g. an export of an earlier version: its packages are put first on the path).

    python bench/scale/collection_pages.py --triples 100000 1000000 --label after
    python bench/scale/collection_pages.py --triples 100000 1000000 --label before --code /tmp/old

Per size it starts `oxigraph serve-read-only` and one front process (one worker, so that what a
process keeps is measured apart from what it reads first), then times: the engine alone answering
the queries that find the collections and read one; the first collection page and the first 404 of
a fresh process; then collection pages (three collections, page 1 and, where there are more, later
pages, HTML and Turtle), 404s of missing entries in a collection (a new slug each time), and 404s
of unknown collections. Figures go to bench/scale/collection_pages.json under the label. Only
127.0.0.1 is used, every loop is bounded, and both servers are stopped by their process ids.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path[:0] = [str(HERE), str(ROOT / "bench" / "endpoint")]

import requests  # noqa: E402
from measure import latency, memory_mb  # noqa: E402
from run import start_engine, start_front  # noqa: E402

RESULTS = HERE / "collection_pages.json"
COLLECTIONS = ["frameworks", "organisations", "publications"]


def engine_queries(engine: str, base_iri: str) -> dict[str, float]:
    """Milliseconds the engine alone takes for the directory and for reading each collection."""
    from rdflib import Literal, URIRef

    from apwps.binding import term_text, values_list, with_values
    from apwps.collection import DIRECTORY, MEMBERS, _pattern, directory
    from apwps.load import INFERRED_GRAPH
    from apwps.stores.sparql import SparqlStore

    def timed(text: str) -> float:
        begun = time.perf_counter()
        response = requests.post(
            engine + "/query",
            data=text.encode("utf-8"),
            headers={
                "Content-Type": "application/sparql-query",
                "Accept": "application/sparql-results+json",
            },
            timeout=600,
        )
        response.raise_for_status()
        return round((time.perf_counter() - begun) * 1000, 1)

    inferred = term_text(URIRef(base_iri + INFERRED_GRAPH))
    found = {
        "directory_ms": timed(DIRECTORY % {"pattern": _pattern(base_iri), "inferred": inferred})
    }
    known = directory(SparqlStore(engine + "/query", timeout_s=600), base_iri)
    for name in COLLECTIONS:
        text = MEMBERS % values_list(known[name].kinds)
        bound = with_values(text, {"prefix": Literal(f"{base_iri}id/{name}/")})
        found[f"members_{name}_ms"] = timed(bound)
    return found


def measure(triples: int, data: Path, work: Path, runs: int, code: str | None) -> dict[str, Any]:
    location = data / f"oxigraph-{triples}"
    if not location.is_dir():
        raise SystemExit(f"no loaded store at {location}: run `run.py oxigraph` first")
    engine = start_engine(location, work / f"collections-engine-{triples}.log")
    saved = os.environ.get("PYTHONPATH")
    try:
        result: dict[str, Any] = {}
        if code is None:  # the engine's own time for the queries of this checkout
            result["engine"] = engine_queries(engine.url, "https://w3id.org/apwps/")
        if code is not None:
            os.environ["PYTHONPATH"] = code + (os.pathsep + saved if saved else "")
        os.environ["APWPS_WORKERS"] = "1"
        front = start_front(ROOT, work, engine.url, work / f"collections-front-{triples}.log")
    finally:
        if saved is None:
            os.environ.pop("PYTHONPATH", None)
        else:
            os.environ["PYTHONPATH"] = saved
        os.environ.pop("APWPS_WORKERS", None)
    base = front.url
    session = requests.Session()
    html = {"Accept": "text/html"}

    def timed(path: str) -> dict[str, Any]:
        begun = time.perf_counter()
        response = session.get(base + path, headers=html, timeout=600)
        return {
            "ms": round((time.perf_counter() - begun) * 1000, 1),
            "status": response.status_code,
            "bytes": len(response.content),
        }

    try:
        result["startup_s"] = round(front.startup_s, 2)
        # a fresh process: the first page reads the directory, then each collection once
        result["first"] = {
            "collection_page": timed(f"/id/{COLLECTIONS[0]}"),
            "missing_entry": timed(f"/id/{COLLECTIONS[1]}/no-such-entry-0"),
            "another_collection_page": timed(f"/id/{COLLECTIONS[2]}"),
        }

        def pages(suffix: str) -> Any:
            def send(i: int) -> requests.Response:
                name = COLLECTIONS[i % len(COLLECTIONS)]
                page = "" if i < len(COLLECTIONS) * 2 else f"?page={1 + (i // 3) % 2}"
                return session.get(f"{base}/id/{name}{suffix}{page}", headers=html, timeout=600)

            return send

        def missing(i: int) -> requests.Response:
            name = COLLECTIONS[i % len(COLLECTIONS)]
            path = f"/id/{name}/entry-{i + 3}-that-is-not-there"
            return session.get(base + path, headers=html, timeout=600)

        def unknown(i: int) -> requests.Response:
            return session.get(f"{base}/id/no-such-collection-{i + 3}", headers=html, timeout=600)

        result["latency"] = {  # every request timed, however slow
            "collection-page-html": latency(pages(""), runs, slow_s=600),
            "collection-page-turtle": latency(pages(".ttl"), runs, slow_s=600),
            "missing-entry-404": latency(missing, runs, slow_s=600),
            "unknown-collection-404": latency(unknown, runs, slow_s=600),
        }
        rss, pss = memory_mb(front.process.pid)
        result["rss_mb_after"], result["pss_mb_after"] = round(rss), round(pss)
        return result
    finally:
        front.stop()
        engine.stop()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--triples", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--data", type=Path, default=Path("/tmp/apwps-scale"))
    parser.add_argument("--work", type=Path, default=Path("/tmp/apwps-collections"))
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--label", required=True, help="e.g. before or after")
    parser.add_argument("--code", help="a copy of the project whose apwps/ and server/ to run")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    for triples in args.triples:
        figures = measure(triples, args.data, args.work, args.runs, args.code)
        results = json.loads(RESULTS.read_text(encoding="utf-8")) if RESULTS.is_file() else {}
        results.setdefault(args.label, {})[str(triples)] = figures
        RESULTS.write_text(json.dumps(results, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        print(json.dumps({args.label: {triples: figures}}, indent=1), flush=True)


if __name__ == "__main__":
    main()
