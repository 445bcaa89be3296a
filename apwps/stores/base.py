"""The store interface every backend implements, the result types it returns, and what the backends
share: the dataset a query runs over, cutting answers at a row limit, reading SELECT rows as they
arrive, and counting triples."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import islice
from typing import Any, TypeVar

import rdflib
from rdflib.term import Node

from apwps.errors import StoreError
from apwps.formats import Format
from apwps.guard import CheckedQuery
from apwps.terms import to_rdflib

T = TypeVar("T")

# The union of the named graphs, which both stores keep in their default graph.
UNION_QUERY = "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }"
GRAPH_COUNTS = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
UNION_COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


@dataclass
class SelectResult:
    """Rows of a SELECT: each row maps variable names to rdflib terms (unbound ones absent)."""

    variables: list[str]
    rows: list[dict[str, Node]]
    truncated: bool = False


@dataclass
class AskResult:
    value: bool
    truncated: bool = False


@dataclass
class GraphResult:
    """Triples of a CONSTRUCT or DESCRIBE."""

    graph: rdflib.Graph = field(default_factory=rdflib.Graph)
    truncated: bool = False


QueryResult = SelectResult | AskResult | GraphResult


@dataclass(frozen=True)
class Head:
    """What is known of a streamed answer before its first byte: shape, size, whether it was cut."""

    kind: str  # "solutions", "boolean" or "triples"
    variables: tuple[str, ...]
    rows: int
    truncated: bool


@dataclass
class Answer:
    """A streamed answer: its head, its bytes in `format`, and how to abandon it midway."""

    head: Head
    format: Format
    chunks: Iterator[bytes]
    close: Callable[[], None]


@dataclass(frozen=True)
class Counts:
    """Triples per named graph, and the distinct triples the union holds."""

    per_graph: dict[str, int]
    union: int


@dataclass(frozen=True)
class Dataset:
    """What a query runs with: pre-bound variables (RDF terms, never pasted into the text) and the
    graphs that make its default graph and its named graphs (None: the store's own)."""

    bindings: Mapping[str, Node] | None = None
    default_graphs: Sequence[str] | None = None
    named_graphs: Sequence[str] | None = None


@dataclass(frozen=True)
class Limits:
    """How far a streamed answer may go: rows written, and milliseconds (0: no time limit)."""

    max_rows: int | None = None
    time_limit_ms: int = 0


def cut(items: Iterable[T], max_rows: int | None) -> tuple[list[T], bool]:
    """At most `max_rows` of `items` (reading one more, no further), and whether any were left."""
    if max_rows is None:
        return list(items), False
    taken = list(islice(items, max_rows + 1))
    return taken[:max_rows], len(taken) > max_rows


def solution_rows(solutions: Any) -> Iterator[dict[str, Node]]:
    """Oxigraph's query solutions as rows of rdflib terms (unbound variables absent)."""
    names = [v.value for v in solutions.variables]
    for solution in solutions:
        yield {name: to_rdflib(solution[name]) for name in names if solution[name] is not None}


class Store(ABC):
    """What the rest of the project needs of a store: query it, load a built dataset, count it."""

    description: str = "store"

    def query(
        self,
        text: str,
        *,
        bindings: Mapping[str, Node] | None = None,
        default_graphs: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
        max_rows: int | None = None,
    ) -> QueryResult:
        """Run a read-only SPARQL query over the union of all graphs (unless graphs are named).

        `bindings` pre-bind variables to RDF terms; they are never pasted into the text.
        """
        return self._query(text, Dataset(bindings, default_graphs, named_graphs), max_rows)

    def rows(
        self, text: str, *, bindings: Mapping[str, Node] | None = None
    ) -> Iterator[dict[str, Node]]:
        """The rows of a SELECT as they arrive, for answers too large to hold twice (an index
        built from the whole graph): neither the engine's answer nor its rows are kept."""
        solutions = self._solutions(text, Dataset(bindings))
        try:
            yield from solution_rows(solutions)
        except (SyntaxError, ValueError, OSError, RuntimeError) as exc:  # cut off midway
            raise StoreError(f"{self.description} sent an answer that ends early: {exc}") from exc

    def stream(
        self,
        query: CheckedQuery,
        fmt: Format,
        *,
        bindings: Mapping[str, Node] | None = None,
        default_graphs: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
        max_rows: int | None = None,
        time_limit_ms: int = 0,
    ) -> Answer:
        """Run a guarded query within `time_limit_ms` (0: none) and write its answer in `fmt`.

        The default graph is the union of all graphs (as a set) unless the query's FROM clauses or
        `default_graphs` say otherwise; `named_graphs`, when given, are the only ones GRAPH sees.
        At most `max_rows` rows are written, and the head says when the answer was cut.
        """
        dataset = Dataset(bindings, default_graphs, named_graphs)
        return self._stream(query, fmt, dataset, Limits(max_rows, time_limit_ms))

    @abstractmethod
    def _query(self, text: str, dataset: Dataset, max_rows: int | None) -> QueryResult:
        """`query` on this backend."""

    @abstractmethod
    def _solutions(self, text: str, dataset: Dataset) -> Any:
        """The engine's solutions of a SELECT (pyoxigraph `QuerySolutions`), read lazily."""

    @abstractmethod
    def _stream(self, query: CheckedQuery, fmt: Format, dataset: Dataset, limits: Limits) -> Answer:
        """`stream` on this backend."""

    @abstractmethod
    def load_nquads(self, data: bytes) -> None:
        """Replace the store's content with an N-Quads dataset."""

    def counts(self) -> Counts:
        """Triples per named graph, and in their union."""
        per_graph = {str(r["g"]): int(r["n"]) for r in self.rows(GRAPH_COUNTS) if "g" in r}  # type: ignore[call-overload]
        union = next(self.rows(UNION_COUNT), {})
        return Counts(per_graph, int(union["n"]) if "n" in union else 0)  # type: ignore[call-overload]

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release connections or memory."""
