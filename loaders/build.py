"""Build the store: ontology + sources + inferences (+ extra graphs), atomically.

Articles are read, checked and mapped in worker processes (one per core); their triples travel
as N-Triples strings (``loaders.reasoner.terms``), which the fast reasoner works on directly and
pyoxigraph's bulk loader reads as N-Quads.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from rdflib import RDF

from accords.config import ConfigError, Settings
from accords.loaders import default_graph
from accords.loaders.article import read_article
from accords.loaders.convert import quads
from accords.loaders.errors import InputError
from accords.loaders.mapping import annotation_triples
from accords.loaders.namespaces import ACC, INFERRED_GRAPH, ONTOLOGY_GRAPH, WIKIDATA_GRAPH, source_graph
from accords.loaders.ontology import ontology_graph, topic_slugs
from accords.loaders.progress import Progress
from accords.loaders.rdf_files import read_rdf_file
from accords.loaders.reasoner.engine import group
from accords.loaders.reasoner.terms import Triple, from_key, to_key
from accords.loaders.sources import SourceFiles, discover, read_annotation
from accords.loaders.state import write_state
from accords.loaders.store import build_folder
from accords.loaders.wikidata import snapshot_file

REASONERS = ("fast", "owlrl")
PARALLEL_FROM = 64  # fewer articles than this are read in this process
CHUNK = 50
LOAD_BATCH = 500  # sources per bulk load


Pairs = dict[str, list[tuple[str, str]]]  # property → (subject, object) pairs


@dataclass(frozen=True)
class SourceGraph:
    """The asserted triples of one source (N-Triples strings grouped by property) and their N-Quads."""

    source_id: str
    pairs: Pairs
    nquads: bytes

    def __len__(self) -> int:
        return sum(map(len, self.pairs.values()))


def nquads(triples: Iterable[Triple], graph: str) -> bytes:
    name = f"<{graph}>"
    return "".join([f"{s} {p} {o} {name} .\n" for s, p, o in triples]).encode("utf-8")


def grouped_nquads(pairs: Pairs, graph: str) -> bytes:
    name = f"<{graph}>"
    return "".join([f"{s} {p} {o} {name} .\n" for p, so in pairs.items() for s, o in so]).encode("utf-8")


def load_nquads(store: ox.Store, data: bytes) -> None:
    """Add N-Quads to a store being built, with the bulk loader.

    ``bulk_load`` renames blank nodes, so text that may hold any is parsed here first (pyoxigraph's
    parser keeps their labels) and its quads are bulk-loaded.
    """
    if not data:
        return
    if b"_:" in data:
        store.bulk_extend(ox.parse(input=data, format=ox.RdfFormat.N_QUADS))
    else:
        store.bulk_load(input=data, format=ox.RdfFormat.N_QUADS)


def _read_one(files: SourceFiles, topics: frozenset[str], interned: dict[str, str]) -> SourceGraph:
    article = read_article(files.article)
    annotation = read_annotation(files, article, topics)
    pairs: Pairs = {}
    for s, p, o in annotation_triples(article, annotation):
        s_key, p_key, o_key = to_key(s), to_key(p), to_key(o)
        p_key = interned.setdefault(p_key, p_key)
        pair = (interned.setdefault(s_key, s_key), interned.setdefault(o_key, o_key))
        group = pairs.get(p_key)
        if group is None:
            pairs[p_key] = [pair]
        else:
            group.append(pair)
    return SourceGraph(article.source_id, pairs, grouped_nquads(pairs, source_graph(article.source_id)))


_topics: frozenset[str] = frozenset()


def _init_worker(topics: frozenset[str]) -> None:
    global _topics
    _topics = topics
    gc.disable()


def _read_chunk(chunk: list[SourceFiles]) -> list[SourceGraph] | tuple[str, str, int | None]:
    """The graphs of a chunk of sources, or the first error as (path, message, line)."""
    interned: dict[str, str] = {}
    graphs = []
    for files in chunk:
        try:
            graphs.append(_read_one(files, _topics, interned))
        except InputError as error:
            return (error.path, error.message, error.line)
    return graphs


def read_sources(
    files: list[SourceFiles], topics: frozenset[str], progress: Progress | None = None
) -> Iterator[SourceGraph]:
    """Read, check and map every source, in order; InputError for the first bad one."""
    progress = progress or Progress()
    progress.start("reading", len(files))
    processes = min(2, os.cpu_count() or 1)
    if len(files) < PARALLEL_FROM or processes < 2:
        interned: dict[str, str] = {}
        for source_files in files:
            yield _read_one(source_files, topics, interned)
            progress.advance()
        return
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else None)
    chunks = [files[i : i + CHUNK] for i in range(0, len(files), CHUNK)]
    with context.Pool(processes, initializer=_init_worker, initargs=(topics,)) as pool:
        for result in pool.imap(_read_chunk, chunks):
            if isinstance(result, tuple):
                raise InputError(*result)
            yield from result
            progress.advance(len(result))


def check_reasoner(name: str) -> str:
    if name not in REASONERS:
        raise ConfigError(f"unknown reasoner {name!r} (expected one of {', '.join(REASONERS)})")
    return name


def infer(ontology: list[Triple], sources: Iterable[Pairs], reasoner: str = "fast") -> set[Triple]:
    """The useful inferred triples of the ontology and the sources' triples (InconsistencyError if none)."""
    if reasoner not in REASONERS:
        raise ValueError(f"unknown reasoner {reasoner!r} (expected one of {', '.join(REASONERS)})")
    by_property = group(ontology)
    for pairs in sources:
        for p, source_pairs in pairs.items():
            known = by_property.get(p)
            if known is None:
                by_property[p] = set(source_pairs)
            else:
                known.update(source_pairs)
    if reasoner == "fast":
        from accords.loaders.reasoner import materialize_keys

        return materialize_keys(by_property)
    from accords.loaders.reasoning import materialize

    asserted = [(s, p, o) for p, pairs in by_property.items() for s, o in pairs]
    terms = {k: from_key(k) for k in {k for t in asserted for k in t}}
    rdf_triples = [(terms[s], terms[p], terms[o]) for s, p, o in asserted]
    return {(to_key(s), to_key(p), to_key(o)) for s, p, o in materialize(rdf_triples)}  # type: ignore[arg-type]


