"""The default graph of a build: every stated triple once, and how queries read it.

A triple stated by twenty articles sits in twenty source graphs. Oxigraph's "union default
graph" is a bag, so it would come back twenty times, and every join over it would multiply
(SPARQL's default graph is a graph: a set). Each build therefore stores in its default graph
the RDF merge of its named graphs, the inferred graph aside, and queries read that default
graph together with the inferred graph, which never repeats one of its triples. A build made
with ``full_entailment`` also has the graph ``graph/inferred-full``: the entailed triples the
filter of ``loaders.reasoning.is_useful`` drops, read only by queries that ask for the full regime.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any, cast

import pyoxigraph as ox

from accords.loaders.vocabulary import INFERRED_FULL_GRAPH, INFERRED_GRAPH

DEFAULT = ox.DefaultGraph()
INFERRED = ox.NamedNode(str(INFERRED_GRAPH))
INFERRED_FULL = ox.NamedNode(str(INFERRED_FULL_GRAPH))
INFERENCES = (INFERRED, INFERRED_FULL)
FILL_BATCH = 200_000  # quads per bulk load while filling the default graph
SHADOWED_INFERENCES = f"SELECT ?s ?p ?o WHERE {{ GRAPH <{INFERRED_GRAPH}> {{ ?s ?p ?o }} ?s ?p ?o }}"


def solutions(store: ox.Store, query: str, **dataset: Any) -> ox.QuerySolutions:
    """The solutions of a SELECT query on ``store`` (``dataset``: Store.query's keyword arguments)."""
    return cast(ox.QuerySolutions, store.query(query, **dataset))


def query_dataset(
    infer: bool, named_graphs: Iterable[ox.NamedNode | ox.BlankNode] = (), full: bool = False
) -> dict:
    """The keyword arguments of ``Store.query`` for the default dataset of a build.

    With ``infer``: the stated triples and the inferred ones (with ``full``, the full regime's
    too), every named graph by name. Without: the stated triples, and ``named_graphs`` minus
    the inferred graphs.
    """
    if infer:
        return {"default_graph": [DEFAULT, INFERRED, INFERRED_FULL] if full else [DEFAULT, INFERRED]}
    return {"default_graph": DEFAULT, "named_graphs": [g for g in named_graphs if g not in INFERENCES]}


def fill(store: ox.Store) -> None:
    """Copy every triple of the named graphs but the inferred one into the default graph.

    A graph's quads are read into a list before the bulk loader writes: bulk-loading from a
    live iterator over the same store corrupts it.
    """
    batch: list[ox.Quad] = []
    for graph in list(store.named_graphs()):
        if graph not in INFERENCES:
            batch += [
                ox.Quad(q.subject, q.predicate, q.object)
                for q in store.quads_for_pattern(None, None, None, graph)
            ]
        if len(batch) >= FILL_BATCH:
            store.bulk_extend(batch)
            batch = []
    store.bulk_extend(batch)
    drop_shadowed_inferences(store)


def as_default(nquads: bytes, graph: str) -> bytes:
    """The N-Quads of one named graph (one quad a line) as N-Quads of the default graph."""
    return nquads.replace(f" <{graph}> .\n".encode(), b" .\n")


def add(store: ox.Store, quads: list[ox.Quad]) -> None:
    """Add the quads of named graphs, and their triples to the default graph."""
    store.extend([*quads, *(ox.Quad(q.subject, q.predicate, q.object) for q in quads)])


def bulk_add(store: ox.Store, quads: list[ox.Quad]) -> None:
    """``add`` for a build being written: the bulk loader, no transaction (blank nodes kept)."""
    store.bulk_extend([*quads, *(ox.Quad(q.subject, q.predicate, q.object) for q in quads)])


def add_inferences(store: ox.Store, quads: list[ox.Quad]) -> None:
    """Add quads of an inferred graph, but not those whose triple the default graph states."""
    store.extend([q for q in quads if ox.Quad(q.subject, q.predicate, q.object) not in store])


def merged_triples(store: ox.Store) -> Iterator[ox.Triple]:
    """Every triple once: the default graph (the merge of the stated graphs), then the inferred graph."""
    for graph in (DEFAULT, INFERRED):
        for quad in store.quads_for_pattern(None, None, None, graph):
            yield quad.triple


def named_quads(store: ox.Store) -> Iterator[ox.Quad]:
    """The quads of the named graphs (the default graph is derived from them)."""
    for graph in list(store.named_graphs()):
        yield from store.quads_for_pattern(None, None, None, graph)


def stated_triples(store: ox.Store, graph: ox.NamedNode) -> list[ox.Triple]:
    """The triples of a named graph, read before it is removed or replaced."""
    return [q.triple for q in store.quads_for_pattern(None, None, None, graph)]


def drop_unstated(store: ox.Store, triples: Iterable[ox.Triple]) -> None:
    """Remove from the default graph the ``triples`` no named graph (the inferred aside) states any more."""
    for triple in set(triples):
        holders = store.quads_for_pattern(triple.subject, triple.predicate, triple.object, None)
        if all(q.graph_name in INFERENCES or q.graph_name == DEFAULT for q in holders):
            store.remove(ox.Quad(triple.subject, triple.predicate, triple.object))


def drop_shadowed_inferences(store: ox.Store) -> None:
    """Remove from the inferred graphs what the default graph already states (an as-is graph may)."""
    for graph in INFERENCES:
        shadowed = [
            ox.Quad(row["s"], row["p"], row["o"], graph)
            for row in solutions(
                store, SHADOWED_INFERENCES.replace(str(INFERRED_GRAPH), graph.value), default_graph=DEFAULT
            )
        ]
        for quad in shadowed:
            store.remove(quad)


def default_triples(store: ox.Store) -> int:
    """How many triples the default graph holds."""
    return _count(store, "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }")


def named_quad_count(store: ox.Store) -> int:
    """How many quads the named graphs hold."""
    return _count(store, "SELECT (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } }")


def _count(store: ox.Store, query: str) -> int:
    return int(next(iter(solutions(store, query, default_graph=DEFAULT)))["n"].value)
