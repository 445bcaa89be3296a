"""Sustained load, and abuse under load, against the real server (`apwps serve`, gunicorn) on a free
loopback port. Bounded: every phase runs for a fixed time, every request has a timeout, and the
server is stopped at the end. Loopback only.

    python bench/load/run.py                       # 8, 16, 32 clients, 60 s each
    python bench/load/run.py --clients 16 --abuse  # 60 s calm, then 60 s with abusers
    python bench/load/run.py --seconds 10 --clients 8 --json out.json
    python bench/load/run.py --clients 8 --soak-minutes 30   # memory against requests

Well-behaved clients mix named queries, resource pages (HTML and RDF), searches and validations;
each answer must have its expected status (any other, or a failed request, is an error). Latency is
measured per kind of request. The server's memory is read before and after each phase, per role of
process (`serve`'s master and its workers: the serving processes; the query processes' template;
the query processes), as RSS, PSS and USS (private pages); the serving processes must not grow
their resident memory by more than `--max-growth-mib` over a phase. The query processes are forked
on demand, at most `threads` per worker, each of them a copy-on-write child whose PSS grows as it
touches the store, so their total is bounded by their number.

The soak (`--soak-minutes N`) is one long phase at the first `--clients` value that samples the
memory every `--sample-seconds`, for a curve of memory against requests served.

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
from urllib.parse import quote

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


ROLES = ("serving", "template", "query")


def _role(pid: int, depth: int) -> str:
    """`serving` (the master and its workers), `template` or `query`: from the name each forked
    query process gives itself (apwps.executor), else from the depth (before they had names,
    query processes were the workers' children)."""
    try:
        name = Path(f"/proc/{pid}/comm").read_text().strip()
    except OSError:
        name = ""
    named = {"apwps-template": "template", "apwps-query": "query"}
    return named.get(name, "serving" if depth <= 1 else "query")


def tree_memory_mib(pid: int) -> dict[str, Any]:
    """RSS, PSS (copy-on-write pages shared out) and USS (private pages) of `pid` and all its
    descendants, in MiB, in all and per role of process."""
    tree = _children()
    pending = [(pid, 0)]
    total: dict[str, float] = defaultdict(float)
    roles: dict[str, dict[str, float]] = {r: defaultdict(float) for r in ROLES}
    while pending:
        current, depth = pending.pop()
        pending += [(child, depth + 1) for child in tree.get(current, [])]
        try:
            text = Path(f"/proc/{current}/smaps_rollup").read_text()
        except OSError:
            continue
        role = roles[_role(current, depth)]
        role["processes"] += 1
        for line in text.splitlines():
            key, _, rest = line.partition(":")
            field_ = {"Rss": "rss", "Pss": "pss", "Private_Clean": "uss", "Private_Dirty": "uss"}
            if key in field_:
                mib = int(rest.split()[0]) / 1024
                role[field_[key] + "_mib"] += mib
                total[field_[key] + "_mib"] += mib
    return {
        **{k: round(v, 1) for k, v in total.items()},
        "processes": int(sum(r["processes"] for r in roles.values())),
        "roles": {r: {k: round(v, 1) for k, v in values.items()} for r, values in roles.items()},
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
        named = requests.get(
            url + "/queries", headers={"Accept": "application/json"}, timeout=TIMEOUT_S
        )
        return cls.from_answers(sitemap, named.json())

    @classmethod
    def from_answers(cls, sitemap: str, named: dict[str, Any]) -> Catalogue:
        """From the server's sitemap and its named-query catalogue (JSON)."""
        resources = [
            u.split("/id/", 1)[1] for u in re.findall(r"<loc>([^<]+)</loc>", sitemap) if "/id/" in u
        ]
        queries: list[tuple[str, dict[str, str]]] = []
        for item in named["queries"]:
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
        query = "&".join(f"{k}={quote(v, safe='')}" for k, v in params.items())
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
    results: Results | None = None,
) -> Results:
    results = results or Results()
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
    # the serving processes' resident memory: unlike PSS, it does not move as query processes
    # are forked and share their pages
    report["serving_rss_growth_mib"] = serving_growth(before, after)
    print(json.dumps(report, ensure_ascii=False), flush=True)
    return report


def serving_growth(before: dict[str, Any], after: dict[str, Any], key: str = "rss_mib") -> float:
    grown: float = after["roles"]["serving"][key] - before["roles"]["serving"][key]
    return round(grown, 1)


def soak(
    server: Server, cat: Catalogue, clients: int, minutes: float, every_s: float
) -> dict[str, Any]:
    """One long phase; the memory of each role of process every `every_s` seconds, with the
    number of requests answered by then: the curve of memory against requests."""
    pid = server.process.pid
    seconds = minutes * 60
    results = Results()
    samples = [{"seconds": 0.0, "requests": 0, **tree_memory_mib(pid)}]
    started = time.monotonic()
    load = threading.Thread(
        target=run_clients,
        args=(server.url, cat, clients, seconds, lambda rng: well_behaved(cat, rng), 7, results),
        daemon=True,
    )
    load.start()
    while load.is_alive():
        load.join(timeout=every_s)
        with results.lock:
            answered = sum(results.statuses.values())
        sample = {
            "seconds": round(time.monotonic() - started, 1),
            "requests": answered,
            **tree_memory_mib(pid),
        }
        samples.append(sample)
        serving, template, query = (sample["roles"][r] for r in ROLES)
        print(
            f"{sample['seconds']:7.0f} s {answered:8d} requests  serving RSS "
            f"{serving.get('rss_mib', 0):7.1f} USS {serving.get('uss_mib', 0):6.1f}  template USS "
            f"{template.get('uss_mib', 0):5.1f}  query processes {int(query.get('processes', 0))} "
            f"PSS {query.get('pss_mib', 0):6.1f}  errors {sum(results.errors.values())}",
            flush=True,
        )
    report = {"phase": "soak", "clients": clients, "seconds": seconds}
    report.update(summary(results, seconds))
    report["samples"] = samples
    report["serving_rss_growth_mib"] = serving_growth(samples[0], samples[-1])
    half = samples[len(samples) // 2]
    report["serving_rss_growth_second_half_mib"] = serving_growth(half, samples[-1])
    report["requests_second_half"] = samples[-1]["requests"] - half["requests"]
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
    parser.add_argument(
        "--soak-minutes",
        type=float,
        default=0.0,
        help="one long phase at the first --clients value, sampling memory (0: no soak)",
    )
    parser.add_argument(
        "--sample-seconds", type=float, default=30.0, help="the soak's memory sampling interval"
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
        if args.soak_minutes:
            clients = []
            report = soak(
                server, cat, int(args.clients.split(",")[0]), args.soak_minutes, args.sample_seconds
            )
            reports.append(report)
            failed = bool(report["errors"])
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
        for report in reports:  # a soak is read from its curve, not held to a phase's bound
            grown = report["serving_rss_growth_mib"] > args.max_growth_mib
            if report["errors"] or (grown and report["phase"] != "soak"):
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
