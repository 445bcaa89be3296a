"""Sustained load, and abuse under load, against the real server (`apwps serve`, gunicorn) on a free
loopback port. Bounded: every phase runs for a fixed time, every request has a timeout, and the
server is stopped at the end. Loopback only.

    python bench/load/run.py                       # 8, 16, 32 clients, 60 s each
    python bench/load/run.py --clients 16 --abuse  # 60 s calm, then 60 s with abusers
    python bench/load/run.py --seconds 10 --clients 8 --json out.json

Well-behaved clients mix named queries, resource pages (HTML and RDF), searches and validations;
each answer must have its expected status (any other, or a failed request, is an error). Latency is
measured per kind of request. The server's memory (PSS of the whole process tree: gunicorn, its
workers and their query processes) is read before and after each phase; the serving processes
(master and workers) must not grow their resident memory by more than `--max-growth-mib` over a
phase. The query
processes are forked on demand, at most `threads` per worker, each of them a copy-on-write child
whose PSS grows as it touches the store, so their total is bounded by their number.

Abusers (`--abuse`), alongside the same well-behaved load: runaway SPARQL queries (a triple cross
product), oversized requests (a 2 MB entry, a 20 kB URL, a 1 MB query), malformed input (random bytes
as SPARQL, Turtle, JSON-LD, CSV; broken headers), and slow clients that trickle a request's headers
one line per second (`--slow-clients`, the slowloris pattern).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests

ROOT = Path(__file__).resolve().parents[2]
ID = "https://w3id.org/apwps/id/"
TIMEOUT_S = 30.0
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


# --- the server -------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class Server:
    url: str
    process: subprocess.Popen[bytes]
    log: Path

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def start_server(dist: str, log: Path, extra: list[str]) -> Server:
    port = free_port()
    command = [sys.executable, "-m", "apwps.cli", "--root", str(ROOT)]
    command += ["--set", "check_consistency=false"]
    if dist:
        command += ["--set", f"dist_dir={dist}"]
    command += ["serve", "--host", "127.0.0.1", "--port", str(port), *extra]
    with log.open("wb") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"server exited:\n{log.read_text()[-3000:]}")
        try:
            requests.get(url + "/queries", timeout=2)
            return Server(url, process, log)
        except requests.RequestException:
            time.sleep(0.5)
    process.kill()
    raise SystemExit(f"server did not start:\n{log.read_text()[-3000:]}")


def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = defaultdict(list)
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        tree[ppid].append(int(entry))
    return tree


def tree_memory_mib(pid: int) -> dict[str, Any]:
    """PSS and RSS of `pid` and all its descendants, in MiB (PSS shares copy-on-write pages), in
    all and by depth: 0 the gunicorn master, 1 its workers, 2 the workers' query processes."""
    tree = _children()
    pending, pss_kib, rss_kib, count = [(pid, 0)], 0, 0, 0
    by_depth: dict[int, float] = defaultdict(float)
    resident: dict[int, float] = defaultdict(float)
    while pending:
        current, depth = pending.pop()
        pending += [(child, depth + 1) for child in tree.get(current, [])]
        try:
            text = Path(f"/proc/{current}/smaps_rollup").read_text()
        except OSError:
            continue
        count += 1
        for line in text.splitlines():
            if line.startswith("Pss:"):
                pss_kib += int(line.split()[1])
                by_depth[depth] += int(line.split()[1]) / 1024
            elif line.startswith("Rss:"):
                rss_kib += int(line.split()[1])
                resident[depth] += int(line.split()[1]) / 1024
    return {
        "pss_mib": round(pss_kib / 1024, 1),
        "rss_mib": round(rss_kib / 1024, 1),
        "processes": count,
        "pss_by_depth_mib": {d: round(v, 1) for d, v in sorted(by_depth.items())},
        "rss_by_depth_mib": {d: round(v, 1) for d, v in sorted(resident.items())},
    }


# --- the well-behaved mix -----------------------------------------------------------------------


