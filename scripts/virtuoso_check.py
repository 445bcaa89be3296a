"""Engine neutrality: the remote store on OpenLink Virtuoso answers as the embedded store does.

One command (needs Debian's `virtuoso-opensource`; `--install` installs it with apt-get):

    .venv/bin/python scripts/virtuoso_check.py [--keep] [--markdown FILE]

What it does, each process on a free 127.0.0.1 port and stopped (by its process id) at the end:
1. starts Virtuoso from a throwaway directory with its own virtuoso.ini (the packaged one with its
   ports, database files and SPARQL limits changed), never the system service;
2. gives the endpoint a default graph for this host (`DB.DBA.SYS_SPARQL_HOST`), which the Graph
   Store's `?default` writes to and queries without FROM read, and hides Virtuoso's own system
   graphs from GRAPH ?g;
3. builds the graph (`apwps build`) and publishes it (`apwps publish`, Digest credentials through
   `sparql_user` and `APWPS_SPARQL_PASSWORD`) to `/sparql-graph-crud-auth`;
4. reads every triple back and compares it with the build (what the Graph Store kept);
5. starts `apwps serve` twice over the same build, embedded and `--store sparql`, and sends each
   named query (with its defaults) and each probe of `engine_probes.py` to both;
6. prints a summary; exits 1 when an answer differs in a way not documented in docs/engines.md.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

import pyoxigraph as ox
import requests
from engine_answers import EXPLAINED, Outcome, Reply, compare, compare_heads, order_keys
from engine_probes import ENGINE_DEFECTS, JSON, PROBES, Probe

from apwps.catalogue import Catalogue

ROOT = Path(__file__).resolve().parent.parent

PACKAGED_INI = Path("/etc/virtuoso-opensource-7/virtuoso.ini")
UNION_GRAPH = "urn:x-apwps:union"
# A fresh database's own administrator: the instance lives for minutes, on loopback only.
DBA = ("dba", "dba")
NAMED_ACCEPT = f"{JSON}, application/n-triples;q=0.9"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def log_tail(path: Path, lines: int = 40) -> str:
    text = path.read_text(encoding="utf-8", errors="replace") if path.exists() else ""
    return "\n".join(text.splitlines()[-lines:])


@dataclass
class Started:
    """A process this script started, with its log."""

    name: str
    process: subprocess.Popen[bytes]
    log: Path

    def stop(self, grace_s: float = 30) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=grace_s)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def start(name: str, command: list[str], log: Path, cwd: Path | None = None) -> Started:
    with log.open("wb") as handle:
        process = subprocess.Popen(command, stdout=handle, stderr=subprocess.STDOUT, cwd=cwd)
    return Started(name, process, log)


def wait_for(started: Started, url: str, seconds: float) -> None:
    """Poll `url` until it answers 200; fail with the process's log if it dies or never does."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if started.process.poll() is not None:
            raise SystemExit(
                f"{started.name} exited with {started.process.returncode}:\n{log_tail(started.log)}"
            )
        try:
            if requests.get(url, timeout=5).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.3)
    raise SystemExit(
        f"{started.name} did not answer at {url} in {seconds} s:\n{log_tail(started.log)}"
    )


# --- Virtuoso -------------------------------------------------------------------------------------


