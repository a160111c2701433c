"""The default graphs of a build: every triple once, with and without the inferences.

A triple stated by twenty articles sits in twenty source graphs. Oxigraph's "union default
graph" is a bag, so it would come back twenty times, and every join over it would multiply
(SPARQL's default graph is a graph: a set). A build is therefore two stores, so that every
query reads one graph and names no dataset (a dataset listing named graphs costs pyoxigraph
~15 µs per graph on every query):

- ``db``: every named graph, and as default graph the merge of the stated graphs together with
  the inferred graph (which never repeats a stated triple): what queries read by default;
- ``db-stated``: a RocksDB checkpoint of ``db`` taken before the inferences were added: every
  named graph but the inferred ones, the merge of the stated graphs as default graph; what
  ``infer=false`` reads. ``db`` is compacted again once the inferences are in, so most of their
  files are no longer shared (a build takes 1.6–1.8× the disk, for queries up to 1.7× faster).

A build made with ``full_entailment`` also has the graph ``graph/inferred-full`` in ``db``: the
entailed triples the filter of ``loaders.reasoning.is_useful`` drops, read (as a second default
graph) only by queries that ask for the full regime.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, cast

import pyoxigraph as ox

from accords.loaders.vocabulary import INFERRED_FULL_GRAPH, INFERRED_GRAPH

DEFAULT = ox.DefaultGraph()
INFERRED = ox.NamedNode(str(INFERRED_GRAPH))
INFERRED_FULL = ox.NamedNode(str(INFERRED_FULL_GRAPH))
INFERENCES = (INFERRED, INFERRED_FULL)
STATED_DB = "db-stated"  # beside ``db`` in a build's folder
FILL_BATCH = 200_000  # quads per bulk load while filling the default graph


def solutions(store: ox.Store, query: str, **dataset: Any) -> ox.QuerySolutions:
    """The solutions of a SELECT query on ``store`` (``dataset``: Store.query's keyword arguments)."""
    return cast(ox.QuerySolutions, store.query(query, **dataset))


def query_dataset(full: bool = False) -> dict:
    """The keyword arguments of ``Store.query`` for the default dataset of a build's store.

    None: the store's own default graph (stated ∪ inferred in ``db``, stated in ``db-stated``)
    and every named graph. With ``full``, the full regime's graph too.
    """
    return {"default_graph": [DEFAULT, INFERRED_FULL]} if full else {}


def open_stated(build: Path) -> ox.Store:
    """The stated store of a finished build, read-only (``infer=false``)."""
    return ox.Store.read_only(str(build / STATED_DB))


def fill(store: ox.Store, folder: Path) -> None:
    """Derive both default graphs from the named graphs of a store written graph by graph.

    A graph's quads are read into a list before the bulk loader writes: bulk-loading from a
    live iterator over the same store corrupts it.
    """
    inferences = {g: list(store.quads_for_pattern(None, None, None, g)) for g in INFERENCES}
    for inferred in INFERENCES:
        store.remove_graph(inferred)
    batch: list[ox.Quad] = []
    for graph in list(store.named_graphs()):
        quads = store.quads_for_pattern(None, None, None, graph)
        batch += [ox.Quad(q.subject, q.predicate, q.object) for q in quads]
        if len(batch) >= FILL_BATCH:
            store.bulk_extend(batch)
            batch = []
    store.bulk_extend(batch)
    checkpoint(store, folder)
    add_inferences(store, folder, inferences[INFERRED], inferences[INFERRED_FULL])


def checkpoint(store: ox.Store, folder: Path) -> None:
    """Compact ``store`` (the stated graphs and their merge) and checkpoint it as ``db-stated``.

    Compacted first, so that ``infer=false`` reads sorted files, not the loader's batches. The
    inferences come after; the build compacts ``store`` again then (``store.build_folder``),
    which un-shares the checkpoint's hard links: the inferences bulk-loaded beside the
    compacted files would otherwise make every lookup read two sorted runs per index.
    """
    store.flush()
    store.optimize()
    store.backup(str(folder / STATED_DB))


def add_inferences(
    store: ox.Store, folder: Path, inferred: Iterable[ox.Quad], full: Iterable[ox.Quad]
) -> None:
    """Add the inferences to a checkpointed ``store``, but those the stated store states (an
    as-is graph may)."""
    stated = open_stated(folder)
    try:
        set_inferences(store, stated, INFERRED, (), inferred)
        set_inferences(store, stated, INFERRED_FULL, (), full)
    finally:
        del stated


def as_default(nquads: bytes, graph: str) -> bytes:
    """The N-Quads of one named graph (one quad a line) as N-Quads of the default graph."""
    return nquads.replace(f" <{graph}> .\n".encode(), b" .\n")


def add(stores: Iterable[ox.Store], quads: list[ox.Quad]) -> None:
    """Add the quads of stated named graphs, and their triples to the default graph, to each store."""
    with_default = [*quads, *(ox.Quad(q.subject, q.predicate, q.object) for q in quads)]
    for store in stores:
        store.extend(with_default)


def bulk_add(store: ox.Store, quads: list[ox.Quad]) -> None:
    """``add`` for a build being written: the bulk loader, no transaction (blank nodes kept)."""
    store.bulk_extend([*quads, *(ox.Quad(q.subject, q.predicate, q.object) for q in quads)])


def remove_graph(stores: Iterable[ox.Store], graph: ox.NamedNode) -> list[ox.Triple]:
    """Remove a stated named graph from each store; return its triples (still stated elsewhere?)."""
    stores = list(stores)
    triples = [q.triple for q in stores[0].quads_for_pattern(None, None, None, graph)]
    for store in stores:
        store.remove_graph(graph)
    return triples


def remove(stores: Iterable[ox.Store], quads: list[ox.Quad]) -> None:
    """Remove quads of stated named graphs from each store."""
    for store in stores:
        for quad in quads:
            store.remove(quad)


def drop_unstated(store: ox.Store, stated: ox.Store, triples: Iterable[ox.Triple]) -> None:
    """Remove from both default graphs the ``triples`` no stated graph states any more.

    ``store`` keeps those its inferred graph holds.
    """
    for triple in set(triples):
        holders = stated.quads_for_pattern(triple.subject, triple.predicate, triple.object, None)
        if all(q.graph_name == DEFAULT for q in holders):
            plain = ox.Quad(triple.subject, triple.predicate, triple.object)
            stated.remove(plain)
            if ox.Quad(triple.subject, triple.predicate, triple.object, INFERRED) not in store:
                store.remove(plain)


def set_inferences(
    store: ox.Store, stated: ox.Store, graph: ox.NamedNode, gone: Iterable[ox.Quad], came: Iterable[ox.Quad]
) -> None:
    """Change an inferred graph of ``store`` (and, for the filtered one, its default graph).

    What the stated default graph states is never added: it is there already.
    """
    in_default = graph == INFERRED
    for quad in gone:
        store.remove(quad)
        plain = ox.Quad(quad.subject, quad.predicate, quad.object)
        if in_default and plain not in stated:
            store.remove(plain)
    added: list[ox.Quad] = []
    for quad in came:
        plain = ox.Quad(quad.subject, quad.predicate, quad.object)
        if plain not in stated:
            added.append(ox.Quad(quad.subject, quad.predicate, quad.object, graph))
            if in_default:
                added.append(plain)
    store.bulk_extend(added)


def drop_shadowed_inferences(store: ox.Store, stated: ox.Store) -> None:
    """Remove from the inferred graphs what the stated default graph now states (an as-is graph may)."""
    for graph in INFERENCES:
        quads = store.quads_for_pattern(None, None, None, graph)
        shadowed = [q for q in quads if ox.Quad(q.subject, q.predicate, q.object) in stated]
        for quad in shadowed:
            store.remove(quad)


def merged_triples(store: ox.Store) -> Iterator[ox.Triple]:
    """Every triple once: the default graph of a build's store (stated ∪ inferred)."""
    for quad in store.quads_for_pattern(None, None, None, DEFAULT):
        yield quad.triple


def named_quads(store: ox.Store) -> Iterator[ox.Quad]:
    """The quads of the named graphs (the default graph is derived from them)."""
    for graph in list(store.named_graphs()):
        yield from store.quads_for_pattern(None, None, None, graph)


def default_triples(store: ox.Store) -> int:
    """How many triples the default graph holds."""
    return _count(store, "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }")


def sizes(store: ox.Store) -> dict:
    """The size of each named graph and of the default graph (every triple once), for build.json.

    Counted once at build time: at 10,000 articles the counts take seconds, too long for the
    first ``/health`` of a server.
    """
    counts = solutions(store, "SELECT ?g (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
    graphs = {row["g"].value: int(row["n"].value) for row in counts}
    return {"graphs": graphs, "distinct_triples": default_triples(store)}


def named_quad_count(store: ox.Store) -> int:
    """How many quads the named graphs hold."""
    return _count(store, "SELECT (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } }")


def _count(store: ox.Store, query: str) -> int:
    return int(next(iter(solutions(store, query)))["n"].value)