@dataclass
class Catalogue:
    """What the clients pick from: resources, named queries, search words, entries to validate."""

    resources: list[str]
    queries: list[tuple[str, dict[str, str]]]
    words: list[str]
    entries: list[tuple[str, bytes]]

    @classmethod
    def read(cls, url: str) -> Catalogue:
        sitemap = requests.get(url + "/sitemap.xml", timeout=TIMEOUT_S).text
        resources = [
            u.split("/id/", 1)[1] for u in re.findall(r"<loc>([^<]+)</loc>", sitemap) if "/id/" in u
        ]
        named = requests.get(
            url + "/queries", headers={"Accept": "application/json"}, timeout=TIMEOUT_S
        )
        queries: list[tuple[str, dict[str, str]]] = []
        for item in named.json()["queries"]:
            queries.append((item["name"], {}))
            for p in item["parameters"]:
                if p["type"] == "iri":  # the same query on another resource of the graph
                    for slug in random.Random(item["name"]).sample(resources, 2):
                        queries.append((item["name"], {p["name"]: ID + slug}))
        words = sorted({w for r in resources for w in re.split(r"[/-]", r) if len(w) > 3})
        entries = []
        for path in sorted((ROOT / "data" / "organisations").glob("*.ttl"))[:20]:
            entries.append(("text/turtle", path.read_bytes()))
        entries.append(
            (
                "text/csv",
                b"kind,id,Label,Web page\norganisation,load-test,Load test,https://example.org/\n",
            )
        )
        return cls(resources, queries, words, entries)


Request = tuple[str, str, str, dict[str, str], bytes | None, tuple[int, ...]]  # kind, method, ...


def well_behaved(cat: Catalogue, rng: random.Random) -> Request:
    """One request of the mix: (kind, method, path, headers, body, expected statuses)."""
    roll = rng.random()
    if roll < 0.35:
        name, params = rng.choice(cat.queries)
        query = "&".join(f"{k}={requests.utils.quote(v, safe='')}" for k, v in params.items())
        accept = rng.choice(["application/sparql-results+json", "text/csv"])
        return (
            "named query",
            "GET",
            f"/queries/{name}" + (f"?{query}" if query else ""),
            {"Accept": accept},
            None,
            (200,),
        )
    if roll < 0.55:
        return (
            "resource page",
            "GET",
            "/id/" + rng.choice(cat.resources),
            {"Accept": "text/html"},
            None,
            (200,),
        )
    if roll < 0.65:
        accept = rng.choice(["text/turtle", "application/ld+json"])
        return (
            "resource RDF",
            "GET",
            "/id/" + rng.choice(cat.resources),
            {"Accept": accept},
            None,
            (200,),
        )
    if roll < 0.85:
        word = rng.choice(cat.words)[: rng.randint(3, 8)]
        return ("search", "GET", f"/search.json?q={word}", {}, None, (200,))
    content_type, body = rng.choice(cat.entries)
    headers = {"Content-Type": content_type, "Accept": "application/json"}
    return ("validation", "POST", "/validate", headers, body, (200,))


@dataclass
class Results:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: Counter[str] = field(default_factory=Counter)
    error_samples: dict[str, str] = field(default_factory=dict)  # the first message of each
    statuses: Counter[str] = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(
        self, kind: str, status: int | str, seconds: float, ok: bool, detail: str = ""
    ) -> None:
        with self.lock:
            self.statuses[f"{kind} {status}"] += 1
            if ok:
                self.latencies[kind].append(seconds)
            else:
                self.errors[f"{kind} {status}"] += 1
                self.error_samples.setdefault(f"{kind} {status}", detail[:500])


def send(session: requests.Session, url: str, request: Request, results: Results) -> None:
    kind, method, path, headers, body, expected = request
    started = time.perf_counter()
    try:
        response = session.request(
            method, url + path, headers=headers, data=body, timeout=TIMEOUT_S
        )
        _ = response.content  # the whole answer, streamed ones too
        status: int | str = response.status_code
        ok = response.status_code in expected
        detail = "" if ok else f"{method} {path}: {response.text[:300]}"
    except requests.RequestException as exc:
        status, ok, detail = type(exc).__name__, False, f"{method} {path}: {exc}"
    results.record(kind, status, time.perf_counter() - started, ok, detail)


def run_clients(
    url: str,
    cat: Catalogue,
    clients: int,
    seconds: float,
    make: Callable[[random.Random], Request],
    seed: int,
) -> Results:
    results = Results()
    deadline = time.monotonic() + seconds

    def client(number: int) -> None:
        rng = random.Random(seed * 1000 + number)
        with requests.Session() as session:
            while time.monotonic() < deadline:
                send(session, url, make(rng), results)

    threads = [threading.Thread(target=client, args=(n,), daemon=True) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + TIMEOUT_S + 5)
    return results


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))
    return ordered[index]


