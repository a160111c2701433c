"""Build the store: ontology + sources + inferences (+ extra graphs), atomically."""

from __future__ import annotations

import time
from pathlib import Path

from rdflib import Graph

from accords.config import Settings
from loaders.convert import quads
from loaders.namespaces import INFERRED_GRAPH, ONTOLOGY_GRAPH, source_graph
from loaders.ontology import ontology_graph, topic_slugs
from loaders.progress import Progress
from loaders.rdf_files import read_rdf_file
from loaders.reasoning import materialize
from loaders.sources import discover, read_source
from loaders.store import new_build


def build_store(
    settings: Settings,
    extra_graphs: dict[str, Path] | None = None,
    progress: Progress | None = None,
) -> dict:
    """Read everything first, reason, then write a new build and make it current.

    Any InputError, InconsistencyError or StoreError propagates before the current
    store is touched. Returns the summary also written to the build's ``build.json``.
    """
    progress = progress or Progress()
    started = time.monotonic()
    ontology = ontology_graph()
    topics = topic_slugs(ontology)

    files = discover(list(settings.sources))
    progress.start("reading", len(files))
    sources: dict[str, Graph] = {}
    for source_files in files:
        article, graph = read_source(source_files, topics)
        sources[article.source_id] = graph
        progress.advance()

    extra = {iri: read_rdf_file(path, iri) for iri, path in (extra_graphs or {}).items()}

    progress.start("reasoning", 1)
    asserted = [*ontology]
    for graph in sources.values():
        asserted.extend(graph)
    inferred = materialize(asserted)
    progress.advance()

    progress.start("storing", len(sources) + len(extra) + 2)
    with new_build(settings.store) as (store, info):
        store.extend(quads(ontology, str(ONTOLOGY_GRAPH)))
        progress.advance()
        for source_id, graph in sources.items():
            store.extend(quads(graph, source_graph(source_id)))
            progress.advance()
        store.extend(quads(inferred, str(INFERRED_GRAPH)))
        progress.advance()
        for extra_quads in extra.values():
            store.extend(extra_quads)
            progress.advance()
        info.update(
            sources=sorted(sources),
            extra_graphs=sorted(extra),
            triples={
                "ontology": len(ontology),
                "asserted": sum(len(g) for g in sources.values()),
                "inferred": len(inferred),
                "extra": sum(len(q) for q in extra.values()),
            },
            quads=len(store),
            seconds=round(time.monotonic() - started, 3),
        )
        summary = dict(info)
    return summary


def summary_line(summary: dict) -> str:
    triples = summary["triples"]
    return (
        f"built {len(summary['sources'])} source(s): {triples['asserted']} asserted, "
        f"{triples['inferred']} inferred, {triples['ontology']} ontology"
        + (f", {triples['extra']} in extra graphs" if summary["extra_graphs"] else "")
        + f" triples ({summary['quads']} quads) in {summary['seconds']:.1f}s"
    )
