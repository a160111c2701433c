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
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from rdflib import RDF

from accords.config import ConfigError, Settings
from accords.loaders import default_graph
from accords.loaders.convert import quads
from accords.loaders.errors import InputError
from accords.loaders.merged import graph_pairs, merge
from accords.loaders.namespaces import (
    ACC,
    INFERRED_FULL_GRAPH,
    INFERRED_GRAPH,
    MERGED_GRAPH,
    ONTOLOGY_GRAPH,
    WIKIDATA_GRAPH,
    source_graph,
)
from accords.loaders.ontology import ontology_graph, topic_slugs
from accords.loaders.progress import Progress
from accords.loaders.rdf_files import read_rdf_file
from accords.loaders.reasoner import Inference, reason_keys
from accords.loaders.reasoner.terms import Triple, to_key
from accords.loaders.reasoning import InconsistencyError
from accords.loaders.sources import SourceFiles, discover, read_source
from accords.loaders.state import write_state
from accords.loaders.store import build_folder
from accords.loaders.user_graphs import blame, merged, pairs_of, read_graphs
from accords.loaders.wikidata import snapshot_file

REASONERS = ("fast", "owlrl")
PARALLEL_FROM = 64  # fewer articles than this are read in this process
CHUNK = 50
LOAD_BATCH = 500  # sources per bulk load


Pairs = dict[str, list[tuple[str, str]]]  # property → (subject, object) pairs
GraphPairs = dict[str, set[tuple[str, str]]]  # the same, of a user graph (loaders.user_graphs)


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


def parsed(data: bytes) -> list[ox.Quad]:
    """The quads of N-Quads text (blank node labels kept)."""
    return list(ox.parse(input=data, format=ox.RdfFormat.N_QUADS)) if data else []


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
    article, triples = read_source(files, topics)
    pairs: Pairs = {}
    for s, p, o in triples:
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


def infer(
    ontology: list[Triple], sources: Iterable[Pairs | GraphPairs], reasoner: str = "fast", full: bool = False
) -> Inference:
    """The inference over the ontology and the sources' triples (InconsistencyError if none).

    With ``full``, also what the filter drops (``graph/inferred-full``).
    """
    if reasoner not in REASONERS:
        raise ValueError(f"unknown reasoner {reasoner!r} (expected one of {', '.join(REASONERS)})")
    return reason_keys(merged(ontology, [sources]), full, reasoner)


def reason_over(
    ontology: list[Triple],
    articles: dict[str, Pairs],
    graphs: dict[str, GraphPairs],
    reasoner: str,
    full: bool,
) -> Inference:
    """``infer`` over the articles and the user's graphs; an inconsistency names the graph it comes from."""
    try:
        return infer(ontology, [*articles.values(), *graphs.values()], reasoner, full)
    except InconsistencyError as error:
        parts: dict[str, list[dict]] = {f"graph <{iri}>": [pairs] for iri, pairs in graphs.items()}
        if articles:
            parts = {"the articles": list(articles.values()), **parts}
        raise blame(error, ontology, parts, reasoner) from None


def ontology_keys() -> list[Triple]:
    return [(to_key(s), to_key(p), to_key(o)) for s, p, o in ontology_graph()]


@dataclass(frozen=True)
class Inputs:
    """What a build holds besides the articles: ``--graph`` files (reasoned over), ``--graph-as-is``
    ones (not), the ontology (or not)."""

    graphs: dict[str, Path] = field(default_factory=dict)
    as_is: dict[str, Path] = field(default_factory=dict)
    ontology: bool = True


def build_store(
    settings: Settings,
    extra_graphs: dict[str, Path] | None = None,
    progress: Progress | None = None,
    reasoner: str | None = None,
    inputs: Inputs | None = None,
) -> dict:
    """Read everything first, reason, then write a new build and make it current.

    ``extra_graphs`` are reasoned over (as ``inputs.graphs``). Any InputError,
    InconsistencyError or StoreError propagates before the current store is touched.
    Returns the summary also written to the build's ``build.json``.
    """
    progress = progress or Progress()
    reasoner = check_reasoner(reasoner or str(getattr(settings, "reasoner", "fast")))
    inputs = inputs or Inputs()
    inputs = Inputs({**inputs.graphs, **(extra_graphs or {})}, inputs.as_is, inputs.ontology)
    with without_gc():
        return _build_store(settings, inputs, progress, reasoner)


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