def virtuoso_ini(
    packaged: str,
    directory: Path,
    http_port: int,
    sql_port: int,
    *,
    max_rows: int,
    time_limit_s: int,
) -> str:
    """The packaged virtuoso.ini with this instance's files, loopback ports and SPARQL limits."""
    files = ("DatabaseFile", "ErrorLogFile", "LockFile", "TransactionFile", "xa_persistent_file")
    changes = {
        "Parameters": {"ServerPort": f"127.0.0.1:{sql_port}"},
        "HTTPServer": {"ServerPort": f"127.0.0.1:{http_port}"},
        # Virtuoso cuts every answer at ResultSetMaxRows without saying so, and answers a query
        # that runs past MaxQueryExecutionTime with whatever it has found, as HTTP 200: both must
        # lie beyond the server's own max_result_rows and query_time_limit_ms (docs/engines.md).
        # MaxQueryCostEstimationTime refuses queries whose *estimated* cost is high before they
        # run (one named query is estimated at 3,000 s and runs in milliseconds): the server's
        # own time limit governs instead.
        "SPARQL": {
            "ResultSetMaxRows": str(max_rows),
            "MaxQueryExecutionTime": str(time_limit_s),
            "MaxQueryCostEstimationTime": "0",
        },
    }
    section = ""
    out = []
    for line in packaged.splitlines():
        header = re.match(r"\s*\[(.+)\]", line)
        if header:
            section = header.group(1)
        key = re.match(r"\s*([A-Za-z_]+)\s*=", line)
        if key and section in ("Database", "TempDatabase") and key.group(1) in files:
            name = Path(line.split("=", 1)[1].split(";")[0].strip()).name
            line = f"{key.group(1)} = {directory / name}"
        elif key and key.group(1) in changes.get(section, {}):
            line = f"{key.group(1)} = {changes[section][key.group(1)]}"
        out.append(line)
    return "\n".join(out) + "\n"


