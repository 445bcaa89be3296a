"""The store interface every backend implements, and the result types it returns."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field

import rdflib
from rdflib.term import Node

from apwps.formats import Format
from apwps.guard import CheckedQuery


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


class Store(ABC):
    """What the rest of the project needs of a store: query it, load a built dataset, count it."""

    description: str = "store"

    @abstractmethod
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

    @abstractmethod
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

    @abstractmethod
    def load_nquads(self, data: bytes) -> None:
        """Replace the store's content with an N-Quads dataset."""

    @abstractmethod
    def counts(self) -> Counts:
        """Triples per named graph."""

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release connections or memory."""
