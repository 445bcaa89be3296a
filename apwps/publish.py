"""Publishing a build into an external SPARQL engine with SPARQL 1.1 Update, at any size.

The dump is read as a stream (never held whole) and sent in requests of at most
`publish_batch_triples` triples, shaped by apwps/updates.py (blank nodes stay one node each).

Where the engine holds an earlier publish, the new one is written into *staging* graphs
(`urn:x-apwps:staging:` + the graph's name) and swapped in (`MOVE`) once all are written, so
readers see the earlier publish, whole, until the swap: a failure before it leaves that publish
untouched, a failure during it leaves some graphs new and some old. An engine that holds no graph
of the build has nothing to protect, and the graphs are written in place, at a fraction of the cost.
Either way running it again repairs a failed publish: it drops the staging graphs it finds and
starts over (staged, as the engine now holds graphs of the build).

The union of the named graphs is the engine's default graph, as in the embedded store, so that
queries see the union on every engine whatever its own default-graph setting. Graphs under
`<base_iri>graph/` that the build no longer has are dropped; other graphs are left alone. With
`infer`, the inferred graph is computed by the engine (apwps.reason) instead of sent.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from apwps.config import Settings
from apwps.errors import StoreError
from apwps.load import GRAPH_PATH, INFERRED_GRAPH
from apwps.reason import InferenceReport, materialise_remote
from apwps.stores.base import QueryResult, SelectResult
from apwps.stores.sparql import SparqlStore
from apwps.updates import (
    TEMPLATE_TRIPLES,
    blank_components,
    graph_name,
    has_blank,
    insert_data,
    insert_template,
    packed,
    sized,
)

STAGING = "urn:x-apwps:staging:"
STAGED_UNION = STAGING + "default"
Log = Callable[[str], None]


class PublishFailed(StoreError):
    """A publish stopped midway; the message says what the engine holds now."""

    code = "publish_failed"


@dataclass
class Published:
    """What a publish wrote, and how."""

    triples_per_graph: dict[str, int]
    staged: bool
    requests: int = 0
    dropped: list[str] = field(default_factory=list)
    inference: InferenceReport | None = None
    seconds: float = 0.0

    @property
    def triples(self) -> int:
        return sum(self.triples_per_graph.values())


def staging(graph: str | None) -> str:
    """The staging graph of a named graph (None: of the default graph, i.e. the union)."""
    return STAGED_UNION if graph is None else STAGING + graph


class Publisher:
    """One publish of an N-Quads dump into the engine behind `remote` and `update_url`."""

    def __init__(
        self,
        remote: SparqlStore,
        update_url: str,
        *,
        batch_triples: int,
        managed_prefix: str,
        log: Log | None = None,
    ) -> None:
        if not update_url:
            raise StoreError("publishing needs `sparql_update_url` (the engine's update endpoint)")
        self.remote = remote
        self.update_url = update_url
        self.batch_triples = max(1, batch_triples)
        self.managed_prefix = managed_prefix
        self.log = log or (lambda _message: None)
        self.requests = 0
        self.staged = True
        self._phase = "starting"
        self._written: dict[str | None, int] = defaultdict(int)
        self._cleared: set[str | None] = set()
        self._swapped = 0

    # --- the engine ------------------------------------------------------------------------------

    def update(self, text: str) -> None:
        """One SPARQL Update request (credentials as the engine asks, like the Graph Store's)."""
        self.remote._send(
            "POST", self.update_url, text.encode("utf-8"), "application/sparql-update"
        )
        self.requests += 1

    def query(self, text: str) -> QueryResult:
        return self.remote.query(text)

    def graphs(self) -> list[str]:
        """The named graphs the engine holds now."""
        result = self.remote.query("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
        rows = result.rows if isinstance(result, SelectResult) else []
        return sorted(str(row["g"]) for row in rows if "g" in row)

    def target(self, graph: str | None) -> str | None:
        """Where a graph of the dump is written now (None: the default graph)."""
        return staging(graph) if self.staged else graph

    # --- the run ---------------------------------------------------------------------------------

    def publish(self, dump: Path, *, infer: str | None = None) -> Published:
        """Write `dump` (with `infer`, all but graph `infer`, which the engine then computes) and
        make it what the engine serves. Raises PublishFailed saying what the engine holds."""
        started = time.monotonic()
        report = None
        stale: list[str] = []
        try:
            self._phase = "reading the engine's graphs"
            existing = self.graphs()
            leftovers = [g for g in existing if g.startswith(STAGING)]
            self.staged = any(g.startswith(self.managed_prefix) for g in existing)
            self.log(
                f"the engine holds {len(existing)} named graphs: "
                + ("staging the new publish" if self.staged else "writing in place")
            )
            self._drop(sorted({*leftovers, STAGED_UNION}))
            if not self.staged:
                self.update("CLEAR SILENT DEFAULT")
            self._cleared.update([None, *(g.removeprefix(STAGING) for g in leftovers)])
            self._phase = "staging" if self.staged else "writing"
            self._write(dump, skip={infer} if infer else set())
            if not self.staged:
                self._phase = "filling the default graph"
                self._add_all(None)
                if infer is not None:
                    self._phase = "inferring"
                    report = self._infer(infer, None)
                return self._published(stale, report, started)
            # Engines whose GRAPH <…> reads only the graphs their configuration lists (Virtuoso
            # with a host default graph) get the union staged and moved over the default graph,
            # and infer after the swap; the others infer on the staged graphs and have their
            # default graph brought up to date triple by triple.
            first = next((g for g in self._written if g is not None), None)
            reads = None not in self._written and first is not None and self._sees(staging(first))
            if infer is not None or not reads:
                self._phase = "staging the union"
                self._add_all(STAGED_UNION)
            if infer is not None and reads:
                self._phase = "inferring"
                report = self._infer(infer, STAGED_UNION)
            self._phase = "swapping"
            keep = {g for g in self._written if g is not None}
            stale = [
                g
                for g in existing
                if g.startswith(self.managed_prefix) and g not in keep and g != infer
            ]
            # the live inferred graph goes unless a new one was staged
            drop = [*stale, *([infer] if infer and infer not in keep else [])]
            self._swap(drop, union=not reads)
            if reads:
                self._phase = "updating the default graph"
                self._refresh_default()
            if infer is not None and not reads:
                self._phase = "inferring after the swap"
                report = self._infer(infer, None)
        except (StoreError, SyntaxError, OSError) as exc:
            raise PublishFailed(self._failure(exc)) from exc
        return self._published(stale, report, started)

    def _published(
        self, stale: list[str], report: InferenceReport | None, started: float
    ) -> Published:
        return Published(
            {g: n for g, n in self._written.items() if g is not None},
            self.staged,
            self.requests,
            stale,
            report,
            time.monotonic() - started,
        )

    def _sees(self, graph: str) -> bool:
        """Whether the engine's GRAPH <…> reads a graph this run wrote."""
        result = self.query(f"SELECT ?s WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }} LIMIT 1")
        return isinstance(result, SelectResult) and bool(result.rows)

    def _drop(self, graphs: list[str]) -> None:
        for start in range(0, len(graphs), 1000):
            chunk = graphs[start : start + 1000]
            self.update(" ;\n".join(f"DROP SILENT GRAPH <{g}>" for g in chunk))

    def _first_sight(self, graphs: Iterable[str | None]) -> str:
        """`DROP SILENT` for graphs this run has not written to yet (a failed run's, or the
        graph's earlier content when writing in place)."""
        fresh = [g for g in graphs if g not in self._cleared]
        self._cleared.update(fresh)
        return "".join(f"DROP SILENT GRAPH <{self.target(g)}> ;\n" for g in fresh)

    def _write(self, dump: Path, skip: set[str]) -> None:
        """Stream the dump to the engine; quads with blank nodes wait for the end of the stream,
        then go with the others that share their blank nodes."""
        batch: dict[str | None, list[ox.Triple]] = defaultdict(list)
        size = 0
        blank: list[ox.Quad] = []
        anchor: ox.Quad | None = None
        next_log = time.monotonic() + 10
        for quad in ox.parse(path=str(dump), format=ox.RdfFormat.N_QUADS):
            if isinstance(quad.graph_name, ox.BlankNode):
                raise StoreError(f"{dump}: a graph named by a blank node cannot be published")
            graph = graph_name(quad)
            if graph in skip:
                continue
            if has_blank(quad):
                blank.append(quad)
                continue
            anchor = anchor or quad
            batch[graph].append(quad.triple)
            size += 1
            if size >= self.batch_triples:
                self._send_data(batch)
                batch, size = defaultdict(list), 0
                if time.monotonic() >= next_log:
                    self.log(f"written {sum(self._written.values()):,} triples")
                    next_log = time.monotonic() + 10
        if batch:
            self._send_data(batch)
        operations = [
            [quad for group in groups for quad in group]
            for groups in packed(blank_components(blank), TEMPLATE_TRIPLES)
        ]
        for request in packed(operations, self.batch_triples):
            graphs = {graph_name(q) for op in request for q in op}
            self.update(
                self._first_sight(graphs)
                + " ;\n".join(insert_template(op, self.target, anchor) for op in request)
            )
            for op in request:
                for quad in op:
                    self._written[graph_name(quad)] += 1
        self.log(
            f"{'staged' if self.staged else 'written'} {sum(self._written.values()):,} triples "
            f"in {len(self._written)} graphs ({self.requests} requests)"
        )

    def _send_data(self, batch: dict[str | None, list[ox.Triple]]) -> None:
        self.update(self._first_sight(batch) + insert_data(batch, self.target))
        for graph, members in batch.items():
            self._written[graph] += len(members)

    def _add_all(self, union: str | None) -> None:
        """The union of the written graphs into `union` (None: the default graph)."""
        named = {g: n for g, n in self._written.items() if g is not None}
        into = "DEFAULT" if union is None else f"<{union}>"
        for batch in sized(named, self.batch_triples):
            self.update(" ;\n".join(f"ADD <{self.target(g)}> TO {into}" for g in batch))
        self.log(f"the union of {len(named)} graphs is written ({self.requests} requests)")

    def _infer(self, inferred: str, union: str | None) -> InferenceReport:
        target = staging(inferred) if union == STAGED_UNION else inferred
        self.update(f"DROP SILENT GRAPH <{target}>")
        report = materialise_remote(self, target, union)
        if report.inferred:
            self._written[inferred] = report.inferred
        self.log(f"inferred {report.inferred:,} triples on the engine in {report.rounds} rounds")
        return report

    def _swap(self, drop: list[str], *, union: bool) -> None:
        """MOVE each staged graph over its live one; drop the graphs in `drop`; with `union`, MOVE
        the staged union over the default graph in the same last request."""
        named = {g: n for g, n in self._written.items() if g is not None}
        for batch in sized(named, self.batch_triples):
            self.update(" ;\n".join(f"MOVE <{staging(g)}> TO <{g}>" for g in batch))
            self._swapped += len(batch)
        last = [f"DROP SILENT GRAPH <{g}>" for g in drop]
        if union:
            last.append(f"MOVE <{STAGED_UNION}> TO DEFAULT")
            self._swapped += 1
        if last:
            self.update(" ;\n".join(last))
        self.log(f"swapped in {self._swapped} graphs ({self.requests} requests)")

    def _refresh_default(self) -> None:
        """The default graph made the union of the named graphs by its difference only: what the
        swapped graphs add, batch by batch, then what no graph holds any more, in one request
        (a whole-union MOVE is one transaction the size of the graph)."""
        named = {g: n for g, n in self._written.items() if g is not None}
        for batch in sized(named, self.batch_triples):
            self.update(
                " ;\n".join(
                    f"INSERT {{ ?s ?p ?o }} WHERE {{ GRAPH <{g}> {{ ?s ?p ?o }} "
                    "FILTER NOT EXISTS { ?s ?p ?o } }"
                    for g in batch
                )
            )
        self.update(
            f"DROP SILENT GRAPH <{STAGED_UNION}> ;\n"
            "DELETE { ?s ?p ?o } WHERE { ?s ?p ?o FILTER NOT EXISTS { GRAPH ?g { ?s ?p ?o } } }"
        )
        self._swapped += 1
        self.log(f"brought the default graph up to date ({self.requests} requests)")

    def _failure(self, exc: BaseException) -> str:
        """What the engine holds after a failure, and what to do."""
        graphs = sum(1 for g in self._written if g is not None)
        written = f"{sum(self._written.values()):,} triples of {graphs} graphs"
        if not self.requests:
            state = "Nothing was written"
        elif not self.staged:
            state = (
                f"The engine held no graph of the build, so this publish wrote in place: "
                f"{written} are there, the default graph and the rest are incomplete"
            )
        elif self._phase == "inferring after the swap":
            state = "Every graph holds the new build, but its inferences are incomplete"
        elif self._phase == "updating the default graph":
            state = (
                "Every named graph holds the new build; the default graph holds the previous "
                "publish's union and part of the new one"
            )
        elif self._swapped:
            state = (
                f"{self._swapped} of {graphs + 1} graphs (the default graph last) hold the new "
                "build, the others still hold the previous publish"
            )
        else:
            state = (
                f"The engine still serves the previous publish unchanged ({written} were "
                f"staged in `{STAGING}…` graphs, which a re-run drops)"
            )
        return (
            f"publish stopped while {self._phase}, after {self.requests} requests: {exc}. "
            f"{state}. Run `apwps publish` again to repair it."
        )


def publish(
    settings: Settings,
    remote: SparqlStore,
    dump: Path,
    *,
    infer: bool = False,
    log: Log | None = None,
) -> Published:
    """Publish `dump` as the settings say: batches of `publish_batch_triples`, the graphs under
    `<base_iri>graph/` managed, and with `infer` the inferred graph computed by the engine."""
    publisher = Publisher(
        remote,
        settings.sparql_update_url,
        batch_triples=settings.publish_batch_triples,
        managed_prefix=settings.base_iri + GRAPH_PATH,
        log=log,
    )
    return publisher.publish(dump, infer=settings.base_iri + INFERRED_GRAPH if infer else None)
