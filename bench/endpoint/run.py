"""Side-by-side benchmark of three SPARQL servers on the same data and the same loopback load:
this project's endpoint (every safety feature on), an Oxigraph server (`oxigraph serve`, in memory)
and rdflib-endpoint (install with `pip install -e ".[bench]"`); and, as the ceiling of the web stack,
a Flask app served the same way that answers every request with a fixed document (`ceiling.py`).

For each server: median and p99 latency of every named query (run one after another, each request
made unique by a trailing comment so that no cache can answer it), and requests per second at
concurrency 8 for a lookup query whose IRI varies per request (wrk, with a Lua script).

    python bench/endpoint/run.py --data curated
    python bench/endpoint/run.py --data synthetic --triples 1000000

Only 127.0.0.1 is used; every server is stopped at the end.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import requests

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
BIN = Path(sys.executable).parent
LOOKUP = "SELECT ?p ?o WHERE {{ <{iri}> ?p ?o }}"
JSON = "application/sparql-results+json"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def wait(url: str, process: subprocess.Popen[bytes], seconds: float = 600) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"server exited: {process.args}")
        try:
            requests.get(url, timeout=5)
            return
        except requests.RequestException:
            time.sleep(0.5)
    raise SystemExit(f"no answer from {url}")


def curated_data(tmp: Path) -> Path:
    sys.path.insert(0, str(ROOT))
    from apwps.build import build
    from apwps.config import load_settings

    settings = load_settings(
        {"root": str(ROOT), "dist_dir": str(tmp / "dist"), "check_consistency": False},
        read_environment=False,
    )
    build(settings, validate=False)
    return tmp / "dist" / "apwps.nq"


def union_file(data: Path, tmp: Path) -> Path:
    """The union of the named graphs as N-Triples, loaded into Oxigraph's default graph."""
    store = ox.Store()
    store.bulk_load(path=str(data), format=ox.RdfFormat.N_QUADS)
    out = tmp / "union.nt"
    constructed: Any = store.query("CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }")
    ox.serialize(constructed, str(out), format=ox.RdfFormat.N_TRIPLES)
    return out


def start(
    name: str, data: Path, tmp: Path, logs: dict[str, Path]
) -> tuple[str, subprocess.Popen[bytes]]:
    port = free_port()
    log = tmp / f"{name}.log"
    logs[name] = log
    if name == "apwps":
        command = [sys.executable, str(HERE / "serve_nq.py"), str(data), str(port)]
        path = "/sparql"
    elif name == "inprocess":
        command = [sys.executable, str(HERE / "inprocess.py"), str(data), str(port)]
        path = "/sparql"
    elif name == "ceiling":
        command = [sys.executable, str(HERE / "ceiling.py"), str(port)]
        path = "/sparql"
    elif name == "oxigraph":
        command = [str(BIN / "oxigraph"), "serve", "--bind", f"127.0.0.1:{port}"]
        path = "/query"
    else:
        command = [
            str(BIN / "rdflib-endpoint"),
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            str(data),
        ]
        path = "/"
    with log.open("wb") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, cwd=ROOT)
    url = f"http://127.0.0.1:{port}{path}"
    try:
        wait(url + "?query=" + urllib.parse.quote("ASK {}"), process)
        check = requests.get(url, params={"query": "ASK {}"}, headers={"Accept": JSON}, timeout=60)
        if not check.ok:
            raise SystemExit(f"{name} at {url} answers {check.status_code} (log: {log})")
    except BaseException:
        process.kill()
        raise
    if name == "oxigraph":
        base = f"http://127.0.0.1:{port}"
        with data.open("rb") as body:
            requests.post(
                f"{base}/store",
                data=body,
                timeout=600,
                headers={"Content-Type": "application/n-quads"},
            ).raise_for_status()
        with union_file(data, tmp).open("rb") as body:
            requests.post(
                f"{base}/store?default",
                data=body,
                timeout=600,
                headers={"Content-Type": "application/n-triples"},
            ).raise_for_status()
    return url, process


def lookup_iris(data: Path, count: int) -> list[str]:
    store = ox.Store()
    store.bulk_load(path=str(data), format=ox.RdfFormat.N_QUADS)
    found: Any = store.query(
        "SELECT DISTINCT ?s WHERE { GRAPH ?g { ?s a ?c } FILTER(isIRI(?s)) }",
    )
    iris = [s["s"].value for s in found]
    random.Random(3).shuffle(iris)
    return iris[:count]


