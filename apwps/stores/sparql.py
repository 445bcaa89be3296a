"""A store on any SPARQL 1.1 engine: queries through SPARQLWrapper, loading through the Graph Store
Protocol.

`publish` writes each named graph with its own name and also the union into the default graph, so
that queries see the union on every engine, whatever its own default-graph setting.
"""

from __future__ import annotations

import urllib.error
import urllib.parse
from collections.abc import Mapping
from typing import Any

import pyoxigraph as ox
import rdflib
import requests
from rdflib.term import Node
from requests.auth import AuthBase, HTTPBasicAuth, HTTPDigestAuth
from SPARQLWrapper import JSON, POST, TURTLE, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

from apwps.binding import with_values
from apwps.errors import QueryError, QueryTimeout, StoreError
from apwps.formats import Format
from apwps.guard import CheckedQuery, query_form
from apwps.results import chunks, take
from apwps.stores.base import (
    UNION_QUERY,
    Answer,
    AskResult,
    Dataset,
    GraphResult,
    Limits,
    QueryResult,
    SelectResult,
    Store,
    cut,
)
from apwps.stores.bnodes import safe_blank_labels, safe_label


def _term(binding: Mapping[str, Any]) -> Node:
    """A SPARQL JSON results term as an rdflib term."""
    kind = binding["type"]
    value = binding["value"]
    if kind == "uri":
        return rdflib.URIRef(value)
    if kind == "bnode":
        # labels are opaque and engine-specific (Virtuoso writes "nodeID://b123"): keep them as
        # labels that every serialiser accepts, one-to-one within an answer
        return rdflib.BNode(safe_label(value))
    if "xml:lang" in binding:
        return rdflib.Literal(value, lang=binding["xml:lang"])
    datatype = binding.get("datatype")
    return rdflib.Literal(value, datatype=rdflib.URIRef(datatype) if datatype else None)