def _build_store(settings: Settings, inputs: Inputs, progress: Progress, reasoner: str) -> dict:
    started = time.monotonic()
    phases: dict[str, float] = {}
    ontology = ontology_graph()
    topics = topic_slugs(ontology)
    if not inputs.ontology:
        ontology = type(ontology)()

    files = discover(list(settings.sources))
    sources: dict[str, Pairs] = {}  # the N-Quads of each source are loaded, then dropped
    # The source graphs are written as they come, while the workers read on; on any error
    # the unfinished build is removed and the current one stays as it was. The store is
    # compacted once more after the inferences (``optimize``): see ``default_graph.checkpoint``.
    with build_folder(settings.store) as (store, info, folder):
        batch: list[bytes] = []  # each source's graph, and its triples again for the default graph
        agreement_type = (to_key(RDF.type), to_key(ACC.AgreementReport))  # an article's own agreements
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

        reasoned, as_is = read_graphs(inputs.graphs, inputs.as_is)
        wikidata = snapshot_file(settings.store)  # `accords wikidata snapshot`: kept, not reasoned over
        if str(WIKIDATA_GRAPH) not in {**reasoned, **as_is} and wikidata.is_file():
            as_is[str(WIKIDATA_GRAPH)] = read_rdf_file(wikidata, str(WIKIDATA_GRAPH))
        graphs = {iri: pairs_of(quads) for iri, quads in reasoned.items()}
        phases["reading_and_loading_sources"] = time.monotonic() - started

        progress.start("merging reports", 1)
        ontology_triples = ontology_keys() if inputs.ontology else []
        resolution = merge(sources, ontology_keys())
        merged = nquads(resolution.triples, str(MERGED_GRAPH))
        load_nquads(store, merged + default_graph.as_default(merged, str(MERGED_GRAPH)))
        progress.advance()
        phases["merging_reports"] = time.monotonic() - started - sum(phases.values())

        progress.start("reasoning", 1)
        full = getattr(settings, "full_entailment", False) or getattr(settings, "entailment", "") == "full"
        articles = {**sources, str(MERGED_GRAPH): graph_pairs(resolution.triples)}
        inference = reason_over(ontology_triples, articles, graphs, reasoner, full)
        inferred = inference.useful
        progress.advance()
        phases["reasoning"] = time.monotonic() - started - sum(phases.values())

        progress.start("storing", 1)
        if inputs.ontology:
            default_graph.add([store], list(quads(ontology, str(ONTOLOGY_GRAPH))))
        for extra_quads in [*reasoned.values(), *as_is.values()]:
            default_graph.bulk_add(store, extra_quads)
        default_graph.checkpoint(store, folder)  # the stated store; then the inferences
        inferred_nquads = nquads(inferred, str(INFERRED_GRAPH))
        full_nquads = nquads(inference.dropped, str(INFERRED_FULL_GRAPH))
        if as_is:  # what is reasoned over is never inferred again; an as-is graph may state an inference
            default_graph.add_inferences(store, folder, parsed(inferred_nquads), parsed(full_nquads))
        else:
            load_nquads(store, inferred_nquads + full_nquads)  # two loads: half the loader's memory
            load_nquads(store, default_graph.as_default(inferred_nquads, str(INFERRED_GRAPH)))
        progress.advance()
        info.update(
            sources=sorted(sources),
            without_agreements=sorted(without_agreements),
            extra_graphs=sorted({*reasoned, *as_is}),
            triples={
                "ontology": len(ontology),
                "asserted": sum(len(pairs) for grouped in sources.values() for pairs in grouped.values()),
                "merged": len(resolution.triples),
                "inferred": len(inferred),
                "extra": sum(len(q) for q in [*reasoned.values(), *as_is.values()]),
                "inferred_full": len(inference.dropped),
            },
            events=len(resolution.events),
            quads=default_graph.named_quad_count(store),
            reasoner=reasoner,
            reasoning=reasoning_info(inputs.ontology, sorted(reasoned), sorted(as_is), full, inference),
        )
        write_state(
            folder, sources, inferred, ontology_triples, resolution.triples, graphs, inference.dropped
        )
        phases["storing"] = time.monotonic() - started - sum(phases.values())
        info["phases"] = {name: round(seconds, 3) for name, seconds in phases.items()}
        info["seconds"] = round(time.monotonic() - started, 3)
        summary = dict(info)
    return summary


def reasoning_info(
    ontology: bool, graphs: list[str], as_is: list[str], full: bool, inference: Inference
) -> dict:
    """What ``build.json`` (and so /health and the service description) says of the reasoning."""
    return {
        "graphs": ([str(ONTOLOGY_GRAPH)] if ontology else []) + graphs,
        "source_graphs": True,  # every graph/source/… graph
        "as_is": as_is,
        "full_entailment": full,
        "fallback": inference.fallback,
    }


def summary_line(summary: dict) -> str:
    triples = summary["triples"]
    return (
        f"built {len(summary['sources'])} source(s), {summary['events']} signing(s): "
        f"{triples['asserted']} asserted, {triples['merged']} merged, {triples['inferred']} inferred"
        + (f" (+{triples['inferred_full']} in the full regime)" if triples.get("inferred_full") else "")
        + f", {triples['ontology']} ontology"
        + (f", {triples['extra']} in extra graphs" if summary["extra_graphs"] else "")
        + f" triples ({summary['quads']} quads) in {summary['seconds']:.1f}s"
        + fallback_note(summary)
        + _without_agreements(summary.get("without_agreements", []))
    )


def fallback_note(summary: dict) -> str:
    """Said when the fast reasoner met input it does not support and owlrl reasoned instead."""
    why = summary.get("reasoning", {}).get("fallback")
    return f"; the fast reasoner fell back to owlrl ({why})" if why else ""


def _without_agreements(source_ids: list[str]) -> str:
    """ "; 2 report no signing (no agreement): a, b" — talks, a signing to come."""
    if not source_ids:
        return ""
    shown = ", ".join(source_ids[:5]) + (", …" if len(source_ids) > 5 else "")
    return f"; {len(source_ids)} report no signing (no agreement): {shown}"
