"""A private OpenLink Virtuoso for the engine-neutrality check (docs/engines.md).

It runs from a throwaway directory with its own virtuoso.ini (the packaged one with this instance's
database files, loopback ports and SPARQL limits), never as the system's service. `prepare_host` and
`name_graphs` configure it so that its default graph and GRAPH ?g behave as the project's contract
says, and `publish` loads the build with `apwps publish`.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import requests
from click.testing import CliRunner

from apwps.cli import main
from apwps.config import Settings
from tests.conftest import Process, free_port, stop, wait_until_up

PACKAGED_INI = Path("/etc/virtuoso-opensource-7/virtuoso.ini")
UNION_GRAPH = "urn:x-apwps:union"
# A fresh database's own administrator: the instance lives for minutes, on loopback only.
DBA = ("dba", "dba")
JSON = "application/sparql-results+json"


class VirtuosoError(RuntimeError):
    """Virtuoso is missing, or refused a configuration step or the publish."""


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
    """A Virtuoso process started by `start_virtuoso`, with its ports."""

    server: Process
    http_port: int
    sql_port: int

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.http_port}"

    @property
    def query_url(self) -> str:
        return f"{self.base}/sparql"

    def wait(self, seconds: float = 180) -> None:
        """Until the SPARQL endpoint answers (a fresh database takes some seconds to create)."""
        url = f"{self.query_url}?query=ASK%7B%7D"
        wait_until_up(url, self.server.process, self.server.log_path, seconds)

    def stop(self) -> None:
        stop(self.server.process)

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
            raise VirtuosoError(f"isql failed on {statement[:80]!r}:\n{done.stdout}\n{done.stderr}")
        return done.stdout

    def graphs(self) -> list[str]:
        answer = requests.post(
            self.query_url,
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

    def publish(self, settings: Settings) -> str:
        """`apwps publish` of the build that `settings` name, as the database's administrator
        (HTTP Digest): the Graph Store at /sparql-graph-crud-auth, updates at /sparql-auth."""
        overrides = {
            "root": settings.root,
            "dist_dir": settings.dist_dir,
            "check_consistency": "false",
            "sparql_query_url": self.query_url,
            "sparql_graph_store_url": f"{self.base}/sparql-graph-crud-auth",
            "sparql_update_url": f"{self.base}/sparql-auth",
            "sparql_user": DBA[0],
        }
        args = [item for name, value in overrides.items() for item in ("--set", f"{name}={value}")]
        result = CliRunner().invoke(main, [*args, "publish"], env={"APWPS_SPARQL_PASSWORD": DBA[1]})
        if result.exit_code != 0:
            raise VirtuosoError(
                f"apwps publish failed ({result.exit_code}):\n{result.output[-4000:]}"
            ) from result.exception
        return result.output.strip()

    def name_graphs(self) -> int:
        """After publishing: GRAPH ?g ranges over exactly the published graphs, not over the
        union's graph too (excluding that one would empty the default graph as well). Run again
        after every publish that adds or removes a graph. Returns how many graphs are named."""
        published = [g for g in self.graphs() if g != UNION_GRAPH]
        self._defines(" ".join(f"define input:named-graph-uri <{g}>" for g in published))
        return len(published)


def start_virtuoso(directory: Path, *, max_rows: int, time_limit_s: int) -> Virtuoso:
    """Virtuoso on two free loopback ports with its database in `directory`, started but not yet
    answering (`Virtuoso.wait`): it creates its database meanwhile."""
    binary = shutil.which("virtuoso-t")
    if binary is None or not PACKAGED_INI.exists():
        raise VirtuosoError(
            "virtuoso-t not found: install Debian's virtuoso-opensource (make system-deps)"
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
    log_path = directory / "virtuoso.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [binary, "+foreground", "+configfile", str(ini)],
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=directory,
        )
    return Virtuoso(
        Process(f"http://127.0.0.1:{http_port}", process, log_path), http_port, sql_port
    )