def summary(results: Results, seconds: float) -> dict[str, Any]:
    kinds = {}
    everything: list[float] = []
    for kind, values in sorted(results.latencies.items()):
        everything += values
        kinds[kind] = {
            "requests": len(values),
            "median_ms": round(statistics.median(values) * 1000, 1),
            "p99_ms": round(percentile(values, 99) * 1000, 1),
        }
    total = sum(results.statuses.values())
    return {
        "requests": total,
        "per_second": round(total / seconds, 1),
        "errors": dict(results.errors),
        "error_samples": results.error_samples,
        "median_ms": round(statistics.median(everything) * 1000, 1) if everything else None,
        "p99_ms": round(percentile(everything, 99) * 1000, 1) if everything else None,
        "kinds": kinds,
    }


# --- abuse ----------------------------------------------------------------------------------------


def abuser(
    url: str, what: str, stop: threading.Event, outcomes: Counter[str], lock: threading.Lock
) -> None:
    """Keep sending one kind of abuse until `stop`; count what the server answered."""
    rng = random.Random(what)
    with requests.Session() as session:
        while not stop.is_set():
            started = time.perf_counter()
            try:
                if what == "runaway query":
                    r = session.post(url + "/sparql", data={"query": RUNAWAY}, timeout=60)
                elif what == "oversized entry":
                    body = b"# " + b"x" * 2_000_000 + b"\n"
                    r = session.post(
                        url + "/validate",
                        data=body,
                        headers={"Content-Type": "text/turtle"},
                        timeout=60,
                    )
                elif what == "oversized URL":
                    r = session.get(url + "/search.json?q=" + "x" * 20_000, timeout=60)
                elif what == "oversized query":
                    query = "SELECT * WHERE { ?s ?p ?o } #" + "x" * 1_000_000
                    r = session.post(
                        url + "/sparql",
                        data=query.encode(),
                        headers={"Content-Type": "application/sparql-query"},
                        timeout=60,
                    )
                else:  # malformed input
                    junk = bytes(rng.getrandbits(8) for _ in range(rng.randint(1, 4000)))
                    target, content_type = rng.choice(
                        [
                            ("/sparql", "application/sparql-query"),
                            ("/validate", "text/turtle"),
                            ("/validate", "application/ld+json"),
                            ("/validate", "text/csv"),
                            ("/validate", "application/rdf+xml"),
                        ]
                    )
                    r = session.post(
                        url + target, data=junk, headers={"Content-Type": content_type}, timeout=60
                    )
                key = f"{what} → {r.status_code}"
            except requests.RequestException as exc:
                key = f"{what} → {type(exc).__name__}"
            with lock:
                outcomes[key] += 1
                outcomes[f"{what} time_s"] += round(time.perf_counter() - started, 3)  # type: ignore[assignment]
            if what == "malformed input":
                time.sleep(0.02)


def slow_client(
    url: str, stop: threading.Event, outcomes: Counter[str], lock: threading.Lock
) -> None:
    """The slowloris pattern: a request whose headers come one line a second, never finished."""
    host, port = url.removeprefix("http://").split(":")
    while not stop.is_set():
        opened = time.monotonic()
        try:
            with socket.create_connection((host, int(port)), timeout=5) as sock:
                sock.sendall(b"GET /queries HTTP/1.1\r\nHost: x\r\n")
                while not stop.is_set():
                    time.sleep(1)
                    sock.sendall(b"X-Slow: 1\r\n")
            key = "slow client → still open at the end"
        except OSError:
            key = f"slow client → closed by the server after {round(time.monotonic() - opened)} s"
        with lock:
            outcomes[key] += 1


ABUSE = {
    "runaway": "runaway query",
    "entry": "oversized entry",
    "url": "oversized URL",
    "query": "oversized query",
    "malformed": "malformed input",
}


def parse_mix(text: str) -> dict[str, int]:
    mix = {}
    for part in filter(None, text.split(",")):
        name, _, count = part.partition("=")
        mix[ABUSE[name.strip()]] = int(count or 1)
    return mix


