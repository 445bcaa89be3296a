"""`apwps publish` (SPARQL 1.1 Update: in place into an empty engine, staged over an earlier one)
into a real Oxigraph server on disk, at the sizes of bench/scale: time per phase, client CPU and
memory, engine memory and disk; a second run over the first (the usual republish); and at the
largest size a run with `--infer`, whose engine-computed inferred graph is compared with the one the
build wrote (`--infer-in-place`: that run alone, into an empty engine, as for a graph built without
inferences).

    python bench/publish/run.py /tmp/apwps-scale/dist-{100000,1000000}/apwps.nq

The dumps are those `bench/scale/run.py build` writes. Results go to bench/publish/results.json;
servers listen on 127.0.0.1 only and are stopped by their process id; each engine's database is
deleted after its size.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import requests

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
BIN = Path(sys.executable).parent
sys.path.insert(0, str(ROOT / "bench" / "scale"))

from measure import disk_mb, free_port, run_marked, start_server  # noqa: E402

INFERRED = "https://w3id.org/apwps/graph/inferred"
MARKS = {
    "listed": lambda line: line.startswith("the engine holds") and ":" in line,
    "written": lambda line: line.startswith(("staged", "written")) and "graphs (" in line,
    "union": lambda line: line.startswith("the union of"),
    "inferred": lambda line: line.startswith("inferred"),
    "swapped": lambda line: line.startswith("swapped in"),
    "default": lambda line: line.startswith("brought the default graph"),
}


def publish(dump: Path, base: str, log: Path, *extra: str) -> dict[str, Any]:
    command = [
        str(BIN / "apwps"),
        "--root",
        str(ROOT),
        "--set",
        "publish_timeout_s=3600",
        "--set",
        "remote_timeout_s=3600",
        "publish",
        "--dump",
        str(dump),
        "--endpoint",
        f"{base}/query",
        "--update-url",
        f"{base}/update",
        *extra,
    ]
    run = run_marked(command, MARKS, log=log, timeout_s=4 * 3600)
    if run.returncode:
        raise SystemExit("publish failed:\n" + "\n".join(run.tail))
    return {**run.as_dict(), "tail": run.tail[-2:]}


def inferred_agrees(dump: Path, base: str) -> dict[str, Any]:
    """The engine's inferred graph against the dump's: equal counts, and equal triples once blank
    nodes are set aside (their labels differ; their triples are counted)."""
    ours: set[str] = set()
    ours_blank = 0
    for quad in ox.parse(path=str(dump), format=ox.RdfFormat.N_QUADS):
        if quad.graph_name == ox.NamedNode(INFERRED):
            if "_:" in str(quad.triple):
                ours_blank += 1
            else:
                ours.add(str(quad.triple))
    answer = requests.post(
        f"{base}/query",
        data={"query": f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{INFERRED}> {{ ?s ?p ?o }} }}"},
        headers={"Accept": "application/n-triples"},
        timeout=3600,
    )
    answer.raise_for_status()
    theirs: set[str] = set()
    theirs_blank = 0
    for triple in ox.parse(answer.content, format=ox.RdfFormat.N_TRIPLES):
        if "_:" in str(triple):
            theirs_blank += 1
        else:
            theirs.add(str(triple))
    return {
        "dump_inferred": len(ours) + ours_blank,
        "engine_inferred": len(theirs) + theirs_blank,
        "same_triples": ours == theirs,
        "blank_node_triples": [ours_blank, theirs_blank],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("dumps", nargs="+", type=Path)
    parser.add_argument("--no-infer", action="store_true", help="Skip the --infer run.")
    parser.add_argument(
        "--infer-in-place",
        action="store_true",
        help="Only publish with --infer into an empty engine (a graph built without inferences).",
    )
    args = parser.parse_args()
    results_path = HERE / "results.json"
    results = json.loads(results_path.read_text()) if results_path.is_file() else {}
    for index, dump in enumerate(args.dumps):
        size = sum(1 for _ in dump.open("rb"))
        work = Path(tempfile.mkdtemp(prefix="apwps-publish-bench-"))
        location = work / "oxigraph"
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        engine = start_server(
            [
                str(BIN / "oxigraph"),
                "serve",
                "--location",
                str(location),
                "--bind",
                f"127.0.0.1:{port}",
            ],
            base + "/query?query=ASK%7B%7D",
            base,
            work / "oxigraph.log",
        )
        result: dict[str, Any] = {"quads": size, "date": time.strftime("%Y-%m-%d")}
        try:
            if args.infer_in_place:
                result = results.get(str(size), result)
                result["infer_in_place"] = publish(dump, base, work / "infer.log", "--infer")
                result["infer_in_place"]["engine_peak_rss_mb"] = round(engine.sampler.peak_rss_mb)
                result["infer_in_place"]["check"] = inferred_agrees(dump, base)
                print(json.dumps({size: result["infer_in_place"]}, indent=1), flush=True)
                continue
            result["first"] = publish(dump, base, work / "first.log")
            result["first"]["engine_peak_rss_mb"] = round(engine.sampler.peak_rss_mb)
            result["first"]["disk_mb"] = round(disk_mb(location))
            print(json.dumps({size: result}, indent=1), flush=True)
            result["again"] = publish(dump, base, work / "again.log")
            result["again"]["engine_peak_rss_mb"] = round(engine.sampler.peak_rss_mb)
            result["again"]["disk_mb"] = round(disk_mb(location))
            print(json.dumps({size: result["again"]}, indent=1), flush=True)
            if not args.no_infer and index == len(args.dumps) - 1:
                result["infer"] = publish(dump, base, work / "infer.log", "--infer")
                result["infer"]["engine_peak_rss_mb"] = round(engine.sampler.peak_rss_mb)
                result["infer"]["check"] = inferred_agrees(dump, base)
                print(json.dumps({size: result["infer"]}, indent=1), flush=True)
        finally:
            engine.stop()
            shutil.rmtree(work, ignore_errors=True)
            results[str(size)] = result
            results_path.write_text(json.dumps(results, indent=2, sort_keys=True) + "\n")


if __name__ == "__main__":
    main()
