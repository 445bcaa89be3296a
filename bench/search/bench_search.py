"""Latency of `/search` over the curated graph: the index alone, and the real server end to end.

Usage: python bench/search/bench_search.py [--requests N] [--output bench/search/results.md]
       [--dist DIR] [--no-validate]
Builds the graph (into a scratch dist/ unless --dist is given), times building the search index and
answering queries in process, then starts `apwps serve` (gunicorn, 2 workers x 4 threads) on a free
127.0.0.1 port and sends N sequential keep-alive requests to `/search?format=json`, each with another
query: the prefixes a reader types (2 to 6 letters), whole words, acronyms and two-word phrases taken
from the graph's own labels, plus queries that match nothing. Loopback only, bounded.
"""

from __future__ import annotations

import argparse
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

from apwps.build import build
from apwps.config import load_settings
from apwps.search import SearchIndex, words
from apwps.stores.memory import MemoryStore

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def wait(url: str, process: subprocess.Popen[bytes], seconds: float = 300) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"server exited with {process.returncode}")
        try:
            requests.get(url, timeout=2)
            return
        except requests.RequestException:
            time.sleep(0.2)
    raise SystemExit(f"server did not answer at {url}")


def queries(index: SearchIndex, count: int) -> list[str]:
    """`count` varied queries drawn deterministically from the index's own labels."""
    found: list[str] = []
    labels = [text for entry in index.entries for text in entry.labels.values()]
    step = max(1, len(labels) // max(1, count))
    for position, label in enumerate(labels[::step]):
        tokens = words(label) or ["x"]
        token = tokens[position % len(tokens)]
        shape = position % 5
        if shape == 0:
            found.append(token[: 2 + position % 5])  # a prefix being typed
        elif shape == 1:
            found.append(token)  # a whole word
        elif shape == 2:
            found.append(" ".join(tokens[:2]))  # two words
        elif shape == 3:
            found.append(label)  # the exact label
        else:
            found.append(f"zq{token}")  # nothing matches
    return (found * (count // max(1, len(found)) + 1))[:count]


def summary(samples: list[float]) -> tuple[float, float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[int(len(ordered) * 0.95) - 1], ordered[-1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--output", type=Path, default=ROOT / "bench" / "search" / "results.md")
    parser.add_argument("--dist", type=Path, default=None)
    parser.add_argument("--no-validate", action="store_true", help="build without SHACL validation")
    args = parser.parse_args()
    dist = args.dist or Path(tempfile.mkdtemp(prefix="apwps-bench-")) / "dist"
    settings = load_settings(
        {"root": str(ROOT), "dist_dir": str(dist), "check_consistency": False},
        read_environment=False,
    )
    built = build(settings, validate=not args.no_validate)
    store = MemoryStore(built.store)

    start = time.perf_counter()
    index = SearchIndex.build(store, settings.base_iri)
    build_ms = (time.perf_counter() - start) * 1000
    asked = queries(index, args.requests)
    core: list[float] = []
    for query in asked:
        start = time.perf_counter()
        index.search(query, ("en",), settings.search_max_results)
        core.append((time.perf_counter() - start) * 1000)

    port = free_port()
    command = [
        sys.executable, "-m", "apwps.cli", "--root", str(ROOT), "--set", f"dist_dir={dist}",
        "--set", "check_consistency=false", "serve", "--host", "127.0.0.1", "--port", str(port),
        "--workers", "2", "--threads", "4",
    ]  # fmt: skip
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    http: list[float] = []
    hits = 0
    try:
        wait(base + "/queries", process)
        session = requests.Session()
        for query in asked[:20]:  # warm both workers
            session.get(base + "/search", params={"q": query, "format": "json"}, timeout=30)
        for query in asked:
            start = time.perf_counter()
            response = session.get(
                base + "/search", params={"q": query, "format": "json"}, timeout=30
            )
            http.append((time.perf_counter() - start) * 1000)
            response.raise_for_status()
            hits += response.json()["count"] > 0
    finally:
        process.terminate()
        process.wait(timeout=20)

    core_median, core_p95, core_max = summary(core)
    http_median, http_p95, http_max = summary(http)
    triples = sum(built.triples_per_graph.values()) + built.inferred
    report = [
        "# Search: latency over the curated graph",
        "",
        f"Curated graph of {triples:,} triples; the index holds {len(index):,} resources. "
        f"{len(asked)} varied queries (prefixes of 2 to 6 letters, whole words, two-word phrases, "
        f"exact labels, and queries that match nothing; {hits} of them matched). The server is "
        "`apwps serve` (gunicorn, 2 workers x 4 threads, embedded store), asked with sequential "
        "keep-alive requests from one client on the same 2-core machine after 20 warm-up "
        "requests. Produced by `bench/search/bench_search.py`.",
        "",
        f"Building the index (one SELECT through the store, then folding and sorting): "
        f"{build_ms:.0f} ms, once per server process before it forks.",
        "",
        "| what | median ms | p95 ms | max ms |",
        "|---|---|---|---|",
        f"| `SearchIndex.search` in process | {core_median:.3f} | {core_p95:.3f} | {core_max:.3f} |",
        f"| `GET /search?q=…&format=json` over HTTP | {http_median:.2f} | {http_p95:.2f} | "
        f"{http_max:.2f} |",
        "",
    ]
    args.output.write_text("\n".join(report), encoding="utf-8")
    print("\n".join(report))


if __name__ == "__main__":
    main()