class SparqlStore(Store):
    """A remote SPARQL 1.1 engine (Oxigraph server, Fuseki, Virtuoso, GraphDB…)."""

    def __init__(
        self,
        query_url: str,
        *,
        graph_store_url: str = "",
        update_url: str = "",
        timeout_s: float = 30.0,
        user: str = "",
        password: str = "",
    ) -> None:
        if not query_url:
            raise StoreError(
                "store = sparql needs `sparql_query_url` (the engine's query endpoint)"
            )
        self.query_url = query_url
        self.graph_store_url = graph_store_url
        self.update_url = update_url
        self.timeout_s = timeout_s
        self.user = user
        self._password = password
        self._credentials: AuthBase | None = None  # learnt from the Graph Store's challenge
        self.description = f"SPARQL engine at {query_url}"

    def _wrapper(self, text: str, dataset: Dataset) -> SPARQLWrapper:
        """A request for `text` with the dataset's bindings (a VALUES block) and graphs."""
        text = with_values(text, dataset.bindings or {})
        wrapper = SPARQLWrapper(self.query_url, agent="apwps")
        wrapper.setMethod(POST)
        # The protocol's content negotiation only: SPARQLWrapper's extra `format=` parameters are
        # not standard, and some engines (Virtuoso) answer 406 to values they do not know.
        wrapper.setOnlyConneg(True)
        wrapper.setTimeout(int(max(1, self.timeout_s)))
        wrapper.setQuery(text)
        # SPARQLWrapper guesses the form from the text and takes "addressed" in a comment for ADD
        # (and would send the query as an update): the guard's tokenizer knows it.
        wrapper.queryType = query_form(text) or "SELECT"
        for graph in dataset.default_graphs or ():
            wrapper.addDefaultGraph(graph)
        for graph in dataset.named_graphs or ():
            wrapper.addNamedGraph(graph)
        return wrapper

    def _fail(self, exc: BaseException) -> StoreError:
        cause = getattr(exc, "reason", None) or exc
        return StoreError(f"the SPARQL engine at {self.query_url} failed: {cause}")

    def _query(self, text: str, dataset: Dataset, max_rows: int | None) -> QueryResult:
        wrapper = self._wrapper(text, dataset)
        query_type = wrapper.queryType
        try:
            if query_type in ("CONSTRUCT", "DESCRIBE"):
                wrapper.setReturnFormat(TURTLE)
                raw = wrapper.query().response.read()
                graph = rdflib.Graph()
                graph.parse(data=raw.decode("utf-8"), format="turtle")
                triples, truncated = cut(graph, max_rows)
                if truncated:
                    graph = rdflib.Graph()
                    for triple in triples:
                        graph.add(triple)
                return GraphResult(graph, truncated)
            wrapper.setReturnFormat(JSON)
            data = wrapper.query().convert()
        except SPARQLWrapperException as exc:
            raise QueryError(f"the SPARQL engine refused the query: {exc}") from exc
        except (TimeoutError, urllib.error.URLError, ConnectionError) as exc:
            raise self._fail(exc) from exc
        except (ValueError, rdflib.exceptions.ParserError) as exc:
            raise StoreError(
                f"the SPARQL engine at {self.query_url} sent an unreadable answer: {exc}"
            ) from exc
        if not isinstance(data, dict):
            raise StoreError(f"the SPARQL engine at {self.query_url} sent an unreadable answer")
        if "boolean" in data:
            return AskResult(bool(data["boolean"]))
        variables = list(data.get("head", {}).get("vars", []))
        bindings_list, truncated = cut(data.get("results", {}).get("bindings", []), max_rows)
        rows = [{name: _term(value) for name, value in row.items()} for row in bindings_list]
        return SelectResult(variables, rows, truncated)

    def _solutions(self, text: str, dataset: Dataset) -> Any:
        """The engine's JSON results, parsed as they arrive."""
        wrapper = self._wrapper(text, dataset)
        wrapper.setReturnFormat(JSON)
        wrapper.addCustomHttpHeader("Accept", "application/sparql-results+json")
        try:
            response = wrapper.query().response
            return ox.parse_query_results(
                safe_blank_labels(response), format=ox.QueryResultsFormat.JSON
            )
        except SPARQLWrapperException as exc:
            raise QueryError(f"the SPARQL engine refused the query: {exc}") from exc
        except (TimeoutError, urllib.error.URLError, ConnectionError) as exc:
            raise self._fail(exc) from exc
        except (SyntaxError, ValueError, OSError) as exc:
            raise StoreError(
                f"the SPARQL engine at {self.query_url} sent an unreadable answer: {exc}"
            ) from exc

    def _stream(self, query: CheckedQuery, fmt: Format, dataset: Dataset, limits: Limits) -> Answer:
        max_rows, time_limit_ms = limits.max_rows, limits.time_limit_ms
        """The engine's answer read as it arrives (JSON results or N-Triples), cut at `max_rows`
        and written by the same writers as the embedded store's, so both answer alike."""
        limit_s = time_limit_ms / 1000 if time_limit_ms else self.timeout_s
        wrapper = self._wrapper(query.text, dataset)
        wrapper.setTimeout(max(1, int(min(limit_s, self.timeout_s) + 0.999)))
        graph_answer = query.kind == "graph"
        wrapper.setReturnFormat(TURTLE if graph_answer else JSON)
        wrapper.addCustomHttpHeader(
            "Accept", "application/n-triples" if graph_answer else "application/sparql-results+json"
        )
        try:
            response = wrapper.query().response
            if graph_answer:
                result: Any = (q.triple for q in ox.parse(response, format=ox.RdfFormat.N_TRIPLES))
            else:
                result = ox.parse_query_results(
                    safe_blank_labels(response), format=ox.QueryResultsFormat.JSON
                )
            head, payload = take(result, max_rows)
        except SPARQLWrapperException as exc:
            raise QueryError(f"the SPARQL engine refused the query: {exc}") from exc
        except TimeoutError as exc:
            raise QueryTimeout(
                f"the query ran past the time limit of {time_limit_ms} ms and was stopped "
                "(setting query_time_limit_ms)"
            ) from exc
        except urllib.error.URLError as exc:
            if isinstance(exc.reason, TimeoutError):
                raise QueryTimeout(
                    f"the query ran past the time limit of {time_limit_ms} ms and was stopped "
                    "(setting query_time_limit_ms)"
                ) from exc
            raise self._fail(exc) from exc
        except ConnectionError as exc:
            raise self._fail(exc) from exc
        except (SyntaxError, ValueError, OSError) as exc:
            raise StoreError(
                f"the SPARQL engine at {self.query_url} sent an unreadable answer: {exc}"
            ) from exc
        return Answer(head, fmt, chunks(head, payload, fmt, query.prefixes), lambda: None)

    # --- loading -------------------------------------------------------------------------------

    def _auth(self, url: str) -> AuthBase | None:
        """Credentials in the scheme the Graph Store asks for (Digest or Basic). A bodiless HEAD
        learns the scheme, and a Digest nonce, first: engines such as Virtuoso answer 401 and close
        the connection before reading a large body sent without credentials."""
        if not self.user:
            return None
        if self._credentials is None:
            digest = HTTPDigestAuth(self.user, self._password)
            probe = requests.head(url, auth=digest, timeout=self.timeout_s)
            challenge = probe.headers.get("WWW-Authenticate", "").lower()
            basic = probe.status_code == 401 and challenge.startswith("basic")
            self._credentials = HTTPBasicAuth(self.user, self._password) if basic else digest
        return self._credentials

    def _send(self, method: str, url: str, body: bytes, content_type: str) -> None:
        """One Graph Store request, with credentials when configured."""
        try:
            response = requests.request(
                method,
                url,
                data=body,
                headers={"Content-Type": content_type},
                auth=self._auth(url),
                timeout=self.timeout_s,
            )
        except requests.RequestException as exc:
            raise StoreError(f"the SPARQL engine at {url} cannot be reached: {exc}") from exc
        if response.status_code >= 400:
            detail = response.text[:300]
            raise StoreError(
                f"the SPARQL engine at {url} refused the data: {response.status_code} {detail}"
            )

    def put_graph(self, graph_iri: str | None, ntriples: bytes) -> None:
        """Replace one graph (None: the default graph) through the Graph Store Protocol."""
        if not self.graph_store_url:
            raise StoreError("loading needs `sparql_graph_store_url` (the Graph Store endpoint)")
        query = (
            "default" if graph_iri is None else "graph=" + urllib.parse.quote(graph_iri, safe="")
        )
        separator = "&" if "?" in self.graph_store_url else "?"
        self._send(
            "PUT", f"{self.graph_store_url}{separator}{query}", ntriples, "application/n-triples"
        )

    def load_nquads(self, data: bytes) -> None:
        """Each named graph, then their union into the default graph, read with Oxigraph: its
        N-Quads parser keeps a blank node shared between graphs one node (rdflib's made one per
        graph, so the union held such triples twice), and it reads a million quads in seconds."""
        source = ox.Store()
        source.bulk_load(data, format=ox.RdfFormat.N_QUADS)
        for graph in sorted(g.value for g in source.named_graphs() if isinstance(g, ox.NamedNode)):
            quads = source.quads_for_pattern(None, None, None, ox.NamedNode(graph))
            triples = ox.serialize((q.triple for q in quads), format=ox.RdfFormat.N_TRIPLES)
            self.put_graph(graph, triples or b"")
        union: Any = source.query(UNION_QUERY)
        self.put_graph(None, ox.serialize(union, format=ox.RdfFormat.N_TRIPLES) or b"")
