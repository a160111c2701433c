"""The dataset of ``accords serve --backend URL``, read from the backend as it comes (for the dumps).

Standard SPARQL 1.1 only: the named graphs are listed (``BackendPool.statistics``), then each
is asked for with a ``CONSTRUCT`` as N-Triples, parsed as the HTTP answer arrives: the dataset
is never held in memory here. Merged (Turtle), a triple is taken only from the first
graph by IRI that holds it (``FILTER NOT EXISTS`` on the graphs before it): each triple once,
nothing remembered here. The backend's default graph is the union of its named graphs (see
``server.engine.backend``), so only named graphs are read; their list is the one ``/health`` shows
(at most ``STATISTICS_SECONDS`` old). Each graph is one query: the backend's own time limit
must allow reading its largest graph.
"""

from __future__ import annotations

from collections.abc import Iterator

import pyoxigraph as ox

from accords.server.engine.backend import GRAPHS, BackendPool
from accords.server.engine.jobs import ExecutionError

MERGE_QUERY = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"
GRAPH_QUERY = "CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH {graph} {{ ?s ?p ?o }} }}"
FIRST_HOLDER_QUERY = (
    "CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH {graph} {{ ?s ?p ?o }}"
    " FILTER NOT EXISTS {{ GRAPH ?h {{ ?s ?p ?o }} FILTER (STR(?h) < {name}) }} }}"
)


def dataset(pool: BackendPool, merge_graphs: bool) -> Iterator[ox.Quad | ox.Triple]:
    """The quads of every named graph of the backend, graph by graph; each triple once if merged.

    Raises ExecutionError when the backend cannot be reached or its answer cannot be read.
    """
    if merge_graphs and pool.default_graph:  # the merge is there already: each triple once
        yield from _read(pool, MERGE_QUERY, pool.default_dataset(), None)
        return
    for name in sorted(pool.statistics()["graphs"]):
        graph = ox.NamedNode(name)
        if merge_graphs:
            query = FIRST_HOLDER_QUERY.format(graph=graph, name=ox.Literal(name))
        else:
            query = GRAPH_QUERY.format(graph=graph)
        yield from _read(pool, query, [], None if merge_graphs else graph)


def _read(
    pool: BackendPool, query: str, dataset: list[tuple[str, str]], graph: ox.NamedNode | None
) -> Iterator[ox.Quad | ox.Triple]:
    """The triples of a CONSTRUCT as they arrive; as quads of ``graph`` if one is given."""
    with pool.stream(query, GRAPHS, dataset) as response, pool.translated_errors():
        try:
            for quad in ox.parse(response, ox.RdfFormat.N_TRIPLES):
                yield (
                    quad.triple
                    if graph is None
                    else ox.Quad(quad.subject, quad.predicate, quad.object, graph)
                )
        except SyntaxError as error:
            raise ExecutionError.upstream(f"the backend's answer cannot be read: {error}") from None