def run_abuse(
    url: str, seconds: float, mix: dict[str, int], slow: int
) -> tuple[threading.Event, list[threading.Thread], Counter[str]]:
    stop = threading.Event()
    outcomes: Counter[str] = Counter()
    lock = threading.Lock()
    threads = []
    for what, count in mix.items():
        for _ in range(count):
            threads.append(
                threading.Thread(target=abuser, args=(url, what, stop, outcomes, lock), daemon=True)
            )
    for _ in range(slow):
        threads.append(
            threading.Thread(target=slow_client, args=(url, stop, outcomes, lock), daemon=True)
        )
    for thread in threads:
        thread.start()
    return stop, threads, outcomes


# --- the phases -----------------------------------------------------------------------------------


def phase(
    server: Server, cat: Catalogue, clients: int, seconds: float, seed: int, label: str
) -> dict[str, Any]:
    pid = server.process.pid
    before = tree_memory_mib(pid)
    results = run_clients(
        server.url, cat, clients, seconds, lambda rng: well_behaved(cat, rng), seed
    )
    after = tree_memory_mib(pid)
    report = {"phase": label, "clients": clients, "seconds": seconds, **summary(results, seconds)}
    report["memory_before"] = before
    report["memory_after"] = after
    report["pss_growth_mib"] = round(after["pss_mib"] - before["pss_mib"], 1)
    # the serving processes' resident memory: unlike PSS or private memory, it does not move as
    # query processes are forked from them and share their pages
    serving = [sum(m["rss_by_depth_mib"].get(d, 0.0) for d in (0, 1)) for m in (before, after)]
    report["serving_rss_growth_mib"] = round(serving[1] - serving[0], 1)
    print(json.dumps(report, ensure_ascii=False), flush=True)
    return report


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--clients", default="8,16,32", help="concurrent well-behaved clients (list)"
    )
    parser.add_argument("--seconds", type=float, default=60.0, help="length of each phase")
    parser.add_argument("--warmup", type=float, default=10.0, help="unmeasured load first")
    parser.add_argument("--abuse", action="store_true", help="a calm phase, then one under abuse")
    parser.add_argument(
        "--mix",
        default="runaway=2,entry=1,url=1,query=1,malformed=2",
        help=f"abusers of each kind ({', '.join(ABUSE)}), e.g. runaway=4 (empty: none)",
    )
    parser.add_argument("--slow-clients", type=int, default=0, help="slowloris connections")
    parser.add_argument(
        "--max-growth-mib",
        type=float,
        default=32.0,
        help="allowed growth of the serving processes' resident memory over a phase",
    )
    parser.add_argument("--dist", default="", help="dist_dir of a build to serve (default: build)")
    parser.add_argument("--json", type=Path, help="write the results here")
    parser.add_argument("--serve-args", default="", help="extra `apwps serve` options")
    args = parser.parse_args()

    log = Path(os.environ.get("TMPDIR", "/tmp")) / f"apwps-load-{os.getpid()}.log"
    server = start_server(args.dist, log, args.serve_args.split())
    reports: list[dict[str, Any]] = []
    failed = False
    try:
        cat = Catalogue.read(server.url)
        print(
            f"server {server.url} (log {log}); {len(cat.resources)} resources, {len(cat.queries)} named-query calls",
            flush=True,
        )
        clients = [int(c) for c in args.clients.split(",")]
        run_clients(
            server.url, cat, max(clients), args.warmup, lambda rng: well_behaved(cat, rng), 0
        )
        for n in clients:
            if args.abuse:
                reports.append(phase(server, cat, n, args.seconds, 1, "calm"))
                mix = parse_mix(args.mix)
                stop, threads, outcomes = run_abuse(
                    server.url, args.seconds, mix, args.slow_clients
                )
                report = phase(server, cat, n, args.seconds, 2, "under abuse")
                stop.set()
                for thread in threads:
                    thread.join(timeout=70)
                report["abuse"] = {
                    "mix": mix,
                    "slow_clients": args.slow_clients,
                    "outcomes": dict(outcomes),
                }
                print(json.dumps(report["abuse"], ensure_ascii=False), flush=True)
                reports.append(report)
            else:
                reports.append(phase(server, cat, n, args.seconds, n, "load"))
        for report in reports:
            if report["errors"] or report["serving_rss_growth_mib"] > args.max_growth_mib:
                failed = True
    finally:
        server.stop()
    if args.json:
        args.json.write_text(
            json.dumps(reports, indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
        )
    if failed:
        raise SystemExit("errors, or memory grew past --max-growth-mib: see above")


if __name__ == "__main__":
    main()
