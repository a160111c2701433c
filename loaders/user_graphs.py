"""The graphs a user adds with ``--graph`` (reasoned over) and ``--graph-as-is`` (kept out).

Their triples join the reasoning as N-Triples strings grouped by property, like the articles'.
When the whole is inconsistent, ``blame`` names the graph the contradiction comes from.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pyoxigraph as ox

from accords.loaders.errors import InputError
from accords.loaders.namespaces import (
    INFERRED_FULL_GRAPH,
    INFERRED_GRAPH,
    ONTOLOGY_GRAPH,
    SOURCE_GRAPH_PREFIX,
)
from accords.loaders.rdf_files import read_rdf_file
from accords.loaders.reasoner.engine import group
from accords.loaders.reasoner.terms import Triple
from accords.loaders.reasoning import InconsistencyError

Pairs = dict[str, set[tuple[str, str]]]
RESERVED = {str(INFERRED_GRAPH), str(INFERRED_FULL_GRAPH), str(ONTOLOGY_GRAPH)}


def read_graphs(reasoned: dict[str, Path], as_is: dict[str, Path]) -> tuple[dict, dict]:
    """The quads of each ``--graph`` and ``--graph-as-is`` file; InputError for a graph named twice."""
    both = sorted(set(reasoned) & set(as_is))
    if both:
        raise InputError(as_is[both[0]], f"graph <{both[0]}> is given both with --graph and --graph-as-is")
    for iri, path in {**reasoned, **as_is}.items():
        if iri in RESERVED or iri.startswith(SOURCE_GRAPH_PREFIX):
            raise InputError(path, f"graph <{iri}> is one the build writes itself: choose another IRI")
    return (
        {iri: read_rdf_file(path, iri) for iri, path in reasoned.items()},
        {iri: read_rdf_file(path, iri) for iri, path in as_is.items()},
    )


def pairs_of(quads: Iterable[ox.Quad]) -> Pairs:
    """The triples of some quads, as N-Triples strings grouped by property."""
    return group((str(q.subject), str(q.predicate), str(q.object)) for q in quads)


def merged(ontology: list[Triple], parts: Iterable[Iterable[dict]]) -> Pairs:
    """The ontology and every part's grouped triples in one grouping (new sets: parts stay whole)."""
    by_property = group(ontology)
    for part in parts:
        for pairs in part:
            for p, so in pairs.items():
                by_property.setdefault(p, set()).update(so)
    return by_property


def blame(
    error: InconsistencyError, ontology: list[Triple], parts: dict[str, list[dict]], reasoner: str
) -> InconsistencyError:
    """The error again, naming the graph(s) that are inconsistent with the ontology on their own.

    ``parts``: a label (a graph IRI, or "the articles") → its grouped triples. If no part is
    inconsistent alone, the contradiction is between them, and all are named.
    """
    from accords.loaders.reasoner import reason_keys

    culprits: list[tuple[str, list[str]]] = []
    for label, part in parts.items():
        try:
            reason_keys(merged(ontology, [part]), reasoner=reasoner)
        except InconsistencyError as alone:
            culprits.append((label, alone.messages))
    if len(culprits) == 1:
        return InconsistencyError(culprits[0][1], culprits[0][0])
    if culprits:
        return InconsistencyError(error.messages, " and ".join(label for label, _ in culprits))
    return InconsistencyError(error.messages, "the union of " + ", ".join(parts))
