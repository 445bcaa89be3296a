"""Stores behind one small interface: the embedded Oxigraph store and any SPARQL 1.1 engine."""

from apwps.stores.base import AskResult, GraphResult, QueryResult, SelectResult, Store

__all__ = ["AskResult", "GraphResult", "QueryResult", "SelectResult", "Store"]
