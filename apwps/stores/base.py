"""The store interface every backend implements, and the result types it returns."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import rdflib
from rdflib.term import Node


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
    def load_nquads(self, data: bytes) -> None:
        """Replace the store's content with an N-Quads dataset."""

    @abstractmethod
    def counts(self) -> Counts:
        """Triples per named graph."""

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release connections or memory."""