def ontology_keys() -> list[Triple]:
    return [(to_key(s), to_key(p), to_key(o)) for s, p, o in ontology_graph()]


def build_store(
    settings: Settings,
    extra_graphs: dict[str, Path] | None = None,
    progress: Progress | None = None,
    reasoner: str | None = None,
) -> dict:
    """Read everything first, reason, then write a new build and make it current.

    Any InputError, InconsistencyError or StoreError propagates before the current
    store is touched. Returns the summary also written to the build's ``build.json``.
    """
    progress = progress or Progress()
    reasoner = check_reasoner(reasoner or getattr(settings, "reasoner", "fast"))
    with without_gc():
        return _build_store(settings, extra_graphs or {}, progress, reasoner)


@contextmanager
def without_gc() -> Iterator[None]:
    """Millions of small tuples make the cyclic collector run again and again for nothing."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _build_store(
    settings: Settings, extra_graphs: dict[str, Path], progress: Progress, reasoner: str
) -> dict:
    started = time.monotonic()
    phases: dict[str, float] = {}
    ontology = ontology_graph()
    topics = topic_slugs(ontology)

    files = discover(list(settings.sources))
    sources: dict[str, Pairs] = {}  # the N-Quads of each source are loaded, then dropped
    # The source graphs are written as they come, while the workers read on; on any error
    # the unfinished build is removed and the current one stays as it was.
    with build_folder(settings.store) as (store, info, folder):
        batch: list[bytes] = []  # each source's graph, and its triples again for the default graph
        agreement_type = (to_key(RDF.type), to_key(ACC.Agreement))
        without_agreements = []
        for graph in read_sources(files, topics, progress):
            sources[graph.source_id] = graph.pairs
            if not any(o == agreement_type[1] for _, o in graph.pairs.get(agreement_type[0], ())):
                without_agreements.append(graph.source_id)
            batch += [graph.nquads, default_graph.as_default(graph.nquads, source_graph(graph.source_id))]
            if len(batch) >= 2 * LOAD_BATCH:
                load_nquads(store, b"".join(batch))
                batch = []
        load_nquads(store, b"".join(batch))

        extra = {iri: read_rdf_file(path, iri) for iri, path in extra_graphs.items()}
        wikidata = snapshot_file(settings.store)  # `accords wikidata snapshot`: kept, not reasoned over
        if str(WIKIDATA_GRAPH) not in extra and wikidata.is_file():
            extra[str(WIKIDATA_GRAPH)] = read_rdf_file(wikidata, str(WIKIDATA_GRAPH))
        phases["reading_and_loading_sources"] = time.monotonic() - started

        progress.start("reasoning", 1)
        ontology_triples = ontology_keys()
        inferred = infer(ontology_triples, sources.values(), reasoner)
        progress.advance()
        phases["reasoning"] = time.monotonic() - started - sum(phases.values())

        progress.start("storing", 1)
        load_nquads(store, nquads(inferred, str(INFERRED_GRAPH)))
        default_graph.add(store, list(quads(ontology, str(ONTOLOGY_GRAPH))))
        for extra_quads in extra.values():
            default_graph.add(store, extra_quads)
        default_graph.drop_shadowed_inferences(store)
        progress.advance()
        info.update(
            sources=sorted(sources),
            without_agreements=sorted(without_agreements),
            extra_graphs=sorted(extra),
            triples={
                "ontology": len(ontology),
                "asserted": sum(len(pairs) for grouped in sources.values() for pairs in grouped.values()),
                "inferred": len(inferred),
                "extra": sum(len(q) for q in extra.values()),
            },
            quads=default_graph.named_quad_count(store),
            reasoner=reasoner,
        )
        write_state(folder, sources, inferred, ontology_triples)
        phases["storing"] = time.monotonic() - started - sum(phases.values())
        info["phases"] = {name: round(seconds, 3) for name, seconds in phases.items()}
        info["seconds"] = round(time.monotonic() - started, 3)
        summary = dict(info)
    return summary


def summary_line(summary: dict) -> str:
    triples = summary["triples"]
    return (
        f"built {len(summary['sources'])} source(s): {triples['asserted']} asserted, "
        f"{triples['inferred']} inferred, {triples['ontology']} ontology"
        + (f", {triples['extra']} in extra graphs" if summary["extra_graphs"] else "")
        + f" triples ({summary['quads']} quads) in {summary['seconds']:.1f}s"
        + _without_agreements(summary.get("without_agreements", []))
    )


def _without_agreements(source_ids: list[str]) -> str:
    """ "; 2 report no signing (no agreement): a, b" — talks, a signing to come."""
    if not source_ids:
        return ""
    shown = ", ".join(source_ids[:5]) + (", …" if len(source_ids) > 5 else "")
    return f"; {len(source_ids)} report no signing (no agreement): {shown}"
