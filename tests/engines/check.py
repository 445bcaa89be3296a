"""The engine-neutrality check: every named query and every probe sent to the same app over two
stores, the embedded one and a remote engine, and their answers compared (`answers.compare`).

Both apps are the project's own (`server.create_app`), with the same limits; only the store
differs. `check_all` gives one `Line` per request, as the report in docs/engines.md has them.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import requests
from flask.testing import FlaskClient

from apwps.catalogue import Catalogue, NamedQuery
from apwps.config import Settings
from apwps.stores.base import Store
from tests.engines.answers import (
    Outcome,
    Reply,
    compare,
    compare_heads,
    compare_triples,
    order_keys,
)
from tests.engines.probes import JSON, PROBES, Probe

NAMED_ACCEPT = f"{JSON}, application/n-triples;q=0.9"
Fetch = Callable[[Probe], Reply]


@dataclass(frozen=True)
class Stores:
    """The app over each store, as functions that send a probe and return the answer."""

    embedded: Fetch
    remote: Fetch


def paired_stores(
    settings: Settings, store: Store, query_url: str, *, time_limit_ms: int, max_rows: int
) -> Stores:
    """The app over the embedded `store` and the app over the engine at `query_url`, with the same
    settings but the store."""
    from server import create_app

    common = settings.replace(query_time_limit_ms=time_limit_ms, max_result_rows=max_rows)
    embedded = create_app(common, store=store)
    remote = create_app(common.replace(store="sparql", sparql_query_url=query_url))
    return Stores(client_fetch(embedded.test_client()), client_fetch(remote.test_client()))


def client_fetch(client: FlaskClient) -> Fetch:
    """Sends a probe through `client`: its query to /sparql, or a GET of its path."""

    def fetch(probe: Probe) -> Reply:
        headers = {"Accept": probe.accept}
        if probe.query:
            answer = client.post(
                "/sparql", data={"query": probe.query, **probe.params}, headers=headers
            )
        else:
            answer = client.get(probe.path, query_string=probe.params, headers=headers)
        return Reply(
            answer.status_code,
            answer.headers.get("Content-Type", ""),
            answer.get_data(),
            answer.headers.get("APWPS-Result-Rows"),
            answer.headers.get("APWPS-Truncated") == "true",
        )

    return fetch


def named_probe(named: NamedQuery) -> Probe:
    """A named query with its defaults, from its catalogue page, in the order it states."""
    code = "\n".join(line.split("#")[0] for line in named.text.splitlines())
    return Probe(
        named.name,
        "named query",
        path=f"/queries/{named.name}",
        accept=NAMED_ACCEPT,
        ordered=re.search(r"\bORDER\s+BY\b", code, re.I) is not None,
        keys=order_keys(code),
    )


def compare_probe(probe: Probe, stores: Stores, dump: Path | None = None) -> Outcome:
    """Both answers to `probe`, compared; when they are not the same and `dump` is given, both go
    there as <name>.embedded.* and <name>.remote.*."""
    ours, theirs = stores.embedded(probe), stores.remote(probe)
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


def round_trip(query_url: str, dump: Path) -> Outcome:
    """Every triple of the engine's default graph against the union of the build's graphs."""
    answer = requests.post(
        query_url,
        data={"query": "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"},
        headers={"Accept": "application/n-triples"},
        timeout=300,
    )
    answer.raise_for_status()
    theirs = list(ox.parse(answer.content, format=ox.RdfFormat.N_TRIPLES))
    ours = {q.triple for q in ox.parse(path=str(dump), format=ox.RdfFormat.N_QUADS)}
    return compare_triples(list(ours), theirs)


@dataclass
class Line:
    """One check in the report: what was expected, what was seen."""

    probe: Probe
    outcome: Outcome

    @property
    def ok(self) -> bool:
        """As docs/engines.md says: the same (perhaps after normalising), a documented difference,
        or a known defect of the project's own."""
        if self.probe.expect == "differs":
            return self.outcome.verdict == "differs"
        return self.outcome.verdict != "differs" or bool(self.probe.project_defect)

    @property
    def label(self) -> str:
        if self.probe.expect == "differs":
            return "differs (documented)" if self.ok else "NO LONGER DIFFERS (update the docs)"
        if self.outcome.verdict == "differs":
            return (
                "DIFFERS (project defect)" if self.probe.project_defect else "DIFFERS (unexplained)"
            )
        return {"same": "same", "normalised": "same after normalising"}[self.outcome.verdict]

    @property
    def detail(self) -> str:
        detail = self.outcome.detail
        if self.outcome.normalisations:
            detail += " (normalised: " + ", ".join(self.outcome.normalisations) + ")"
        why = self.probe.why or self.probe.project_defect
        if why and self.outcome.verdict == "differs":
            detail = f"{why}: {detail}"
        return detail


def check_all(
    stores: Stores,
    short: Stores,
    catalogue: Catalogue,
    probes: tuple[Probe, ...] = PROBES,
    dump: Path | None = None,
) -> list[Line]:
    """Every named query, then every probe, through both stores (`short`: with a short time
    limit, for the probes that wait for it)."""
    if not len(catalogue):
        raise ValueError("no named queries in the catalogue: nothing to compare")
    requests_ = [named_probe(named) for named in catalogue] + list(probes)
    return [
        Line(p, compare_probe(p, short if p.short_time_limit else stores, dump)) for p in requests_
    ]


def markdown(lines: list[Line], timings: dict[str, float], facts: list[str]) -> str:
    """The report: a table of checks, one of timings, and a list of facts."""
    out = ["| check | topic | outcome | detail |", "|---|---|---|---|"]
    for line in lines:
        detail = line.detail.replace("|", "\\|")
        out.append(f"| {line.probe.name} | {line.probe.topic} | {line.label} | {detail} |")
    out += ["", "| step | seconds |", "|---|---|"]
    out += [f"| {step} | {seconds:.1f} |" for step, seconds in timings.items()]
    out += ["", *(f"- {fact}" for fact in facts)]
    return "\n".join(out) + "\n"


def unexpected(lines: list[Line]) -> list[Line]:
    return [line for line in lines if not line.ok]
