"""Write the store's graphs out in a standard RDF syntax."""

from __future__ import annotations

from collections.abc import Iterator
from typing import BinaryIO

import pyoxigraph as ox

from loaders.namespaces import INFERRED_GRAPH, PREFIXES

FORMATS = {
    "turtle": ox.RdfFormat.TURTLE,
    "trig": ox.RdfFormat.TRIG,
    "nquads": ox.RdfFormat.N_QUADS,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "jsonld": ox.RdfFormat.JSON_LD,
}
SELECTIONS = ("asserted", "inferred", "all")


def selected_quads(store: ox.Store, selection: str) -> Iterator[ox.Quad]:
    """Quads of the named graphs: asserted (everything but inferences), inferred, or all."""
    inferred = ox.NamedNode(str(INFERRED_GRAPH))
    if selection == "inferred":
        yield from store.quads_for_pattern(None, None, None, inferred)
        return
    for quad in store:
        if selection == "all" or quad.graph_name != inferred:
            yield quad


def export(store: ox.Store, output: BinaryIO, rdf_format: str, selection: str) -> int:
    """Serialize the selection to ``output``; triple formats merge the graphs. Returns a count."""
    target = FORMATS[rdf_format]
    items = list(selected_quads(store, selection))
    if not target.supports_datasets:
        unique = dict.fromkeys(ox.Triple(q.subject, q.predicate, q.object) for q in items)
        items = list(unique)
    prefixes = PREFIXES if target in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG) else None
    ox.serialize(items, output, format=target, prefixes=prefixes)
    return len(items)
