"""SHACL validation of the built graph against ontology/shapes.ttl."""

from __future__ import annotations

import pyoxigraph as ox
import pyshacl
from rdflib import Graph

from accords.loaders.namespaces import ONTOLOGY_DIR
from accords.loaders.ontology import SHAPES_FILE, parse_turtle


def store_as_graph(store: ox.Store) -> Graph:
    """Every triple of every graph (asserted, ontology, inferred) in one rdflib graph."""
    data = ox.serialize(
        (ox.Triple(q.subject, q.predicate, q.object) for q in store), format=ox.RdfFormat.N_TRIPLES
    )
    graph = Graph()
    graph.parse(data=data, format="nt")
    return graph


def validate(store: ox.Store) -> tuple[bool, str]:
    """(conforms, report text) for the whole store, inferences included."""
    shapes = parse_turtle(ONTOLOGY_DIR / SHAPES_FILE)
    conforms, _, text = pyshacl.validate(
        store_as_graph(store), shacl_graph=shapes, inference="none", advanced=True
    )
    return bool(conforms), text