@dataclass
class Virtuoso:
    started: Started
    http_port: int
    sql_port: int

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.http_port}"

    def isql(self, statement: str) -> str:
        isql = shutil.which("isql-vt") or "isql-vt"
        done = subprocess.run(
            [isql, f"127.0.0.1:{self.sql_port}", *DBA, f"exec={statement}"],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        if done.returncode != 0 or "*** Error" in done.stdout + done.stderr:
            raise SystemExit(f"isql failed on {statement[:80]!r}:\n{done.stdout}\n{done.stderr}")
        return done.stdout

    def graphs(self) -> list[str]:
        answer = requests.post(
            self.base + "/sparql",
            data={"query": "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"},
            headers={"Accept": JSON},
            timeout=60,
        )
        answer.raise_for_status()
        return [b["g"]["value"] for b in answer.json()["results"]["bindings"]]

    def _defines(self, defines: str) -> None:
        self.isql(
            f"UPDATE DB.DBA.SYS_SPARQL_HOST SET SH_DEFINES = '{defines}' "
            f"WHERE SH_HOST = '127.0.0.1:{self.http_port}';"
        )

    def prepare_host(self) -> list[str]:
        """Before publishing: a default graph for this host, which the Graph Store's `?default`
        writes the union into and queries without FROM read; Virtuoso's own graphs (all that a
        fresh database holds) hidden from GRAPH ?g. Returns those."""
        system = self.graphs()
        self.isql(
            "INSERT INTO DB.DBA.SYS_SPARQL_HOST (SH_HOST, SH_GRAPH_URI) "
            f"VALUES ('127.0.0.1:{self.http_port}', '{UNION_GRAPH}');"
        )
        self._defines(" ".join(f"define input:named-graph-exclude <{g}>" for g in system))
        return system

    def name_graphs(self) -> int:
        """After publishing: GRAPH ?g ranges over exactly the published graphs, not over the
        union's graph too (excluding that one would empty the default graph as well). Run again
        after every publish that adds or removes a graph. Returns how many graphs are named."""
        published = [g for g in self.graphs() if g != UNION_GRAPH]
        self._defines(" ".join(f"define input:named-graph-uri <{g}>" for g in published))
        return len(published)


def start_virtuoso(directory: Path, *, max_rows: int, time_limit_s: int) -> Virtuoso:
    binary = shutil.which("virtuoso-t")
    if binary is None:
        raise SystemExit(
            "virtuoso-t not found: install Debian's virtuoso-opensource "
            "(apt-get install -y virtuoso-opensource) or run with --install"
        )
    http_port, sql_port = free_port(), free_port()
    ini = directory / "virtuoso.ini"
    ini.write_text(
        virtuoso_ini(
            PACKAGED_INI.read_text(encoding="utf-8"),
            directory,
            http_port,
            sql_port,
            max_rows=max_rows,
            time_limit_s=time_limit_s,
        ),
        encoding="utf-8",
    )
    started = start(
        "virtuoso",
        [binary, "+foreground", "+configfile", str(ini)],
        directory / "stdout.log",
        cwd=directory,
    )
    return Virtuoso(started, http_port, sql_port)


# --- the project's own commands -------------------------------------------------------------------


def apwps(dist: Path, *args: str) -> list[str]:
    return [
        sys.executable,
        "-m",
        "apwps.cli",
        "--root",
        str(ROOT),
        "--set",
        f"dist_dir={dist}",
        "--set",
        "check_consistency=false",
        *args,
    ]


def run_apwps(dist: Path, *args: str, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(
        apwps(dist, *args),
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, **(env or {})},
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(
            f"apwps {' '.join(args)} failed ({done.returncode}):\n{done.stderr[-4000:]}"
        )
    return done.stdout.strip()


def start_server(dist: Path, log_dir: Path, name: str, *settings: str) -> tuple[Started, str]:
    port = free_port()
    sets = [item for pair in (("--set", s) for s in settings) for item in pair]
    command = apwps(dist, *sets, "serve", "--port", str(port), "--workers", "1", "--threads", "4")
    started = start(f"apwps serve ({name})", command, log_dir / f"serve-{name}.log")
    return started, f"http://127.0.0.1:{port}"


# --- comparing ------------------------------------------------------------------------------------


def fetch(base: str, probe: Probe) -> Reply:
    headers = {"Accept": probe.accept}
    if probe.query:
        answer = requests.post(
            base + "/sparql",
            data={"query": probe.query, **probe.params},
            headers=headers,
            timeout=120,
        )
    else:
        answer = requests.get(base + probe.path, params=probe.params, headers=headers, timeout=120)
    return Reply(
        answer.status_code,
        answer.headers.get("Content-Type", ""),
        answer.content,
        answer.headers.get("APWPS-Result-Rows"),
        answer.headers.get("APWPS-Truncated") == "true",
    )


def round_trip(virtuoso: Virtuoso, dump: Path) -> tuple[Outcome, Counter[str]]:
    """Every triple read back from the engine's default graph against the build's union."""
    answer = requests.post(
        virtuoso.base + "/sparql",
        data={"query": "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"},
        headers={"Accept": "application/n-triples"},
        timeout=300,
    )
    answer.raise_for_status()
    theirs = Counter(_blank(t) for t in ox.parse(answer.content, format=ox.RdfFormat.N_TRIPLES))
    store = ox.Store()
    store.bulk_load(path=str(dump), format=ox.RdfFormat.N_QUADS)
    union = {quad.triple for quad in store.quads_for_pattern(None, None, None, None)}
    ours = Counter(_blank(triple) for triple in union)
    kinds: Counter[str] = Counter()
    for triple in ours - theirs:
        kinds[_kind(triple)] += 1
    detail = f"{sum(ours.values())} triples built, {sum(theirs.values())} read back"
    if ours == theirs:
        return Outcome("same", detail), kinds
    detail += f"; {sum((ours - theirs).values())} came back changed: " + ", ".join(
        f"{n} {k}" for k, n in kinds.most_common()
    )
    return Outcome("differs", detail), kinds


def _blank(triple: ox.Triple) -> str:
    return re.sub(r"_:[A-Za-z0-9]+", "_:b", str(triple))


def _kind(text: str) -> str:
    match = re.search(r"\^\^<http://www\.w3\.org/2001/XMLSchema#(\w+)>\s*$", text)
    if match:
        return f"xsd:{match.group(1)} literals"
    return "other triples"


@dataclass
class Line:
    name: str
    topic: str
    verdict: str  # same | normalised | differs
    expected: str
    detail: str
    why: str = ""

    @property
    def ok(self) -> bool:
        if self.expected == "same":
            return self.verdict in ("same", "normalised")
        return True  # a documented difference that no longer shows is reported, not failed

    @property
    def label(self) -> str:
        if self.expected == "differs":
            return "differs (documented)" if self.verdict == "differs" else "no longer differs"
        return {
            "same": "same",
            "normalised": "same after normalising",
            "differs": "DIFFERS (unexplained)",
        }[self.verdict]


def check_all(memory: str, remote: str, dump: Path | None = None) -> list[Line]:
    """Every named query, then every probe, through both servers; the answers of those that do
    not agree go to `dump` (when given) as <name>.embedded.* and <name>.remote.*."""
    lines = []
    catalogue = Catalogue(ROOT / "queries")
    if not len(catalogue):
        raise SystemExit("no named queries in queries/: nothing to compare")
    for named in catalogue:
        text = "\n".join(line.split("#")[0] for line in named.text.splitlines())
        keys = order_keys(text)
        ordered = re.search(r"\bORDER\s+BY\b", text, re.I) is not None
        probe = Probe(
            named.name,
            "named query",
            path=f"/queries/{named.name}",
            accept=NAMED_ACCEPT,
            ordered=ordered,
            keys=keys,
        )
        if named.name in ENGINE_DEFECTS:
            probe = replace(probe, expect="differs", why=ENGINE_DEFECTS[named.name])
        lines.append(_line(probe, _compare(memory, remote, probe, dump)))
    for probe in PROBES:
        lines.append(_line(probe, _compare(memory, remote, probe, dump)))
    return lines


def _compare(memory: str, remote: str, probe: Probe, dump: Path | None) -> Outcome:
    ours, theirs = fetch(memory, probe), fetch(remote, probe)
    if probe.heads_only:
        outcome = compare_heads(ours, theirs)
    else:
        outcome = compare(ours, theirs, ordered=probe.ordered, keys=probe.keys)
    if dump is not None and outcome.verdict != "same":
        dump.mkdir(exist_ok=True)
        for side, reply in (("embedded", ours), ("remote", theirs)):
            suffix = "json" if "json" in reply.content_type else "txt"
            (dump / f"{probe.name}.{side}.{suffix}").write_bytes(reply.body)
    return outcome


def _line(probe: Probe, outcome: Outcome) -> Line:
    detail = outcome.detail
    if outcome.normalisations:
        detail += " (normalised: " + ", ".join(outcome.normalisations) + ")"
    return Line(probe.name, probe.topic, outcome.verdict, probe.expect, detail, probe.why)


def markdown(lines: list[Line], timings: dict[str, float], facts: list[str]) -> str:
    out = ["| check | topic | outcome | detail |", "|---|---|---|---|"]
    for line in lines:
        detail = line.detail.replace("|", "\\|")
        if line.why and line.verdict == "differs":
            detail = f"{line.why}: {detail}"
        out.append(f"| {line.name} | {line.topic} | {line.label} | {detail} |")
    out += ["", "| step | seconds |", "|---|---|"]
    out += [f"| {step} | {seconds:.1f} |" for step, seconds in timings.items()]
    out += ["", *(f"- {fact}" for fact in facts)]
    return "\n".join(out) + "\n"


# --- the run --------------------------------------------------------------------------------------


@contextmanager
def timed(timings: dict[str, float], step: str) -> Iterator[None]:
    began = time.perf_counter()
    print(f"… {step}", flush=True)
    yield
    timings[step] = time.perf_counter() - began


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--keep", action="store_true", help="Keep the throwaway directory.")
    parser.add_argument("--markdown", type=Path, help="Also write the summary to this file.")
    parser.add_argument(
        "--install",
        action="store_true",
        help="Install virtuoso-opensource with apt-get first (as root).",
    )
    parser.add_argument(
        "--time-limit-ms",
        type=int,
        default=5000,
        help="query_time_limit_ms of both servers (default 5000).",
    )
    parser.add_argument(
        "--max-rows",
        type=int,
        default=10_000,
        help="max_result_rows of both servers (default 10000).",
    )
    parser.add_argument(
        "--virtuoso-max-rows",
        type=int,
        default=1_000_000,
        help="Virtuoso's own ResultSetMaxRows (default 1000000; try 10000).",
    )
    args = parser.parse_args()
    # a terminated run still stops what it started (the ExitStack below unwinds on SystemExit)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    if args.install and shutil.which("virtuoso-t") is None:
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
        subprocess.run(
            ["apt-get", "install", "-y", "-qq", "virtuoso-opensource"], check=True, env=env
        )

    timings: dict[str, float] = {}
    began = time.perf_counter()
    directory = Path(tempfile.mkdtemp(prefix="apwps-virtuoso-"))
    dist = directory / "dist"
    (directory / "db").mkdir()
    facts: list[str] = []
    with ExitStack() as stack:
        if not args.keep:
            stack.callback(shutil.rmtree, directory, ignore_errors=True)
        time_limit_s = -(-args.time_limit_ms // 1000) + 2  # just past the servers' own limit
        virtuoso = start_virtuoso(
            directory / "db", max_rows=args.virtuoso_max_rows, time_limit_s=time_limit_s
        )
        stack.callback(virtuoso.started.stop, 60)
        with timed(timings, "build the graph (apwps build)"):
            print("  " + run_apwps(dist, "build", "--skip-consistency", "--quiet"))
        with timed(timings, "start Virtuoso (fresh database)"):
            wait_for(virtuoso.started, f"{virtuoso.base}/sparql?query=ASK%7B%7D", 180)
        with timed(timings, "configure the host's default graph"):
            hidden = virtuoso.prepare_host()
        facts.append(f"Virtuoso's own graphs, hidden: {', '.join(hidden)}")
        with timed(timings, "publish (apwps publish, Digest auth)"):
            store_url = f"{virtuoso.base}/sparql-graph-crud-auth"
            print(
                "  "
                + run_apwps(
                    dist,
                    "--set",
                    f"sparql_user={DBA[0]}",
                    "publish",
                    "--endpoint",
                    f"{virtuoso.base}/sparql",
                    "--store-url",
                    store_url,
                    env={"APWPS_SPARQL_PASSWORD": DBA[1]},
                )
            )
        with timed(timings, "name the published graphs"):
            graph_count = virtuoso.name_graphs()
        facts.append(f"GRAPH ?g ranges over the {graph_count} published graphs (SH_DEFINES)")
        with timed(timings, "read every triple back"):
            kept, _ = round_trip(virtuoso, dist / "apwps.nq")
        facts.append(f"Graph Store round trip: {kept.detail}")
        common = (
            f"query_time_limit_ms={args.time_limit_ms}",
            f"max_result_rows={args.max_rows}",
            "public_url=http://apwps.invalid",  # the same endpoint IRI in both descriptions
        )
        with timed(timings, "start both servers"):
            memory, memory_url = start_server(dist, directory, "embedded", *common)
            stack.callback(memory.stop)
            remote, remote_url = start_server(
                dist,
                directory,
                "virtuoso",
                *common,
                "store=sparql",
                f"sparql_query_url={virtuoso.base}/sparql",
            )
            stack.callback(remote.stop)
            wait_for(memory, memory_url + "/queries", 300)
            wait_for(remote, remote_url + "/queries", 120)
        with timed(timings, "compare named queries and probes"):
            lines = check_all(memory_url, remote_url, directory / "answers" if args.keep else None)
        timings["total"] = time.perf_counter() - began
        report = markdown(lines, timings, facts)
        print()
        print(report)
        if args.markdown:
            args.markdown.write_text(report, encoding="utf-8")
        if args.keep:
            print(f"kept {directory} (logs, virtuoso.ini, database, answers/ that differ)")
    named = [line for line in lines if line.topic == "named query"]
    failed = [line for line in lines if not line.ok]
    print(
        f"{sum(line.verdict != 'differs' for line in named)} of {len(named)} named queries agree; "
        f"{len(lines) - len(named)} probes, {sum(line.expected == 'differs' for line in lines)} "
        f"documented differences; {len(failed)} unexplained."
    )
    print("normalisations: " + "; ".join(f"{k} = {v}" for k, v in EXPLAINED.items()))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
