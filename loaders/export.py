"""Write the store's graphs out in a standard RDF syntax."""

from __future__ import annotations

from collections.abc import Iterator
from typing import BinaryIO

import pyoxigraph as ox
from rdflib import Dataset, Graph

from accords.formats import FORMATS as ALL_FORMATS
from accords.loaders.default_graph import INFERENCES, INFERRED, named_quads
from accords.loaders.namespaces import RDF_PREFIXES

FORMATS = {key: ALL_FORMATS[key].rdf for key in ("turtle", "trig", "nquads", "ntriples", "jsonld")}
SELECTIONS = ("asserted", "inferred", "all")
READABLE_LIMIT = 200_000


def selected_quads(store: ox.Store, selection: str) -> Iterator[ox.Quad]:
    """Quads of the named graphs: asserted (all but inferences), inferred (the default view's), or all."""
    if selection == "inferred":
        yield from store.quads_for_pattern(None, None, None, INFERRED)
        return
    for quad in named_quads(store):  # not the default graph: the merge of the others
        if selection == "all" or quad.graph_name not in INFERENCES:
            yield quad


def export(store: ox.Store, output: BinaryIO, rdf_format: str, selection: str) -> int:
    """Serialize the selection to ``output``; triple formats merge the graphs. Returns a count.

    Turtle and TriG up to READABLE_LIMIT statements go through rdflib, which sorts
    subjects, groups their properties and nests blank nodes; larger ones stream.
    """
    target = FORMATS[rdf_format]
    quads = list(selected_quads(store, selection))
    items: list[ox.Quad] | list[ox.Triple] = quads
    if not target.supports_datasets:
        items = list(dict.fromkeys(ox.Triple(q.subject, q.predicate, q.object) for q in quads))
    if rdf_format in ("turtle", "trig") and len(items) <= READABLE_LIMIT:
        output.write(_readable(items, rdf_format))
    else:
        prefixes = RDF_PREFIXES if rdf_format in ("turtle", "trig") else None
        ox.serialize(items, output, format=target, prefixes=prefixes)
    return len(items)


def _readable(items: list[ox.Quad] | list[ox.Triple], rdf_format: str) -> bytes:
    nquads = ox.serialize(items, format=ox.RdfFormat.N_QUADS)
    dataset = Dataset()
    dataset.parse(data=nquads, format="nquads")
    for prefix, namespace in RDF_PREFIXES.items():
        dataset.bind(prefix, namespace, replace=True)
    if rdf_format == "turtle":
        graph = Graph()
        for prefix, namespace in RDF_PREFIXES.items():
            graph.bind(prefix, namespace, replace=True)
        for triple in dataset.triples((None, None, None, None)):
            graph.add(triple[:3])
        return graph.serialize(format="turtle", encoding="utf-8")
    return dataset.serialize(format="trig", encoding="utf-8")
