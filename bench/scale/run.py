"""How build and serve grow with the size of the graph: the synthetic graph (bench/endpoint/synth.py)
at 10k to 10M triples, built and served on the embedded store, and published to and served through
a real Oxigraph server.

    python bench/scale/run.py build --triples 10000 100000 1000000
    python bench/scale/run.py serve --triples 10000 100000 1000000
    python bench/scale/run.py oxigraph --triples 1000000 10000000
    python bench/scale/run.py front --triples 100000 1000000   # the stateless front, again
    python bench/scale/run.py report          # bench/scale/results.md and growth.png

Steps add to bench/scale/results.json (figures only). Generated data goes under --data (default
/tmp/apwps-scale; bench/scale/data/ is git-ignored) and never into the repository. Only 127.0.0.1 is
used, every request loop is bounded, and every server is stopped by its process id at the end.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import shutil
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
BIN = Path(sys.executable).parent
APWPS = str(BIN / "apwps")
OXIGRAPH = str(BIN / "oxigraph")
RESULTS = HERE / "results.json"
sys.path[:0] = [str(HERE), str(ROOT / "bench" / "endpoint")]

import synth  # noqa: E402
from measure import disk_mb, free_port, memory_mb, run_marked, start_server  # noqa: E402

from queries import suite  # noqa: E402

BASE = "https://w3id.org/apwps/"


def load_results() -> dict[str, Any]:
    if RESULTS.is_file():
        data: dict[str, Any] = json.loads(RESULTS.read_text(encoding="utf-8"))
        return data
    return {}


def save(section: str, key: str, value: dict[str, Any]) -> None:
    """Record one measurement at once (a later failure keeps the earlier ones)."""
    results = load_results()
    results.setdefault(section, {})[key] = value
    RESULTS.write_text(json.dumps(results, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    print(json.dumps({section: {key: value}}, indent=1), flush=True)


def project(data: Path, triples: int) -> tuple[Path, float]:
    """The synthetic project of this size (written once; regenerated when missing)."""
    root = data / f"project-{triples}"
    if (root / "data").is_dir() and (root / "apwps.toml").is_file():
        # the named queries are not build inputs: serve the repository's current ones
        shutil.copytree(ROOT / "queries", root / "queries", dirs_exist_ok=True)
        return root, 0.0
    started = time.monotonic()
    synth.write_project(triples, root)
    return root, time.monotonic() - started


# --- build ---------------------------------------------------------------------------------------


def step_build(sizes: list[int], data: Path, consistency_max: int, timeout_s: float) -> None:
    for triples in sizes:
        root, generated_s = project(data, triples)
        dist = data / f"dist-{triples}"
        consistency = triples <= consistency_max
        command = [APWPS, "--root", str(root), "--set", f"dist_dir={dist}", "build"]
        if not consistency:
            command.append("--skip-consistency")
        run = run_marked(
            command,
            {
                "loaded": lambda line: bool(re.match(r"loaded (\d+)/\1 files", line)),
                "inferred": lambda line: line.startswith("inferred "),
                "validated": lambda line: line.startswith("validated:"),
                "consistent": lambda line: line.startswith("consistent"),
                "built": lambda line: line.startswith("built "),
            },
            log=data / f"build-{triples}.log",
            timeout_s=timeout_s,
        )
        stages: dict[str, float | None] = {}
        for prefix, marks in (("", run.marks), ("cpu_", run.cpu_marks)):
            loaded = marks.get("loaded")
            stages[f"{prefix}load_s"] = round(loaded, 2) if loaded is not None else None
            previous = "loaded"
            for stage, mark in (
                ("inference_s", "inferred"),
                ("shacl_s", "validated"),
                ("hermit_s", "consistent"),
                ("write_s", "built"),
            ):
                if mark in marks and previous in marks:
                    stages[prefix + stage] = round(marks[mark] - marks[previous], 2)
                    previous = mark
                else:
                    stages[prefix + stage] = None
        built = next((line for line in run.tail if line.startswith("built ")), "")
        numbers = re.search(r"(\d+) files, (\d+) triples asserted, (\d+) inferred", built)
        save(
            "build",
            str(triples),
            {
                **run.as_dict(),
                **stages,
                "generate_s": round(generated_s, 2) or None,
                "consistency_checked": consistency,
                "files": int(numbers.group(1)) if numbers else None,
                "asserted": int(numbers.group(2)) if numbers else None,
                "inferred": int(numbers.group(3)) if numbers else None,
                "tail": run.tail[-3:] if run.returncode else [],
            },
        )


# --- serve on the embedded store -----------------------------------------------------------------


def step_serve(sizes: list[int], data: Path, runs: int) -> None:
    for triples in sizes:
        root, _ = project(data, triples)
        dist = data / f"dist-{triples}"
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        server = start_server(
            [
                APWPS,
                "--root",
                str(root),
                "--set",
                f"dist_dir={dist}",
                "--set",
                "check_consistency=false",
                "serve",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
            ],
            base + "/sparql?query=ASK%7B%7D",
            base,
            data / f"serve-{triples}.log",
        )
        try:
            rss, pss = memory_mb(server.process.pid)
            latencies = suite("apwps", base, triples, runs)
            save(
                "serve",
                str(triples),
                {
                    "startup_s": round(server.startup_s, 2),
                    "rss_mb_after_start": round(rss),
                    "pss_mb_after_start": round(pss),
                    "peak_rss_mb": round(server.sampler.peak_rss_mb),
                    "peak_pss_mb": round(server.sampler.peak_pss_mb),
                    "latency": latencies,
                },
            )
        finally:
            server.stop()


# --- Oxigraph server -----------------------------------------------------------------------------


def union_file(nquads: Path, out: Path) -> Path:
    """The union of the named graphs as N-Triples, for the engine's default graph (the layout
    `apwps publish` writes): each quad without its graph name."""
    with nquads.open(encoding="utf-8") as source, out.open("w", encoding="utf-8") as target:
        for line in source:
            head, _, _graph = line.rstrip(" .\n").rpartition(" <")
            target.write(head + " .\n")
    return out


def prepare_dataset(triples: int, data: Path) -> tuple[Path, dict[str, Any]]:
    """The dataset a build would publish, for sizes not built on the embedded store: ontology,
    shapes, the synthetic data and the inferences (the build's own rules, on an on-disk store);
    SHACL and HermiT are left out (see the build figures)."""
    out = data / f"dataset-{triples}.nq"
    if out.is_file():
        return out, {}
    command = [sys.executable, str(HERE / "prepare.py"), str(triples), str(data)]
    run = run_marked(command, {}, log=data / f"prepare-{triples}.log", timeout_s=6 * 3600)
    if run.returncode:
        raise SystemExit("prepare failed:\n" + "\n".join(run.tail))
    return out, run.as_dict()


def step_oxigraph(
    sizes: list[int], data: Path, runs: int, publish_max: int, reuse: bool = False
) -> None:
    """Load (bulk, and by `apwps publish` up to `publish_max`), then time the engine and this
    project's server in front of it. With `reuse`, serve an existing bulk-loaded store only and
    record under `oxigraph_served` (for a second look while a publish is still running)."""
    section = "oxigraph_served" if reuse else "oxigraph"
    for triples in sizes:
        dist = data / f"dist-{triples}"
        result: dict[str, Any] = {}
        location = data / f"oxigraph-{triples}"
        if reuse:
            root = project(data, triples)[0] if triples <= publish_max else ROOT
            serve_engine(section, location, root, data, triples, runs, result)
            continue
        if (dist / "apwps.nq").is_file():
            dataset = dist / "apwps.nq"
        else:
            dataset, result["prepare"] = prepare_dataset(triples, data)
        root, _ = project(data, triples) if triples <= publish_max else (ROOT, 0.0)

        # bulk load with `oxigraph load`: the dataset and its union for the default graph
        shutil.rmtree(location, ignore_errors=True)
        union = union_file(dataset, data / f"union-{triples}.nt")
        load = run_marked(
            [OXIGRAPH, "load", "--location", str(location), "--file", str(dataset), str(union)],
            {},
            log=data / f"oxigraph-load-{triples}.log",
            timeout_s=4 * 3600,
        )
        result["bulk_load"] = {**load.as_dict(), "disk_mb": round(disk_mb(location))}
        save("oxigraph", str(triples), result)

        if triples <= publish_max:
            result["publish"] = publish(root, dist, data, triples)
            save("oxigraph", str(triples), result)
        serve_engine(section, location, root, data, triples, runs, result)
        union.unlink(missing_ok=True)


def start_engine(location: Path, log: Path) -> Any:
    """`oxigraph serve-read-only` on a loaded store, on a free loopback port."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    command = [OXIGRAPH, "serve-read-only", "--location", str(location)]
    command += ["--bind", f"127.0.0.1:{port}", "--timeout-s", "60"]
    return start_server(command, base + "/query?query=ASK%7B%7D", base, log)


def serve_engine(
    section: str,
    location: Path,
    root: Path,
    data: Path,
    triples: int,
    runs: int,
    result: dict[str, Any],
) -> None:
    """`oxigraph serve-read-only` on a loaded store, timed directly and through `apwps serve`."""
    engine = start_engine(location, data / f"oxigraph-serve-{triples}.log")
    base = engine.url
    try:
        rss, _ = memory_mb(engine.process.pid)
        result["engine"] = {
            "startup_s": round(engine.startup_s, 2),
            "rss_mb_after_start": round(rss),
            "latency": suite("oxigraph", base, triples, runs),
            "peak_rss_mb": round(engine.sampler.peak_rss_mb),
        }
        save(section, str(triples), result)
        result["apwps_sparql"] = through_apwps(root, data, triples, base, runs)
        result["engine"]["peak_rss_mb"] = round(engine.sampler.peak_rss_mb)
        save(section, str(triples), result)
    finally:
        engine.stop()


def publish(root: Path, dist: Path, data: Path, triples: int) -> dict[str, Any]:
    """`apwps publish` into a writable Oxigraph server (Graph Store Protocol)."""
    location = data / f"oxigraph-publish-{triples}"
    shutil.rmtree(location, ignore_errors=True)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    engine = start_server(
        [OXIGRAPH, "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}"],
        base + "/query?query=ASK%7B%7D",
        base,
        data / f"oxigraph-publish-serve-{triples}.log",
    )
    try:
        run = run_marked(
            [
                APWPS,
                "--root",
                str(root),
                "--set",
                f"dist_dir={dist}",
                "--set",
                "remote_timeout_s=3600",
                "publish",
                "--endpoint",
                base + "/query",
                "--store-url",
                base + "/store",
            ],
            {},
            log=data / f"publish-{triples}.log",
            timeout_s=4 * 3600,
        )
        return {
            **run.as_dict(),
            "engine_peak_rss_mb": round(engine.sampler.peak_rss_mb),
            "disk_mb": round(disk_mb(location)),
            "tail": run.tail[-2:],
        }
    finally:
        engine.stop()
        shutil.rmtree(location, ignore_errors=True)


def start_front(root: Path, data: Path, engine: str, log: Path) -> Any:
    """`apwps serve --store sparql` over the engine at `engine`, on a free loopback port."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    command = [APWPS, "--root", str(root), "--set", f"dist_dir={data / 'no-dist'}"]
    command += ["--set", "store=sparql", "--set", f"sparql_query_url={engine}/query"]
    command += ["--set", "remote_timeout_s=60", "serve", "--host", "127.0.0.1", "--port", str(port)]
    return start_server(command, base + "/sparql?query=ASK%7B%7D", base, log)


def through_apwps(root: Path, data: Path, triples: int, engine: str, runs: int) -> dict[str, Any]:
    """`apwps serve --store sparql` over the engine: a stateless front."""
    server = start_front(root, data, engine, data / f"serve-sparql-{triples}.log")
    base = server.url
    try:
        rss, pss = memory_mb(server.process.pid)
        latencies = suite("apwps", base, triples, runs)
        return {
            "startup_s": round(server.startup_s, 2),
            "rss_mb_after_start": round(rss),
            "pss_mb_after_start": round(pss),
            "peak_rss_mb": round(server.sampler.peak_rss_mb),
            "peak_pss_mb": round(server.sampler.peak_pss_mb),
            "latency": latencies,
        }
    finally:
        server.stop()


# --- the stateless front over a loaded engine: start-up, memory, pages, first and later searches ---


def step_front(sizes: list[int], data: Path, runs: int) -> None:
    """`apwps serve --store sparql` over an Oxigraph store loaded by the `oxigraph` step: how soon
    it answers, what it holds, resource pages (publications, and a concept every entry links to),
    the first search (which builds the index) and later ones, and the other views' first use."""
    for triples in sizes:
        location = data / f"oxigraph-{triples}"
        if not location.is_dir():
            raise SystemExit(f"no loaded store at {location}: run the oxigraph step first")
        engine = start_engine(location, data / f"front-engine-{triples}.log")
        engine_url = engine.url
        try:
            save("front", str(triples), front(data, triples, engine_url, runs))
        finally:
            engine.stop()


def front(data: Path, triples: int, engine: str, runs: int) -> dict[str, Any]:
    import requests
    from measure import latency

    from queries import samples

    server = start_front(ROOT, data, engine, data / f"front-{triples}.log")
    base = server.url
    session = requests.Session()
    pubs = samples(triples)["pub"]

    def page(accept: str, paths: list[str]) -> Any:
        def send(i: int) -> requests.Response:
            return session.get(
                base + paths[i % len(paths)], headers={"Accept": accept}, timeout=600
            )

        return send

    def timed(path: str) -> dict[str, Any]:
        begun = time.perf_counter()
        response = session.get(base + path, timeout=600)
        return {
            "ms": round((time.perf_counter() - begun) * 1000, 1),
            "status": response.status_code,
        }

    try:
        rss, pss = memory_mb(server.process.pid)
        result: dict[str, Any] = {
            "startup_s": round(server.startup_s, 2),
            "rss_mb_after_start": round(rss),
            "pss_mb_after_start": round(pss),
        }
        paths = [iri[len("https://w3id.org/apwps") :] for iri in pubs]
        hub = ["/id/verification-status/verified", "/id/crimes/genocide"]
        result["latency"] = {
            "page-html": latency(page("text/html", paths), runs),
            "page-turtle": latency(page("text/turtle", paths), runs),
            "hub-page-html": latency(page("text/html", hub), max(2, runs // 2)),
        }
        # each server process builds its views on first use: ask each worker until all have
        result["first_search"] = timed("/search.json?q=report")
        words = ["framework", "report 12", "organisation", "risk", "prevention", "index 20"]

        def search(i: int) -> requests.Response:
            query = words[i % len(words)] + (f" {i % 7}" if i >= len(words) else "")
            return session.get(base + "/search.json", params={"q": query}, timeout=600)

        result["latency"]["search"] = latency(search, runs, warmup=4)
        result["first_crosswalk"] = timed("/crosswalk?format=json")
        result["first_wps_index"] = timed("/wps-index")
        rss, pss = memory_mb(server.process.pid)
        result["rss_mb_after_views"] = round(rss)
        result["pss_mb_after_views"] = round(pss)
        result["peak_rss_mb"] = round(server.sampler.peak_rss_mb)
        result["peak_pss_mb"] = round(server.sampler.peak_pss_mb)
        return result
    finally:
        server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("step", choices=["build", "serve", "oxigraph", "front", "report"])
    parser.add_argument("--triples", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--data", type=Path, default=Path("/tmp/apwps-scale"))
    parser.add_argument("--runs", type=int, default=20, help="requests per query and size")
    parser.add_argument(
        "--consistency-max",
        type=int,
        default=1_000_000,
        help="largest size whose build runs the HermiT consistency check",
    )
    parser.add_argument(
        "--publish-max", type=int, default=1_000_000, help="largest size sent by `apwps publish`"
    )
    parser.add_argument("--timeout-s", type=float, default=4 * 3600)
    parser.add_argument(
        "--reuse", action="store_true", help="oxigraph: serve the existing bulk-loaded store only"
    )
    args = parser.parse_args()
    random.seed(1)
    args.data.mkdir(parents=True, exist_ok=True)
    if args.step == "build":
        step_build(args.triples, args.data, args.consistency_max, args.timeout_s)
    elif args.step == "serve":
        step_serve(args.triples, args.data, args.runs)
    elif args.step == "oxigraph":
        step_oxigraph(args.triples, args.data, args.runs, args.publish_max, args.reuse)
    elif args.step == "front":
        step_front(args.triples, args.data, args.runs)
    else:
        from scale_report import write_report

        write_report(load_results(), HERE)


if __name__ == "__main__":
    main()
