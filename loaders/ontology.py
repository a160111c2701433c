"""The ontology and topic scheme files, and what the loader needs from them."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from rdflib import RDF, SKOS, Graph
from rdflib.compare import to_canonical_graph

from accords.loaders.errors import InputError
from accords.loaders.namespaces import ONTOLOGY_DIR, TOPIC

ONTOLOGY_FILES = ("accords.ttl", "topics.ttl")
SHAPES_FILE = "shapes.ttl"


def parse_turtle(path: Path) -> Graph:
    """Parse a Turtle file, or raise InputError naming the file and line."""
    graph = Graph()
    try:
        graph.parse(path, format="turtle")
    except OSError as error:
        raise InputError(path, f"cannot read: {error.strerror}") from error
    except Exception as error:  # rdflib raises several unrelated types for bad syntax
        raise InputError(path, f"Turtle syntax: {error}", getattr(error, "lines", None)) from None
    return graph


@cache
def ontology_graph(folder: Path = ONTOLOGY_DIR) -> Graph:
    """The ontology and the topic scheme together (the ontology named graph).

    Blank nodes get canonical labels, so every build writes the same quads.
    """
    graph = Graph()
    for name in ONTOLOGY_FILES:
        graph += parse_turtle(folder / name)
    canonical = Graph()
    canonical += to_canonical_graph(graph)
    return canonical


def topic_slugs(graph: Graph) -> frozenset[str]:
    """The slugs of the topic scheme's concepts (``topic:nuclear-energy`` → ``nuclear-energy``)."""
    prefix = str(TOPIC)
    return frozenset(
        str(c)[len(prefix) :] for c in graph.subjects(RDF.type, SKOS.Concept) if str(c).startswith(prefix)
    )
