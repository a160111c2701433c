"""Convert rdflib terms and triples to pyoxigraph ones."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import cast

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.term import Node


def to_oxigraph(term: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise TypeError(f"not an RDF term: {term!r}")


def quads(triples: Iterable[tuple[Node, Node, Node]], graph: str) -> Iterator[ox.Quad]:
    """The triples as quads of the named graph ``graph``."""
    name = ox.NamedNode(graph)
    for s, p, o in triples:  # rdflib's triples: an IRI or blank node first, an IRI second
        subject = cast(ox.NamedNode | ox.BlankNode, to_oxigraph(s))
        yield ox.Quad(subject, cast(ox.NamedNode, to_oxigraph(p)), to_oxigraph(o), name)
