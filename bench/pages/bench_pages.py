"""Latency of the linked-data pages on the real server, over the curated graph.

Usage: python bench/pages/bench_pages.py [--requests N] [--output bench/pages/results.md]
       [--dist DIR] [--no-validate]
Builds the graph (into a scratch dist/ unless --dist is given), starts `apwps serve` (gunicorn,
2 workers x 4 threads) on a free 127.0.0.1 port, warms each URL, then sends N sequential requests per
URL with a keep-alive client and reports the median and 95th percentile. Loopback only, bounded.
"""

from __future__ import annotations

import argparse
import os
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

ROOT = Path(__file__).resolve().parents[2]
RESOURCES = [
    "/id/frameworks/un-framework-of-analysis",
    "/id/publications/policy-brief-1-2024",
    "/id/risk-factors/rf07",
    "/id/organisations/un-women",
]
CASES: list[tuple[str, str, dict[str, str]]] = [
    *((f"page {r}", r, {"Accept": "text/html"}) for r in RESOURCES),
    *(
        (f"{suffix} {RESOURCES[0]}", RESOURCES[0] + suffix, {})
        for suffix in (".ttl", ".jsonld", ".rdf", ".nt", ".bib", ".ris", ".csl.json")
    ),
    ("Accept: text/turtle", RESOURCES[0], {"Accept": "text/turtle"}),
    ("Accept: application/ld+json", RESOURCES[0], {"Accept": "application/ld+json"}),
    ("scheme page /id/risk-factors", "/id/risk-factors", {"Accept": "text/html"}),
    ("home page", "/", {}),
    ("ontology page (cached)", "/ontology", {"Accept": "text/html"}),
    ("VoID (Turtle)", "/.well-known/void", {"Accept": "text/turtle"}),
    ("404 page", "/id/frameworks/no-such-thing", {"Accept": "text/html"}),
]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def wait(url: str, process: subprocess.Popen[bytes], seconds: float = 120) -> None:
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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--output", type=Path, default=ROOT / "bench" / "pages" / "results.md")
    parser.add_argument("--dist", type=Path, default=None)
    parser.add_argument("--no-validate", action="store_true", help="build without SHACL validation")
    args = parser.parse_args()
    dist = args.dist or Path(tempfile.mkdtemp(prefix="apwps-bench-")) / "dist"
    settings = load_settings(
        {"root": str(ROOT), "dist_dir": str(dist), "check_consistency": False},
        read_environment=False,
    )
    built = build(settings, validate=not args.no_validate)
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "apwps.cli",
        "--root",
        str(ROOT),
        "--set",
        f"dist_dir={dist}",
        "--set",
        "check_consistency=false",
        "serve",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        "2",
        "--threads",
        "4",
    ]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    rows: list[str] = []
    try:
        wait(base + "/queries", process)
        session = requests.Session()
        for name, path, headers in CASES:
            for _ in range(5):  # warm: templates, the ontology page's one-off rendering
                session.get(base + path, headers=headers, timeout=120)
            samples = []
            status = 0
            for _ in range(args.requests):
                start = time.perf_counter()
                response = session.get(base + path, headers=headers, timeout=30)
                samples.append((time.perf_counter() - start) * 1000)
                status = response.status_code
            samples.sort()
            p95 = samples[int(len(samples) * 0.95) - 1]
            rows.append(
                f"| {name} | {status} | {statistics.median(samples):.1f} | {p95:.1f} | "
                f"{len(response.content):,} |"
            )
            print(rows[-1], flush=True)
    finally:
        process.terminate()
        process.wait(timeout=20)
    triples = sum(built.triples_per_graph.values()) + built.inferred
    load = os.getloadavg()[0]
    report = [
        "# Linked-data pages: latency on the real server",
        "",
        f"`apwps serve` (gunicorn, 2 workers x 4 threads, embedded store), curated graph of "
        f"{triples:,} triples; {args.requests} sequential keep-alive requests per URL from one "
        "client on the same 2-core machine, after 5 warm-up requests. Produced by "
        f"`bench/pages/bench_pages.py`. Load average (1 min) at the end of the run: {load:.1f} "
        "(the machine was shared; figures move with it).",
        "",
        "| request | status | median ms | p95 ms | bytes |",
        "|---|---|---|---|---|",
        *rows,
        "",
    ]
    args.output.write_text("\n".join(report), encoding="utf-8")


if __name__ == "__main__":
    main()