def wrk(url: str, iris: list[str], seconds: int, tmp: Path) -> dict[str, Any]:
    parsed = urllib.parse.urlsplit(url)
    paths = [parsed.path + "?query=" + urllib.parse.quote(LOOKUP.format(iri=i)) for i in iris]
    script = tmp / "lookup.lua"
    script.write_text(
        "local paths = {" + ",".join(json.dumps(p) for p in paths) + "}\n"
        "math.randomseed(11)\n"
        "local n = 0\n"
        "request = function()\n"
        "  n = n + 1\n"  # a unique trailing comment: no parse or answer cache can serve a request
        "  local path = paths[math.random(#paths)] .. '%0A%23' .. n\n"
        "  return wrk.format('GET', path, {['Accept'] = '" + JSON + "'})\n"
        "end\n",
        encoding="utf-8",
    )
    done = subprocess.run(
        [
            "wrk",
            "-t2",
            "-c8",
            f"-d{seconds}s",
            "--latency",
            "-s",
            str(script),
            f"{parsed.scheme}://{parsed.netloc}",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", done.stdout).group(1))  # type: ignore[union-attr]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", done.stdout)
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)", done.stdout)
    factor = {"us": 0.001, "ms": 1.0, "s": 1000.0}
    return {
        "rps": rps,
        "non_2xx": int(errors.group(1)) if errors else 0,
        "p99_ms": float(p99.group(1)) * factor[p99.group(2)] if p99 else None,
    }


def named_latency(url: str, text: str, runs: int, timeout: float) -> dict[str, Any]:
    times: list[float] = []
    status = set()
    rows = None
    for run in range(runs):
        query = f"{text}\n# run {run} {time.time_ns()}"
        started = time.perf_counter()
        try:
            response = requests.post(
                url, data={"query": query}, headers={"Accept": JSON}, timeout=timeout
            )
        except requests.Timeout:
            return {"timeout_s": timeout, "completed_runs": run}
        except requests.RequestException as exc:  # e.g. an answer cut off midway
            return {"error": str(exc)[:200], "completed_runs": run}
        times.append((time.perf_counter() - started) * 1000)
        status.add(response.status_code)
        if response.ok and rows is None:
            rows = len(response.json().get("results", {}).get("bindings", []))
    times.sort()
    return {
        "median_ms": round(statistics.median(times), 2),
        "p99_ms": round(times[min(len(times) - 1, int(len(times) * 0.99))], 2),
        "status": sorted(status),
        "rows": rows,
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--data", choices=["curated", "synthetic"], default="curated")
    parser.add_argument("--triples", type=int, default=1_000_000)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument(
        "--slow-runs", type=int, default=3, help="runs per query for rdflib-endpoint"
    )
    parser.add_argument("--slow-timeout", type=float, default=60, help="seconds per rdflib request")
    parser.add_argument("--servers", default="apwps,ceiling,oxigraph,rdflib-endpoint")
    parser.add_argument("--output", type=Path, default=None)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed (apt-get install wrk)")
    sys.path.insert(0, str(ROOT))
    from apwps.catalogue import Catalogue

    catalogue = Catalogue(ROOT / "queries")
    tmp = Path(tempfile.mkdtemp(prefix="apwps-bench-"))
    if args.data == "curated":
        data = curated_data(tmp)
    else:
        from synth import generate  # type: ignore[import-not-found]

        data = tmp / "synthetic.nq"
        generate(args.triples, data)
    iris = lookup_iris(data, 500)
    output = args.output or HERE / f"results-{args.data}.json"
    # Results are merged into the file server by server, so a slow server can be run on its own.
    results: dict[str, Any] = {"data": args.data, "servers": {}}
    if output.is_file():
        results = json.loads(output.read_text(encoding="utf-8"))
    logs: dict[str, Path] = {}
    # Stopped from outside (`timeout`, Ctrl-C): leave through the `finally` below, which stops the
    # server under test, rather than leave it running.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    for name in args.servers.split(","):
        started = time.monotonic()
        url, process = start(name, data, tmp, logs)
        loaded = round(time.monotonic() - started, 1)
        print(f"{name}: up in {loaded} s at {url}", file=sys.stderr, flush=True)
        try:
            slow = name == "rdflib-endpoint"
            runs = args.slow_runs if slow else args.runs
            limit = args.slow_timeout if slow else 600
            # The load first: a slow server may still be busy with a query its client gave up on.
            load = wrk(url, iris, args.seconds, tmp)
            named = (
                {q.name: named_latency(url, q.text, runs, limit) for q in catalogue}
                if name != "ceiling"
                else {}
            )
            results["servers"][name] = {"startup_s": loaded, "named": named, "lookup": load}
            output.write_text(json.dumps(results, indent=2), encoding="utf-8")
            print(
                json.dumps({name: results["servers"][name]}, indent=1), file=sys.stderr, flush=True
            )
        finally:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
    print(f"wrote {output}")
    shutil.rmtree(tmp, ignore_errors=True)
    _ = os.environ


if __name__ == "__main__":
    main()
